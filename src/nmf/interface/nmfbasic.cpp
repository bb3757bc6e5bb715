/* The NMF object: creation, destruction, reset, its type (the algorithm) and the type registry. */
#include <smoothnmf/private/nmfimpl.h>
#include <cstring>
#include <new>
#include <type_traits>

const char *const NMFInitTypes[]                 = {"default", "random", "nndsvd", "nndsvda", "nndsvdar", "custom", "NMFInitType", "NMF_INIT_", nullptr};
const char *const NMFDataTypes[]                 = {"float64", "float32", "uint16", "uint8", "NMFDataType", "NMF_DATA_", nullptr};
const char *const NMFLossNames[NMF_LOSS_COLUMNS] = {"full_loss", "KL_div_loss", "log_reg_loss", "Lapl_reg_loss", "gamma", "rel_W", "rel_H"};

PetscFunctionList NMFList              = nullptr;
static PetscBool  NMFRegisterAllCalled = PETSC_FALSE;

/*@
   NMFConvergedReasonName - Gives espm's stop_reason string for a reason ("max_iter",
   "rel_change_WH", "rel_change_loss", "nan", "negative_decrease", "iterating").

   Not Collective

   Level: beginner
@*/
const char *NMFConvergedReasonName(NMFConvergedReason reason)
{
  switch (reason) {
  case NMF_CONVERGED_MAX_ITER: return "max_iter";
  case NMF_CONVERGED_REL_CHANGE_WH: return "rel_change_WH";
  case NMF_CONVERGED_REL_CHANGE_LOSS: return "rel_change_loss";
  case NMF_DIVERGED_NAN: return "nan";
  case NMF_DIVERGED_NEGATIVE_DECREASE: return "negative_decrease";
  case NMF_INTERRUPTED: return "interrupted";
  default: return "iterating";
  }
}

/*@C
   NMFRegister - Adds an NMF type (an algorithm) to the registry, so that NMFSetType() and the
   option -nmf_algo NAME select it.

   Not Collective

   Input Parameters:
+  name - the type's name
-  create - its creation routine: it fills nmf->ops (at least hstep and wstep, see
            <smoothnmf/private/nmfimpl.h>) and may set nmf->data, as KSPCreate_CG() does

   Level: advanced

.seealso: NMFSetType(), NMFRegisterAll()
@*/
PetscErrorCode NMFRegister(const char name[], PetscErrorCode (*create)(NMF))
{
  PetscFunctionBegin;
  PetscCall(NMFInitializePackage());
  PetscCall(PetscFunctionListAdd(&NMFList, name, create));
  PetscFunctionReturn(0);
}

/* the built-in types, registered once by NMFInitializePackage */
PetscErrorCode NMFRegisterAll(void)
{
  PetscFunctionBegin;
  if (NMFRegisterAllCalled) PetscFunctionReturn(0);
  NMFRegisterAllCalled = PETSC_TRUE;
  PetscCall(PetscFunctionListAdd(&NMFList, NMFLOGSURROGATE, NMFCreate_LogSurrogate));
  PetscCall(PetscFunctionListAdd(&NMFList, NMFL2SURROGATE, NMFCreate_L2Surrogate));
  PetscCall(PetscFunctionListAdd(&NMFList, NMFPROJECTEDGRADIENT, NMFCreate_ProjectedGradient));
  PetscFunctionReturn(0);
}

/* called by PetscFinalize, through NMFFinalizePackage */
PetscErrorCode NMFRegisterDestroy_Private(void)
{
  PetscFunctionBegin;
  PetscCall(PetscFunctionListDestroy(&NMFList));
  NMFRegisterAllCalled = PETSC_FALSE;
  PetscFunctionReturn(0);
}

/*@
   NMFCreate - Creates an NMF object: espm's SmoothNMF estimator over the ranks of comm, with
   espm's defaults and type log_surrogate.

   Collective

   Input Parameter:
.  comm - the communicator of the pixels

   Output Parameter:
.  nmf - the new object

   Level: beginner

.seealso: NMFSetData(), NMFSetFromOptions(), NMFSolve(), NMFDestroy()
@*/
PetscErrorCode NMFCreate(MPI_Comm comm, NMF *nmf)
try {
  NMF            s;
  _p_PetscObject hdr;

  PetscFunctionBegin;
  PetscValidPointer(nmf, 2);
  *nmf = nullptr;
  PetscCall(NMFInitializePackage());
  PetscCall(PetscHeaderCreate(s, NMF_CLASSID, "NMF", "Smooth nonnegative matrix factorization", "NMF", comm, NMFDestroy, NMFView));
  /* begin the lifetime of the C++ members over PETSc's zeroed allocation, keeping its header */
  static_assert(std::is_standard_layout<_p_PetscObject>::value, "the PETSc header is plain data");
  std::memcpy(&hdr, &s->hdr, sizeof hdr);
  new (s) _p_NMF;
  std::memcpy(&s->hdr, &hdr, sizeof hdr);
  std::memset(s->ops, 0, sizeof(s->ops));
  s->data = nullptr;
  s->comm = PetscObjectComm((PetscObject)s);
  NMFParamDefaults_Private(s);
  PetscCall(NMFSetType(s, NMFLOGSURROGATE));
  *nmf = s;
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFReset - Releases what a set-up and a solve built (the iterates, the results, the scree),
   keeping the data, the parameters and the type, so that the object can solve again.

   Collective

   Input Parameter:
.  nmf - the NMF object

   Notes:
   X stays as its first set-up prepared it (all-zero pixels and channels raised to log_shift,
   scaled when normalize); a solve after the reset with another normalize is refused: set the data
   again instead.

   Level: intermediate

.seealso: NMFSolve(), NMFDestroy()
@*/
PetscErrorCode NMFReset(NMF nmf)
try {
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  if (nmf->ops->reset) PetscCall((*nmf->ops->reset)(nmf));
  PetscCall(VecDestroy(&nmf->H));
  PetscCall(VecDestroy(&nmf->H_new));
  PetscCall(VecDestroy(&nmf->H_local));
  PetscCall(MatDestroy(&nmf->Hmat));
  PetscCall(MatDestroy(&nmf->Wmat));
  PetscCall(MatDestroy(&nmf->GWmat));
  std::vector<double>().swap(nmf->W);
  std::vector<double>().swap(nmf->GW);
  std::vector<double>().swap(nmf->num);
  std::vector<double>().swap(nmf->den);
  std::vector<double>().swap(nmf->HL);
  std::vector<double>().swap(nmf->grad_H);
  std::vector<double>().swap(nmf->scree);
  nmf->loss_names.clear();
  nmf->losses.clear();
  nmf->losses_table.clear();
  nmf->gamma_initial.clear();
  nmf->n_iter             = 0;
  nmf->reason             = NMF_CONVERGED_ITERATING;
  nmf->setupcalled        = PETSC_FALSE;
  nmf->solved             = PETSC_FALSE;
  nmf->resumed            = PETSC_FALSE;
  nmf->interrupt          = PETSC_FALSE;
  nmf->fit_seconds_before = 0;
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFDestroy - Destroys an NMF object (when its last reference goes).

   Collective

   Input Parameter:
.  nmf - the NMF object

   Level: beginner

.seealso: NMFCreate(), NMFReset()
@*/
PetscErrorCode NMFDestroy(NMF *nmf)
{
  _p_PetscObject hdr;

  PetscFunctionBegin;
  if (!nmf || !*nmf) PetscFunctionReturn(0);
  PetscValidHeaderSpecific(*nmf, NMF_CLASSID, 1);
  if (--((PetscObject)(*nmf))->refct > 0) {
    *nmf = nullptr;
    PetscFunctionReturn(0);
  }
  NMF s = *nmf;
  PetscCall(NMFReset(s));
  if (s->ops->destroy) PetscCall((*s->ops->destroy)(s));
  PetscCall(NMFMonitorCancel(s));
  if (s->converged_destroy) PetscCall((*s->converged_destroy)(&s->converged_ctx));
  PetscCall(NMFDestroyData_Private(s));
  PetscCall(DMDestroy(&s->daX));
  PetscCall(VecDestroy(&s->H_init));
  PetscCall(VecDestroy(&s->fixed_H));
  PetscCall(VecDestroy(&s->nav_mask));
  PetscCall(VecDestroy(&s->true_H));
  PetscCall(DMDestroy(&s->daH));
  PetscCall(PetscLayoutDestroy(&s->app_rows));
  /* end the C++ members' lifetime, then hand PETSc back its header for the last step */
  std::memcpy(&hdr, &s->hdr, sizeof hdr);
  s->~_p_NMF();
  std::memcpy((void *)s, &hdr, sizeof hdr);
  PetscCall(PetscHeaderDestroy(&s));
  *nmf = nullptr;
  PetscFunctionReturn(0);
}

/*@C
   NMFSetType - Sets the algorithm, espm's algo: NMFLOGSURROGATE ("log_surrogate", the default),
   NMFL2SURROGATE ("l2_surrogate"), NMFPROJECTEDGRADIENT ("projected_gradient"), or a type added
   with NMFRegister().

   Logically Collective

   Input Parameters:
+  nmf - the NMF object
-  type - the type's name

   Options Database Key:
.  -nmf_algo <log_surrogate,l2_surrogate,projected_gradient> - the type

   Level: intermediate

.seealso: NMFGetType(), NMFRegister()
@*/
PetscErrorCode NMFSetType(NMF nmf, NMFType type)
{
  PetscErrorCode (*create)(NMF);
  PetscBool same;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscValidCharPointer(type, 2);
  PetscCall(PetscObjectTypeCompare((PetscObject)nmf, type, &same));
  if (same) PetscFunctionReturn(0);
  PetscCall(PetscFunctionListFind(NMFList, type, &create));
  PetscCheck(create, nmf->comm, PETSC_ERR_ARG_UNKNOWN_TYPE, "unknown NMF type (algo) '%s': expected log_surrogate, l2_surrogate, projected_gradient or a type added with NMFRegister()", type);
  PetscCheck(!nmf->setupcalled, nmf->comm, PETSC_ERR_ORDER, "NMFSetType must come before NMFSetUp/NMFSolve (or after NMFReset)");
  if (nmf->ops->destroy) PetscCall((*nmf->ops->destroy)(nmf));
  std::memset(nmf->ops, 0, sizeof(nmf->ops));
  nmf->data               = nullptr;
  nmf->nsteps             = 1;
  nmf->gamma_default      = 8.0;
  nmf->gamma_default_text = "8";
  nmf->ratio_shift        = PETSC_FALSE;
  PetscCall((*create)(nmf));
  PetscCheck(nmf->ops->hstep && nmf->ops->wstep, nmf->comm, PETSC_ERR_PLIB, "the NMF type '%s' gives no H step or no W step", type);
  PetscCall(PetscObjectChangeTypeName((PetscObject)nmf, type));
  PetscFunctionReturn(0);
}

/*@C
   NMFGetType - Gets the algorithm's name.

   Not Collective

   Input Parameter:
.  nmf - the NMF object

   Output Parameter:
.  type - the type's name

   Level: intermediate

.seealso: NMFSetType()
@*/
PetscErrorCode NMFGetType(NMF nmf, NMFType *type)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscValidPointer(type, 2);
  *type = ((PetscObject)nmf)->type_name;
  PetscFunctionReturn(0);
}

/*@C
   NMFSetOptionsPrefix - Sets the prefix of the object's options: -PREFIXnmf_lambda_L.

   Logically Collective

   Input Parameters:
+  nmf - the NMF object
-  prefix - the prefix (NULL for none)

   Level: intermediate

.seealso: NMFGetOptionsPrefix(), NMFSetFromOptions()
@*/
PetscErrorCode NMFSetOptionsPrefix(NMF nmf, const char prefix[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCall(PetscObjectSetOptionsPrefix((PetscObject)nmf, prefix));
  PetscFunctionReturn(0);
}

/*@C
   NMFGetOptionsPrefix - Gets the prefix of the object's options.

   Not Collective

   Input Parameter:
.  nmf - the NMF object

   Output Parameter:
.  prefix - the prefix ("" when none)

   Level: intermediate

.seealso: NMFSetOptionsPrefix()
@*/
PetscErrorCode NMFGetOptionsPrefix(NMF nmf, const char *prefix[])
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)nmf, prefix));
  if (!*prefix) *prefix = "";
  PetscFunctionReturn(0);
}
