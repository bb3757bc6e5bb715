/* NMFSetFromOptions: every parameter of the table as a typed option -[prefix]nmf_<name>, the
   type (-nmf_algo), the default monitor (-nmf_monitor), the type's own options. */
#include <smoothnmf/private/nmfimpl.h>
#include <string>

/* A typed PETSc option reader, with its own error (PETSc's does not name the option) turned into
   one line naming the option, its value and what it takes. */
template <class F>
static PetscErrorCode ReadOption(NMF nmf, const char *opt, const char *expected, F read)
{
  PetscErrorCode ierr;
  const char    *prefix, *value = nullptr;
  PetscBool      set;

  PetscFunctionBegin;
  PetscCall(PetscPushErrorHandler(PetscReturnErrorHandler, nullptr));
  ierr = read();
  PetscCall(PetscPopErrorHandler());
  if (!ierr) PetscFunctionReturn(0);
  PetscCall(PetscObjectGetOptionsPrefix((PetscObject)nmf, &prefix));
  PetscCall(PetscOptionsFindPair(((PetscObject)nmf)->options, prefix, opt, &value, &set));
  SETERRQ(nmf->comm, PETSC_ERR_ARG_WRONG, "-%s%s '%s': expected %s", prefix ? prefix : "", opt + 1, value ? value : "", expected);
}

/*@
   NMFSetFromOptions - Sets the type and every parameter from the options database, with the
   object's prefix: -[prefix]nmf_<name> for each of espm's parameter names.

   Collective

   Input Parameter:
.  nmf - the NMF object

   Options Database Keys:
+  -nmf_algo <log_surrogate> - the type (NMFSetType())
.  -nmf_n_components <2> - NMFSetNComponents()
.  -nmf_lambda_L <1> - NMFSetLambdaL()
.  -nmf_mu <0> - one value or one per component, NMFSetMu()
.  -nmf_view [viewer] - NMFView() after NMFSolve()
.  -nmf_monitor - the progress line (on when verbose > 0)
.  -nmf_select_k KMIN:KMAX - the range of NMFSelectK() (and -nmf_select_k_resamples, _threshold, _resampling, _noise, _min_improvement)
-  -help - every option with its type and current value

   Level: beginner

.seealso: NMFCreate(), NMFSetOptionsPrefix(), NMFView()
@*/
PetscErrorCode NMFSetFromOptions(NMF nmf)
try {
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCall(NMFRegisterAll());
  PetscObjectOptionsBegin((PetscObject)nmf);
  for (PetscInt i = 0; i < NMFParamCount; i++) {
    const NMFParamInfo *p   = &NMFParamTable[i];
    const std::string   opt = std::string("-nmf_") + p->name;
    const char         *o = opt.c_str(), *help = p->help, *man = p->setter;
    PetscBool           flg = PETSC_FALSE;
    switch (p->kind) {
    case NMF_PARAM_TYPE: {
      char        type[256];
      const char *cur = ((PetscObject)nmf)->type_name;
      PetscCall(PetscOptionsFList(o, help, man, NMFList, cur, type, sizeof type, &flg));
      if (flg) {
        PetscErrorCode (*create)(NMF);
        PetscCall(PetscFunctionListFind(NMFList, type, &create));
        PetscCheck(create, nmf->comm, PETSC_ERR_ARG_UNKNOWN_TYPE, "-%snmf_algo '%s': unknown algorithm; expected log_surrogate, l2_surrogate, projected_gradient or a type added with NMFRegister()", ((PetscObject)nmf)->prefix ? ((PetscObject)nmf)->prefix : "", type);
        PetscCall(((PetscErrorCode(*)(NMF, NMFType))p->set)(nmf, type));
      }
    } break;
    case NMF_PARAM_INT: {
      PetscInt v = *(PetscInt *)p->field(nmf);
      PetscCall(ReadOption(nmf, o, "an integer", [&] { return PetscOptionsInt(o, help, man, v, &v, &flg); }));
      if (flg) PetscCall(((PetscErrorCode(*)(NMF, PetscInt))p->set)(nmf, v));
    } break;
    case NMF_PARAM_SEED: {
      PetscInt v = (PetscInt)nmf->random_state;
      PetscCall(ReadOption(nmf, o, "an integer", [&] { return PetscOptionsInt(o, help, man, v, &v, &flg); }));
      if (flg) PetscCall(((PetscErrorCode(*)(NMF, PetscInt64))p->set)(nmf, v));
    } break;
    case NMF_PARAM_REAL: {
      PetscReal v = *(PetscReal *)p->field(nmf);
      PetscCall(ReadOption(nmf, o, "a number", [&] { return PetscOptionsReal(o, help, man, v, &v, &flg); }));
      if (flg) PetscCall(((PetscErrorCode(*)(NMF, PetscReal))p->set)(nmf, v));
    } break;
    case NMF_PARAM_REALS: {
      const std::vector<double> &cur = *(std::vector<double> *)p->field(nmf);
      std::vector<PetscReal>     v(1024);
      PetscInt                   nv = (PetscInt)v.size();
      for (size_t j = 0; j < cur.size() && j < v.size(); j++) v[j] = cur[j];
      PetscCall(ReadOption(nmf, o, "a number or a comma list of numbers", [&] { return PetscOptionsRealArray(o, help, man, v.data(), &nv, &flg); }));
      if (flg) PetscCall(((PetscErrorCode(*)(NMF, PetscInt, const PetscReal[]))p->set)(nmf, nv, v.data()));
    } break;
    case NMF_PARAM_BOOL: {
      PetscBool v = *(PetscBool *)p->field(nmf);
      PetscCall(ReadOption(nmf, o, "true or false", [&] { return PetscOptionsBool(o, help, man, v, &v, &flg); }));
      if (flg) PetscCall(((PetscErrorCode(*)(NMF, PetscBool))p->set)(nmf, v));
    } break;
    case NMF_PARAM_INIT: {
      PetscEnum v = (PetscEnum)nmf->init;
      PetscCall(ReadOption(nmf, o, "default, random, nndsvd, nndsvda, nndsvdar or custom", [&] { return PetscOptionsEnum(o, help, man, NMFInitTypes, v, &v, &flg); }));
      if (flg) PetscCall(((PetscErrorCode(*)(NMF, NMFInitType))p->set)(nmf, (NMFInitType)v));
    } break;
    }
  }
  PetscBool mon = nmf->verbose > 0 ? PETSC_TRUE : PETSC_FALSE, flg;
  PetscCall(PetscOptionsBool("-nmf_monitor", "the progress line every eval_print iterations (NMFMonitorDefault)", "NMFMonitorSet", mon, &mon, &flg));
  if (flg) nmf->monitor_default = mon ? 1 : 0;
  PetscCall(PetscOptionsName("-nmf_view", "print the object after the solve: -nmf_view [ascii[:FILE]]", "NMFView", NULL));
  PetscCall(NMFSelectKSetFromOptions_Private(nmf, PetscOptionsObject));
  if (nmf->ops->setfromoptions) PetscCall((*nmf->ops->setfromoptions)(nmf, PetscOptionsObject));
  PetscCall(PetscObjectProcessOptionsHandlers((PetscObject)nmf, PetscOptionsObject));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS
