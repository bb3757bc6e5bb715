/* Checkpoints of NMFSolve: the state at the end of an iteration (W, H, the iteration count, the
   losses, the step parameters, the stopping rules' losses), the parameters a restart must keep and
   the input's fingerprint, written with parallel HDF5 under a temporary name and renamed when
   complete.  The checkpoint monitor decides when (every N iterations, every S seconds, on a
   signal), the same on every rank.  Layout (format version 1):
     /W (m, k)  /H (k, ny, nx) or (k, p)  /losses/NAME (n_iter,)  [/scree (N,)]
     /parameters/NAME  (values; attribute text)      /input  (attributes: the fingerprint)
     attributes of /: format, format_version, n_iter, eval_before, eval_init, gamma_H, gamma_W,
     gamma_initial, random_state, init, loss_names, norm_factor, const_KL, fit_seconds, n_ranks,
     state_hash (of W, H, losses and scalars: a damaged file is refused) */
#include <smoothnmf/private/ioimpl.h>
#include <cstdio>

struct CheckpointCtx {
  std::string         path;
  PetscInt            every   = 0;
  double              seconds = 0;
  const volatile int *stop    = nullptr;
  double              t_last  = 0; /* rank 0: when the last checkpoint was written (or the first monitor call) */
  int                 signal  = 0; /* the signal that interrupted the solve */
  PetscInt            last    = 0; /* the iteration of the last checkpoint written */
};

/* the parameters a restart must keep and the input's fingerprint (a checkpoint's /parameters, /input) */
static herr_t WriteParametersAndInput(hid_t file, NMF nmf, const std::vector<NMFCheckpointParam> &params, PetscMPIInt rank)
{
  herr_t st = 0;
  hid_t  pg = H5Gcreate2(file, "parameters", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  for (const NMFCheckpointParam &p : params) {
    hsize_t len = (hsize_t)p.values.size();
    st |= NMFIOWriteSmall_Private(pg, p.name.c_str(), 1, &len, p.values.data(), rank);
    hid_t d = H5Dopen2(pg, p.name.c_str(), H5P_DEFAULT);
    if (d >= 0) {
      NMFIOAttrString_Private(d, "text", p.text);
      H5Dclose(d);
    } else
      st = -1;
  }
  H5Gclose(pg);
  const NMFFingerprint &f  = nmf->fingerprint;
  hid_t                 ig = H5Gcreate2(file, "input", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  NMFIOAttrInt_Private(ig, "n", f.n);
  NMFIOAttrInt_Private(ig, "p", f.p);
  NMFIOAttrInt_Private(ig, "ny", f.ny);
  NMFIOAttrInt_Private(ig, "nx", f.nx);
  NMFIOAttrString_Private(ig, "dtype", f.dtype);
  NMFIOAttrDoubles_Private(ig, "sum", &f.sum, 1);
  NMFIOAttrDoubles_Private(ig, "sum_of_squares", &f.sumsq, 1);
  NMFIOAttrU64_Private(ig, "hash", f.hash);
  if (f.mask_hash) NMFIOAttrU64_Private(ig, "mask_hash", f.mask_hash); /* the masks of the fit (none: no attribute, as before) */
  H5Gclose(ig);
  return st;
}

static PetscErrorCode WriteCheckpointBody(hid_t file, void *ctx_)
{
  NMF                             nmf = (NMF)ctx_;
  PetscMPIInt                     rank, size;
  const PetscInt                  k = nmf->k, m = nmf->G.empty() ? nmf->n : nmf->m;
  herr_t                          st = 0, sh;
  bool                            ok;
  uint64_t                        state_hash;
  std::vector<NMFCheckpointParam> params;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(nmf->comm, &rank));
  PetscCallMPI(MPI_Comm_size(nmf->comm, &size));
  PetscCall(NMFCheckpointParams_Private(nmf, params));
  PetscCall(NMFCheckpointStateHash_Private(nmf, &state_hash));
  double fit_seconds = MPI_Wtime() - nmf->fit_start; /* rank 0's: attributes must be the same on every rank */
  PetscCallMPI(MPI_Bcast(&fit_seconds, 1, MPI_DOUBLE, 0, nmf->comm));

  /* the state */
  hsize_t dW[2] = {(hsize_t)m, (hsize_t)k};
  st |= NMFIOWriteSmall_Private(file, "W", 2, dW, nmf->W.data(), rank);
  PetscCall(NMFIOWriteComponentMajor_Private(file, "H", nmf->daH, nmf->H, &sh));
  st |= sh;
  hid_t lg = H5Gcreate2(file, "losses", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  for (size_t j = 0; j < nmf->loss_names.size(); j++) {
    hsize_t dl = (hsize_t)nmf->n_iter;
    st |= NMFIOWriteSmall_Private(lg, nmf->loss_names[j].c_str(), 1, &dl, nmf->losses[j].data(), rank);
  }
  H5Gclose(lg);
  if (nmf->scree_n > 0) {
    hsize_t ds = (hsize_t)nmf->scree.size();
    st |= NMFIOWriteSmall_Private(file, "scree", 1, &ds, nmf->scree.data(), rank);
  }

  /* the parameters a restart must keep, the input's fingerprint, and the table of the rank
     selection that chose k (NMFSelectK) */
  st |= WriteParametersAndInput(file, nmf, params, rank);
  if (nmf->select.complete) st |= NMFIOWriteSelectKGroup_Private(file, nmf, false, rank);

  /* the scalars of the iteration, and what identifies the file */
  hid_t root = H5Gopen2(file, "/", H5P_DEFAULT);
  NMFIOAttrString_Private(root, "format", NMF_CHECKPOINT_FORMAT);
  NMFIOAttrInt_Private(root, "format_version", NMF_CHECKPOINT_VERSION);
  NMFIOAttrInt_Private(root, "n_iter", nmf->n_iter);
  NMFIOAttrInt_Private(root, "n_ranks", size);
  NMFIOAttrDoubles_Private(root, "eval_before", &nmf->eval_before, 1);
  NMFIOAttrDoubles_Private(root, "eval_init", &nmf->eval_init, 1);
  NMFIOAttrDoubles_Private(root, "gamma_H", &nmf->gamma_H, 1);
  NMFIOAttrDoubles_Private(root, "gamma_W", &nmf->gamma_W, 1);
  NMFIOAttrDoubles_Private(root, "gamma_initial", nmf->gamma_initial.data(), nmf->gamma_initial.size());
  NMFIOAttrInt_Private(root, "random_state", nmf->random_state);
  NMFIOAttrString_Private(root, "init", NMFInitTypes[nmf->init_used]);
  NMFIOAttrString_Private(root, "loss_names", NMFCheckpointLossNames_Private(nmf));
  NMFIOAttrDoubles_Private(root, "norm_factor", &nmf->norm_factor, 1);
  NMFIOAttrDoubles_Private(root, "const_KL", &nmf->const_KL, 1);
  NMFIOAttrDoubles_Private(root, "scree_sum_squares", &nmf->scree_sum_squares, 1);
  NMFIOAttrDoubles_Private(root, "fit_seconds", &fit_seconds, 1);
  NMFIOAttrU64_Private(root, "state_hash", state_hash);
  H5Gclose(root);
  PetscCall(NMFIOAllOK_Private(nmf->comm, st >= 0, &ok));
  const std::string why = ok ? "" : NMFIOWriteFailureReason_Private(nmf->comm, file);
  PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_WRITE, "writing the checkpoint failed%s; the previous checkpoint, if any, is intact", why.empty() ? " (disk full?)" : why.c_str());
  PetscFunctionReturn(0);
}

/* The group /select_k of a rank selection (NMFSelectK): its settings as attributes; when complete,
   the table (datasets k, silhouette_min, silhouette_mean, rel_error, loss; attribute suggested_k),
   and with fits = true the fits done so far (a checkpoint's: /select_k/fits/kK, attributes done,
   loss, rel_error and the dataset spectra (done k, n)).  The result file and checkpoints. */
herr_t NMFIOWriteSelectKGroup_Private(hid_t file, NMF nmf, bool fits, PetscMPIInt rank)
{
  const NMFSelectKState &S  = nmf->select;
  herr_t                 st = 0;
  hid_t                  g  = H5Gcreate2(file, "select_k", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) return -1;
  NMFIOAttrInt_Private(g, "kmin", S.kmin);
  NMFIOAttrInt_Private(g, "kmax", S.kmax);
  NMFIOAttrInt_Private(g, "resamples", S.R);
  NMFIOAttrDoubles_Private(g, "threshold", &S.threshold, 1);
  NMFIOAttrDoubles_Private(g, "min_improvement", &S.min_improvement, 1);
  NMFIOAttrString_Private(g, "resampling", NMFResampleTypes[S.resampling]);
  NMFIOAttrDoubles_Private(g, "noise", &S.noise, 1);
  NMFIOAttrInt_Private(g, "random_state", nmf->random_state);
  NMFIOAttrInt_Private(g, "complete", S.complete ? 1 : 0);
  NMFIOAttrDoubles_Private(g, "seconds", &S.seconds, 1);
  if (S.complete) {
    hsize_t             nk = (hsize_t)S.k.size();
    std::vector<double> kd(S.k.begin(), S.k.end());
    st |= NMFIOWriteSmall_Private(g, "k", 1, &nk, kd.data(), rank);
    st |= NMFIOWriteSmall_Private(g, "silhouette_min", 1, &nk, S.silhouette_min.data(), rank);
    st |= NMFIOWriteSmall_Private(g, "silhouette_mean", 1, &nk, S.silhouette_mean.data(), rank);
    st |= NMFIOWriteSmall_Private(g, "rel_error", 1, &nk, S.rel_error.data(), rank);
    st |= NMFIOWriteSmall_Private(g, "loss", 1, &nk, S.loss.data(), rank);
    NMFIOAttrInt_Private(g, "suggested_k", S.suggested);
    if (S.fits.size() == S.k.size()) { /* the iterations of every fit: (k, 1 + R), the fit of X first */
      std::vector<double> it;
      for (const NMFSelectKFits &fk : S.fits) it.insert(it.end(), fk.n_iter.begin(), fk.n_iter.end());
      hsize_t d[2] = {nk, (hsize_t)(S.R + 1)};
      if (it.size() == nk * (S.R + 1)) st |= NMFIOWriteSmall_Private(g, "n_iter", 2, d, it.data(), rank);
    }
  }
  if (fits) {
    hid_t fg = H5Gcreate2(g, "fits", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    for (const NMFSelectKFits &fk : S.fits) {
      if (!fk.done) continue;
      const std::string name = "k" + std::to_string(fk.k);
      hid_t             kg   = H5Gcreate2(fg, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      NMFIOAttrInt_Private(kg, "done", fk.done);
      NMFIOAttrDoubles_Private(kg, "loss", &fk.loss, 1);
      NMFIOAttrDoubles_Private(kg, "rel_error", &fk.rel_error, 1);
      hsize_t d[2] = {(hsize_t)(fk.done * fk.k), (hsize_t)nmf->n};
      st |= NMFIOWriteSmall_Private(kg, "spectra", 2, d, fk.spectra.data(), rank);
      hsize_t di = (hsize_t)fk.done;
      st |= NMFIOWriteSmall_Private(kg, "n_iter", 1, &di, fk.n_iter.data(), rank);
      st |= kg < 0 ? -1 : H5Gclose(kg);
    }
    st |= fg < 0 ? -1 : H5Gclose(fg);
  }
  H5Gclose(g);
  return st;
}

/* A selection's checkpoint, written between two iterations of one of its fits: the fits done
   (/select_k), the parameters and the input of the object that runs it; no W or H (the fit in
   progress is done again on a restart) */
static PetscErrorCode WriteSelectKCheckpointBody(hid_t file, void *ctx_)
{
  NMF                             nmf = (NMF)ctx_;
  PetscMPIInt                     rank, size;
  herr_t                          st = 0;
  bool                            ok;
  std::vector<NMFCheckpointParam> params;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(nmf->comm, &rank));
  PetscCallMPI(MPI_Comm_size(nmf->comm, &size));
  PetscCall(NMFCheckpointParams_Private(nmf, params));
  st |= NMFIOWriteSelectKGroup_Private(file, nmf, true, rank);
  st |= WriteParametersAndInput(file, nmf, params, rank);
  hid_t root = H5Gopen2(file, "/", H5P_DEFAULT);
  NMFIOAttrString_Private(root, "format", NMF_CHECKPOINT_FORMAT);
  NMFIOAttrInt_Private(root, "format_version", NMF_CHECKPOINT_VERSION);
  NMFIOAttrInt_Private(root, "n_ranks", size);
  NMFIOAttrInt_Private(root, "random_state", nmf->random_state);
  H5Gclose(root);
  PetscCall(NMFIOAllOK_Private(nmf->comm, st >= 0, &ok));
  const std::string why = ok ? "" : NMFIOWriteFailureReason_Private(nmf->comm, file);
  PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_WRITE, "writing the checkpoint failed%s; the previous checkpoint, if any, is intact", why.empty() ? " (disk full?)" : why.c_str());
  PetscFunctionReturn(0);
}

/*@ NMFIOWriteCheckpoint - writes a checkpoint of the state at the end of the current iteration;
    call it from a monitor on every rank (NMFIOSetCheckpoint or NMFIOSetRestart must have come
    before NMFSetUp, for the fingerprint).  Collective. @*/
PetscErrorCode NMFIOWriteCheckpoint(NMF nmf, const char path[])
{
  PetscFunctionBegin;
  PetscCheck(nmf->setupcalled && !nmf->solved && nmf->n_iter > 0, nmf->comm, PETSC_ERR_ORDER, "NMFIOWriteCheckpoint writes the state at the end of an iteration: call it from a monitor (NMFMonitorSet)");
  PetscCheck(nmf->fingerprint_wanted, nmf->comm, PETSC_ERR_ORDER, "a checkpoint needs the input's fingerprint: call NMFIOSetCheckpoint or NMFIOSetRestart before NMFSetUp");
  PetscCall(NMFIOWriteAtomic_Private(nmf->comm, path, NMFIOOutputBytes_Private(nmf, 2), WriteCheckpointBody, nmf));
  PetscFunctionReturn(0);
}

/* Every rank reaches the same decision: one reduction of (the stop flag, rank 0's clock). */
static PetscErrorCode CheckpointMonitor(NMF nmf, PetscInt it, void *ctx_)
{
  CheckpointCtx *ctx = (CheckpointCtx *)ctx_;
  PetscMPIInt    rank;
  int            flags[2] = {0, 0}; /* the signal seen, a checkpoint due by time */

  PetscFunctionBegin;
  if (nmf->reason != NMF_CONVERGED_ITERATING) PetscFunctionReturn(0); /* the last iteration: the result follows */
  PetscCallMPI(MPI_Comm_rank(nmf->comm, &rank));
  if (ctx->stop) flags[0] = (int)*ctx->stop;
  if (rank == 0 && ctx->seconds > 0) {
    if (ctx->t_last == 0) ctx->t_last = nmf->fit_start;
    flags[1] = MPI_Wtime() - ctx->t_last >= ctx->seconds;
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, flags, 2, MPI_INT, MPI_MAX, nmf->comm));
  const bool due = flags[0] || flags[1] || (ctx->every > 0 && it % ctx->every == 0);
  if (!due) PetscFunctionReturn(0);
  if (nmf->select_parent) { /* a fit of a selection: the selection's fits done so far */
    NMF parent = nmf->select_parent;
    PetscCheck(parent->fingerprint_wanted, nmf->comm, PETSC_ERR_ORDER, "a checkpoint needs the input's fingerprint: call NMFIOSetCheckpoint or NMFIOSetRestart before NMFSelectK");
    PetscCall(NMFIOWriteAtomic_Private(nmf->comm, ctx->path.c_str(), 0, WriteSelectKCheckpointBody, parent));
  } else
    PetscCall(NMFIOWriteCheckpoint(nmf, ctx->path.c_str()));
  ctx->last   = it;
  ctx->t_last = MPI_Wtime();
  if (flags[0]) {
    ctx->signal = flags[0];
    PetscCall(NMFInterrupt(nmf));
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckpointCtxDestroy(void **ctx)
{
  PetscFunctionBegin;
  delete (CheckpointCtx *)*ctx;
  *ctx = nullptr;
  PetscFunctionReturn(0);
}

/*@ NMFIOSetCheckpoint - checkpoints of NMFSolve: at the end of an iteration, the state the next
    iteration needs (W, H, the iteration count, the losses, the step parameters gamma, the losses
    the stopping rules compare), the parameters and the input's fingerprint (shape, stored type,
    sum, sum of squares and an order-independent hash of its values) go to path, each rank writing
    its own block of H, under a temporary name renamed when complete: a crash while writing leaves
    the previous checkpoint whole.  Installs a monitor (NMFMonitorSet).  Collective.
  Input: path    - the checkpoint file
         every   - write one every `every` iterations (0: not by count)
         seconds - write one when `seconds` seconds passed since the last (0: not by time)
         stop    - a flag (a volatile sig_atomic_t, an int) a signal handler sets to the signal's number, or NULL: at the end of the
                   iteration in which any rank saw it set, every rank writes a checkpoint and
                   NMFSolve stops with the reason NMF_INTERRUPTED (see NMFIOGetCheckpointStatus)
         map     - the input (its stored type joins the fingerprint), or NULL
  Call before NMFSetUp: the fingerprint is taken before the data is prepared.  No checkpoint is
  written at the iteration that a stopping rule ends (the result follows). @*/
PetscErrorCode NMFIOSetCheckpoint(NMF nmf, const char path[], PetscInt every, PetscReal seconds, const volatile int *stop, const NMFMapInfo *map)
{
  PetscFunctionBegin;
  PetscCheck(!nmf->setupcalled, nmf->comm, PETSC_ERR_ORDER, "NMFIOSetCheckpoint must come before NMFSetUp/NMFSolve (the input's fingerprint is taken before the data is prepared)");
  PetscCheck(path && path[0], nmf->comm, PETSC_ERR_ARG_NULL, "NMFIOSetCheckpoint needs a file name");
  PetscCheck(every >= 0, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "checkpoint_every = %" PetscInt_FMT ": it must be >= 0 (0: not by iterations)", every);
  PetscCheck(seconds >= 0 && PetscIsNormalReal(seconds + 1), nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "checkpoint_seconds = %g: it must be a finite value >= 0 (0: not by time)", (double)seconds);
  CheckpointCtx *ctx = new CheckpointCtx;
  ctx->path          = path;
  ctx->every         = every;
  ctx->seconds       = seconds;
  ctx->stop          = stop;
  PetscCall(NMFMonitorSet(nmf, CheckpointMonitor, ctx, CheckpointCtxDestroy));
  nmf->fingerprint_wanted = PETSC_TRUE;
  if (map) PetscCall(PetscStrncpy(nmf->fingerprint.dtype, map->dtype, sizeof(nmf->fingerprint.dtype)));
  PetscFunctionReturn(0);
}

/*@ NMFIOGetCheckpointStatus - after NMFSolve: the signal number (the value of *stop) that
    interrupted it (0: none), and the iteration of the last checkpoint written (0: none).  Not collective. @*/
PetscErrorCode NMFIOGetCheckpointStatus(NMF nmf, int *signal, PetscInt *last)
{
  PetscFunctionBegin;
  if (signal) *signal = 0;
  if (last) *last = 0;
  for (PetscInt i = 0; i < nmf->nmonitors; i++)
    if (nmf->monitor[i] == CheckpointMonitor) {
      const CheckpointCtx *ctx = (const CheckpointCtx *)nmf->monitor_ctx[i];
      if (signal) *signal = ctx->signal;
      if (last) *last = ctx->last;
    }
  PetscFunctionReturn(0);
}
