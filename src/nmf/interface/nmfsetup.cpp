/* NMFSetUp: the checks of the parameters against the data, the preparation of X (doc/algorithm.md,
   section 1) and the start values (section 3), or the state of a checkpoint. */
#include <smoothnmf/private/nmfimpl.h>
#include <algorithm>
#include <ctime>

/* espm's random_state None: a fresh seed, drawn once on rank 0 and shared */
PetscErrorCode NMFDrawRandomState_Private(NMF nmf)
{
  PetscInt64 seed = (PetscInt64)time(NULL) ^ ((PetscInt64)clock() << 20);

  PetscFunctionBegin;
  PetscCallMPI(MPI_Bcast(&seed, 1, MPIU_INT64, 0, nmf->comm));
  nmf->random_state = seed & 0x7fffffff;
  PetscFunctionReturn(0);
}

/*@
   NMFSetUp - Checks the parameters against the data, prepares X and computes the start values
   (or restores a checkpoint).  NMFSolve() calls it when needed.

   Collective

   Input Parameter:
.  nmf - the NMF object

   Level: advanced

.seealso: NMFSolve(), NMFReset()
@*/
PetscErrorCode NMFSetUp(NMF nmf)
try {
  double t0 = MPI_Wtime();

  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  if (nmf->setupcalled) PetscFunctionReturn(0);
  PetscCall(NMFPhaseBegin_Private(NMF_PHASE_INIT));
  PetscCheck(nmf->Xc, nmf->comm, PETSC_ERR_ORDER, "no data: call NMFSetData before NMFSetUp/NMFSolve");
  const PetscInt k = nmf->k, n = nmf->n;
  PetscCheck(!nmf->transform_n || nmf->transform_n == n, nmf->comm, PETSC_ERR_ARG_SIZ, "the new map has %" PetscInt_FMT " channels, the learned spectra %" PetscInt_FMT, n, nmf->transform_n);
  PetscCheck((PetscInt)nmf->mu.size() == 1 || (PetscInt)nmf->mu.size() == k, nmf->comm, PETSC_ERR_ARG_SIZ, "mu has %zu values: give one value or one per component (n_components = %" PetscInt_FMT ")", nmf->mu.size(), k);
  PetscCheck(!nmf->force_simplex || k * nmf->log_shift < 1, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "n_components * log_shift = %g >= 1: no abundances on the simplex can stay above log_shift", (double)(k * nmf->log_shift));
  PetscCheck(nmf->G.empty() || (PetscInt)nmf->G.size() == n * nmf->m, nmf->comm, PETSC_ERR_ARG_SIZ, "G has %zu entries, expected %" PetscInt_FMT " rows (the data's channels) x %" PetscInt_FMT, nmf->G.size(), n, nmf->m);
  const PetscInt m = nmf->G.empty() ? n : nmf->m;
  PetscCheck(!nmf->linesearch || (!nmf->l2 && nmf->lambda_L > 0), nmf->comm, PETSC_ERR_ARG_INCOMP, "linesearch needs the KL loss and lambda_L > 0 (got l2 %s, lambda_L %g)", nmf->l2 ? "true" : "false", (double)nmf->lambda_L);
  PetscCheck(nmf->gamma_given.empty() || (PetscInt)nmf->gamma_given.size() == nmf->nsteps, nmf->comm, PETSC_ERR_ARG_SIZ, "algo %s takes %s, not %zu values", ((PetscObject)nmf)->type_name, nmf->nsteps == 1 ? "one gamma (sigma_L)" : "two steps, -nmf_gamma gamma_H,gamma_W", nmf->gamma_given.size());
  if (nmf->ops->setup) PetscCall((*nmf->ops->setup)(nmf)); /* the type's own checks */
  PetscCheck(!nmf->true_H || (PetscInt)nmf->true_D.size() == n * k, nmf->comm, PETSC_ERR_ARG_SIZ, "true_D must be (%" PetscInt_FMT ", %" PetscInt_FMT ")", n, k);
  PetscCheck(nmf->W_init.empty() || (PetscInt)nmf->W_init.size() == m * k, nmf->comm, PETSC_ERR_ARG_SIZ, "the initial W has %zu entries, expected (%" PetscInt_FMT ", %" PetscInt_FMT ")", nmf->W_init.size(), m, k);
  PetscCheck(nmf->fixed_W.empty() || (PetscInt)nmf->fixed_W.size() == m * k, nmf->comm, PETSC_ERR_ARG_SIZ, "the fixed_W mask has %zu entries, expected (%" PetscInt_FMT ", %" PetscInt_FMT ")", nmf->fixed_W.size(), m, k);
  PetscCheck(nmf->scree_n <= PetscMin(n, nmf->p), nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "scree = %" PetscInt_FMT ": X has only min(channels, pixels) = %" PetscInt_FMT " singular values", nmf->scree_n, PetscMin(n, nmf->p));
  PetscCheck(!nmf->data_prepared || nmf->prepared_normalize == nmf->normalize, nmf->comm, PETSC_ERR_ORDER, "normalize changed after an earlier solve prepared X with normalize %s: set the data again (NMFSetData) before solving with normalize %s", nmf->prepared_normalize ? "true" : "false", nmf->normalize ? "true" : "false");
  PetscCall(NMFSetUpMasks_Private(nmf)); /* the data pixels */
  if (!nmf->daH) PetscCall(NMFCreateAbundanceDM_Private(nmf));
  PetscCall(DMCreateGlobalVector(nmf->daH, &nmf->H));
  PetscCall(DMCreateGlobalVector(nmf->daH, &nmf->H_new));
  PetscCall(DMCreateLocalVector(nmf->daH, &nmf->H_local));
  nmf->num.assign(nmf->p_local * k, 0.0);
  nmf->den.assign(nmf->p_local * k, 0.0);
  if (!nmf->random_state_set) PetscCall(NMFDrawRandomState_Private(nmf)); /* espm's None */
  if (!nmf->data_prepared) PetscCall(NMFPrepareData_Private(nmf));        /* and the fingerprint of X as given, when wanted */
  nmf->data_prepared      = PETSC_TRUE;
  nmf->prepared_normalize = nmf->normalize;
  if (nmf->restart_file.empty()) {
    PetscCall(NMFInitialize_Private(nmf));
    PetscCall(NMFMaskedStart_Private(nmf));
  } else
    PetscCall(NMFRestoreCheckpoint_Private(nmf)); /* W, H and the iteration state */
  if (nmf->monitor_default == 1 || (nmf->monitor_default == -1 && nmf->verbose > 0)) {
    /* the progress line, once, before the monitors set earlier (a checkpoint's, an application's) */
    PetscCall(NMFMonitorSet(nmf, NMFMonitorDefault, NULL, NULL));
    std::rotate(nmf->monitor, nmf->monitor + nmf->nmonitors - 1, nmf->monitor + nmf->nmonitors);
    std::rotate(nmf->monitor_ctx, nmf->monitor_ctx + nmf->nmonitors - 1, nmf->monitor_ctx + nmf->nmonitors);
    std::rotate(nmf->monitor_destroy, nmf->monitor_destroy + nmf->nmonitors - 1, nmf->monitor_destroy + nmf->nmonitors);
    nmf->monitor_default = 0;
  }
  nmf->setupcalled  = PETSC_TRUE;
  nmf->init_seconds = MPI_Wtime() - t0;
  PetscCall(NMFPhaseEnd_Private(NMF_PHASE_INIT));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS
