/* NMFSetFromOptions: reads each -nmf_ option and calls the public setter, where validation lives. */
#include "nmf_impl.h"

PetscErrorCode NMFSetFromOptions(NMF nmf)
{
  PetscInt  ival;
  PetscReal rval, arr[1024];
  PetscInt  narr;
  PetscBool bval, flg;
  PetscEnum eval;

  PetscFunctionBegin;
  PetscOptionsBegin(nmf->comm, nmf->prefix.c_str(), "SmoothNMF solver options (espm's parameter names)", "NMF");
  PetscCall(PetscOptionsInt("-nmf_n_components", "number of components k", "NMFSetNComponents", nmf->k, &ival, &flg));
  if (flg) PetscCall(NMFSetNComponents(nmf, ival));
  PetscCall(PetscOptionsEnum("-nmf_algo", "update rule of H", "NMFSetAlgo", NMFAlgos, (PetscEnum)nmf->algo, &eval, &flg));
  if (flg) PetscCall(NMFSetAlgo(nmf, (NMFAlgo)eval));
  PetscCall(PetscOptionsReal("-nmf_lambda_L", "weight of the Laplacian smoothness penalty", "NMFSetLambdaL", nmf->lambda_L, &rval, &flg));
  if (flg) PetscCall(NMFSetLambdaL(nmf, rval));
  narr = (PetscInt)(sizeof(arr) / sizeof(arr[0]));
  PetscCall(PetscOptionsRealArray("-nmf_mu", "weight of the log sparsity penalty: one value or one per component (comma list)", "NMFSetMu", arr, &narr, &flg));
  if (flg) PetscCall(NMFSetMu(nmf, narr, arr));
  PetscCall(PetscOptionsReal("-nmf_epsilon_reg", "shift inside the log penalty", "NMFSetEpsilonReg", nmf->epsilon_reg, &rval, &flg));
  if (flg) PetscCall(NMFSetEpsilonReg(nmf, rval));
  PetscCall(PetscOptionsBool("-nmf_force_simplex", "each pixel's abundances sum to one", "NMFSetForceSimplex", nmf->force_simplex, &bval, &flg));
  if (flg) PetscCall(NMFSetForceSimplex(nmf, bval));
  PetscCall(PetscOptionsReal("-nmf_dicotomy_tol", "tolerance of the simplex bisection", "NMFSetDicotomyTol", nmf->dicotomy_tol, &rval, &flg));
  if (flg) PetscCall(NMFSetDicotomyTol(nmf, rval));
  narr = 16;
  PetscCall(PetscOptionsRealArray("-nmf_gamma", "step parameter: sigma_L (default 8), or gamma_H,gamma_W for projected_gradient (default: Lipschitz bounds)", "NMFSetGammas", arr, &narr, &flg));
  if (flg) PetscCall(NMFSetGammas(nmf, narr, arr));
  PetscCall(PetscOptionsBool("-nmf_linesearch", "adapt gamma by a line search", "NMFSetLinesearch", nmf->linesearch, &bval, &flg));
  if (flg) PetscCall(NMFSetLinesearch(nmf, bval));
  PetscCall(PetscOptionsBool("-nmf_l2", "Frobenius loss instead of KL", "NMFSetL2", nmf->l2, &bval, &flg));
  if (flg) PetscCall(NMFSetL2(nmf, bval));
  PetscCall(PetscOptionsBool("-nmf_normalize", "scale X by k / (mean(X) n) during the fit", "NMFSetNormalize", nmf->normalize, &bval, &flg));
  if (flg) PetscCall(NMFSetNormalize(nmf, bval));
  PetscCall(PetscOptionsBool("-nmf_no_stop_criterion", "run max_iter iterations", "NMFSetNoStopCriterion", nmf->no_stop_criterion, &bval, &flg));
  if (flg) PetscCall(NMFSetNoStopCriterion(nmf, bval));
  PetscCall(PetscOptionsBool("-nmf_debug", "check the iterates at every step", "", nmf->debug, &nmf->debug, NULL));
  PetscCall(PetscOptionsEnum("-nmf_init", "initialization (default: nndsvda when k <= min(n, p), else random)", "NMFSetInitType", NMFInitTypes, (PetscEnum)nmf->init, &eval, &flg));
  if (flg) PetscCall(NMFSetInitType(nmf, (NMFInitType)eval));
  PetscCall(PetscOptionsReal("-nmf_tol", "tolerance of the stopping rules", "NMFSetTolerance", nmf->tol, &rval, &flg));
  if (flg) PetscCall(NMFSetTolerance(nmf, rval));
  PetscCall(PetscOptionsInt("-nmf_max_iter", "maximum number of iterations", "NMFSetMaxIter", nmf->max_iter, &ival, &flg));
  if (flg) PetscCall(NMFSetMaxIter(nmf, ival));
  PetscCall(PetscOptionsInt("-nmf_random_state", "seed of the random initializations (default: drawn, and recorded)", "NMFSetRandomState", (PetscInt)nmf->random_state, &ival, &flg));
  if (flg) PetscCall(NMFSetRandomState(nmf, ival));
  PetscCall(PetscOptionsReal("-nmf_log_shift", "floor epsilon of W, H and the logs", "NMFSetLogShift", nmf->log_shift, &rval, &flg));
  if (flg) PetscCall(NMFSetLogShift(nmf, rval));
  PetscCall(PetscOptionsInt("-nmf_eval_print", "progress line every this many iterations", "NMFSetEvalPrint", nmf->eval_print, &ival, &flg));
  if (flg) PetscCall(NMFSetEvalPrint(nmf, ival));
  PetscCall(PetscOptionsInt("-nmf_verbose", "0: silent, 1: progress lines", "NMFSetVerbose", nmf->verbose, &ival, &flg));
  if (flg) PetscCall(NMFSetVerbose(nmf, ival));
  PetscCall(PetscOptionsInt("-nmf_scree", "also compute the N leading singular values of X (scree plot, to choose n_components); 0: none", "NMFSetScree", nmf->scree_n, &ival, &flg));
  if (flg) PetscCall(NMFSetScree(nmf, ival));
  PetscCall(PetscOptionsBool("-nmf_view", "print the solver summary after the solve", "NMFView", nmf->view, &nmf->view, NULL));
  PetscOptionsEnd();
  PetscFunctionReturn(0);
}
