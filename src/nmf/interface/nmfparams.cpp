/* The parameters of the NMF object, each described once (NMFParamTable), and their setters and
   getters.  Every check of a parameter's value lives in the table. */
#include <smoothnmf/private/nmfimpl.h>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#define FIELD(member) [](NMF nmf) -> void * { return &nmf->member; }
#define SETTER(f)     #f, (PetscVoidFunction)(f) /* its manual page's name and the setter itself */
static const double INF = PETSC_MAX_REAL;

/* name, kind, field, used, lo, hi, lo_open, nmax, flags, default (REALS: one value, or NAN: none), help, setter */
const NMFParamInfo NMFParamTable[] = {
  {"n_components", NMF_PARAM_INT, FIELD(k), nullptr, 1, PETSC_MAX_INT, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 2, "number of components k", SETTER(NMFSetNComponents)},
  {"algo", NMF_PARAM_TYPE, nullptr, nullptr, 0, 0, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 0, "the algorithm, an NMF type (NMFSetType)", SETTER(NMFSetType)},
  {"lambda_L", NMF_PARAM_REAL, FIELD(lambda_L), nullptr, 0, INF, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 1.0, "weight of the Laplacian smoothness penalty", SETTER(NMFSetLambdaL)},
  {"mu", NMF_PARAM_REALS, FIELD(mu), nullptr, 0, INF, PETSC_FALSE, 1 << 20, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 0.0, "weight of the log sparsity penalty: one value or one per component (comma list)", SETTER(NMFSetMu)},
  {"epsilon_reg", NMF_PARAM_REAL, FIELD(epsilon_reg), nullptr, 0, INF, PETSC_TRUE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 1.0, "shift inside the log penalty", SETTER(NMFSetEpsilonReg)},
  {"force_simplex", NMF_PARAM_BOOL, FIELD(force_simplex), nullptr, 0, 0, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 1, "each pixel's abundances sum to one", SETTER(NMFSetForceSimplex)},
  {"dicotomy_tol", NMF_PARAM_REAL, FIELD(dicotomy_tol), nullptr, 0, INF, PETSC_TRUE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 1e-5, "tolerance of the simplex bisection", SETTER(NMFSetDicotomyTol)},
  {"gamma", NMF_PARAM_REALS, FIELD(gamma_given), FIELD(gamma_initial), 0, INF, PETSC_TRUE, 2, NMF_PARAM_RESTART | NMF_PARAM_RESULT, NAN, "step parameter: sigma_L of the surrogates (default 8), or gamma_H,gamma_W of projected_gradient (default: Lipschitz bounds)", SETTER(NMFSetGammas)},
  {"linesearch", NMF_PARAM_BOOL, FIELD(linesearch), nullptr, 0, 0, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 0, "adapt gamma by a line search", SETTER(NMFSetLinesearch)},
  {"l2", NMF_PARAM_BOOL, FIELD(l2), nullptr, 0, 0, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 0, "Frobenius loss instead of KL", SETTER(NMFSetL2)},
  {"normalize", NMF_PARAM_BOOL, FIELD(normalize), nullptr, 0, 0, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 0, "scale X by k / (mean(X) n) during the fit", SETTER(NMFSetNormalize)},
  {"no_stop_criterion", NMF_PARAM_BOOL, FIELD(no_stop_criterion), nullptr, 0, 0, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 0, "run max_iter iterations", SETTER(NMFSetNoStopCriterion)},
  {"debug", NMF_PARAM_BOOL, FIELD(debug), nullptr, 0, 0, PETSC_FALSE, 1, 0, 0, "check the iterates after every step: finite, >= log_shift, on the simplex when forced", SETTER(NMFSetDebug)},
  {"init", NMF_PARAM_INIT, FIELD(init), FIELD(init_used), 0, 0, PETSC_FALSE, 1, NMF_PARAM_RESULT, NMF_INIT_DEFAULT, "initialization (default: nndsvda when k <= min(n, p), else random)", SETTER(NMFSetInitType)},
  {"tol", NMF_PARAM_REAL, FIELD(tol), nullptr, 0, INF, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 1e-4, "tolerance of the stopping rules", SETTER(NMFSetTolerance)},
  {"max_iter", NMF_PARAM_INT, FIELD(max_iter), nullptr, 1, PETSC_MAX_INT, PETSC_FALSE, 1, NMF_PARAM_RESULT, 200, "maximum number of iterations", SETTER(NMFSetMaxIter)},
  {"random_state", NMF_PARAM_SEED, FIELD(random_state), nullptr, 0, PETSC_MAX_INT, PETSC_FALSE, 1, NMF_PARAM_RESULT, 0, "seed of the random initializations (default: drawn, and recorded)", SETTER(NMFSetRandomState)},
  {"log_shift", NMF_PARAM_REAL, FIELD(log_shift), nullptr, 0, INF, PETSC_TRUE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 1e-14, "floor epsilon of W, H and the logs", SETTER(NMFSetLogShift)},
  {"eval_print", NMF_PARAM_INT, FIELD(eval_print), nullptr, 1, PETSC_MAX_INT, PETSC_FALSE, 1, NMF_PARAM_RESULT, 10, "progress line every this many iterations", SETTER(NMFSetEvalPrint)},
  {"verbose", NMF_PARAM_INT, FIELD(verbose), nullptr, PETSC_MIN_INT, PETSC_MAX_INT, PETSC_FALSE, 1, NMF_PARAM_RESULT, 1, "0: silent, 1: the progress lines (the default monitor)", SETTER(NMFSetVerbose)},
  {"scree", NMF_PARAM_INT, FIELD(scree_n), nullptr, 0, PETSC_MAX_INT, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT | NMF_PARAM_IF_NONZERO, 0, "also compute the N leading singular values of X (scree plot, to choose n_components); 0: none", SETTER(NMFSetScree)},
};
const PetscInt NMFParamCount = (PetscInt)(sizeof(NMFParamTable) / sizeof(NMFParamTable[0]));

const NMFParamInfo *NMFParamFind_Private(const char *name)
{
  for (PetscInt i = 0; i < NMFParamCount; i++)
    if (!strcmp(NMFParamTable[i].name, name)) return &NMFParamTable[i];
  return nullptr;
}

std::string NMFNumberText_Private(double v)
{
  char buf[64];
  for (int digits = 6; digits <= 17; digits++) {
    snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (strtod(buf, nullptr) == v) break;
  }
  return buf;
}

PetscErrorCode NMFParamCheckReal_Private(NMF nmf, const NMFParamInfo *p, PetscInt i, PetscReal v)
{
  char where[32] = "";

  PetscFunctionBegin;
  if (p->kind == NMF_PARAM_REALS && p->nmax > 1) snprintf(where, sizeof where, "[%d]", (int)i);
  const bool ok = std::isfinite(v) && (p->lo_open ? v > p->lo : v >= p->lo) && v <= p->hi;
  PetscCheck(ok, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s%s = %s: it must be a finite value %s %s", p->name, where, NMFNumberText_Private(v).c_str(), p->lo_open ? ">" : ">=", NMFNumberText_Private(p->lo).c_str());
  PetscFunctionReturn(0);
}

PetscErrorCode NMFParamCheckInt_Private(NMF nmf, const NMFParamInfo *p, PetscInt64 v)
{
  PetscFunctionBegin;
  PetscCheck(v >= (PetscInt64)p->lo && v <= (PetscInt64)p->hi, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s = %" PetscInt64_FMT ": it must be at least %" PetscInt64_FMT, p->name, v, (PetscInt64)p->lo);
  PetscFunctionReturn(0);
}

/* a number that tells types apart in a checkpoint: the built-in types their index (the numbers of
   the algo enum of earlier versions, so older checkpoints restart), others a hash of the name */
static double TypeNumber(const char *type)
{
  const char *builtin[] = {NMFLOGSURROGATE, NMFL2SURROGATE, NMFPROJECTEDGRADIENT};
  for (int i = 0; i < 3; i++)
    if (!strcmp(type, builtin[i])) return i;
  uint64_t h = 0;
  for (const char *c = type; *c; c++) h = NMFHashMix_Private(h ^ (unsigned char)*c);
  return (double)(h >> 12); /* 52 bits: exact in a double */
}

void NMFParamValues_Private(NMF nmf, const NMFParamInfo *p, bool used, std::vector<double> &values, std::string &text)
{
  void *f = p->kind == NMF_PARAM_TYPE ? nullptr : (used && p->used ? p->used(nmf) : p->field(nmf));
  text.clear();
  values.clear();
  switch (p->kind) {
  case NMF_PARAM_INT: values = {(double)*(PetscInt *)f}; break;
  case NMF_PARAM_SEED: values = {(double)*(PetscInt64 *)f}; break;
  case NMF_PARAM_REAL: values = {*(PetscReal *)f}; break;
  case NMF_PARAM_REALS:
    values = *(std::vector<double> *)f;
    if (values.empty()) text = "its default";
    break;
  case NMF_PARAM_BOOL:
    values = {*(PetscBool *)f ? 1.0 : 0.0};
    text   = *(PetscBool *)f ? "true" : "false";
    break;
  case NMF_PARAM_INIT:
    values = {(double)*(NMFInitType *)f};
    text   = NMFInitTypes[*(NMFInitType *)f];
    break;
  case NMF_PARAM_TYPE: {
    const char *type = ((PetscObject)nmf)->type_name ? ((PetscObject)nmf)->type_name : "";
    values           = {TypeNumber(type)};
    text             = type;
  } break;
  }
  if (text.empty())
    for (size_t i = 0; i < values.size(); i++) text += (i ? "," : "") + NMFNumberText_Private(values[i]);
}

void NMFParamDefaults_Private(NMF nmf)
{
  for (PetscInt i = 0; i < NMFParamCount; i++) {
    const NMFParamInfo *p = &NMFParamTable[i];
    if (p->kind == NMF_PARAM_TYPE) continue;
    void *f = p->field(nmf);
    switch (p->kind) {
    case NMF_PARAM_INT: *(PetscInt *)f = (PetscInt)p->deflt; break;
    case NMF_PARAM_SEED: *(PetscInt64 *)f = (PetscInt64)p->deflt; break;
    case NMF_PARAM_REAL: *(PetscReal *)f = p->deflt; break;
    case NMF_PARAM_REALS:
      if (std::isnan(p->deflt))
        ((std::vector<double> *)f)->clear();
      else
        ((std::vector<double> *)f)->assign(1, p->deflt);
      break;
    case NMF_PARAM_BOOL: *(PetscBool *)f = p->deflt != 0 ? PETSC_TRUE : PETSC_FALSE; break;
    case NMF_PARAM_INIT: *(NMFInitType *)f = (NMFInitType)(int)p->deflt; break;
    case NMF_PARAM_TYPE: break;
    }
  }
  nmf->random_state_set = PETSC_FALSE;
}

void NMFParamCopy_Private(NMF src, NMF dst)
{
  for (PetscInt i = 0; i < NMFParamCount; i++) {
    const NMFParamInfo *p = &NMFParamTable[i];
    if (p->kind == NMF_PARAM_TYPE) continue;
    void *s = p->field(src), *d = p->field(dst);
    switch (p->kind) {
    case NMF_PARAM_INT: *(PetscInt *)d = *(PetscInt *)s; break;
    case NMF_PARAM_SEED: *(PetscInt64 *)d = *(PetscInt64 *)s; break;
    case NMF_PARAM_REAL: *(PetscReal *)d = *(PetscReal *)s; break;
    case NMF_PARAM_REALS: *(std::vector<double> *)d = *(std::vector<double> *)s; break;
    case NMF_PARAM_BOOL: *(PetscBool *)d = *(PetscBool *)s; break;
    case NMF_PARAM_INIT: *(NMFInitType *)d = *(NMFInitType *)s; break;
    case NMF_PARAM_TYPE: break;
    }
  }
  dst->random_state_set = src->random_state_set;
}

/* ------------------------------------------------------------------ setters */

static PetscErrorCode SetReal(NMF nmf, const char *name, PetscReal v)
{
  const NMFParamInfo *p = NMFParamFind_Private(name);

  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCall(NMFParamCheckReal_Private(nmf, p, 0, v));
  *(PetscReal *)p->field(nmf) = v;
  PetscFunctionReturn(0);
}

static PetscErrorCode SetInt(NMF nmf, const char *name, PetscInt v)
{
  const NMFParamInfo *p = NMFParamFind_Private(name);

  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCall(NMFParamCheckInt_Private(nmf, p, v));
  *(PetscInt *)p->field(nmf) = v;
  PetscFunctionReturn(0);
}

static PetscErrorCode SetBool(NMF nmf, const char *name, PetscBool v)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  *(PetscBool *)NMFParamFind_Private(name)->field(nmf) = v;
  PetscFunctionReturn(0);
}

static PetscErrorCode SetReals(NMF nmf, const char *name, PetscInt nv, const PetscReal v[])
try {
  const NMFParamInfo *p = NMFParamFind_Private(name);

  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  for (PetscInt i = 0; i < nv; i++) PetscCall(NMFParamCheckReal_Private(nmf, p, i, v[i]));
  ((std::vector<double> *)p->field(nmf))->assign(v, v + nv);
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFSetNComponents - Sets the number of components k (espm's n_components, default 2).

   Logically Collective

   Input Parameters:
+  nmf - the object
-  k   - at least 1; cannot change once the abundance DM exists

   Options Database Key:
.  -nmf_n_components <k>

   Level: beginner
@*/
PetscErrorCode NMFSetNComponents(NMF nmf, PetscInt k)
{
  PetscFunctionBegin;
  PetscCheck(!nmf->daH || k == nmf->k, nmf->comm, PETSC_ERR_ORDER, "n_components cannot change after the abundance DM was created");
  PetscCall(SetInt(nmf, "n_components", k));
  PetscFunctionReturn(0);
}

/*@
   NMFSetLambdaL - Sets the weight of the Laplacian smoothness penalty (default 1).

   Logically Collective

   Input Parameters:
+  nmf      - the object
-  lambda_L - a finite value >= 0

   Options Database Key:
.  -nmf_lambda_L <l>

   Level: beginner
@*/
PetscErrorCode NMFSetLambdaL(NMF nmf, PetscReal lambda_L)
{
  PetscFunctionBegin;
  PetscCall(SetReal(nmf, "lambda_L", lambda_L));
  PetscFunctionReturn(0);
}

/*@
   NMFSetMu - Sets the weight of the log sparsity penalty (default 0).

   Logically Collective

   Input Parameters:
+  nmf - the object
.  nmu - 1 (one value for all components) or k (one per component)
-  mu  - the values (copied), finite and >= 0

   Options Database Key:
.  -nmf_mu <mu[,mu2,...]>

   Level: beginner
@*/
PetscErrorCode NMFSetMu(NMF nmf, PetscInt nmu, const PetscReal mu[])
{
  PetscFunctionBegin;
  PetscCheck(nmu >= 1, nmf->comm, PETSC_ERR_ARG_SIZ, "mu needs one value or one per component");
  PetscCall(SetReals(nmf, "mu", nmu, mu));
  PetscFunctionReturn(0);
}

/*@
   NMFSetEpsilonReg - Sets the shift inside the log penalty, log(H + epsilon_reg) (default 1).

   Logically Collective

   Input Parameters:
+  nmf         - the object
-  epsilon_reg - a finite value > 0

   Options Database Key:
.  -nmf_epsilon_reg <e>

   Level: advanced
@*/
PetscErrorCode NMFSetEpsilonReg(NMF nmf, PetscReal epsilon_reg)
{
  PetscFunctionBegin;
  PetscCall(SetReal(nmf, "epsilon_reg", epsilon_reg));
  PetscFunctionReturn(0);
}

/*@
   NMFSetForceSimplex - Sets whether each pixel's abundances sum to one (default true).

   Logically Collective

   Input Parameters:
+  nmf           - the object
-  force_simplex - PETSC_TRUE or PETSC_FALSE

   Options Database Key:
.  -nmf_force_simplex <bool>

   Level: beginner
@*/
PetscErrorCode NMFSetForceSimplex(NMF nmf, PetscBool force_simplex)
{
  PetscFunctionBegin;
  PetscCall(SetBool(nmf, "force_simplex", force_simplex));
  PetscFunctionReturn(0);
}

/*@
   NMFSetDicotomyTol - Sets the tolerance of the simplex bisection (default 1e-5).

   Logically Collective

   Input Parameters:
+  nmf          - the object
-  dicotomy_tol - a finite value > 0

   Options Database Key:
.  -nmf_dicotomy_tol <t>

   Level: advanced
@*/
PetscErrorCode NMFSetDicotomyTol(NMF nmf, PetscReal dicotomy_tol)
{
  PetscFunctionBegin;
  PetscCall(SetReal(nmf, "dicotomy_tol", dicotomy_tol));
  PetscFunctionReturn(0);
}

/*@
   NMFSetGammas - Sets the step parameters: one value, sigma_L of the surrogate algorithms
   (default 8), or two, gamma_H and gamma_W of projected_gradient (default: espm's Lipschitz
   bounds).

   Logically Collective

   Input Parameters:
+  nmf    - the object
.  ngamma - 1 or 2
-  gamma  - the values (copied), each > 0

   Options Database Key:
.  -nmf_gamma <g> or <gH,gW>

   Level: advanced
@*/
PetscErrorCode NMFSetGammas(NMF nmf, PetscInt ngamma, const PetscReal gamma[])
{
  PetscFunctionBegin;
  PetscCheck(ngamma == 1 || ngamma == 2, nmf->comm, PETSC_ERR_ARG_SIZ, "gamma takes one value (sigma_L of the surrogate algorithms) or two (gamma_H,gamma_W of projected_gradient), not %" PetscInt_FMT, ngamma);
  PetscCall(SetReals(nmf, "gamma", ngamma, gamma));
  PetscFunctionReturn(0);
}

/*@
   NMFSetGamma - NMFSetGammas() with one value (sigma_L).  Logically Collective.
   Input Parameters:
+  nmf   - the object
-  gamma - the value, > 0
   Options Database Key:
.  -nmf_gamma <g>
   Level: advanced
@*/
PetscErrorCode NMFSetGamma(NMF nmf, PetscReal gamma)
{
  PetscFunctionBegin;
  PetscCall(NMFSetGammas(nmf, 1, &gamma));
  PetscFunctionReturn(0);
}

/*@
   NMFSetLinesearch - Sets whether gamma adapts by a line search (default false).

   Logically Collective

   Input Parameters:
+  nmf        - the object
-  linesearch - PETSC_TRUE or PETSC_FALSE (needs the KL loss and lambda_L > 0)

   Options Database Key:
.  -nmf_linesearch <bool>

   Level: advanced
@*/
PetscErrorCode NMFSetLinesearch(NMF nmf, PetscBool linesearch)
{
  PetscFunctionBegin;
  PetscCall(SetBool(nmf, "linesearch", linesearch));
  PetscFunctionReturn(0);
}

/*@
   NMFSetL2 - Sets the Frobenius loss in place of the generalized KL loss (default false).

   Logically Collective

   Input Parameters:
+  nmf - the object
-  l2  - PETSC_TRUE for the Frobenius loss

   Options Database Key:
.  -nmf_l2 <bool>

   Level: advanced
@*/
PetscErrorCode NMFSetL2(NMF nmf, PetscBool l2)
{
  PetscFunctionBegin;
  PetscCall(SetBool(nmf, "l2", l2));
  PetscFunctionReturn(0);
}

/*@
   NMFSetNormalize - Sets whether X is scaled by k / (mean(X) n) during the fit (default false;
   W is scaled back at the end).

   Logically Collective

   Input Parameters:
+  nmf       - the object
-  normalize - PETSC_TRUE or PETSC_FALSE

   Options Database Key:
.  -nmf_normalize <bool>

   Level: intermediate
@*/
PetscErrorCode NMFSetNormalize(NMF nmf, PetscBool normalize)
{
  PetscFunctionBegin;
  PetscCall(SetBool(nmf, "normalize", normalize));
  PetscFunctionReturn(0);
}

/*@
   NMFSetNoStopCriterion - Sets whether all max_iter iterations run, without the stopping rules
   (default false).

   Logically Collective

   Input Parameters:
+  nmf               - the object
-  no_stop_criterion - PETSC_TRUE to run max_iter iterations

   Options Database Key:
.  -nmf_no_stop_criterion <bool>

   Level: intermediate
@*/
PetscErrorCode NMFSetNoStopCriterion(NMF nmf, PetscBool no_stop_criterion)
{
  PetscFunctionBegin;
  PetscCall(SetBool(nmf, "no_stop_criterion", no_stop_criterion));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetDebug(NMF nmf, PetscBool debug)
{
  PetscFunctionBegin;
  PetscCall(SetBool(nmf, "debug", debug));
  PetscFunctionReturn(0);
}

/*@
   NMFSetInitType - Sets the initialization (default NMF_INIT_DEFAULT, espm's None: nndsvda when
   k <= min(n, p), else random).

   Logically Collective

   Input Parameters:
+  nmf  - the object
-  init - NMF_INIT_DEFAULT, NMF_INIT_RANDOM, NMF_INIT_NNDSVD, NMF_INIT_NNDSVDA,
          NMF_INIT_NNDSVDAR or NMF_INIT_CUSTOM (with NMFSetInitialW() and/or NMFSetInitialH())

   Options Database Key:
.  -nmf_init <default,random,nndsvd,nndsvda,nndsvdar,custom>

   Level: intermediate
@*/
PetscErrorCode NMFSetInitType(NMF nmf, NMFInitType init)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCheck(init >= NMF_INIT_DEFAULT && init <= NMF_INIT_CUSTOM, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "unknown init %d", (int)init);
  nmf->init = init;
  PetscFunctionReturn(0);
}

/*@
   NMFSetTolerance - Sets the tolerance of the stopping rules (default 1e-4).

   Logically Collective

   Input Parameters:
+  nmf - the object
-  tol - a finite value >= 0

   Options Database Key:
.  -nmf_tol <tol>

   Level: beginner
@*/
PetscErrorCode NMFSetTolerance(NMF nmf, PetscReal tol)
{
  PetscFunctionBegin;
  PetscCall(SetReal(nmf, "tol", tol));
  PetscFunctionReturn(0);
}

/*@
   NMFSetMaxIter - Sets the maximum number of iterations (default 200).

   Logically Collective

   Input Parameters:
+  nmf      - the object
-  max_iter - at least 1

   Options Database Key:
.  -nmf_max_iter <it>

   Level: beginner
@*/
PetscErrorCode NMFSetMaxIter(NMF nmf, PetscInt max_iter)
{
  PetscFunctionBegin;
  PetscCall(SetInt(nmf, "max_iter", max_iter));
  PetscFunctionReturn(0);
}

/*@
   NMFSetRandomState - Sets the seed of the random initializations.  Draws are keyed by the seed
   and the global index of each entry, so results do not depend on the number of ranks.  Without
   it a seed is drawn by rank 0 at NMFSetUp() (espm's None) and recorded.

   Logically Collective

   Input Parameters:
+  nmf  - the object
-  seed - a value >= 0

   Options Database Key:
.  -nmf_random_state <seed>

   Level: intermediate
@*/
PetscErrorCode NMFSetRandomState(NMF nmf, PetscInt64 seed)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCall(NMFParamCheckInt_Private(nmf, NMFParamFind_Private("random_state"), seed));
  nmf->random_state     = seed;
  nmf->random_state_set = PETSC_TRUE;
  PetscFunctionReturn(0);
}

/*@
   NMFSetLogShift - Sets the floor epsilon of W, H and the logs (espm's log_shift, default 1e-14).

   Logically Collective

   Input Parameters:
+  nmf       - the object
-  log_shift - a finite value > 0 (with the simplex, k log_shift < 1)

   Options Database Key:
.  -nmf_log_shift <eps>

   Level: advanced
@*/
PetscErrorCode NMFSetLogShift(NMF nmf, PetscReal log_shift)
{
  PetscFunctionBegin;
  PetscCall(SetReal(nmf, "log_shift", log_shift));
  PetscFunctionReturn(0);
}

/*@
   NMFSetEvalPrint - Sets how often a progress line is printed (default every 10 iterations).

   Logically Collective

   Input Parameters:
+  nmf        - the object
-  eval_print - at least 1

   Options Database Key:
.  -nmf_eval_print <it>

   Level: intermediate
@*/
PetscErrorCode NMFSetEvalPrint(NMF nmf, PetscInt eval_print)
{
  PetscFunctionBegin;
  PetscCall(SetInt(nmf, "eval_print", eval_print));
  PetscFunctionReturn(0);
}

/*@
   NMFSetVerbose - Sets the verbosity (default 1: progress lines and the final line; 0: silent).

   Logically Collective

   Input Parameters:
+  nmf     - the object
-  verbose - the level

   Options Database Key:
.  -nmf_verbose <v>

   Level: beginner
@*/
PetscErrorCode NMFSetVerbose(NMF nmf, PetscInt verbose)
{
  PetscFunctionBegin;
  PetscCall(SetInt(nmf, "verbose", verbose));
  PetscFunctionReturn(0);
}

/*@
   NMFSetScree - Also computes the N leading singular values of X during NMFSetUp() (whatever
   the initialization), from the same distributed Gram-matrix SVD as the nndsvd family, like
   HyperSpy's scree plot: they help choosing n_components.

   Logically Collective

   Input Parameters:
+  nmf - the object
-  N   - 0 (default) computes none; at most min(channels, pixels)

   Options Database Key:
.  -nmf_scree <N>

   Level: intermediate

.seealso: NMFGetScree()
@*/
PetscErrorCode NMFSetScree(NMF nmf, PetscInt N)
{
  PetscFunctionBegin;
  PetscCheck(!nmf->setupcalled, nmf->comm, PETSC_ERR_ORDER, "NMFSetScree must come before NMFSetUp/NMFSolve");
  PetscCall(SetInt(nmf, "scree", N));
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ getters (one per setter) */

/*@
   NMFGetNComponents - Gets the number of components k.  Not Collective.
   Output Parameter:
.  k - the number of components
   Level: beginner
@*/
PetscErrorCode NMFGetNComponents(NMF nmf, PetscInt *k)
{
  PetscFunctionBegin;
  *k = nmf->k;
  PetscFunctionReturn(0);
}

/*@
   NMFGetLambdaL - Gets the weight of the Laplacian penalty.  Not Collective.
   Output Parameter:
.  lambda_L - the weight
   Level: beginner
@*/
PetscErrorCode NMFGetLambdaL(NMF nmf, PetscReal *lambda_L)
{
  PetscFunctionBegin;
  *lambda_L = nmf->lambda_L;
  PetscFunctionReturn(0);
}

/*@
   NMFGetMu - Gets the weight of the log sparsity penalty.  Not Collective.
   Output Parameters:
+  nmu - the number of values (1 or k)
-  mu  - the values; they belong to the object
   Level: beginner
@*/
PetscErrorCode NMFGetMu(NMF nmf, PetscInt *nmu, const PetscReal **mu)
{
  PetscFunctionBegin;
  if (nmu) *nmu = (PetscInt)nmf->mu.size();
  if (mu) *mu = nmf->mu.data();
  PetscFunctionReturn(0);
}

/*@
   NMFGetEpsilonReg - Gets the shift inside the log penalty.  Not Collective.
   Output Parameter:
.  epsilon_reg - the shift
   Level: advanced
@*/
PetscErrorCode NMFGetEpsilonReg(NMF nmf, PetscReal *epsilon_reg)
{
  PetscFunctionBegin;
  *epsilon_reg = nmf->epsilon_reg;
  PetscFunctionReturn(0);
}

/*@
   NMFGetForceSimplex - Gets whether the abundances are kept on the simplex.  Not Collective.
   Output Parameter:
.  force_simplex - the flag
   Level: beginner
@*/
PetscErrorCode NMFGetForceSimplex(NMF nmf, PetscBool *force_simplex)
{
  PetscFunctionBegin;
  *force_simplex = nmf->force_simplex;
  PetscFunctionReturn(0);
}

/*@
   NMFGetDicotomyTol - Gets the tolerance of the simplex bisection.  Not Collective.
   Output Parameter:
.  dicotomy_tol - the tolerance
   Level: advanced
@*/
PetscErrorCode NMFGetDicotomyTol(NMF nmf, PetscReal *dicotomy_tol)
{
  PetscFunctionBegin;
  *dicotomy_tol = nmf->dicotomy_tol;
  PetscFunctionReturn(0);
}

/*@
   NMFGetGammas - Gets the step parameters given with NMFSetGammas().  Not Collective.
   Output Parameters:
+  ngamma - the number of values given; 0 when none was (the defaults apply)
-  gamma  - the values; they belong to the object
   Level: advanced
@*/
PetscErrorCode NMFGetGammas(NMF nmf, PetscInt *ngamma, const PetscReal **gamma)
{
  PetscFunctionBegin;
  if (ngamma) *ngamma = (PetscInt)nmf->gamma_given.size();
  if (gamma) *gamma = nmf->gamma_given.data();
  PetscFunctionReturn(0);
}

/*@
   NMFGetGamma - Gets the first step parameter: the value given, else the default sigma_L = 8
   of the surrogate algorithms (0 for projected_gradient without given values: its defaults
   are computed during the solve).  Not Collective.
   Output Parameter:
.  gamma - the value
   Level: advanced
@*/
PetscErrorCode NMFGetGamma(NMF nmf, PetscReal *gamma)
{
  PetscFunctionBegin;
  *gamma = nmf->gamma_given.empty() ? nmf->gamma_default : nmf->gamma_given[0]; /* the type's default: sigma_L 8, or 0 when computed at the solve */
  PetscFunctionReturn(0);
}

/*@
   NMFGetLinesearch - Gets whether the line search is on.  Not Collective.
   Output Parameter:
.  linesearch - the flag
   Level: advanced
@*/
PetscErrorCode NMFGetLinesearch(NMF nmf, PetscBool *linesearch)
{
  PetscFunctionBegin;
  *linesearch = nmf->linesearch;
  PetscFunctionReturn(0);
}

/*@
   NMFGetL2 - Gets whether the Frobenius loss is used.  Not Collective.
   Output Parameter:
.  l2 - the flag
   Level: advanced
@*/
PetscErrorCode NMFGetL2(NMF nmf, PetscBool *l2)
{
  PetscFunctionBegin;
  *l2 = nmf->l2;
  PetscFunctionReturn(0);
}

/*@
   NMFGetNormalize - Gets whether X is normalized during the fit.  Not Collective.
   Output Parameter:
.  normalize - the flag
   Level: intermediate
@*/
PetscErrorCode NMFGetNormalize(NMF nmf, PetscBool *normalize)
{
  PetscFunctionBegin;
  *normalize = nmf->normalize;
  PetscFunctionReturn(0);
}

/*@
   NMFGetNoStopCriterion - Gets whether the stopping rules are off.  Not Collective.
   Output Parameter:
.  no_stop_criterion - the flag
   Level: intermediate
@*/
PetscErrorCode NMFGetNoStopCriterion(NMF nmf, PetscBool *no_stop_criterion)
{
  PetscFunctionBegin;
  *no_stop_criterion = nmf->no_stop_criterion;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetDebug(NMF nmf, PetscBool *debug)
{
  PetscFunctionBegin;
  *debug = nmf->debug;
  PetscFunctionReturn(0);
}

/*@
   NMFGetInitType - Gets the initialization: the one set before NMFSetUp(), the one actually
   used after it.  Not Collective.
   Output Parameter:
.  init - the initialization
   Level: intermediate
@*/
PetscErrorCode NMFGetInitType(NMF nmf, NMFInitType *init)
{
  PetscFunctionBegin;
  *init = nmf->setupcalled ? nmf->init_used : nmf->init;
  PetscFunctionReturn(0);
}

/*@
   NMFGetTolerance - Gets the tolerance of the stopping rules.  Not Collective.
   Output Parameter:
.  tol - the tolerance
   Level: beginner
@*/
PetscErrorCode NMFGetTolerance(NMF nmf, PetscReal *tol)
{
  PetscFunctionBegin;
  *tol = nmf->tol;
  PetscFunctionReturn(0);
}

/*@
   NMFGetMaxIter - Gets the maximum number of iterations.  Not Collective.
   Output Parameter:
.  max_iter - the maximum
   Level: beginner
@*/
PetscErrorCode NMFGetMaxIter(NMF nmf, PetscInt *max_iter)
{
  PetscFunctionBegin;
  *max_iter = nmf->max_iter;
  PetscFunctionReturn(0);
}

/*@
   NMFGetRandomState - Gets the seed: the one set, or after NMFSetUp() the one actually used
   (drawn by rank 0 when none was set).  Not Collective.
   Output Parameter:
.  seed - the seed
   Level: intermediate
@*/
PetscErrorCode NMFGetRandomState(NMF nmf, PetscInt64 *seed)
{
  PetscFunctionBegin;
  *seed = nmf->random_state;
  PetscFunctionReturn(0);
}

/*@
   NMFGetLogShift - Gets the floor epsilon.  Not Collective.
   Output Parameter:
.  log_shift - the floor
   Level: advanced
@*/
PetscErrorCode NMFGetLogShift(NMF nmf, PetscReal *log_shift)
{
  PetscFunctionBegin;
  *log_shift = nmf->log_shift;
  PetscFunctionReturn(0);
}

/*@
   NMFGetEvalPrint - Gets how often a progress line is printed.  Not Collective.
   Output Parameter:
.  eval_print - the interval in iterations
   Level: intermediate
@*/
PetscErrorCode NMFGetEvalPrint(NMF nmf, PetscInt *eval_print)
{
  PetscFunctionBegin;
  *eval_print = nmf->eval_print;
  PetscFunctionReturn(0);
}

/*@
   NMFGetVerbose - Gets the verbosity.  Not Collective.
   Output Parameter:
.  verbose - the level
   Level: beginner
@*/
PetscErrorCode NMFGetVerbose(NMF nmf, PetscInt *verbose)
{
  PetscFunctionBegin;
  *verbose = nmf->verbose;
  PetscFunctionReturn(0);
}

/*@
   NMFGetScreeSize - Gets the number of singular values asked for with NMFSetScree().
   Not Collective.
   Output Parameter:
.  N - the number (0: none)
   Level: intermediate
@*/
PetscErrorCode NMFGetScreeSize(NMF nmf, PetscInt *N)
{
  PetscFunctionBegin;
  *N = nmf->scree_n;
  PetscFunctionReturn(0);
}
