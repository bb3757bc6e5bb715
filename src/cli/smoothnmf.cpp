/* smoothnmf: the MPI program, a thin front end over the NMF object and the HDF5 I/O.

     mpirun -n P smoothnmf -i INPUT[:DATASET] -o OUTPUT.h5 [-o_hspy OUTPUT.hspy] [-o_overwrite]
            [-checkpoint FILE [-checkpoint_every N] [-checkpoint_seconds S]] [-restart FILE]
            [-nmf_OPTION VALUE ...] [PETSc options]

   Exit status: 0 done, 1 an error every rank found, 2 a failure of one rank (MPI_Abort), 3
   stopped by SIGTERM/SIGUSR1 after writing a checkpoint (the line printed says how to resume).
*/
#include <chrono>
#include <thread>
#include <slepcsys.h>
#include <smoothnmf.h>
#include <smoothnmf_io.h>
#include "cli.h"
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <unistd.h>

static const char help[] = "smoothnmf: regularized NMF (espm's SmoothNMF) of hyperspectral maps, distributed with MPI.\n"
                           "usage: mpirun -n P smoothnmf -i INPUT[:DATASET] -o OUTPUT.h5 [-o_hspy OUTPUT.hspy] [-nmf_OPTION VALUE ...]\n"
                           "       [-checkpoint FILE -checkpoint_every N -checkpoint_seconds S] [-restart FILE] [-o_overwrite]\n"
                           "SIGTERM or SIGUSR1 (mpiexec forwards SIGUSR1 to every rank) stops the run after the current iteration with a\n"
                           "checkpoint (-checkpoint FILE, else OUTPUT.checkpoint.h5) and the exit status 3; -restart FILE resumes it.\n\n";

#define EXIT_INTERRUPTED 3 /* stopped by a signal, with a checkpoint to resume from */

/* ---------------------------------------------------------------- one-line errors */

static int local_error   = 0; /* an error raised on a sub-communicator: other ranks may be waiting */
static int options_phase = 0; /* reading options: every rank parses the same, errors are collective */

static PetscErrorCode OneLineErrorHandler(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  PetscMPIInt rank = 0, size = 1, wsize = 1, wrank = 0;
  const char *text = mess;

  if (p != PETSC_ERROR_INITIAL) return n;
  if (!text || !text[0] || !strcmp(text, " ")) PetscErrorMessage(n, &text, NULL);
  const bool in_malloc = fun && (!strncmp(fun, "PetscMalloc", 11) || !strncmp(fun, "PetscTrMalloc", 13));
  if (n == PETSC_ERR_MEM || in_malloc) text = "out of memory (an allocation failed)"; /* PETSc's own text names a function */
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  MPI_Comm_size(PETSC_COMM_WORLD, &wsize);
  MPI_Comm_rank(PETSC_COMM_WORLD, &wrank);
  if (options_phase) {
    if (wrank == 0) fprintf(stderr, "smoothnmf: error: %s\n", text);
  } else if (size < wsize) {
    local_error = 1;
    /* the same local failure on every rank at once (an allocation a damaged file makes too large
       everywhere): rank 0 says it and ends the job; the others give it 3 s, so the job prints
       one line, and speak for themselves when the failure was theirs alone */
    if (wrank > 0) std::this_thread::sleep_for(std::chrono::seconds(3));
    fprintf(stderr, "smoothnmf: error (rank %d): %s\n", wrank, text);
  } else if (rank == 0)
    fprintf(stderr, "smoothnmf: error: %s\n", text);
  fflush(stderr);
  return n;
}

/* ---------------------------------------------------------------- options of the program */

struct ProgramOptions {
  char      input[PETSC_MAX_PATH_LEN] = "", output[PETSC_MAX_PATH_LEN] = "", hspy[PETSC_MAX_PATH_LEN] = "";
  char      shape[256] = "", layout[64] = "pixels_first", data_type[64] = "native";
  char      init_W[PETSC_MAX_PATH_LEN] = "", init_H[PETSC_MAX_PATH_LEN] = "", G[PETSC_MAX_PATH_LEN] = "";
  char      fixed_W[PETSC_MAX_PATH_LEN] = "", fixed_H[PETSC_MAX_PATH_LEN] = "";
  char      true_D[PETSC_MAX_PATH_LEN] = "", true_H[PETSC_MAX_PATH_LEN] = "", transform[PETSC_MAX_PATH_LEN] = "";
  char      checkpoint[PETSC_MAX_PATH_LEN] = "", restart[PETSC_MAX_PATH_LEN] = "";
  char      navigation_mask[PETSC_MAX_PATH_LEN] = "", signal_mask[PETSC_MAX_PATH_LEN] = "";
  char      every[64] = "0", seconds[64] = "0";
  PetscBool has_input = PETSC_FALSE, has_output = PETSC_FALSE, has_hspy = PETSC_FALSE, has_shape = PETSC_FALSE;
  PetscBool has_checkpoint = PETSC_FALSE, has_restart = PETSC_FALSE, has_every = PETSC_FALSE, has_seconds = PETSC_FALSE;
  PetscBool overwrite          = PETSC_FALSE;
  PetscInt  checkpoint_every   = 0;
  double    checkpoint_seconds = 0;
};

static PetscErrorCode ReadProgramOptions(MPI_Comm comm, ProgramOptions *o)
{
  PetscFunctionBegin;
  PetscOptionsBegin(comm, NULL, "smoothnmf program options (files, layout, checkpoints; the solver's are the -nmf_ options)", "smoothnmf");
  /* the spellings before version 0.2, in the library's -nmf_ namespace: still accepted, with
     PETSc's deprecation warning */
  for (const char *name : {"shape_2d", "layout", "data_type", "G", "init_W", "init_H", "fixed_W", "fixed_H", "true_D", "true_H", "transform", "checkpoint", "checkpoint_every", "checkpoint_seconds", "restart"})
    PetscCall(PetscOptionsDeprecated((std::string("-nmf_") + name).c_str(), (std::string("-") + name).c_str(), "0.2.0", NULL));
  PetscCall(PetscOptionsString("-i", "input map FILE[:DATASET]: (ny, nx, channels) or (pixels, channels)", "", o->input, o->input, sizeof(o->input), &o->has_input));
  PetscCall(PetscOptionsString("-o", "output HDF5 result file", "", o->output, o->output, sizeof(o->output), &o->has_output));
  PetscCall(PetscOptionsString("-o_hspy", "also write the result as a HyperSpy file (.hspy): the spectra GW and the maps H as two signals", "", o->hspy, o->hspy, sizeof(o->hspy), &o->has_hspy));
  PetscCall(PetscOptionsString("-shape_2d", "image shape ny,nx, or none (default: from a 3-D input)", "", o->shape, o->shape, sizeof(o->shape), &o->has_shape));
  PetscCall(PetscOptionsString("-layout", "pixels_first: (ny, nx, channels) or (pixels, channels) datasets; channels_first: a 2-D (channels, pixels) dataset", "", o->layout, o->layout, sizeof(o->layout), NULL));
  PetscCall(PetscOptionsString("-data_type", "X in memory: native (the file's uint8, uint16 or float32, else float64), float32, float64", "", o->data_type, o->data_type, sizeof(o->data_type), NULL));
  PetscCall(PetscOptionsString("-G", "known G, FILE:DATASET of shape (channels, m)", "", o->G, o->G, sizeof(o->G), NULL));
  PetscCall(PetscOptionsString("-init_W", "initial W, FILE:DATASET of shape (m, k); implies custom", "", o->init_W, o->init_W, sizeof(o->init_W), NULL));
  PetscCall(PetscOptionsString("-init_H", "initial H, FILE:DATASET of shape (k, ny, nx) or (k, p); implies custom", "", o->init_H, o->init_H, sizeof(o->init_H), NULL));
  PetscCall(PetscOptionsString("-fixed_W", "mask of W, FILE:DATASET: entries >= 0 are held", "", o->fixed_W, o->fixed_W, sizeof(o->fixed_W), NULL));
  PetscCall(PetscOptionsString("-fixed_H", "mask of H, FILE:DATASET: entries >= 0 are held", "", o->fixed_H, o->fixed_H, sizeof(o->fixed_H), NULL));
  PetscCall(PetscOptionsString("-true_D", "ground-truth spectra FILE:DATASET (n, k): adds ang_pI, mse_pI, true_KL_loss to the losses", "", o->true_D, o->true_D, sizeof(o->true_D), NULL));
  PetscCall(PetscOptionsString("-true_H", "ground-truth maps FILE:DATASET, layout of /H", "", o->true_H, o->true_H, sizeof(o->true_H), NULL));
  PetscCall(PetscOptionsString("-navigation_mask", "pixels left out of the data term (true = excluded): FILE:DATASET of the navigation shape (booleans or 0/1), or vacuum[:FRACTION] (total counts below FRACTION, default 0.1, of the median)", "", o->navigation_mask, o->navigation_mask, sizeof(o->navigation_mask), NULL));
  PetscCall(PetscOptionsString("-signal_mask", "channels left out of the data term: FILE:DATASET of n booleans or 0/1, or LO:HI[,LO:HI...] in the signal axis's units (channel indices when uncalibrated)", "", o->signal_mask, o->signal_mask, sizeof(o->signal_mask), NULL));
  PetscCall(PetscOptionsString("-transform", "a previous result FILE: find H for this map with its /W held fixed", "", o->transform, o->transform, sizeof(o->transform), NULL));
  PetscReal timeout = 600;
  PetscCall(PetscOptionsReal("-metadata_timeout", "seconds a read of an input's metadata may take before the input is called damaged (a read without answer inside HDF5); 0: no limit", "", timeout, &timeout, NULL));
  PetscCheck(timeout >= 0 && timeout < 1e9, comm, PETSC_ERR_ARG_OUTOFRANGE, "-metadata_timeout %g: expected a number of seconds >= 0 (0: no limit)", (double)timeout);
  PetscCall(PetscOptionsBool("-o_overwrite", "replace existing outputs (and an existing checkpoint); without it they are refused before computing", "", o->overwrite, &o->overwrite, NULL));
  PetscCall(PetscOptionsString("-checkpoint", "checkpoint FILE (HDF5) of the iteration, written atomically; also where SIGTERM/SIGUSR1 write theirs (default OUTPUT.checkpoint.h5)", "", o->checkpoint, o->checkpoint, sizeof(o->checkpoint), &o->has_checkpoint));
  PetscCall(PetscOptionsString("-checkpoint_every", "write the checkpoint every N iterations (0: not by count)", "", o->every, o->every, sizeof(o->every), &o->has_every));
  PetscCall(PetscOptionsString("-checkpoint_seconds", "write the checkpoint when S seconds passed since the last (0: not by time)", "", o->seconds, o->seconds, sizeof(o->seconds), &o->has_seconds));
  PetscCall(PetscOptionsString("-restart", "resume from the checkpoint FILE (same input and parameters; max_iter may grow)", "", o->restart, o->restart, sizeof(o->restart), &o->has_restart));
  PetscOptionsEnd();
  char     *end;
  long long every = strtoll(o->every, &end, 10);
  PetscCheck(end != o->every && !*end && every >= 0 && every <= PETSC_MAX_INT, comm, PETSC_ERR_ARG_WRONG, "-checkpoint_every '%s': expected an integer >= 0 (0: not by iterations)", o->every);
  errno          = 0;
  double seconds = strtod(o->seconds, &end);
  PetscCheck(end != o->seconds && !*end && !errno && seconds >= 0 && seconds < 1e300, comm, PETSC_ERR_ARG_WRONG, "-checkpoint_seconds '%s': expected a number of seconds >= 0 (0: not by time)", o->seconds);
  o->checkpoint_every   = (PetscInt)every;
  o->checkpoint_seconds = seconds;
  PetscFunctionReturn(0);
}

/* An -nmf_ option nobody read is a typo: refuse it rather than run with a default. */
static PetscErrorCode RefuseUnknownOptions(MPI_Comm comm)
{
  PetscInt n;
  char   **names, **values;

  PetscFunctionBegin;
  PetscCall(PetscOptionsLeftGet(NULL, &n, &names, &values));
  std::string bad;
  for (PetscInt i = 0; i < n; i++)
    if (!strncmp(names[i], "nmf_", 4) && bad.empty()) bad = names[i];
  PetscCall(PetscOptionsLeftRestore(NULL, &n, &names, &values));
  PetscCheck(bad.empty(), comm, PETSC_ERR_ARG_WRONG, "unknown option -%s (see -help for the -nmf_ options)", bad.c_str());
  PetscFunctionReturn(0);
}

/* The image shape: from a 3-D map, or -shape_2d ny,nx for a 2-D one; "none" drops it. */
static PetscErrorCode ResolveShape(MPI_Comm comm, const ProgramOptions &o, PetscInt nd, const PetscInt dims[], PetscInt *ny, PetscInt *nx, PetscInt *n)
{
  PetscFunctionBegin;
  const PetscInt p = nd == 3 ? dims[0] * dims[1] : dims[0];
  *n               = dims[nd - 1];
  *ny              = nd == 3 ? dims[0] : 0;
  *nx              = nd == 3 ? dims[1] : p;
  if (!o.has_shape) PetscFunctionReturn(0);
  if (!strcmp(o.shape, "none")) {
    *ny = 0;
    *nx = p;
    PetscFunctionReturn(0);
  }
  long long a = -1, b = -1;
  char      extra;
  PetscCheck(sscanf(o.shape, "%lld,%lld%c", &a, &b, &extra) == 2, comm, PETSC_ERR_ARG_WRONG, "-shape_2d '%s': expected ny,nx (two integers) or none", o.shape);
  PetscCheck(a >= 2 && b >= 2, comm, PETSC_ERR_ARG_OUTOFRANGE, "-shape_2d %lld,%lld: both sides must be at least 2", a, b);
  PetscCheck(a * b == p, comm, PETSC_ERR_ARG_SIZ, "-shape_2d %lld,%lld has %lld pixels but the map has %" PetscInt_FMT, a, b, a * b, p);
  PetscCheck(nd == 2 || (a == dims[0] && b == dims[1]), comm, PETSC_ERR_ARG_SIZ, "-shape_2d %lld,%lld does not match the map's image shape (%" PetscInt_FMT ", %" PetscInt_FMT ")", a, b, dims[0], dims[1]);
  *ny = (PetscInt)a;
  *nx = (PetscInt)b;
  PetscFunctionReturn(0);
}

/* the checkpoint's name: -checkpoint, else OUTPUT (less .h5) + .checkpoint.h5 */
static std::string CheckpointPath(const ProgramOptions &o)
{
  if (o.checkpoint[0]) return o.checkpoint;
  std::string out(o.output);
  if (out.size() > 3 && out.compare(out.size() - 3, 3, ".h5") == 0) out.resize(out.size() - 3);
  return out + ".checkpoint.h5";
}

static PetscErrorCode CheckCheckpointOptions(MPI_Comm comm, const ProgramOptions &o, const std::string &ckpt)
{
  PetscFunctionBegin;
  PetscCheck(!o.has_checkpoint || o.checkpoint[0], comm, PETSC_ERR_ARG_WRONG, "-checkpoint needs a file name (see -help)");
  PetscCheck(!o.has_restart || o.restart[0], comm, PETSC_ERR_ARG_WRONG, "-restart needs a checkpoint file name (see -help)");
  PetscCheck(o.checkpoint[0] || (!o.has_every && !o.has_seconds), comm, PETSC_ERR_ARG_WRONG, "-checkpoint_every and -checkpoint_seconds need -checkpoint FILE");
  PetscCheck(ckpt != o.output && (!o.has_hspy || ckpt != o.hspy), comm, PETSC_ERR_ARG_WRONG, "the checkpoint '%s' and an output have the same name: give two different names", ckpt.c_str());
  PetscCheck(!o.has_restart || (strcmp(o.restart, o.output) && (!o.has_hspy || strcmp(o.restart, o.hspy))), comm, PETSC_ERR_ARG_WRONG, "-restart '%s' names an output of this run: give the checkpoint file", o.restart);
  const bool        resuming_it = o.has_restart && ckpt == o.restart; /* continuing a checkpoint replaces it */
  const std::string hint        = "it holds an earlier run's state: resume it with -restart " + ckpt + ", or give -o_overwrite to start afresh";
  PetscCall(CLICheckOutputPath(comm, "checkpoint", ckpt.c_str(), (PetscBool)(o.overwrite || resuming_it), hint.c_str()));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseLayout(MPI_Comm comm, const char name[], NMFLayout *layout)
{
  PetscFunctionBegin;
  for (int i = 0; i < 2; i++)
    if (!strcmp(name, NMFLayouts[i])) {
      *layout = (NMFLayout)i;
      PetscFunctionReturn(0);
    }
  SETERRQ(comm, PETSC_ERR_ARG_WRONG, "-layout %s: expected pixels_first ((ny, nx, channels) or (pixels, channels)) or channels_first ((channels, pixels))", name);
}

static void RemoveOutput(MPI_Comm comm, const char path[])
{
  PetscMPIInt rank;
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) unlink(path);
}

static PetscErrorCode LoadReplicated(NMF nmf, MPI_Comm comm, const char spec[], PetscInt rows, PetscInt cols, const char *what, PetscErrorCode (*setter)(NMF, PetscInt, PetscInt, const PetscReal[]))
{
  PetscInt   r, c;
  PetscReal *v;

  PetscFunctionBegin;
  PetscCall(NMFIOReadMatrix(comm, spec, &r, &c, &v));
  if (r != rows || c != cols) PetscCall(PetscFree(v));
  PetscCheck(r == rows && c == cols, comm, PETSC_ERR_ARG_SIZ, "%s '%s' has shape (%" PetscInt_FMT ", %" PetscInt_FMT "), expected (%" PetscInt_FMT ", %" PetscInt_FMT ")", what, spec, r, c, rows, cols);
  PetscCall(setter(nmf, r, c, v));
  PetscCall(PetscFree(v));
  PetscFunctionReturn(0);
}

static PetscErrorCode LoadAbundance(NMF nmf, const char spec[], const char *what, PetscErrorCode (*setter)(NMF, Vec))
{
  DM  daH;
  Vec v;

  PetscFunctionBegin;
  PetscCall(NMFGetAbundanceDM(nmf, &daH));
  PetscCall(DMCreateGlobalVector(daH, &v));
  PetscCall(PetscObjectSetName((PetscObject)v, (std::string(what) + " '" + spec + "'").c_str()));
  PetscCall(PetscObjectSetName((PetscObject)v, what));
  PetscCall(NMFIOReadAbundance(nmf, spec, v));
  PetscCall(PetscObjectSetName((PetscObject)v, (std::string(what) + " '" + spec + "'").c_str()));
  PetscCall(setter(nmf, v));
  PetscCall(VecDestroy(&v));
  PetscFunctionReturn(0);
}

/* -navigation_mask FILE:DATASET or vacuum[:FRACTION] */
static PetscErrorCode LoadNavigationMask(NMF nmf, MPI_Comm comm, const char spec[])
{
  Vec mask;

  PetscFunctionBegin;
  if (!strncmp(spec, "vacuum", 6) && (spec[6] == 0 || spec[6] == ':')) {
    double fraction = 0.1;
    if (spec[6] == ':') {
      char *end;
      errno    = 0;
      fraction = strtod(spec + 7, &end);
      PetscCheck(end != spec + 7 && !*end && !errno, comm, PETSC_ERR_ARG_WRONG, "-navigation_mask %s: expected vacuum or vacuum:FRACTION, a number in (0, 1]", spec);
    }
    PetscCall(NMFCreateVacuumMask(nmf, fraction, &mask));
  } else
    PetscCall(NMFIOReadNavigationMask(nmf, spec, &mask));
  PetscCall(NMFSetNavigationMask(nmf, mask));
  PetscCall(VecDestroy(&mask));
  PetscFunctionReturn(0);
}

/* -signal_mask FILE:DATASET or LO:HI[,LO:HI...] (numbers before the first colon: ranges) */
static PetscErrorCode LoadSignalMask(NMF nmf, MPI_Comm comm, const char spec[], const NMFMapInfo &info, PetscInt n)
{
  PetscBool *excluded;
  char      *end;

  PetscFunctionBegin;
  (void)strtod(spec, &end);
  if (end != spec && *end == ':')
    PetscCall(NMFIOSignalMaskFromRanges(comm, spec, &info.axes[info.ndims - 1], &excluded));
  else
    PetscCall(NMFIOReadSignalMask(comm, spec, n, &excluded));
  PetscErrorCode ierr = NMFSetSignalMask(nmf, n, excluded);
  PetscCall(PetscFree(excluded));
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/* -transform RESULT: the learned W, held fixed (only H steps run).  A fit with a signal mask and
   the identity G has NaN rows at the masked channels: accepted where this run masks them too
   (those rows are held, and NaN again in the result), refused elsewhere. */
static PetscErrorCode LoadLearnedW(NMF nmf, MPI_Comm comm, const char result[], PetscInt m, PetscInt k)
{
  PetscInt    r, c, ns;
  PetscReal  *w;
  const char *excluded;
  std::string spec = std::string(result) + ":/W";

  PetscFunctionBegin;
  PetscCall(NMFIOReadMatrix(comm, spec.c_str(), &r, &c, &w));
  if (r != m || c != k) PetscCall(PetscFree(w));
  PetscCheck(r == m && c == k, comm, PETSC_ERR_ARG_SIZ, "the learned W '%s' has shape (%" PetscInt_FMT ", %" PetscInt_FMT "), expected (%" PetscInt_FMT ", %" PetscInt_FMT ")", spec.c_str(), r, c, m, k);
  PetscCall(NMFGetSignalMask(nmf, &ns, &excluded));
  PetscInt bad = -1;
  for (PetscInt j = 0; j < r && bad < 0; j++)
    for (PetscInt d = 0; d < c; d++)
      if (std::isnan(w[j * c + d])) {
        if (ns == r && excluded[j])
          w[j * c + d] = 1.0; /* held, never read */
        else
          bad = j;
      }
  if (bad >= 0) PetscCall(PetscFree(w));
  PetscCheck(bad < 0, comm, PETSC_ERR_ARG_WRONG, "the learned W of '%s' has no spectrum at channel %" PetscInt_FMT " (its fit masked it): give the same -signal_mask as that fit", result, bad);
  PetscErrorCode ierr = NMFSetInitialW(nmf, r, c, w);
  PetscCall(PetscFree(w));
  PetscCall(ierr);
  PetscCall(NMFSetHoldW(nmf, PETSC_TRUE));
  PetscFunctionReturn(0);
}

/* A ground truth with another number of components is ignored with a warning, as in espm. */
static PetscErrorCode LoadTruth(NMF nmf, MPI_Comm comm, const char specD[], const char specH[], PetscInt n, PetscInt k)
{
  PetscInt   r, c, nd, dims[3];
  PetscReal *d;
  DM         daH;
  Vec        th;

  PetscFunctionBegin;
  PetscCall(NMFIOReadMatrix(comm, specD, &r, &c, &d));
  PetscCall(NMFIOGetMapShape(comm, specH, &nd, dims, NULL));
  if (c != k || dims[0] != k) {
    PetscCall(PetscPrintf(comm, "smoothnmf: warning: the ground truth has %" PetscInt_FMT " components, not n_components = %" PetscInt_FMT ": it is ignored\n", c != k ? c : dims[0], k));
    PetscCall(PetscFree(d));
    PetscFunctionReturn(0);
  }
  if (r != n) PetscCall(PetscFree(d));
  PetscCheck(r == n, comm, PETSC_ERR_ARG_SIZ, "true_D '%s' has %" PetscInt_FMT " rows but the map has %" PetscInt_FMT " channels", specD, r, n);
  PetscCall(NMFGetAbundanceDM(nmf, &daH));
  PetscCall(DMCreateGlobalVector(daH, &th));
  PetscCall(PetscObjectSetName((PetscObject)th, "true_H"));
  PetscCall(NMFIOReadAbundance(nmf, specH, th));
  PetscCall(NMFSetTruth(nmf, r, c, d, th));
  PetscCall(PetscFree(d));
  PetscCall(VecDestroy(&th));
  PetscFunctionReturn(0);
}

static int    saved_argc; /* for the resume command */
static char **saved_argv;

static PetscErrorCode Run(MPI_Comm comm, PetscBool *interrupted)
{
  ProgramOptions o;
  PetscBool      help;
  NMF            nmf;
  DM             da;
  PetscInt       ny, nx, n, k;

  PetscFunctionBegin;
  *interrupted  = PETSC_FALSE;
  options_phase = 1;
  PetscCall(ReadProgramOptions(comm, &o));
  PetscCall(NMFCreate(comm, &nmf));
  PetscCall(NMFSetFromOptions(nmf));
  options_phase = 0;
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  if (help) {
    PetscCall(NMFDestroy(&nmf));
    PetscFunctionReturn(0);
  }
  PetscCall(RefuseUnknownOptions(comm));
  PetscCheck(o.has_input && o.input[0], comm, PETSC_ERR_ARG_WRONG, "no input map: give -i FILE[:DATASET] (see -help)");
  PetscCheck(o.has_output && o.output[0], comm, PETSC_ERR_ARG_WRONG, "no output file: give -o OUTPUT.h5 (see -help)");
  PetscCheck(!o.has_hspy || o.hspy[0], comm, PETSC_ERR_ARG_WRONG, "-o_hspy needs a file name (see -help)");
  PetscCheck(!o.has_hspy || strcmp(o.hspy, o.output), comm, PETSC_ERR_ARG_WRONG, "-o and -o_hspy name the same file '%s': give two different names", o.output);
  NMFLayout layout;
  PetscCall(ParseLayout(comm, o.layout, &layout));
  PetscCheck(!o.true_D[0] == !o.true_H[0], comm, PETSC_ERR_ARG_WRONG, "a ground truth needs both -true_D and -true_H");
  PetscCheck(!o.transform[0] || (!o.init_W[0] && !o.fixed_W[0]), comm, PETSC_ERR_ARG_INCOMP, "-transform takes W from its result file: drop -init_W / -fixed_W");
  PetscCall(CLICheckOutputPath(comm, "output", o.output, o.overwrite, "give -o_overwrite to replace it"));
  if (o.has_hspy) PetscCall(CLICheckOutputPath(comm, "output", o.hspy, o.overwrite, "give -o_overwrite to replace it"));
  const std::string ckpt = CheckpointPath(o);
  PetscCall(CheckCheckpointOptions(comm, o, ckpt));

  /* the map, each rank reading its own block */
  double     t0 = MPI_Wtime();
  NMFMapInfo info;
  PetscCall(NMFIOGetMapInfo(comm, o.input, layout, &info));
  if (o.has_restart) PetscCall(NMFIOSetRestart(nmf, o.restart, &info)); /* the checkpoint is checked before the map is read */
  PetscCall(NMFIOSetCheckpoint(nmf, ckpt.c_str(), o.checkpoint_every, o.checkpoint_seconds, &CLIStopSignal, &info));
  PetscCall(CLISetTestFault(nmf));
  PetscCall(ResolveShape(comm, o, info.ndims, info.dims, &ny, &nx, &n));
  PetscCall(NMFGetNComponents(nmf, &k));
  {
    PetscInt kmin, kmax;
    PetscCall(NMFGetSelectKRange(nmf, &kmin, &kmax));
    if (kmin > 0) { /* the selection's largest k, before reading */
      PetscCheck(kmax <= n && kmax <= (ny > 0 ? ny * nx : nx), comm, PETSC_ERR_ARG_OUTOFRANGE, "-nmf_select_k %" PetscInt_FMT ":%" PetscInt_FMT ": KMAX is larger than the %s of the map (%" PetscInt_FMT "): give KMAX <= min(channels, pixels) = %" PetscInt_FMT, kmin, kmax, kmax > n ? "channels" : "pixels", kmax > n ? n : (ny > 0 ? ny * nx : nx), PetscMin(n, ny > 0 ? ny * nx : nx));
      k = PetscMax(k, kmax);
    }
  }
  PetscCall(NMFCheckSizes(comm, n, ny, nx, k)); /* what must fit PETSc's indices, before reading */
  PetscCall(NMFCreateDataDM(comm, n, ny, nx, NULL, NULL, &da));
  PetscCall(PetscObjectSetName((PetscObject)da, o.input));
  NMFDataType dtype;
  void       *array;
  PetscCall(NMFIOReadMapAs(comm, o.input, layout, da, o.data_type, &dtype, &array));
  PetscCall(NMFSetDataCompact(nmf, da, dtype, array)); /* kept in its (compact) type, 64-bit sizes, converted inside the passes over X */
  const double read_seconds = MPI_Wtime() - t0;
  PetscCall(NMFGetNComponents(nmf, &k));

  /* known G, initial values, masks */
  PetscInt m = n;
  if (o.G[0]) {
    PetscInt   r, c;
    PetscReal *g;
    PetscCall(NMFIOReadMatrix(comm, o.G, &r, &c, &g));
    if (r != n) PetscCall(PetscFree(g));
    PetscCheck(r == n, comm, PETSC_ERR_ARG_SIZ, "G '%s' has %" PetscInt_FMT " rows but the map has %" PetscInt_FMT " channels", o.G, r, n);
    PetscErrorCode ierr = NMFSetG(nmf, r, c, g);
    PetscCall(PetscFree(g));
    PetscCall(ierr);
    m = c;
  }

  if (o.init_W[0]) PetscCall(LoadReplicated(nmf, comm, o.init_W, m, k, "the initial W", NMFSetInitialW));
  if (o.init_H[0]) PetscCall(LoadAbundance(nmf, o.init_H, "the initial H", NMFSetInitialH));
  if (o.fixed_W[0]) PetscCall(LoadReplicated(nmf, comm, o.fixed_W, m, k, "the fixed_W mask", NMFSetFixedW));
  if (o.fixed_H[0]) PetscCall(LoadAbundance(nmf, o.fixed_H, "the fixed_H mask", NMFSetFixedH));
  if (o.true_D[0]) PetscCall(LoadTruth(nmf, comm, o.true_D, o.true_H, n, k));
  if (o.navigation_mask[0]) PetscCall(LoadNavigationMask(nmf, comm, o.navigation_mask));
  if (o.signal_mask[0]) PetscCall(LoadSignalMask(nmf, comm, o.signal_mask, info, n));
  if (o.transform[0]) PetscCall(LoadLearnedW(nmf, comm, o.transform, m, k)); /* after the signal mask: the learned spectra may be NaN at its channels */
  if (o.init_W[0] || o.init_H[0] || o.transform[0])
    PetscCall(NMFSetInitType(nmf, NMF_INIT_CUSTOM));
  else {
    NMFInitType init;
    PetscCall(PetscOptionsGetEnum(NULL, NULL, "-nmf_init", NMFInitTypes, (PetscEnum *)&init, &help));
    PetscCheck(!help || init != NMF_INIT_CUSTOM, comm, PETSC_ERR_ARG_WRONG, "-nmf_init custom needs -init_W and/or -init_H");
  }

  /* -nmf_select_k: choose k by stability first (its fits stop on a signal as the fit does) */
  PetscInt           kmin, kmax;
  NMFConvergedReason reason = NMF_CONVERGED_ITERATING;
  PetscCall(NMFGetSelectKRange(nmf, &kmin, &kmax));
  if (kmin > 0) {
    PetscCall(NMFSelectK(nmf));
    PetscCall(NMFGetConvergedReason(nmf, &reason));
    if (reason != NMF_INTERRUPTED) PetscCall(NMFSelectKView(nmf, PETSC_VIEWER_STDOUT_(comm)));
  }
  if (reason != NMF_INTERRUPTED) PetscCall(NMFSolve(nmf));
  PetscCall(NMFGetConvergedReason(nmf, &reason));
  if (reason == NMF_INTERRUPTED) { /* a checkpoint, no output: say how to resume */
    int      sig;
    PetscInt it;
    PetscCall(NMFIOGetCheckpointStatus(nmf, &sig, &it));
    PetscMPIInt size;
    PetscCallMPI(MPI_Comm_size(comm, &size));
    PetscCall(PetscFPrintf(comm, PETSC_STDERR, "smoothnmf: stopped by signal %d (%s) after iteration %" PetscInt_FMT "; checkpoint written to %s; resume with: %s\n", sig, CLISignalName(sig), it, ckpt.c_str(), CLIResumeCommand(saved_argc, saved_argv, size, ckpt).c_str()));
    *interrupted = PETSC_TRUE;
  } else
    PetscCall(NMFIOWriteResultWithAxes(nmf, o.output, &info, read_seconds));
  if (o.has_hspy && !*interrupted) {
    PetscErrorCode ierr = NMFIOWriteHspy(nmf, o.hspy, &info, read_seconds);
    if (ierr) RemoveOutput(comm, o.output); /* all outputs or none */
    PetscCall(ierr);
  }
  PetscCall(NMFDestroy(&nmf));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

/* A failure on one rank alone (out of memory, a C++ exception): that rank says so in one line and
   ends the job, so that no other rank is left waiting in a collective. */
static void AbortAlone(const char *what)
{
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  fprintf(stderr, "smoothnmf: error (rank %d): %s\n", rank, what);
  fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 2);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr;
  PetscBool      interrupted = PETSC_FALSE;

  /* PETSc's signal handlers would print tracebacks and, popped in PetscFinalize, reset SIGTERM to
     its default: this program handles SIGTERM and SIGUSR1 itself (stop_signals.cpp) */
  if (PetscOptionsSetValue(NULL, "-no_signal_handler", NULL)) return 1;
  ierr = SlepcInitialize(&argc, &argv, NULL, help);
  if (ierr) return 1;
  saved_argc = argc;
  saved_argv = argv;
  PetscPushErrorHandler(OneLineErrorHandler, NULL);
  CLIInstallStopSignals(); /* a flag, read at the end of each iteration */
  try {
    ierr = Run(PETSC_COMM_WORLD, &interrupted);
  } catch (const std::bad_alloc &) {
    AbortAlone("out of memory (an allocation failed); stopping every rank");
  } catch (const std::exception &e) {
    AbortAlone((std::string("internal error: ") + e.what() + "; stopping every rank").c_str());
  }
  if (ierr && local_error) MPI_Abort(PETSC_COMM_WORLD, 2); /* other ranks may be blocked in a collective */
  /* done: a SIGTERM now (mpiexec ends the job once one rank exits non-zero) must not turn this
     rank's status into a death by signal while it finalizes */
  CLIIgnoreStopSignals();
  PetscPopErrorHandler();
  PetscOptionsSetValue(NULL, "-options_left", "0");
  SlepcFinalize();
  return ierr ? 1 : interrupted ? EXIT_INTERRUPTED
                                : 0;
}
