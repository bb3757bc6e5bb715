/* Iteration monitors: functions called at the end of each iteration of NMFSolve (progress,
   checkpoints), and the interruption they may ask for. */
#include "nmf_impl.h"

PetscErrorCode NMFMonitorSet(NMF nmf, NMFMonitorFn monitor, void *ctx, NMFMonitorDestroyFn destroy)
{
  PetscFunctionBegin;
  PetscCheck(monitor, nmf->comm, PETSC_ERR_ARG_NULL, "NMFMonitorSet needs a monitor function");
  PetscCheck(nmf->nmonitors < NMF_MAX_MONITORS, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "too many monitors (at most %d)", NMF_MAX_MONITORS);
  nmf->monitor[nmf->nmonitors]         = monitor;
  nmf->monitor_ctx[nmf->nmonitors]     = ctx;
  nmf->monitor_destroy[nmf->nmonitors] = destroy;
  nmf->nmonitors++;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFMonitorCancel(NMF nmf)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < nmf->nmonitors; i++)
    if (nmf->monitor_destroy[i]) PetscCall((*nmf->monitor_destroy[i])(&nmf->monitor_ctx[i]));
  nmf->nmonitors = 0;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFInterrupt(NMF nmf)
{
  PetscFunctionBegin;
  nmf->interrupt = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFMonitorCall_Private(NMF nmf)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < nmf->nmonitors; i++) PetscCall((*nmf->monitor[i])(nmf, nmf->n_iter, nmf->monitor_ctx[i]));
  if (nmf->interrupt && nmf->reason == NMF_CONVERGED_ITERATING) nmf->reason = NMF_INTERRUPTED;
  PetscFunctionReturn(0);
}
