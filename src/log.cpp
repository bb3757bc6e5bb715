/* The NMF package: its class id and the log events of the solve phases and the I/O, registered
   once per PetscInitialize so that -log_view lists them. */
#include "nmf_impl.h"

PetscClassId  NMF_CLASSID;
PetscLogEvent NMF_SetUp, NMF_HStep, NMF_WStep, NMF_Loss, NMF_Redistribute, NMF_IORead, NMF_IOWrite;

static PetscBool NMFPackageInitialized = PETSC_FALSE;

/* called by PetscFinalize: a later PetscInitialize registers the events again */
static PetscErrorCode NMFFinalizePackage(void)
{
  PetscFunctionBegin;
  NMFPackageInitialized = PETSC_FALSE;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFInitializePackage(void)
{
  PetscFunctionBegin;
  if (NMFPackageInitialized) PetscFunctionReturn(0);
  NMFPackageInitialized = PETSC_TRUE;
  PetscCall(PetscClassIdRegister("NMF", &NMF_CLASSID));
  PetscCall(PetscLogEventRegister("NMFSetUp", NMF_CLASSID, &NMF_SetUp));               /* checks, preparation of X, initialization */
  PetscCall(PetscLogEventRegister("NMFHStep", NMF_CLASSID, &NMF_HStep));               /* H update (and its line search) */
  PetscCall(PetscLogEventRegister("NMFWStep", NMF_CLASSID, &NMF_WStep));               /* W update: pass B over X, reductions */
  PetscCall(PetscLogEventRegister("NMFLoss", NMF_CLASSID, &NMF_Loss));                 /* pass A: loss of the iterate, next H numerator */
  PetscCall(PetscLogEventRegister("NMFRedistribute", NMF_CLASSID, &NMF_Redistribute)); /* application Mat <-> solver layout */
  PetscCall(PetscLogEventRegister("NMFIORead", NMF_CLASSID, &NMF_IORead));             /* parallel HDF5 read of a map */
  PetscCall(PetscLogEventRegister("NMFIOWrite", NMF_CLASSID, &NMF_IOWrite));           /* result files */
  PetscCall(PetscRegisterFinalize(NMFFinalizePackage));
  PetscFunctionReturn(0);
}
