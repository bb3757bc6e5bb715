/* The parameters of the NMF object, each described once (NMFParamTable), and their setters and
   getters.  Every check of a parameter's value lives in the table. */
#include <smoothnmf/private/nmfimpl.h>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#define FIELD(member) [](NMF nmf) -> void * { return &nmf->member; }
static const double INF = PETSC_MAX_REAL;

/* name, kind, field, used, lo, hi, lo_open, nmax, flags, default (REALS: one value, or NAN: none), help, setter */
const NMFParamInfo NMFParamTable[] = {
  {"n_components", NMF_PARAM_INT, FIELD(k), nullptr, 1, PETSC_MAX_INT, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 2, "number of components k", "NMFSetNComponents"},
  {"algo", NMF_PARAM_TYPE, nullptr, nullptr, 0, 0, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 0, "the algorithm, an NMF type (NMFSetType)", "NMFSetType"},
  {"lambda_L", NMF_PARAM_REAL, FIELD(lambda_L), nullptr, 0, INF, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 1.0, "weight of the Laplacian smoothness penalty", "NMFSetLambdaL"},
  {"mu", NMF_PARAM_REALS, FIELD(mu), nullptr, 0, INF, PETSC_FALSE, 1 << 20, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 0.0, "weight of the log sparsity penalty: one value or one per component (comma list)", "NMFSetMu"},
  {"epsilon_reg", NMF_PARAM_REAL, FIELD(epsilon_reg), nullptr, 0, INF, PETSC_TRUE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 1.0, "shift inside the log penalty", "NMFSetEpsilonReg"},
  {"force_simplex", NMF_PARAM_BOOL, FIELD(force_simplex), nullptr, 0, 0, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 1, "each pixel's abundances sum to one", "NMFSetForceSimplex"},
  {"dicotomy_tol", NMF_PARAM_REAL, FIELD(dicotomy_tol), nullptr, 0, INF, PETSC_TRUE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 1e-5, "tolerance of the simplex bisection", "NMFSetDicotomyTol"},
  {"gamma", NMF_PARAM_REALS, FIELD(gamma_given), FIELD(gamma_initial), 0, INF, PETSC_TRUE, 2, NMF_PARAM_RESTART | NMF_PARAM_RESULT, NAN, "step parameter: sigma_L of the surrogates (default 8), or gamma_H,gamma_W of projected_gradient (default: Lipschitz bounds)", "NMFSetGammas"},
  {"linesearch", NMF_PARAM_BOOL, FIELD(linesearch), nullptr, 0, 0, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 0, "adapt gamma by a line search", "NMFSetLinesearch"},
  {"l2", NMF_PARAM_BOOL, FIELD(l2), nullptr, 0, 0, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 0, "Frobenius loss instead of KL", "NMFSetL2"},
  {"normalize", NMF_PARAM_BOOL, FIELD(normalize), nullptr, 0, 0, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 0, "scale X by k / (mean(X) n) during the fit", "NMFSetNormalize"},
  {"no_stop_criterion", NMF_PARAM_BOOL, FIELD(no_stop_criterion), nullptr, 0, 0, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 0, "run max_iter iterations", "NMFSetNoStopCriterion"},
  {"debug", NMF_PARAM_BOOL, FIELD(debug), nullptr, 0, 0, PETSC_FALSE, 1, 0, 0, "check the iterates after every step: finite, >= log_shift, on the simplex when forced", "NMFSetDebug"},
  {"init", NMF_PARAM_INIT, FIELD(init), FIELD(init_used), 0, 0, PETSC_FALSE, 1, NMF_PARAM_RESULT, NMF_INIT_DEFAULT, "initialization (default: nndsvda when k <= min(n, p), else random)", "NMFSetInitType"},
  {"tol", NMF_PARAM_REAL, FIELD(tol), nullptr, 0, INF, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 1e-4, "tolerance of the stopping rules", "NMFSetTolerance"},
  {"max_iter", NMF_PARAM_INT, FIELD(max_iter), nullptr, 1, PETSC_MAX_INT, PETSC_FALSE, 1, NMF_PARAM_RESULT, 200, "maximum number of iterations", "NMFSetMaxIter"},
  {"random_state", NMF_PARAM_SEED, FIELD(random_state), nullptr, 0, PETSC_MAX_INT, PETSC_FALSE, 1, NMF_PARAM_RESULT, 0, "seed of the random initializations (default: drawn, and recorded)", "NMFSetRandomState"},
  {"log_shift", NMF_PARAM_REAL, FIELD(log_shift), nullptr, 0, INF, PETSC_TRUE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT, 1e-14, "floor epsilon of W, H and the logs", "NMFSetLogShift"},
  {"eval_print", NMF_PARAM_INT, FIELD(eval_print), nullptr, 1, PETSC_MAX_INT, PETSC_FALSE, 1, NMF_PARAM_RESULT, 10, "progress line every this many iterations", "NMFSetEvalPrint"},
  {"verbose", NMF_PARAM_INT, FIELD(verbose), nullptr, PETSC_MIN_INT, PETSC_MAX_INT, PETSC_FALSE, 1, NMF_PARAM_RESULT, 1, "0: silent, 1: the progress lines (the default monitor)", "NMFSetVerbose"},
  {"scree", NMF_PARAM_INT, FIELD(scree_n), nullptr, 0, PETSC_MAX_INT, PETSC_FALSE, 1, NMF_PARAM_RESTART | NMF_PARAM_RESULT | NMF_PARAM_IF_NONZERO, 0, "also compute the N leading singular values of X (scree plot, to choose n_components); 0: none", "NMFSetScree"},
};
const PetscInt NMFParamCount = (PetscInt)(sizeof(NMFParamTable) / sizeof(NMFParamTable[0]));

const NMFParamInfo *NMFParamFind_Private(const char *name)
{
  for (PetscInt i = 0; i < NMFParamCount; i++)
    if (!strcmp(NMFParamTable[i].name, name)) return &NMFParamTable[i];
  return nullptr;
}

/* the shortest text that reads back as v */
static std::string Number(double v)
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
  PetscCheck(ok, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s%s = %s: it must be a finite value %s %s", p->name, where, Number(v).c_str(), p->lo_open ? ">" : ">=", Number(p->lo).c_str());
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
    for (size_t i = 0; i < values.size(); i++) text += (i ? "," : "") + Number(values[i]);
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
      if (std::isnan(p->deflt)) ((std::vector<double> *)f)->clear();
      else ((std::vector<double> *)f)->assign(1, p->deflt);
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

PetscErrorCode NMFSetNComponents(NMF nmf, PetscInt k)
{
  PetscFunctionBegin;
  PetscCheck(!nmf->daH || k == nmf->k, nmf->comm, PETSC_ERR_ORDER, "n_components cannot change after the abundance DM was created");
  PetscCall(SetInt(nmf, "n_components", k));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetLambdaL(NMF nmf, PetscReal lambda_L)
{
  PetscFunctionBegin;
  PetscCall(SetReal(nmf, "lambda_L", lambda_L));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetMu(NMF nmf, PetscInt nmu, const PetscReal mu[])
{
  PetscFunctionBegin;
  PetscCheck(nmu >= 1, nmf->comm, PETSC_ERR_ARG_SIZ, "mu needs one value or one per component");
  PetscCall(SetReals(nmf, "mu", nmu, mu));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetEpsilonReg(NMF nmf, PetscReal epsilon_reg)
{
  PetscFunctionBegin;
  PetscCall(SetReal(nmf, "epsilon_reg", epsilon_reg));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetForceSimplex(NMF nmf, PetscBool force_simplex)
{
  PetscFunctionBegin;
  PetscCall(SetBool(nmf, "force_simplex", force_simplex));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetDicotomyTol(NMF nmf, PetscReal dicotomy_tol)
{
  PetscFunctionBegin;
  PetscCall(SetReal(nmf, "dicotomy_tol", dicotomy_tol));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetGammas(NMF nmf, PetscInt ngamma, const PetscReal gamma[])
{
  PetscFunctionBegin;
  PetscCheck(ngamma == 1 || ngamma == 2, nmf->comm, PETSC_ERR_ARG_SIZ, "gamma takes one value (sigma_L of the surrogate algorithms) or two (gamma_H,gamma_W of projected_gradient), not %" PetscInt_FMT, ngamma);
  PetscCall(SetReals(nmf, "gamma", ngamma, gamma));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetGamma(NMF nmf, PetscReal gamma)
{
  PetscFunctionBegin;
  PetscCall(NMFSetGammas(nmf, 1, &gamma));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetLinesearch(NMF nmf, PetscBool linesearch)
{
  PetscFunctionBegin;
  PetscCall(SetBool(nmf, "linesearch", linesearch));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetL2(NMF nmf, PetscBool l2)
{
  PetscFunctionBegin;
  PetscCall(SetBool(nmf, "l2", l2));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetNormalize(NMF nmf, PetscBool normalize)
{
  PetscFunctionBegin;
  PetscCall(SetBool(nmf, "normalize", normalize));
  PetscFunctionReturn(0);
}

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

PetscErrorCode NMFSetInitType(NMF nmf, NMFInitType init)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCheck(init >= NMF_INIT_DEFAULT && init <= NMF_INIT_CUSTOM, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "unknown init %d", (int)init);
  nmf->init = init;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetTolerance(NMF nmf, PetscReal tol)
{
  PetscFunctionBegin;
  PetscCall(SetReal(nmf, "tol", tol));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetMaxIter(NMF nmf, PetscInt max_iter)
{
  PetscFunctionBegin;
  PetscCall(SetInt(nmf, "max_iter", max_iter));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetRandomState(NMF nmf, PetscInt64 seed)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCall(NMFParamCheckInt_Private(nmf, NMFParamFind_Private("random_state"), seed));
  nmf->random_state     = seed;
  nmf->random_state_set = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetLogShift(NMF nmf, PetscReal log_shift)
{
  PetscFunctionBegin;
  PetscCall(SetReal(nmf, "log_shift", log_shift));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetEvalPrint(NMF nmf, PetscInt eval_print)
{
  PetscFunctionBegin;
  PetscCall(SetInt(nmf, "eval_print", eval_print));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetVerbose(NMF nmf, PetscInt verbose)
{
  PetscFunctionBegin;
  PetscCall(SetInt(nmf, "verbose", verbose));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetScree(NMF nmf, PetscInt N)
{
  PetscFunctionBegin;
  PetscCheck(!nmf->setupcalled, nmf->comm, PETSC_ERR_ORDER, "NMFSetScree must come before NMFSetUp/NMFSolve");
  PetscCall(SetInt(nmf, "scree", N));
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ getters (one per setter) */

PetscErrorCode NMFGetNComponents(NMF nmf, PetscInt *k)
{
  PetscFunctionBegin;
  *k = nmf->k;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetLambdaL(NMF nmf, PetscReal *lambda_L)
{
  PetscFunctionBegin;
  *lambda_L = nmf->lambda_L;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetMu(NMF nmf, PetscInt *nmu, const PetscReal **mu)
{
  PetscFunctionBegin;
  if (nmu) *nmu = (PetscInt)nmf->mu.size();
  if (mu) *mu = nmf->mu.data();
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetEpsilonReg(NMF nmf, PetscReal *epsilon_reg)
{
  PetscFunctionBegin;
  *epsilon_reg = nmf->epsilon_reg;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetForceSimplex(NMF nmf, PetscBool *force_simplex)
{
  PetscFunctionBegin;
  *force_simplex = nmf->force_simplex;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetDicotomyTol(NMF nmf, PetscReal *dicotomy_tol)
{
  PetscFunctionBegin;
  *dicotomy_tol = nmf->dicotomy_tol;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetGammas(NMF nmf, PetscInt *ngamma, const PetscReal **gamma)
{
  PetscFunctionBegin;
  if (ngamma) *ngamma = (PetscInt)nmf->gamma_given.size();
  if (gamma) *gamma = nmf->gamma_given.data();
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetGamma(NMF nmf, PetscReal *gamma)
{
  PetscFunctionBegin;
  *gamma = nmf->gamma_given.empty() ? nmf->gamma_default : nmf->gamma_given[0]; /* the type's default: sigma_L 8, or 0 when computed at the solve */
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetLinesearch(NMF nmf, PetscBool *linesearch)
{
  PetscFunctionBegin;
  *linesearch = nmf->linesearch;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetL2(NMF nmf, PetscBool *l2)
{
  PetscFunctionBegin;
  *l2 = nmf->l2;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetNormalize(NMF nmf, PetscBool *normalize)
{
  PetscFunctionBegin;
  *normalize = nmf->normalize;
  PetscFunctionReturn(0);
}

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

PetscErrorCode NMFGetInitType(NMF nmf, NMFInitType *init)
{
  PetscFunctionBegin;
  *init = nmf->setupcalled ? nmf->init_used : nmf->init;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetTolerance(NMF nmf, PetscReal *tol)
{
  PetscFunctionBegin;
  *tol = nmf->tol;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetMaxIter(NMF nmf, PetscInt *max_iter)
{
  PetscFunctionBegin;
  *max_iter = nmf->max_iter;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetRandomState(NMF nmf, PetscInt64 *seed)
{
  PetscFunctionBegin;
  *seed = nmf->random_state;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetLogShift(NMF nmf, PetscReal *log_shift)
{
  PetscFunctionBegin;
  *log_shift = nmf->log_shift;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetEvalPrint(NMF nmf, PetscInt *eval_print)
{
  PetscFunctionBegin;
  *eval_print = nmf->eval_print;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetVerbose(NMF nmf, PetscInt *verbose)
{
  PetscFunctionBegin;
  *verbose = nmf->verbose;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetScreeSize(NMF nmf, PetscInt *N)
{
  PetscFunctionBegin;
  *N = nmf->scree_n;
  PetscFunctionReturn(0);
}
