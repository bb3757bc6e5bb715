/* The NMF package: its class id, the built-in types, and the log events of the solve phases and
   the I/O, registered once per PetscInitialize so that -log_view lists them. */
#include <smoothnmf/private/nmfimpl.h>

PetscClassId         NMF_CLASSID;
PetscLogEvent        NMF_SetUp, NMF_HStep, NMF_WStep, NMF_Loss, NMF_Redistribute, NMF_IORead, NMF_IOWrite;
static PetscLogStage NMF_Stages[NMF_PHASES]; /* one -log_view stage per phase */

static PetscBool NMFPackageInitialized = PETSC_FALSE;

/* called by PetscFinalize: a later PetscInitialize registers the events again */
static PetscErrorCode NMFFinalizePackage(void)
{
  PetscFunctionBegin;
  PetscCall(NMFRegisterDestroy_Private());
  NMFPackageInitialized = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/*@
   NMFInitializePackage - Registers the NMF class and its log events (NMFSetUp, NMFHStep,
   NMFWStep, NMFLoss, NMFRedistribute, NMFIORead, NMFIOWrite), so that -log_view reports the
   solve phases.  Called by NMFCreate() and the I/O functions; calling it again does nothing.

   Not Collective

   Options Database Key:
.  -log_view - PETSc's performance summary, with the NMF events

   Level: developer
@*/
PetscErrorCode NMFInitializePackage(void)
{
  PetscFunctionBegin;
  if (NMFPackageInitialized) PetscFunctionReturn(0);
  NMFPackageInitialized = PETSC_TRUE;
  PetscCall(PetscClassIdRegister("NMF", &NMF_CLASSID));
  PetscCall(NMFRegisterAll());
  PetscCall(PetscLogEventRegister("NMFSetUp", NMF_CLASSID, &NMF_SetUp));               /* checks, preparation of X, initialization */
  PetscCall(PetscLogEventRegister("NMFHStep", NMF_CLASSID, &NMF_HStep));               /* H update (and its line search) */
  PetscCall(PetscLogEventRegister("NMFWStep", NMF_CLASSID, &NMF_WStep));               /* W update: pass B over X, reductions */
  PetscCall(PetscLogEventRegister("NMFLoss", NMF_CLASSID, &NMF_Loss));                 /* pass A: loss of the iterate, next H numerator */
  PetscCall(PetscLogEventRegister("NMFRedistribute", NMF_CLASSID, &NMF_Redistribute)); /* application Mat <-> solver layout */
  PetscCall(PetscLogEventRegister("NMFIORead", NMF_CLASSID, &NMF_IORead));             /* parallel HDF5 read of a map */
  PetscCall(PetscLogEventRegister("NMFIOWrite", NMF_CLASSID, &NMF_IOWrite));           /* result files */
  PetscCall(PetscLogStageRegister("NMF read", &NMF_Stages[NMF_PHASE_READ]));
  PetscCall(PetscLogStageRegister("NMF init", &NMF_Stages[NMF_PHASE_INIT]));
  PetscCall(PetscLogStageRegister("NMF H step", &NMF_Stages[NMF_PHASE_H]));
  PetscCall(PetscLogStageRegister("NMF W step", &NMF_Stages[NMF_PHASE_W]));
  PetscCall(PetscLogStageRegister("NMF loss", &NMF_Stages[NMF_PHASE_LOSS]));
  PetscCall(PetscLogStageRegister("NMF write", &NMF_Stages[NMF_PHASE_WRITE]));
  PetscCall(PetscRegisterFinalize(NMFFinalizePackage));
  PetscFunctionReturn(0);
}

/* A phase of the run: its -log_view stage and its event (the stage makes -log_view summarize the
   phase's own events, PETSc's and MPI's, apart from the others). */
static PetscLogEvent PhaseEvent(NMFPhase ph)
{
  const PetscLogEvent ev[NMF_PHASES] = {NMF_IORead, NMF_SetUp, NMF_HStep, NMF_WStep, NMF_Loss, NMF_IOWrite};
  return ev[ph];
}

PetscErrorCode NMFPhaseBegin_Private(NMFPhase ph)
{
  PetscFunctionBegin;
  PetscCall(NMFInitializePackage());
  PetscCall(PetscLogStagePush(NMF_Stages[ph]));
  PetscCall(PetscLogEventBegin(PhaseEvent(ph), 0, 0, 0, 0));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFPhaseEnd_Private(NMFPhase ph)
{
  PetscFunctionBegin;
  PetscCall(PetscLogEventEnd(PhaseEvent(ph), 0, 0, 0, 0));
  PetscCall(PetscLogStagePop());
  PetscFunctionReturn(0);
}
