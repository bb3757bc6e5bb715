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
  nmf->daX = da;
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
  nmf->p_data  = nmf->p; /* until a navigation mask takes pixels out, at the set-up */
  nmf->n_data  = nmf->n; /* and a signal mask channels */
  PetscFunctionReturn(0);
}

/*@
   NMFSetData - Gives the map X to the solver as a vector of its owned pixels.

   Collective

   Input Parameters:
+  nmf - the object
.  da  - a DMDA from NMFCreateDataDM() (2-D: the image shape is the DMDA's; 1-D: no shape), or an
         application's DMDA with n dof per pixel
-  X   - a vector of local size n p_local (NMFCreateDataVec(), or a global vector of an n-dof
         DMDA): each owned pixel holds its n channels, contiguous

   Notes:
   The solver keeps a reference and reads X's array in place; X is modified in place by the
   data preparation (all-zero pixels and channels set to log_shift, normalization).  Its object
   name, if any, is used in error messages.

   Level: beginner

.seealso: NMFSetDataMat(), NMFSetDataCompact(), NMFCreateDataDM(), NMFCreateDataVec()
@*/
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

/*@
   NMFSetDataCompact - Gives the map X to the solver in a compact type.

   Collective

   Input Parameters:
+  nmf   - the object
.  da    - a DMDA from NMFCreateDataDM()
.  type  - NMF_DATA_FLOAT64, NMF_DATA_FLOAT32, NMF_DATA_UINT16 or NMF_DATA_UINT8
-  array - the owned pixels (in the order of the DMDA's pixels, n channels each, so n p_local
           values: a 64-bit size, any size of map) as double, float, uint16_t or uint8_t,
           allocated with PetscMalloc(); the object takes it and frees it.  The passes over X
           convert inside their loops.

   Options Database Key (program):
.  -data_type <native,float64,float32> - the storage type the program uses

   Level: advanced
@*/
PetscErrorCode NMFSetDataCompact(NMF nmf, DM da, NMFDataType type, void *array)
try {
  PetscFunctionBegin;
  PetscCall(NMFSetDataShared_Private(nmf, da, type, array, PETSC_TRUE));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* X given as an array of type `type` on da: owned (freed by the object) or shared (another
   object's, which outlives this one: the fits of NMFSelectK) */
PetscErrorCode NMFSetDataShared_Private(NMF nmf, DM da, NMFDataType type, void *array, PetscBool owned)
{
  PetscFunctionBegin;
  PetscCall(SetDataLayout(nmf, da));
  nmf->xtype    = type;
  nmf->xscale   = 1.0;
  nmf->Xc       = array;
  nmf->Xc_owned = owned;
  PetscFunctionReturn(0);
}

/*@
   NMFGetAbundanceDM - Gets the DMDA of H: k dof per pixel, the ownership of the data's DMDA.

   Collective on the first call, Not Collective afterwards

   Output Parameter:
.  daH - the DMDA; it belongs to the object

   Notes:
   Valid after the data is set and once n_components is set.

   Level: advanced
@*/
PetscErrorCode NMFGetAbundanceDM(NMF nmf, DM *daH)
{
  PetscFunctionBegin;
  PetscCheck(nmf->daX, nmf->comm, PETSC_ERR_ORDER, "call NMFSetData before NMFGetAbundanceDM");
  if (!nmf->daH) PetscCall(NMFCreateAbundanceDM_Private(nmf));
  *daH = nmf->daH;
  PetscFunctionReturn(0);
}

/* The first entry of an abundance vector (global pixel, then component: pixel * k + component)
   for which bad(value) holds, over all ranks, and its value; *first = INT64_MAX when none does. */
PetscErrorCode NMFFirstAbundanceEntry_Private(NMF nmf, Vec H, bool (*bad)(double), PetscInt64 *first, double *value)
{
  const PetscScalar *h;
  PetscInt64         mine = INT64_MAX;
  double             v    = 0;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(H, &h));
  for (PetscInt e = 0; e < nmf->p_local * nmf->k && mine == INT64_MAX; e++)
    if (bad(h[e])) {
      PetscInt qg;
      PetscCall(NMFGlobalPixelIndex_Private(nmf, e / nmf->k, &qg));
      mine = (PetscInt64)qg * nmf->k + e % nmf->k;
      v    = h[e];
    }
  PetscCall(VecRestoreArrayRead(H, &h));
  PetscCallMPI(MPI_Allreduce(&mine, first, 1, MPIU_INT64, MPI_MIN, nmf->comm));
  *value = mine == *first ? v : 0.0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, value, 1, MPI_DOUBLE, MPI_SUM, nmf->comm));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckFinite(MPI_Comm comm, PetscInt len, const PetscReal a[], const char *what)
{
  PetscFunctionBegin;
  for (PetscInt i = 0; i < len; i++) PetscCheck(std::isfinite(a[i]), comm, PETSC_ERR_ARG_OUTOFRANGE, "%s has a non-finite value at entry %" PetscInt_FMT, what, i);
  PetscFunctionReturn(0);
}

/*@
   NMFSetG - Sets a known G (n x m): X ~ G W H with W (m x k).

   Logically Collective

   Input Parameters:
+  nmf  - the object
.  n, m - the shape of G (n = the number of channels)
-  G    - row-major values (copied), the same on every rank; NULL means the identity (the
          default, never stored).  G must be finite, >= 0, with no all-zero row.

   Options Database Key (program):
.  -G FILE:DATASET - an (n, m) dataset

   Level: intermediate

.seealso: NMFSetGMat(), NMFGetG()
@*/
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

/*@
   NMFSetInitialW - Sets the initial W (custom initialization).

   Logically Collective

   Input Parameters:
+  nmf  - the object
.  m, k - its shape: m = the columns of G (the channels without G), k = n_components
-  W    - row-major values (copied), the same on every rank, finite and >= 0

   Options Database Key (program):
.  -init_W FILE:DATASET - implies -nmf_init custom

   Level: intermediate
@*/
PetscErrorCode NMFSetInitialW(NMF nmf, PetscInt m, PetscInt k, const PetscReal W[])
try {
  PetscFunctionBegin;
  PetscCall(SetReplicatedMatrix(nmf, m, k, W, nmf->W_init, "the initial W", PETSC_TRUE));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFSetFixedW - Holds some entries of W: a mask of W's shape, entries >= 0 are held at that
   value, negative entries are free.

   Logically Collective

   Input Parameters:
+  nmf  - the object
.  m, k - the shape of W
-  mask - row-major values (copied), the same on every rank

   Options Database Key (program):
.  -fixed_W FILE:DATASET

   Level: advanced
@*/
PetscErrorCode NMFSetFixedW(NMF nmf, PetscInt m, PetscInt k, const PetscReal mask[])
try {
  PetscFunctionBegin;
  PetscCall(SetReplicatedMatrix(nmf, m, k, mask, nmf->fixed_W, "the fixed_W mask", PETSC_FALSE));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFSetHoldW - Keeps W at its initial value: only H steps run (the transform of a new map with
   learned spectra).

   Logically Collective

   Input Parameters:
+  nmf  - the object
-  hold - PETSC_TRUE to hold W

   Options Database Key (program):
.  -transform RESULT.h5 - W from a previous result, held

   Level: advanced
@*/
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

/*@
   NMFSetInitialH - Sets the initial H (custom initialization).

   Collective

   Input Parameters:
+  nmf - the object
-  H   - a global vector of the abundance DM (NMFGetAbundanceDM()), k values per pixel, finite
         and >= 0; the object keeps a reference.  Its object name names it in error messages.

   Options Database Key (program):
.  -init_H FILE:DATASET - implies -nmf_init custom

   Level: intermediate
@*/
PetscErrorCode NMFSetInitialH(NMF nmf, Vec H)
try {
  PetscInt64  best;
  double      out;
  const char *name;

  PetscFunctionBegin;
  PetscCall(KeepAbundanceVec(nmf, H, &nmf->H_init));
  PetscCall(NMFFirstAbundanceEntry_Private(
    nmf, H, [](double x) { return !(x >= 0) || std::isinf(x); }, &best, &out)); /* negative or non-finite */
  PetscCall(PetscObjectGetName((PetscObject)H, &name));
  PetscCheck(best == INT64_MAX, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s has the value %s at pixel %" PetscInt64_FMT ", component %" PetscInt64_FMT ": it must be finite and >= 0", name, std::to_string(out).c_str(), best / nmf->k, best % nmf->k);
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFSetFixedH - Holds some entries of H: a mask, entries >= 0 are held at that value.

   Collective

   Input Parameters:
+  nmf  - the object
-  mask - a global vector of the abundance DM (the object keeps a reference)

   Options Database Key (program):
.  -fixed_H FILE:DATASET

   Level: advanced
@*/
PetscErrorCode NMFSetFixedH(NMF nmf, Vec mask)
{
  PetscFunctionBegin;
  PetscCall(KeepAbundanceVec(nmf, mask, &nmf->fixed_H));
  PetscFunctionReturn(0);
}

/*@
   NMFGetHoldW - Tells whether W is held (NMFSetHoldW()).

   Not Collective

   Output Parameter:
.  hold - PETSC_TRUE when only H steps run

   Level: advanced
@*/
PetscErrorCode NMFGetHoldW(NMF nmf, PetscBool *hold)
{
  PetscFunctionBegin;
  *hold = nmf->hold_W;
  PetscFunctionReturn(0);
}

/*@
   NMFGetG - Gets the known G.

   Not Collective

   Output Parameters:
+  n, m - its shape (0, 0 for the identity; each may be NULL)
-  G    - row-major values, the same on every rank, or NULL for the identity; they belong to
          the object

   Level: intermediate
@*/
PetscErrorCode NMFGetG(NMF nmf, PetscInt *n, PetscInt *m, const PetscReal **G)
{
  PetscFunctionBegin;
  const bool identity = nmf->G.empty();
  if (n) *n = identity ? 0 : (PetscInt)nmf->G.size() / nmf->m;
  if (m) *m = identity ? 0 : nmf->m;
  if (G) *G = identity ? NULL : nmf->G.data();
  PetscFunctionReturn(0);
}

/*@
   NMFGetDataSizes - Gets the size of the data.

   Not Collective

   Output Parameters:
+  n - the number of channels (may be NULL)
-  p - the number of pixels (may be NULL)

   Level: intermediate
@*/
PetscErrorCode NMFGetDataSizes(NMF nmf, PetscInt *n, PetscInt *p)
{
  PetscFunctionBegin;
  if (n) *n = nmf->n;
  if (p) *p = nmf->p;
  PetscFunctionReturn(0);
}
