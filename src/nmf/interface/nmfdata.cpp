/* The data of an NMF: the map X on the pixel grid, G, the initial values, the held entries. */
#include <smoothnmf/private/nmfimpl.h>
#include <cmath>
#include <cstdint>
#include <string>

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

