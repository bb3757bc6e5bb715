/* Restarts from a checkpoint (checkpoint_write.cpp): NMFIOSetRestart checks that the file is a
   whole checkpoint of this format; NMFSetUp then calls NMFRestoreCheckpoint_Private in place of
   the initialization, which compares the input's fingerprint and the parameters, reads W, H and
   the iteration state, and checks the state's hash.  Every check gives one line naming the file
   and what differs; every rank reaches the same verdict. */
#include <smoothnmf/private/ioimpl.h>
#include <cmath>
#include <cstdio>
#include <cstring>

/* opens a checkpoint read-only, collectively, with one clear error per kind of bad file */
static PetscErrorCode OpenCheckpoint(MPI_Comm comm, const char path[], hid_t *file)
{
  const NMFIOOpenErrors e = {"cannot restart from", "no such checkpoint file", "it is a directory, expected a checkpoint file", "it is not an HDF5 file, so not a smoothnmf checkpoint (is it truncated?)",
                             "the checkpoint is truncated or damaged (HDF5 cannot open it); restart from an older checkpoint or from the start"};

  PetscFunctionBegin;
  PetscCall(NMFIOOpenFileChecked_Private(comm, path, H5F_ACC_RDONLY, e, file));
  PetscFunctionReturn(0);
}

/* the format and its version: a result file or another version is refused */
static PetscErrorCode CheckFormat(MPI_Comm comm, const char path[], hid_t file)
{
  std::string format;
  double      version = -1;

  PetscFunctionBegin;
  hid_t      root = H5Gopen2(file, "/", H5P_DEFAULT);
  const bool is   = NMFIOReadAttrString_Private(root, "format", &format) && format == NMF_CHECKPOINT_FORMAT;
  const bool has  = NMFIOReadAttrDouble_Private(root, "format_version", &version);
  H5Gclose(root);
  if (!is || !has || version != NMF_CHECKPOINT_VERSION) H5Fclose(file);
  PetscCheck(is, comm, PETSC_ERR_FILE_UNEXPECTED, "cannot restart from '%s': it is not a smoothnmf checkpoint (no format attribute '%s'; a result file cannot be resumed)", path, NMF_CHECKPOINT_FORMAT);
  PetscCheck(has, comm, PETSC_ERR_FILE_UNEXPECTED, "cannot restart from '%s': the checkpoint has no format_version", path);
  PetscCheck(version == NMF_CHECKPOINT_VERSION, comm, PETSC_ERR_FILE_UNEXPECTED, "cannot restart from '%s': it is a checkpoint of format version %lld, this smoothnmf reads version %d only", path, (long long)version, NMF_CHECKPOINT_VERSION);
  PetscFunctionReturn(0);
}

/*@ NMFIOSetRestart - resume from a checkpoint: NMFSetUp prepares X, then reads W, H and the
    iteration state from path instead of initializing, and NMFSolve continues with the next
    iteration.  At the rank count of the checkpoint the finished run is bit for bit the
    uninterrupted one; at another, equal up to rounding.  Refused with one line: no such file, a
    directory, not HDF5, truncated or damaged (the state's hash is checked), not a checkpoint,
    another format version (here: now; the rest in NMFSetUp), another input (shape, stored type
    or values), other parameters (all must agree but max_iter, which may grow beyond the
    checkpoint's iteration, and the printing options), another random_state or init when given.
    Collective.
  Input: path - the checkpoint;  map - the input (its stored type is compared), or NULL @*/
PetscErrorCode NMFIOSetRestart(NMF nmf, const char path[], const NMFMapInfo *map)
{
  hid_t file;

  PetscFunctionBegin;
  NMFIOReadGuard guard(PetscObjectComm((PetscObject)nmf), path); /* a crash or no answer inside HDF5: one line (read_guard.cpp) */
  PetscCheck(!nmf->setupcalled, nmf->comm, PETSC_ERR_ORDER, "NMFIOSetRestart must come before NMFSetUp/NMFSolve");
  PetscCheck(path && path[0], nmf->comm, PETSC_ERR_ARG_NULL, "NMFIOSetRestart needs a file name");
  PetscCall(OpenCheckpoint(nmf->comm, path, &file)); /* fail early, before the map is read */
  PetscCall(CheckFormat(nmf->comm, path, file));
  const bool of_selection = H5Lexists(file, "select_k", H5P_DEFAULT) > 0;
  H5Fclose(file);
  PetscCheck(of_selection || nmf->select.kmin == 0, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': it is the checkpoint of one fit, not of a rank selection: restart it without -nmf_select_k", path);
  PetscCheck(!of_selection || nmf->select.kmin > 0, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': it is the checkpoint of a rank selection: restart it with the same -nmf_select_k", path);
  nmf->restart_file       = path;
  nmf->fingerprint_wanted = PETSC_TRUE;
  if (map) PetscCall(PetscStrncpy(nmf->fingerprint.dtype, map->dtype, sizeof(nmf->fingerprint.dtype)));
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ reading helpers */

/* a whole small dataset on every rank; false when absent or unreadable */
static bool ReadSmall(hid_t loc, const char *name, std::vector<double> &v, std::vector<hsize_t> *dims = nullptr)
{
  if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) return false;
  hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
  if (d < 0) return false;
  hsize_t dd[8];
  int     nd  = NMFIOGetDims_Private(d, dd);
  size_t  len = 1;
  for (int i = 0; i < nd; i++) len *= dd[i];
  if (dims) dims->assign(dd, dd + PetscMax(nd, 0));
  v.assign(len, 0.0);
  bool ok = nd >= 0 && (len == 0 || H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0);
  H5Dclose(d);
  return ok;
}

static bool ReadAttrDoubles(hid_t obj, const char *name, std::vector<double> &v)
{
  if (H5Aexists(obj, name) <= 0) return false;
  hid_t    a     = H5Aopen(obj, name, H5P_DEFAULT);
  hid_t    space = H5Aget_space(a);
  hssize_t np    = H5Sget_simple_extent_npoints(space);
  H5Sclose(space);
  v.assign(np > 0 ? (size_t)np : 0, 0.0);
  bool ok = np > 0 && H5Aread(a, H5T_NATIVE_DOUBLE, v.data()) >= 0;
  H5Aclose(a);
  return ok;
}

static std::string Shape(PetscInt ny, PetscInt nx, PetscInt p, PetscInt n)
{
  char buf[128];
  if (ny > 0)
    snprintf(buf, sizeof buf, "(%lld, %lld, %lld)", (long long)ny, (long long)nx, (long long)n);
  else
    snprintf(buf, sizeof buf, "(%lld, %lld)", (long long)p, (long long)n);
  return buf;
}

static bool Close(double a, double b, double rtol)
{
  return a == b || PetscAbsReal(a - b) <= rtol * PetscMax(PetscAbsReal(a), PetscAbsReal(b));
}

/* ------------------------------------------------------------------ the checks */

/* the input's fingerprint: shape, type and values */
static PetscErrorCode CheckInput(NMF nmf, const char *path, hid_t file)
{
  const NMFFingerprint &f = nmf->fingerprint;
  double                n = -1, p = -1, ny = -1, nx = -1, sum = NAN, sumsq = NAN;
  std::string           dtype;
  uint64_t              hash = 0;

  PetscFunctionBegin;
  hid_t g  = H5Lexists(file, "input", H5P_DEFAULT) > 0 ? H5Gopen2(file, "input", H5P_DEFAULT) : -1;
  bool  ok = g >= 0 && NMFIOReadAttrDouble_Private(g, "n", &n) && NMFIOReadAttrDouble_Private(g, "p", &p) && NMFIOReadAttrDouble_Private(g, "ny", &ny) && NMFIOReadAttrDouble_Private(g, "nx", &nx) && NMFIOReadAttrString_Private(g, "dtype", &dtype) && NMFIOReadAttrDouble_Private(g, "sum", &sum) &&
            NMFIOReadAttrDouble_Private(g, "sum_of_squares", &sumsq) && NMFIOReadAttrU64_Private(g, "hash", &hash);
  uint64_t mask_hash = 0; /* absent: no mask (and every checkpoint written before the masks) */
  if (g >= 0 && H5Aexists(g, "mask_hash") > 0) ok = ok && NMFIOReadAttrU64_Private(g, "mask_hash", &mask_hash);
  if (g >= 0) H5Gclose(g);
  PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_UNEXPECTED, "cannot restart from '%s': the checkpoint is damaged (its input fingerprint /input is incomplete)", path);
  PetscCheck(mask_hash == f.mask_hash, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': it was written %s; give the same navigation and signal masks (-navigation_mask, -signal_mask) as the run that wrote it", path, mask_hash ? (f.mask_hash ? "with other masks than this run's" : "with masks, this run has none") : "without masks, this run has some");
  const std::string was = Shape((PetscInt)ny, (PetscInt)nx, (PetscInt)p, (PetscInt)n), is = Shape(f.ny, f.nx, f.p, f.n);
  PetscCheck((PetscInt)n == f.n && (PetscInt)p == f.p && (PetscInt)ny == f.ny && (PetscInt)nx == f.nx, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': it was written for an input of shape %s, this input is %s", path, was.c_str(), is.c_str());
  PetscCheck(dtype == f.dtype, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': it was written for a %s input, this input is %s", path, dtype.c_str(), f.dtype);
  PetscCheck(hash == f.hash && Close(sum, f.sum, 1e-9) && Close(sumsq, f.sumsq, 1e-9), nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': it was written for another input (same shape %s and type, but other values: checksum %016llx, sum %.17g; this input has %016llx, sum %.17g)", path, is.c_str(), (unsigned long long)hash, sum, (unsigned long long)f.hash, f.sum);
  PetscFunctionReturn(0);
}

/* every parameter a restart must keep */
static PetscErrorCode CheckParameters(NMF nmf, const char *path, hid_t file)
{
  std::vector<NMFCheckpointParam> params;

  PetscFunctionBegin;
  PetscCall(NMFCheckpointParams_Private(nmf, params));
  hid_t g = H5Lexists(file, "parameters", H5P_DEFAULT) > 0 ? H5Gopen2(file, "parameters", H5P_DEFAULT) : -1;
  for (const NMFCheckpointParam &p : params) {
    std::vector<double> v;
    std::string         text;
    bool                ok = g >= 0 && ReadSmall(g, p.name.c_str(), v);
    if (ok) {
      hid_t d = H5Dopen2(g, p.name.c_str(), H5P_DEFAULT);
      ok      = NMFIOReadAttrString_Private(d, "text", &text);
      H5Dclose(d);
    }
    if (!ok || v != p.values) H5Gclose(g);
    PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_UNEXPECTED, "cannot restart from '%s': the checkpoint is damaged (the parameter %s is missing)", path, p.name.c_str());
    PetscCheck(v == p.values, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': it was written with %s = %s, this run has %s = %s (a restart keeps every parameter; only max_iter may grow)", path, p.name.c_str(), text.c_str(), p.name.c_str(), p.text.c_str());
  }
  if (g >= 0) H5Gclose(g);
  PetscFunctionReturn(0);
}

/* the scalars of the iteration and the choices made at the start */
static PetscErrorCode ReadScalars(NMF nmf, const char *path, hid_t file, uint64_t *state_hash)
{
  double              n_iter = -1, random_state = -1, norm_factor = NAN, const_KL = NAN, fit = 0;
  std::string         init, names;
  std::vector<double> gamma_initial;

  PetscFunctionBegin;
  hid_t r  = H5Gopen2(file, "/", H5P_DEFAULT);
  bool  ok = NMFIOReadAttrDouble_Private(r, "n_iter", &n_iter) && NMFIOReadAttrDouble_Private(r, "eval_before", &nmf->eval_before) && NMFIOReadAttrDouble_Private(r, "eval_init", &nmf->eval_init) && NMFIOReadAttrDouble_Private(r, "gamma_H", &nmf->gamma_H) &&
            NMFIOReadAttrDouble_Private(r, "gamma_W", &nmf->gamma_W) && ReadAttrDoubles(r, "gamma_initial", gamma_initial) && NMFIOReadAttrDouble_Private(r, "random_state", &random_state) && NMFIOReadAttrString_Private(r, "init", &init) &&
            NMFIOReadAttrString_Private(r, "loss_names", &names) && NMFIOReadAttrDouble_Private(r, "norm_factor", &norm_factor) && NMFIOReadAttrDouble_Private(r, "const_KL", &const_KL) &&
            NMFIOReadAttrDouble_Private(r, "scree_sum_squares", &nmf->scree_sum_squares) && NMFIOReadAttrDouble_Private(r, "fit_seconds", &fit) && NMFIOReadAttrU64_Private(r, "state_hash", state_hash);
  H5Gclose(r);
  PetscCheck(ok && n_iter >= 1, nmf->comm, PETSC_ERR_FILE_UNEXPECTED, "cannot restart from '%s': the checkpoint is damaged (attributes of / are missing)", path);
  nmf->n_iter = (PetscInt)n_iter;
  PetscCheck(nmf->n_iter < nmf->max_iter, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': the checkpoint is at iteration %" PetscInt_FMT " and max_iter is %" PetscInt_FMT ": nothing is left to do (give a larger -nmf_max_iter)", path, nmf->n_iter, nmf->max_iter);
  PetscCheck(!nmf->random_state_set || (double)nmf->random_state == random_state, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': it was written with random_state = %.0f, this run has random_state = %" PetscInt64_FMT, path, random_state, nmf->random_state);
  PetscInt used = -1;
  for (PetscInt i = 0; i <= NMF_INIT_CUSTOM; i++)
    if (init == NMFInitTypes[i]) used = i;
  PetscCheck(used >= 0, nmf->comm, PETSC_ERR_FILE_UNEXPECTED, "cannot restart from '%s': the checkpoint is damaged (unknown init '%s')", path, init.c_str());
  PetscCheck(nmf->init == NMF_INIT_DEFAULT || nmf->init == used, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': it was written with init = %s, this run has init = %s", path, init.c_str(), NMFInitTypes[nmf->init]);
  /* recomputed from the input: they agree up to the rounding of another rank count */
  /* const_KL = sum X (log X - 1) can cancel: its rounding scales with sum X, not with itself */
  const bool same_KL = PetscAbsReal(const_KL - nmf->const_KL) <= 1e-9 * PetscMax(PetscMax(PetscAbsReal(const_KL), PetscAbsReal(nmf->const_KL)), nmf->x_sum);
  PetscCheck(Close(norm_factor, nmf->norm_factor, 1e-9) && same_KL, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': the prepared input differs (norm_factor %.17g, const_KL %.17g; this run %.17g, %.17g)", path, norm_factor, const_KL, nmf->norm_factor, nmf->const_KL);
  const PetscInt ncols = NMF_LOSS_COLUMNS + (nmf->true_H ? 2 * nmf->k + 1 : 0);
  nmf->loss_names.clear();
  for (size_t a = 0, b; a <= names.size(); a = b + 1) {
    b = names.find(',', a);
    if (b == std::string::npos) b = names.size();
    nmf->loss_names.push_back(names.substr(a, b - a));
  }
  PetscCheck((PetscInt)nmf->loss_names.size() == ncols, nmf->comm, PETSC_ERR_FILE_UNEXPECTED, "cannot restart from '%s': the checkpoint is damaged (%zu losses columns, expected %" PetscInt_FMT ")", path, nmf->loss_names.size(), ncols);
  nmf->gamma_initial      = gamma_initial;
  nmf->random_state       = (PetscInt64)random_state;
  nmf->init_used          = (NMFInitType)used;
  nmf->fit_seconds_before = fit;
  PetscFunctionReturn(0);
}

/* W, H, the losses and the scree */
static PetscErrorCode ReadState(NMF nmf, const char *path, hid_t file)
{
  const PetscInt       k = nmf->k, m = nmf->G.empty() ? nmf->n : nmf->m;
  std::vector<hsize_t> dims;
  herr_t               st;
  bool                 ok, all;

  PetscFunctionBegin;
  ok = ReadSmall(file, "W", nmf->W, &dims) && dims.size() == 2 && (PetscInt)dims[0] == m && (PetscInt)dims[1] == k;
  nmf->losses.assign(nmf->loss_names.size(), std::vector<double>());
  hid_t lg = H5Lexists(file, "losses", H5P_DEFAULT) > 0 ? H5Gopen2(file, "losses", H5P_DEFAULT) : -1;
  for (size_t j = 0; ok && j < nmf->loss_names.size(); j++) ok = lg >= 0 && ReadSmall(lg, nmf->loss_names[j].c_str(), nmf->losses[j]) && (PetscInt)nmf->losses[j].size() == nmf->n_iter;
  if (lg >= 0) H5Gclose(lg);
  if (ok && nmf->scree_n > 0) ok = ReadSmall(file, "scree", nmf->scree) && (PetscInt)nmf->scree.size() == nmf->scree_n;
  PetscCall(NMFIOReadComponentMajor_Private(file, "H", nmf->daH, nmf->H, &st));
  PetscCall(NMFIOAllOK_Private(nmf->comm, ok && st >= 0, &all));
  PetscCheck(all, nmf->comm, PETSC_ERR_FILE_READ, "cannot restart from '%s': the checkpoint is damaged (W, H or the losses are missing, of the wrong shape or unreadable)", path);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFRestoreCheckpoint_Private(NMF nmf)
{
  const char *path = nmf->restart_file.c_str();
  hid_t       file;
  uint64_t    stored, hash;

  PetscFunctionBegin;
  PetscCall(OpenCheckpoint(nmf->comm, path, &file));
  PetscCall(CheckFormat(nmf->comm, path, file));
  PetscErrorCode ierr = CheckInput(nmf, path, file);
  if (!ierr) ierr = CheckParameters(nmf, path, file);
  if (!ierr) ierr = ReadScalars(nmf, path, file, &stored);
  if (!ierr) ierr = ReadState(nmf, path, file);
  H5Fclose(file);
  PetscCall(ierr);
  PetscCall(NMFCheckpointStateHash_Private(nmf, &hash));
  PetscCheck(hash == stored, nmf->comm, PETSC_ERR_FILE_UNEXPECTED, "cannot restart from '%s': the checkpoint is damaged (its contents do not match its checksum)", path);
  nmf->resumed = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ a rank selection's checkpoint */

/* the settings of the selection that wrote the file against this run's */
static PetscErrorCode CheckSelectKSettings(NMF nmf, const char *path, hid_t g)
{
  const NMFSelectKState &S    = nmf->select;
  double                 kmin = -1, kmax = -1, R = -1, thr = NAN, imp = NAN, noise = NAN;
  std::string            resampling;

  PetscFunctionBegin;
  const bool ok = NMFIOReadAttrDouble_Private(g, "kmin", &kmin) && NMFIOReadAttrDouble_Private(g, "kmax", &kmax) && NMFIOReadAttrDouble_Private(g, "resamples", &R) && NMFIOReadAttrDouble_Private(g, "threshold", &thr) && NMFIOReadAttrDouble_Private(g, "min_improvement", &imp) &&
                  NMFIOReadAttrString_Private(g, "resampling", &resampling) && NMFIOReadAttrDouble_Private(g, "noise", &noise);
  PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_UNEXPECTED, "cannot restart from '%s': the checkpoint is damaged (the settings of /select_k are incomplete)", path);
  PetscCheck((PetscInt)kmin == S.kmin && (PetscInt)kmax == S.kmax, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': it was written with -nmf_select_k %d:%d, this run has %d:%d", path, (int)kmin, (int)kmax, (int)S.kmin, (int)S.kmax);
  PetscCheck((PetscInt)R == S.R, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': it was written with -nmf_select_k_resamples %d, this run has %d", path, (int)R, (int)S.R);
  PetscCheck(resampling == NMFResampleTypes[S.resampling] && noise == S.noise, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': it was written with -nmf_select_k_resampling %s (noise %g), this run has %s (noise %g)", path, resampling.c_str(), noise, NMFResampleTypes[S.resampling], (double)S.noise);
  PetscCheck(thr == S.threshold && imp == S.min_improvement, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': it was written with -nmf_select_k_threshold %g and -nmf_select_k_min_improvement %g, this run has %g and %g", path, thr, imp, (double)S.threshold, (double)S.min_improvement);
  PetscFunctionReturn(0);
}

/* the table of a complete selection (the checkpoint of the fit that follows it) */
static PetscErrorCode ReadSelectKTable(NMF nmf, const char *path, hid_t g)
{
  NMFSelectKState    &S = nmf->select;
  std::vector<double> k;
  double              suggested = 0;

  PetscFunctionBegin;
  bool ok = ReadSmall(g, "k", k) && ReadSmall(g, "silhouette_min", S.silhouette_min) && ReadSmall(g, "silhouette_mean", S.silhouette_mean) && ReadSmall(g, "rel_error", S.rel_error) && ReadSmall(g, "loss", S.loss) && NMFIOReadAttrDouble_Private(g, "suggested_k", &suggested);
  ok      = ok && (PetscInt)k.size() == S.kmax - S.kmin + 1 && S.silhouette_min.size() == k.size() && S.silhouette_mean.size() == k.size() && S.rel_error.size() == k.size() && S.loss.size() == k.size() && suggested >= S.kmin && suggested <= S.kmax;
  PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_UNEXPECTED, "cannot restart from '%s': the checkpoint is damaged (the table of /select_k is incomplete)", path);
  S.k.assign(k.begin(), k.end());
  S.suggested = (PetscInt)suggested;
  S.complete  = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/* the fits done before the stop */
static PetscErrorCode ReadSelectKFits(NMF nmf, const char *path, hid_t g)
{
  NMFSelectKState &S  = nmf->select;
  bool             ok = true;

  PetscFunctionBegin;
  S.fits.clear();
  hid_t fg = H5Lexists(g, "fits", H5P_DEFAULT) > 0 ? H5Gopen2(g, "fits", H5P_DEFAULT) : -1;
  ok       = fg >= 0;
  for (PetscInt k = S.kmin; ok && k <= S.kmax; k++) {
    S.fits.emplace_back();
    NMFSelectKFits   &fk   = S.fits.back();
    const std::string name = "k" + std::to_string(k);
    fk.k                   = k;
    if (H5Lexists(fg, name.c_str(), H5P_DEFAULT) <= 0) continue;
    hid_t                kg   = H5Gopen2(fg, name.c_str(), H5P_DEFAULT);
    double               done = -1;
    std::vector<hsize_t> dims;
    ok      = kg >= 0 && NMFIOReadAttrDouble_Private(kg, "done", &done) && NMFIOReadAttrDouble_Private(kg, "loss", &fk.loss) && NMFIOReadAttrDouble_Private(kg, "rel_error", &fk.rel_error) && ReadSmall(kg, "spectra", fk.spectra, &dims) && ReadSmall(kg, "n_iter", fk.n_iter);
    ok      = ok && done >= 1 && done <= S.R + 1 && dims.size() == 2 && dims[0] == (hsize_t)(done * k) && dims[1] == (hsize_t)nmf->n;
    fk.done = ok ? (PetscInt)done : 0;
    if (kg >= 0) H5Gclose(kg);
  }
  if (fg >= 0) H5Gclose(fg);
  PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_UNEXPECTED, "cannot restart from '%s': the checkpoint is damaged (the fits of /select_k are incomplete)", path);
  PetscFunctionReturn(0);
}

/* NMFSelectK from a checkpoint (nmf->restart_file): the settings, the input and the parameters
   are compared; a selection stopped in one of its fits gets the fits done before (the one in
   progress is done again, from its start: the same fit), a complete one (stopped in the fit of the
   suggested k) its table, and NMFSetUp then restores that fit's state. */
PetscErrorCode NMFSelectKRestore_Private(NMF nmf)
try {
  const std::string path = nmf->restart_file;
  hid_t             file;
  double            random_state = -1, complete = 0;

  PetscFunctionBegin;
  PetscCall(OpenCheckpoint(nmf->comm, path.c_str(), &file));
  PetscCall(CheckFormat(nmf->comm, path.c_str(), file));
  hid_t g = H5Lexists(file, "select_k", H5P_DEFAULT) > 0 ? H5Gopen2(file, "select_k", H5P_DEFAULT) : -1;
  if (g < 0) H5Fclose(file);
  PetscCheck(g >= 0, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': it is the checkpoint of one fit, not of a rank selection: restart it without -nmf_select_k", path.c_str());
  const bool ok   = NMFIOReadAttrDouble_Private(g, "random_state", &random_state) && NMFIOReadAttrDouble_Private(g, "complete", &complete);
  const bool seed = !nmf->random_state_set || (double)nmf->random_state == random_state;
  if (!ok || !seed) {
    H5Gclose(g);
    H5Fclose(file);
  }
  PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_UNEXPECTED, "cannot restart from '%s': the checkpoint is damaged (attributes of /select_k are missing)", path.c_str());
  PetscCheck(seed, nmf->comm, PETSC_ERR_ARG_INCOMP, "cannot restart from '%s': it was written with random_state = %.0f, this run has random_state = %" PetscInt64_FMT, path.c_str(), random_state, nmf->random_state);
  nmf->random_state     = (PetscInt64)random_state; /* drawn by the run that wrote it, or the same as given */
  nmf->random_state_set = PETSC_TRUE;
  PetscErrorCode ierr   = CheckSelectKSettings(nmf, path.c_str(), g);
  if (!ierr) ierr = CheckInput(nmf, path.c_str(), file);
  if (!ierr && complete) {
    ierr = ReadSelectKTable(nmf, path.c_str(), g);
    if (!ierr) nmf->k = nmf->select.suggested; /* the parameters of the fit that follows the selection */
  }
  if (!ierr) ierr = CheckParameters(nmf, path.c_str(), file);
  if (!ierr && !complete) ierr = ReadSelectKFits(nmf, path.c_str(), g);
  H5Gclose(g);
  H5Fclose(file);
  PetscCall(ierr);
  if (!complete) nmf->restart_file.clear(); /* the fit of the suggested k starts afresh */
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS
