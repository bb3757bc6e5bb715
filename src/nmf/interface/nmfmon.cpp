/* Iteration monitors: functions called at the end of each iteration of NMFSolve (the progress
   line, checkpoints, an application's own), and the interruption they may ask for. */
#include <smoothnmf/private/nmfimpl.h>

/*@C
   NMFMonitorDefault - The progress line, every eval_print iterations while the solve goes on:
   "It 10 / 200: loss 1.234e+00, 56.789 it/s".  On by default when verbose > 0 (-nmf_monitor
   turns it on or off); NMFMonitorCancel() removes it with the others.

   Collective

   Input Parameters:
+  nmf - the NMF object
.  it - the iteration just done
-  ctx - unused

   Level: intermediate

.seealso: NMFMonitorSet(), NMFMonitorCancel()
@*/
PetscErrorCode NMFMonitorDefault(NMF nmf, PetscInt it, void *ctx)
{
  PetscFunctionBegin;
  if (nmf->reason == NMF_CONVERGED_ITERATING && it % nmf->eval_print == 0)
    PetscCall(PetscPrintf(nmf->comm, "It %" PetscInt_FMT " / %" PetscInt_FMT ": loss %e, %0.3f it/s\n", it, nmf->max_iter, nmf->eval_before, it / (MPI_Wtime() - nmf->fit_start)));
  PetscFunctionReturn(0);
}

/*@C
   NMFMonitorSet - Adds a monitor (at most 8), called on every rank at the end of each iteration
   of NMFSolve(), after the stopping rules (NMFGetConvergedReason() tells whether the iteration
   was the last), in the order they were set; it may be collective.

   Logically Collective

   Input Parameters:
+  nmf - the NMF object
.  monitor - the function, called as monitor(nmf, it, ctx) with it the iterations done
.  ctx - its context, or NULL
-  destroy - frees ctx when the monitors are cancelled or the NMF destroyed, or NULL

   Level: intermediate

.seealso: NMFMonitorDefault(), NMFMonitorCancel(), NMFInterrupt()
@*/
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

/*@
   NMFMonitorCancel - Removes every monitor, the default one included, destroying their contexts.

   Logically Collective

   Input Parameter:
.  nmf - the NMF object

   Level: intermediate

.seealso: NMFMonitorSet()
@*/
PetscErrorCode NMFMonitorCancel(NMF nmf)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < nmf->nmonitors; i++)
    if (nmf->monitor_destroy[i]) PetscCall((*nmf->monitor_destroy[i])(&nmf->monitor_ctx[i]));
  nmf->nmonitors       = 0;
  nmf->monitor_default = 0; /* the set-up adds no default monitor after this */
  PetscFunctionReturn(0);
}

/*@ NMFInterrupt - from a monitor, on every rank: NMFSolve ends after this iteration with the reason
    NMF_INTERRUPTED (the state is the one the monitor saw; the iteration can be resumed from a
    checkpoint written there, see NMFIOWriteCheckpoint).  An iteration that a stopping rule ends
    keeps its reason.  Collective. @*/
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
