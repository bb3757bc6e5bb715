/* NMFSetFromOptions: reads each -nmf_ option and calls the public setter, where validation lives. */
#include "nmf_impl.h"
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

/* Numbers and booleans are read as text and converted here, so that a bad value is refused with
   one line naming the option (PETSc's own message does not). */
static PetscErrorCode OptionReals(PetscOptionItems *PetscOptionsObject, NMF nmf, const char *name, const char *text, const char *man, const std::string &current, PetscInt nmax, PetscReal *values, PetscInt *n, PetscBool *set)
{
  char buf[1024];

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(buf, current.c_str(), sizeof buf));
  PetscCall(PetscOptionsString(name, text, man, buf, buf, sizeof buf, set));
  if (!*set) PetscFunctionReturn(0);
  *n = 0;
  for (char *p = buf;;) {
    char *end;
    errno    = 0;
    double v = strtod(p, &end);
    PetscCheck(end != p && (*end == ',' || *end == 0) && !errno && *n < nmax, nmf->comm, PETSC_ERR_ARG_WRONG, "-%snmf_%s '%s': expected %s", nmf->prefix.c_str(), name + 5, buf, nmax > 1 ? "a number or a comma list of numbers" : "a number");
    values[(*n)++] = v;
    if (!*end) break;
    p = end + 1;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode OptionReal(PetscOptionItems *PetscOptionsObject, NMF nmf, const char *name, const char *text, const char *man, PetscReal current, PetscReal *value, PetscBool *set)
{
  PetscInt n;

  PetscFunctionBegin;
  PetscCall(OptionReals(PetscOptionsObject, nmf, name, text, man, std::to_string(current), 1, value, &n, set));
  PetscFunctionReturn(0);
}

static PetscErrorCode OptionInt(PetscOptionItems *PetscOptionsObject, NMF nmf, const char *name, const char *text, const char *man, PetscInt current, PetscInt *value, PetscBool *set)
{
  char buf[256];

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(buf, std::to_string((long long)current).c_str(), sizeof buf));
  PetscCall(PetscOptionsString(name, text, man, buf, buf, sizeof buf, set));
  if (!*set) PetscFunctionReturn(0);
  char *end;
  errno       = 0;
  long long v = strtoll(buf, &end, 10);
  PetscCheck(end != buf && !*end && !errno && v >= PETSC_MIN_INT && v <= PETSC_MAX_INT, nmf->comm, PETSC_ERR_ARG_WRONG, "-%snmf_%s '%s': expected an integer", nmf->prefix.c_str(), name + 5, buf);
  *value = (PetscInt)v;
  PetscFunctionReturn(0);
}

static PetscErrorCode OptionBool(PetscOptionItems *PetscOptionsObject, NMF nmf, const char *name, const char *text, const char *man, PetscBool current, PetscBool *value, PetscBool *set)
{
  char buf[64];

  PetscFunctionBegin;
  PetscCall(PetscStrncpy(buf, current ? "true" : "false", sizeof buf));
  PetscCall(PetscOptionsString(name, text, man, buf, buf, sizeof buf, set));
  if (!*set) PetscFunctionReturn(0);
  const char *yes[] = {"", "true", "1", "yes", "on"}, *no[] = {"false", "0", "no", "off"};
  for (const char *y : yes)
    if (!strcasecmp(buf, y)) {
      *value = PETSC_TRUE;
      PetscFunctionReturn(0);
    }
  for (const char *f : no)
    if (!strcasecmp(buf, f)) {
      *value = PETSC_FALSE;
      PetscFunctionReturn(0);
    }
  SETERRQ(nmf->comm, PETSC_ERR_ARG_WRONG, "-%snmf_%s '%s': expected true or false", nmf->prefix.c_str(), name + 5, buf);
}

PetscErrorCode NMFSetFromOptions(NMF nmf)
try {
  PetscInt  ival;
  PetscReal rval, arr[1024];
  PetscInt  narr = 0;
  PetscBool bval, flg;
  PetscEnum eval;

  PetscFunctionBegin;
  PetscOptionsBegin(nmf->comm, nmf->prefix.c_str(), "SmoothNMF solver options (espm's parameter names)", "NMF");
  PetscCall(OptionInt(PetscOptionsObject, nmf, "-nmf_n_components", "number of components k", "NMFSetNComponents", nmf->k, &ival, &flg));
  if (flg) PetscCall(NMFSetNComponents(nmf, ival));
  PetscCall(PetscOptionsEnum("-nmf_algo", "update rule of H", "NMFSetAlgo", NMFAlgos, (PetscEnum)nmf->algo, &eval, &flg));
  if (flg) PetscCall(NMFSetAlgo(nmf, (NMFAlgo)eval));
  PetscCall(OptionReal(PetscOptionsObject, nmf, "-nmf_lambda_L", "weight of the Laplacian smoothness penalty", "NMFSetLambdaL", nmf->lambda_L, &rval, &flg));
  if (flg) PetscCall(NMFSetLambdaL(nmf, rval));
  PetscCall(OptionReals(PetscOptionsObject, nmf, "-nmf_mu", "weight of the log sparsity penalty: one value or one per component (comma list)", "NMFSetMu", "0", 1024, arr, &narr, &flg));
  if (flg) PetscCall(NMFSetMu(nmf, narr, arr));
  PetscCall(OptionReal(PetscOptionsObject, nmf, "-nmf_epsilon_reg", "shift inside the log penalty", "NMFSetEpsilonReg", nmf->epsilon_reg, &rval, &flg));
  if (flg) PetscCall(NMFSetEpsilonReg(nmf, rval));
  PetscCall(OptionBool(PetscOptionsObject, nmf, "-nmf_force_simplex", "each pixel's abundances sum to one", "NMFSetForceSimplex", nmf->force_simplex, &bval, &flg));
  if (flg) PetscCall(NMFSetForceSimplex(nmf, bval));
  PetscCall(OptionReal(PetscOptionsObject, nmf, "-nmf_dicotomy_tol", "tolerance of the simplex bisection", "NMFSetDicotomyTol", nmf->dicotomy_tol, &rval, &flg));
  if (flg) PetscCall(NMFSetDicotomyTol(nmf, rval));
  PetscCall(OptionReals(PetscOptionsObject, nmf, "-nmf_gamma", "step parameter: sigma_L (default 8), or gamma_H,gamma_W for projected_gradient (default: Lipschitz bounds)", "NMFSetGammas", "8", 16, arr, &narr, &flg));
  if (flg) PetscCall(NMFSetGammas(nmf, narr, arr));
  PetscCall(OptionBool(PetscOptionsObject, nmf, "-nmf_linesearch", "adapt gamma by a line search", "NMFSetLinesearch", nmf->linesearch, &bval, &flg));
  if (flg) PetscCall(NMFSetLinesearch(nmf, bval));
  PetscCall(OptionBool(PetscOptionsObject, nmf, "-nmf_l2", "Frobenius loss instead of KL", "NMFSetL2", nmf->l2, &bval, &flg));
  if (flg) PetscCall(NMFSetL2(nmf, bval));
  PetscCall(OptionBool(PetscOptionsObject, nmf, "-nmf_normalize", "scale X by k / (mean(X) n) during the fit", "NMFSetNormalize", nmf->normalize, &bval, &flg));
  if (flg) PetscCall(NMFSetNormalize(nmf, bval));
  PetscCall(OptionBool(PetscOptionsObject, nmf, "-nmf_no_stop_criterion", "run max_iter iterations", "NMFSetNoStopCriterion", nmf->no_stop_criterion, &bval, &flg));
  if (flg) PetscCall(NMFSetNoStopCriterion(nmf, bval));
  PetscCall(OptionBool(PetscOptionsObject, nmf, "-nmf_debug", "check the iterates at every step", "", nmf->debug, &nmf->debug, &flg));
  PetscCall(PetscOptionsEnum("-nmf_init", "initialization (default: nndsvda when k <= min(n, p), else random)", "NMFSetInitType", NMFInitTypes, (PetscEnum)nmf->init, &eval, &flg));
  if (flg) PetscCall(NMFSetInitType(nmf, (NMFInitType)eval));
  PetscCall(OptionReal(PetscOptionsObject, nmf, "-nmf_tol", "tolerance of the stopping rules", "NMFSetTolerance", nmf->tol, &rval, &flg));
  if (flg) PetscCall(NMFSetTolerance(nmf, rval));
  PetscCall(OptionInt(PetscOptionsObject, nmf, "-nmf_max_iter", "maximum number of iterations", "NMFSetMaxIter", nmf->max_iter, &ival, &flg));
  if (flg) PetscCall(NMFSetMaxIter(nmf, ival));
  PetscCall(OptionInt(PetscOptionsObject, nmf, "-nmf_random_state", "seed of the random initializations (default: drawn, and recorded)", "NMFSetRandomState", (PetscInt)nmf->random_state, &ival, &flg));
  if (flg) PetscCall(NMFSetRandomState(nmf, ival));
  PetscCall(OptionReal(PetscOptionsObject, nmf, "-nmf_log_shift", "floor epsilon of W, H and the logs", "NMFSetLogShift", nmf->log_shift, &rval, &flg));
  if (flg) PetscCall(NMFSetLogShift(nmf, rval));
  PetscCall(OptionInt(PetscOptionsObject, nmf, "-nmf_eval_print", "progress line every this many iterations", "NMFSetEvalPrint", nmf->eval_print, &ival, &flg));
  if (flg) PetscCall(NMFSetEvalPrint(nmf, ival));
  PetscCall(OptionInt(PetscOptionsObject, nmf, "-nmf_verbose", "0: silent, 1: progress lines", "NMFSetVerbose", nmf->verbose, &ival, &flg));
  if (flg) PetscCall(NMFSetVerbose(nmf, ival));
  PetscCall(OptionInt(PetscOptionsObject, nmf, "-nmf_scree", "also compute the N leading singular values of X (scree plot, to choose n_components); 0: none", "NMFSetScree", nmf->scree_n, &ival, &flg));
  if (flg) PetscCall(NMFSetScree(nmf, ival));
  PetscCall(OptionBool(PetscOptionsObject, nmf, "-nmf_view", "print the solver summary after the solve", "NMFView", nmf->view, &nmf->view, &flg));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS
