/* The NMF object: creation, setters (where every parameter is validated), getters, view. */
#include "nmf_impl.h"
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <string>

const char *const NMFAlgos[]     = {"log_surrogate", "l2_surrogate", "projected_gradient", "NMFAlgo", "NMF_ALGO_", nullptr};
const char *const NMFInitTypes[] = {"default", "random", "nndsvd", "nndsvda", "nndsvdar", "custom", "NMFInitType", "NMF_INIT_", nullptr};
const char *const NMFDataTypes[] = {"float64", "float32", "uint16", "uint8", "NMFDataType", "NMF_DATA_", nullptr};
const char *const NMFLossNames[NMF_LOSS_COLUMNS] = {"full_loss", "KL_div_loss", "log_reg_loss", "Lapl_reg_loss", "gamma", "rel_W", "rel_H"};

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

PetscErrorCode NMFCreate(MPI_Comm comm, NMF *nmf)
try {
  PetscFunctionBegin;
  *nmf = nullptr;
  PetscCall(NMFInitializePackage());
  *nmf = new (std::nothrow) _p_NMF;
  PetscCheck(*nmf, PETSC_COMM_SELF, PETSC_ERR_MEM, "out of memory creating the NMF object");
  (*nmf)->comm = comm;
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

PetscErrorCode NMFDestroy(NMF *nmf)
{
  PetscFunctionBegin;
  if (!nmf || !*nmf) PetscFunctionReturn(0);
  NMF s = *nmf;
  PetscCall(NMFMonitorCancel(s));
  PetscCall(NMFDestroyData_Private(s));
  PetscCall(DMDestroy(&s->daX));
  PetscCall(VecDestroy(&s->H_init));
  PetscCall(VecDestroy(&s->fixed_H));
  PetscCall(VecDestroy(&s->H));
  PetscCall(VecDestroy(&s->H_new));
  PetscCall(VecDestroy(&s->H_local));
  PetscCall(VecDestroy(&s->true_H));
  PetscCall(DMDestroy(&s->daH));
  PetscCall(MatDestroy(&s->Hmat));
  PetscCall(MatDestroy(&s->Wmat));
  PetscCall(MatDestroy(&s->GWmat));
  PetscCall(PetscLayoutDestroy(&s->app_rows));
  delete s;
  *nmf = nullptr;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetOptionsPrefix(NMF nmf, const char prefix[])
try {
  PetscFunctionBegin;
  nmf->prefix = prefix ? prefix : "";
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

PetscErrorCode NMFGetOptionsPrefix(NMF nmf, const char *prefix[])
{
  PetscFunctionBegin;
  *prefix = nmf->prefix.c_str();
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ data */

PetscErrorCode NMFDestroyData_Private(NMF nmf)
{
  PetscFunctionBegin;
  if (nmf->Xc_owned) PetscCall(PetscFree(nmf->Xc));
  nmf->Xc       = nullptr;
  nmf->Xc_owned = PETSC_FALSE;
  PetscCall(VecDestroy(&nmf->X));
  PetscFunctionReturn(0);
}

/* the layout of the data: the DMDA, its image shape and the owned block */
static PetscErrorCode SetDataLayout(NMF nmf, DM da)
{
  PetscInt dim, M, N;

  PetscFunctionBegin;
  PetscCheck(!nmf->setupcalled, nmf->comm, PETSC_ERR_ORDER, "NMFSetData must come before NMFSetUp/NMFSolve");
  PetscCall(DMDAGetInfo(da, &dim, &M, &N, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCheck(dim == 1 || dim == 2, nmf->comm, PETSC_ERR_ARG_WRONG, "the data DMDA must be 1-D (pixels) or 2-D (image), not %" PetscInt_FMT "-D", dim);
  PetscCall(PetscObjectReference((PetscObject)da));
  PetscCall(NMFDestroyData_Private(nmf));
  PetscCall(DMDestroy(&nmf->daX));
  PetscCall(PetscLayoutDestroy(&nmf->app_rows)); /* NMFSetDataMat sets it again after this */
  nmf->daX       = da;
  PetscCall(NMFDataDMGetChannels(da, &nmf->n));
  nmf->has_shape = dim == 2 ? PETSC_TRUE : PETSC_FALSE;
  if (dim == 2) {
    PetscCheck(M > 1 && N > 1, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "image shape (%" PetscInt_FMT ", %" PetscInt_FMT "): both sides must be at least 2 for the Laplacian", N, M);
    nmf->nx = M;
    nmf->ny = N;
    nmf->p  = M * N;
    PetscCall(DMDAGetCorners(da, &nmf->xs, &nmf->ys, NULL, &nmf->xm, &nmf->ym, NULL));
  } else {
    nmf->nx = M;
    nmf->ny = 0;
    nmf->p  = M;
    PetscCall(DMDAGetCorners(da, &nmf->xs, NULL, NULL, &nmf->xm, NULL, NULL));
    nmf->ys = 0;
    nmf->ym = 1;
  }
  nmf->p_local = nmf->xm * nmf->ym;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetData(NMF nmf, DM da, Vec X)
try {
  PetscInt     nloc;
  PetscScalar *x;

  PetscFunctionBegin;
  PetscCall(SetDataLayout(nmf, da));
  PetscCall(VecGetLocalSize(X, &nloc));
  PetscCheck((size_t)nloc == NMFLocalSizeX_Private(nmf), PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "the data Vec holds %" PetscInt_FMT " values on this rank, expected n p_local = %" PetscInt_FMT " x %" PetscInt_FMT ": create it with NMFCreateDataVec()", nloc, nmf->n, nmf->p_local);
  PetscCall(PetscObjectReference((PetscObject)X));
  nmf->X = X;
  PetscCall(VecGetArray(X, &x)); /* read in place: the array stays valid while the Vec lives */
  nmf->Xc = x;
  PetscCall(VecRestoreArray(X, &x));
  nmf->Xc_owned = PETSC_FALSE;
  nmf->xtype    = NMF_DATA_FLOAT64;
  nmf->xscale   = 1.0;
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

PetscErrorCode NMFSetDataCompact(NMF nmf, DM da, NMFDataType type, void *array)
try {
  PetscFunctionBegin;
  PetscCall(SetDataLayout(nmf, da));
  nmf->xtype    = type;
  nmf->xscale   = 1.0;
  nmf->Xc       = array;
  nmf->Xc_owned = PETSC_TRUE;
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

PetscErrorCode NMFGetAbundanceDM(NMF nmf, DM *daH)
{
  PetscFunctionBegin;
  PetscCheck(nmf->daX, nmf->comm, PETSC_ERR_ORDER, "call NMFSetData before NMFGetAbundanceDM");
  if (!nmf->daH) PetscCall(NMFCreateAbundanceDM_Private(nmf));
  *daH = nmf->daH;
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckFinite(MPI_Comm comm, PetscInt len, const PetscReal a[], const char *what)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < len; i++) PetscCheck(std::isfinite(a[i]), comm, PETSC_ERR_ARG_OUTOFRANGE, "%s has a non-finite value at entry %" PetscInt_FMT, what, i);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetG(NMF nmf, PetscInt n, PetscInt m, const PetscReal G[])
try {
  PetscFunctionBegin;
  if (!G) {
    nmf->G.clear();
    nmf->m = 0;
    PetscFunctionReturn(0);
  }
  PetscCheck(n > 0 && m > 0, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "G has shape (%" PetscInt_FMT ", %" PetscInt_FMT "): both sizes must be positive", n, m);
  PetscCall(CheckFinite(nmf->comm, n * m, G, "G"));
  for (PetscInt i = 0; i < n * m; i++) PetscCheck(G[i] >= 0, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "G has a negative value %g at row %" PetscInt_FMT ", column %" PetscInt_FMT ": G must be >= 0", (double)G[i], i / m, i % m);
  for (PetscInt i = 0; i < n; i++) {
    PetscReal s = 0;
    for (PetscInt j = 0; j < m; j++) s += G[i * m + j];
    PetscCheck(s > 0, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "G has an all-zero row %" PetscInt_FMT ": G W H would be zero in that channel (the KL loss is undefined)", i);
  }
  nmf->G.assign(G, G + n * m);
  nmf->m = m;
  PetscCheck(nmf->n == 0 || nmf->n == n, nmf->comm, PETSC_ERR_ARG_SIZ, "G has %" PetscInt_FMT " rows but the data has %" PetscInt_FMT " channels", n, nmf->n);
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

static PetscErrorCode SetReplicatedMatrix(NMF nmf, PetscInt m, PetscInt k, const PetscReal A[], std::vector<double> &dst, const char *what, PetscBool check_nonneg)
{
  PetscFunctionBegin;
  PetscCheck(m > 0 && k > 0, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s has shape (%" PetscInt_FMT ", %" PetscInt_FMT "): sizes must be positive", what, m, k);
  PetscCall(CheckFinite(nmf->comm, m * k, A, what));
  if (check_nonneg)
    for (PetscInt i = 0; i < m * k; i++) PetscCheck(A[i] >= 0, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s has a negative value %g at (%" PetscInt_FMT ", %" PetscInt_FMT "): it must be >= 0", what, (double)A[i], i / k, i % k);
  dst.assign(A, A + m * k);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetInitialW(NMF nmf, PetscInt m, PetscInt k, const PetscReal W[])
try {
  PetscFunctionBegin;
  PetscCall(SetReplicatedMatrix(nmf, m, k, W, nmf->W_init, "the initial W", PETSC_TRUE));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

PetscErrorCode NMFSetFixedW(NMF nmf, PetscInt m, PetscInt k, const PetscReal mask[])
try {
  PetscFunctionBegin;
  PetscCall(SetReplicatedMatrix(nmf, m, k, mask, nmf->fixed_W, "the fixed_W mask", PETSC_FALSE));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

PetscErrorCode NMFSetHoldW(NMF nmf, PetscBool hold)
{
  PetscFunctionBegin;
  nmf->hold_W = hold;
  PetscFunctionReturn(0);
}

static PetscErrorCode KeepAbundanceVec(NMF nmf, Vec v, Vec *dst)
{
  PetscInt n, nexp;

  PetscFunctionBegin;
  PetscCheck(nmf->daX, nmf->comm, PETSC_ERR_ORDER, "call NMFSetData before giving H or its mask");
  PetscCall(VecGetLocalSize(v, &n));
  nexp = nmf->p_local * nmf->k;
  PetscCheck(n == nexp, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "an abundance vector must have k values per owned pixel (%" PetscInt_FMT "), not %" PetscInt_FMT, nexp, n);
  PetscCall(PetscObjectReference((PetscObject)v));
  PetscCall(VecDestroy(dst));
  *dst = v;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetInitialH(NMF nmf, Vec H)
try {
  const PetscScalar *h;
  PetscInt64         mine = INT64_MAX, best;
  double             v = 0;
  const char        *name;

  PetscFunctionBegin;
  PetscCall(KeepAbundanceVec(nmf, H, &nmf->H_init));
  /* the first negative or non-finite value over all ranks (global pixel, then component) */
  PetscCall(VecGetArrayRead(H, &h));
  for (PetscInt e = 0; e < nmf->p_local * nmf->k && mine == INT64_MAX; e++)
    if (!(h[e] >= 0) || std::isinf(h[e])) {
      PetscInt qg;
      PetscCall(NMFGlobalPixelIndex_Private(nmf, e / nmf->k, &qg));
      mine = (PetscInt64)qg * nmf->k + e % nmf->k;
      v    = h[e];
    }
  PetscCall(VecRestoreArrayRead(H, &h));
  PetscCallMPI(MPI_Allreduce(&mine, &best, 1, MPIU_INT64, MPI_MIN, nmf->comm));
  double out = mine == best ? v : 0.0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &out, 1, MPI_DOUBLE, MPI_SUM, nmf->comm));
  PetscCall(PetscObjectGetName((PetscObject)H, &name));
  PetscCheck(best == INT64_MAX, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s has the value %s at pixel %" PetscInt64_FMT ", component %" PetscInt64_FMT ": it must be finite and >= 0", name, std::to_string(out).c_str(), best / nmf->k, best % nmf->k);
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

PetscErrorCode NMFSetFixedH(NMF nmf, Vec mask)
{
  PetscFunctionBegin;
  PetscCall(KeepAbundanceVec(nmf, mask, &nmf->fixed_H));
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ parameters */

PetscErrorCode NMFSetNComponents(NMF nmf, PetscInt k)
{
  PetscFunctionBegin;
  PetscCheck(k >= 1, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "n_components = %" PetscInt_FMT ": it must be at least 1", k);
  PetscCheck(!nmf->daH || k == nmf->k, nmf->comm, PETSC_ERR_ORDER, "n_components cannot change after the abundance DM was created");
  nmf->k = k;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetNComponents(NMF nmf, PetscInt *k)
{
  PetscFunctionBegin;
  *k = nmf->k;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetAlgo(NMF nmf, NMFAlgo algo)
{
  PetscFunctionBegin;
  PetscCheck(algo >= NMF_ALGO_LOG_SURROGATE && algo <= NMF_ALGO_PROJECTED_GRADIENT, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "unknown algo %d", (int)algo);
  nmf->algo = algo;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetLambdaL(NMF nmf, PetscReal lambda_L)
{
  PetscFunctionBegin;
  PetscCheck(lambda_L >= 0 && std::isfinite(lambda_L), nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "lambda_L = %g: it must be a finite value >= 0", (double)lambda_L);
  nmf->lambda_L = lambda_L;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetMu(NMF nmf, PetscInt nmu, const PetscReal mu[])
try {
  PetscFunctionBegin;
  PetscCheck(nmu >= 1, nmf->comm, PETSC_ERR_ARG_SIZ, "mu needs one value or one per component");
  for (PetscInt i = 0; i < nmu; i++) PetscCheck(mu[i] >= 0 && std::isfinite(mu[i]), nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "mu[%" PetscInt_FMT "] = %g: it must be a finite value >= 0", i, (double)mu[i]);
  nmf->mu.assign(mu, mu + nmu);
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

PetscErrorCode NMFSetEpsilonReg(NMF nmf, PetscReal epsilon_reg)
{
  PetscFunctionBegin;
  PetscCheck(epsilon_reg > 0 && std::isfinite(epsilon_reg), nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "epsilon_reg = %g: it must be > 0", (double)epsilon_reg);
  nmf->epsilon_reg = epsilon_reg;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetForceSimplex(NMF nmf, PetscBool force_simplex)
{
  PetscFunctionBegin;
  nmf->force_simplex = force_simplex;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetDicotomyTol(NMF nmf, PetscReal dicotomy_tol)
{
  PetscFunctionBegin;
  PetscCheck(dicotomy_tol > 0 && std::isfinite(dicotomy_tol), nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "dicotomy_tol = %g: it must be > 0", (double)dicotomy_tol);
  nmf->dicotomy_tol = dicotomy_tol;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetGammas(NMF nmf, PetscInt ngamma, const PetscReal gamma[])
try {
  PetscFunctionBegin;
  PetscCheck(ngamma == 1 || ngamma == 2, nmf->comm, PETSC_ERR_ARG_SIZ, "gamma takes one value (sigma_L of the surrogate algorithms) or two (gamma_H,gamma_W of projected_gradient), not %" PetscInt_FMT, ngamma);
  for (PetscInt i = 0; i < ngamma; i++) PetscCheck(gamma[i] > 0 && std::isfinite(gamma[i]), nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "gamma[%" PetscInt_FMT "] = %g: it must be > 0", i, (double)gamma[i]);
  nmf->gamma_given.assign(gamma, gamma + ngamma);
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

PetscErrorCode NMFSetGamma(NMF nmf, PetscReal gamma)
{
  PetscFunctionBegin;
  PetscCall(NMFSetGammas(nmf, 1, &gamma));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetLinesearch(NMF nmf, PetscBool linesearch)
{
  PetscFunctionBegin;
  nmf->linesearch = linesearch;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetL2(NMF nmf, PetscBool l2)
{
  PetscFunctionBegin;
  nmf->l2 = l2;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetNormalize(NMF nmf, PetscBool normalize)
{
  PetscFunctionBegin;
  nmf->normalize = normalize;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetNoStopCriterion(NMF nmf, PetscBool no_stop_criterion)
{
  PetscFunctionBegin;
  nmf->no_stop_criterion = no_stop_criterion;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetInitType(NMF nmf, NMFInitType init)
{
  PetscFunctionBegin;
  nmf->init = init;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetTolerance(NMF nmf, PetscReal tol)
{
  PetscFunctionBegin;
  PetscCheck(tol >= 0 && std::isfinite(tol), nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "tol = %g: it must be a finite value >= 0", (double)tol);
  nmf->tol = tol;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetMaxIter(NMF nmf, PetscInt max_iter)
{
  PetscFunctionBegin;
  PetscCheck(max_iter >= 1, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "max_iter = %" PetscInt_FMT ": it must be at least 1", max_iter);
  nmf->max_iter = max_iter;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetRandomState(NMF nmf, PetscInt64 seed)
{
  PetscFunctionBegin;
  PetscCheck(seed >= 0, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "random_state = %" PetscInt64_FMT ": it must be >= 0", seed);
  nmf->random_state     = seed;
  nmf->random_state_set = PETSC_TRUE;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetLogShift(NMF nmf, PetscReal log_shift)
{
  PetscFunctionBegin;
  PetscCheck(log_shift > 0 && std::isfinite(log_shift), nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "log_shift = %g: it must be > 0", (double)log_shift);
  nmf->log_shift = log_shift;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetEvalPrint(NMF nmf, PetscInt eval_print)
{
  PetscFunctionBegin;
  PetscCheck(eval_print >= 1, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "eval_print = %" PetscInt_FMT ": it must be at least 1", eval_print);
  nmf->eval_print = eval_print;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetVerbose(NMF nmf, PetscInt verbose)
{
  PetscFunctionBegin;
  nmf->verbose = verbose;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSetScree(NMF nmf, PetscInt N)
{
  PetscFunctionBegin;
  PetscCheck(N >= 0, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "scree = %" PetscInt_FMT ": the number of singular values must be >= 0", N);
  PetscCheck(!nmf->setupcalled, nmf->comm, PETSC_ERR_ORDER, "NMFSetScree must come before NMFSetUp/NMFSolve");
  nmf->scree_n = N;
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ parameter getters (one per setter) */

PetscErrorCode NMFGetAlgo(NMF nmf, NMFAlgo *algo)
{
  PetscFunctionBegin;
  *algo = nmf->algo;
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
  if (!nmf->gamma_given.empty()) *gamma = nmf->gamma_given[0];
  else *gamma = nmf->algo == NMF_ALGO_PROJECTED_GRADIENT ? 0.0 : 8.0; /* sigma_L's default; projected_gradient: Lipschitz bounds at the solve */
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

PetscErrorCode NMFGetHoldW(NMF nmf, PetscBool *hold)
{
  PetscFunctionBegin;
  *hold = nmf->hold_W;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetG(NMF nmf, PetscInt *n, PetscInt *m, const PetscReal **G)
{
  PetscFunctionBegin;
  const bool identity = nmf->G.empty();
  if (n) *n = identity ? 0 : (PetscInt)nmf->G.size() / nmf->m;
  if (m) *m = identity ? 0 : nmf->m;
  if (G) *G = identity ? NULL : nmf->G.data();
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetDataSizes(NMF nmf, PetscInt *n, PetscInt *p)
{
  PetscFunctionBegin;
  if (n) *n = nmf->n;
  if (p) *p = nmf->p;
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ results */

static PetscErrorCode CheckSolved(NMF nmf)
{
  PetscFunctionBegin;
  PetscCheck(nmf->solved, PETSC_COMM_SELF, PETSC_ERR_ORDER, "call NMFSolve first");
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetW(NMF nmf, PetscInt *m, PetscInt *k, const PetscReal **W)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf));
  if (m) *m = nmf->G.empty() ? nmf->n : nmf->m;
  if (k) *k = nmf->k;
  *W = nmf->W.data();
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetGW(NMF nmf, PetscInt *n, PetscInt *k, const PetscReal **GW)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf));
  if (n) *n = nmf->n;
  if (k) *k = nmf->k;
  *GW = nmf->GW.data();
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetH(NMF nmf, Vec *H)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf));
  *H = nmf->H;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetLosses(NMF nmf, PetscInt *n_iter, PetscInt *ncolumns, const PetscReal **table)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf));
  *n_iter   = nmf->n_iter;
  *ncolumns = (PetscInt)nmf->loss_names.size();
  *table    = nmf->losses_table.data();
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetLossName(NMF nmf, PetscInt j, const char **name)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf));
  PetscCheck(j >= 0 && j < (PetscInt)nmf->loss_names.size(), PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "losses column %" PetscInt_FMT " does not exist (%zu columns)", j, nmf->loss_names.size());
  *name = nmf->loss_names[j].c_str();
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetIterationNumber(NMF nmf, PetscInt *n_iter)
{
  PetscFunctionBegin;
  *n_iter = nmf->n_iter;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetConvergedReason(NMF nmf, NMFConvergedReason *reason)
{
  PetscFunctionBegin;
  *reason = nmf->reason;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetConstKL(NMF nmf, PetscReal *const_KL)
{
  PetscFunctionBegin;
  *const_KL = nmf->const_KL;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetReconstructionError(NMF nmf, PetscReal *err)
{
  PetscFunctionBegin;
  *err = nmf->reconstruction_err;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetTimes(NMF nmf, PetscReal *init_seconds, PetscReal *fit_seconds)
{
  PetscFunctionBegin;
  if (init_seconds) *init_seconds = nmf->init_seconds;
  if (fit_seconds) *fit_seconds = nmf->fit_seconds;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetScree(NMF nmf, PetscInt *N, const PetscReal **S, PetscReal *sum_squares)
{
  PetscFunctionBegin;
  if (N) *N = (PetscInt)nmf->scree.size();
  if (S) *S = nmf->scree.data();
  if (sum_squares) *sum_squares = nmf->scree_sum_squares;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGetRandomState(NMF nmf, PetscInt64 *seed)
{
  PetscFunctionBegin;
  *seed = nmf->random_state;
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ view */

PetscErrorCode NMFView(NMF nmf, PetscViewer viewer)
try {
  char        line[1024];
  std::string mu;

  PetscBool   isascii;

  PetscFunctionBegin;
  if (!viewer) PetscCall(PetscViewerASCIIGetStdout(nmf->comm, &viewer));
  PetscCall(PetscObjectTypeCompare((PetscObject)viewer, PETSCVIEWERASCII, &isascii));
  if (!isascii) PetscFunctionReturn(0);
  for (double v : nmf->mu) {
    snprintf(line, sizeof line, "%s%g", mu.empty() ? "" : ",", v);
    mu += line;
  }
  std::string gam = nmf->gamma_given.empty() ? (nmf->algo == NMF_ALGO_PROJECTED_GRADIENT ? "Lipschitz bounds" : "8") : "";
  for (double v : nmf->gamma_given) {
    snprintf(line, sizeof line, "%s%g", gam.empty() ? "" : ",", v);
    gam += line;
  }
  PetscCall(PetscViewerASCIIPrintf(viewer, "NMF object (SmoothNMF, espm semantics)\n"));
  PetscCall(PetscViewerASCIIPushTab(viewer));
  if (nmf->has_shape) snprintf(line, sizeof line, "data: %d channels x %d pixels, image %d x %d (Laplacian)", (int)nmf->n, (int)nmf->p, (int)nmf->ny, (int)nmf->nx);
  else snprintf(line, sizeof line, "data: %d channels x %d pixels, no image shape (identity in place of the Laplacian)", (int)nmf->n, (int)nmf->p);
  PetscCall(PetscViewerASCIIPrintf(viewer, "%s\n", line));
  if (nmf->Xc) PetscCall(PetscViewerASCIIPrintf(viewer, "X in memory: %s\n", NMFDataTypes[nmf->xtype]));
  snprintf(line, sizeof line, "G: %s; n_components %d, algo %s, loss %s", nmf->G.empty() ? "identity (implicit)" : "given", (int)nmf->k, NMFAlgos[nmf->algo], nmf->l2 ? "l2" : "KL");
  PetscCall(PetscViewerASCIIPrintf(viewer, "%s\n", line));
  snprintf(line, sizeof line, "lambda_L %g, gamma %s, mu %s, epsilon_reg %g, force_simplex %s, dicotomy_tol %g", nmf->lambda_L, gam.c_str(), mu.c_str(), nmf->epsilon_reg, nmf->force_simplex ? "true" : "false", nmf->dicotomy_tol);
  PetscCall(PetscViewerASCIIPrintf(viewer, "%s\n", line));
  snprintf(line, sizeof line, "init %s, random_state %lld, tol %g, max_iter %d, no_stop_criterion %s, normalize %s, log_shift %g", NMFInitTypes[nmf->setupcalled ? nmf->init_used : nmf->init], (long long)nmf->random_state, nmf->tol, (int)nmf->max_iter, nmf->no_stop_criterion ? "true" : "false", nmf->normalize ? "true" : "false", nmf->log_shift);
  PetscCall(PetscViewerASCIIPrintf(viewer, "%s\n", line));
  if (nmf->solved) {
    snprintf(line, sizeof line, "stopped after %d iterations: %s; reconstruction_err %.10g; set-up %.3f s, iterations %.3f s", (int)nmf->n_iter, NMFConvergedReasonName(nmf->reason), nmf->reconstruction_err, nmf->init_seconds, nmf->fit_seconds);
    PetscCall(PetscViewerASCIIPrintf(viewer, "%s\n", line));
  }
  if (!nmf->scree.empty()) {
    std::string sv;
    for (size_t j = 0; j < nmf->scree.size(); j++) {
      snprintf(line, sizeof line, " %.6g", nmf->scree[j]);
      sv += line;
    }
    PetscCall(PetscViewerASCIIPrintf(viewer, "scree, the %d leading singular values of X:%s\n", (int)nmf->scree.size(), sv.c_str()));
  }
  PetscCall(PetscViewerASCIIPopTab(viewer));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS
