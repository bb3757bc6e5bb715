/* The application's own layout: X as a Mat of pixels x channels with any row ownership, G as a
   Mat of any type, and the results as Mats (H with the row ownership of the application's X).
   Rows of X travel from the application's ownership to the solver's with one MPI_Alltoallv of
   whole rows (64-bit sizes: n p may pass 2^31), the rows of H back with a VecScatter; nothing of
   size n x p is gathered. */
#include <smoothnmf/private/nmfimpl.h>
#include <algorithm>
#include <cstdint>
#include <cstdlib>

/*@
   NMFSetImageShape - Sets the image shape of the data given next with NMFSetDataMat(): row r
   of the data matrix is the pixel of image row r / nx and column r % nx (pixel-major order), and
   the Laplacian smoothness penalty acts on the ny x nx grid.  Without it the pixels form a list
   (no shape: the identity in place of the Laplacian).

   Logically Collective

   Input Parameters:
+  nmf    - the object
-  ny, nx - the image shape, both at least 2; ny = nx = 0 removes the shape

   Level: intermediate

.seealso: NMFSetDataMat(), NMFGetImageShape()
@*/
PetscErrorCode NMFSetImageShape(NMF nmf, PetscInt ny, PetscInt nx)
{
  PetscFunctionBegin;
  PetscCheck((ny == 0 && nx == 0) || (ny >= 2 && nx >= 2), nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "image shape (%" PetscInt_FMT ", %" PetscInt_FMT "): both sides must be at least 2 (or both 0 for no shape)", ny, nx);
  nmf->shape_ny = ny;
  nmf->shape_nx = nx;
  PetscFunctionReturn(0);
}

/*@
   NMFGetImageShape - Gets the image shape of the data.

   Not Collective

   Output Parameters:
+  ny - the number of image rows; 0 when the data have no image shape
-  nx - the number of image columns (the number of pixels when ny = 0).  Before any data is
        set, the values given to NMFSetImageShape().

   Level: intermediate
@*/
PetscErrorCode NMFGetImageShape(NMF nmf, PetscInt *ny, PetscInt *nx)
{
  PetscFunctionBegin;
  if (nmf->daX) {
    if (ny) *ny = nmf->has_shape ? nmf->ny : 0;
    if (nx) *nx = nmf->has_shape ? nmf->nx : nmf->p;
  } else {
    if (ny) *ny = nmf->shape_ny;
    if (nx) *nx = nmf->shape_nx;
  }
  PetscFunctionReturn(0);
}

/* A Mat of the application must live on the object's ranks: the same communicator (or a
   congruent one), or a sequential Mat when the object has one rank (parallel = false then). */
static PetscErrorCode CheckMatComm(NMF nmf, Mat A, const char *what, PetscBool allow_seq, PetscBool *parallel)
{
  MPI_Comm    comm;
  PetscMPIInt size, nsize;
  int         cmp;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetComm((PetscObject)A, &comm));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCallMPI(MPI_Comm_size(nmf->comm, &nsize));
  PetscCallMPI(MPI_Comm_compare(comm, nmf->comm, &cmp));
  *parallel = size > 1 ? PETSC_TRUE : PETSC_FALSE;
  if (cmp == MPI_IDENT || cmp == MPI_CONGRUENT || (size == 1 && (nsize == 1 || allow_seq))) PetscFunctionReturn(0);
  SETERRQ(nmf->comm, PETSC_ERR_ARG_NOTSAMECOMM, "%s lives on %d rank(s), not on the NMF object's %d ranks: create it on the same communicator", what, size, nsize);
}

/* Position, in the solver's ordering (the DMDA's global vectors), of the pixels r0..r1-1 of the
   natural order.  1-D: the identity.  2-D: pixel r = i nx + j lies in the rank block (bx, by)
   holding column j and row i; the DMDA numbers ranks x fastest and each block row-major, so
   its index is start(by mx + bx) + (i - ys[by]) lx[bx] + (j - xs[bx]). */
static PetscErrorCode SolverPixelIndices(DM da, PetscInt r0, PetscInt r1, std::vector<PetscInt> &idx)
{
  PetscInt        dim, M, mx, my;
  const PetscInt *lx, *ly;

  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(da, &dim, &M, NULL, NULL, &mx, &my, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  idx.resize(r1 - r0);
  if (dim == 1) {
    for (PetscInt r = r0; r < r1; r++) idx[r - r0] = r;
    PetscFunctionReturn(0);
  }
  PetscCall(DMDAGetOwnershipRanges(da, &lx, &ly, NULL));
  std::vector<PetscInt> xs(mx + 1, 0), ys(my + 1, 0), start(mx * my + 1, 0);
  for (PetscInt b = 0; b < mx; b++) xs[b + 1] = xs[b] + lx[b];
  for (PetscInt b = 0; b < my; b++) ys[b + 1] = ys[b] + ly[b];
  for (PetscInt rank = 0; rank < mx * my; rank++) start[rank + 1] = start[rank] + lx[rank % mx] * ly[rank / mx];
  for (PetscInt r = r0; r < r1; r++) {
    const PetscInt i = r / M, j = r % M;
    const PetscInt bx = (PetscInt)(std::upper_bound(xs.begin(), xs.end(), j) - xs.begin()) - 1;
    const PetscInt by = (PetscInt)(std::upper_bound(ys.begin(), ys.end(), i) - ys.begin()) - 1;
    idx[r - r0]       = start[by * mx + bx] + (i - ys[by]) * lx[bx] + (j - xs[bx]);
  }
  PetscFunctionReturn(0);
}

/* The scatter between a vector of the rows r0..r1-1 in natural order (bs values per row,
   contiguous, local size (r1 - r0) bs) and a global vector of the solver's DMDA with bs dof. */
static PetscErrorCode CreateRowScatter(DM da, PetscInt r0, PetscInt r1, PetscInt bs, Vec rows, Vec solver, VecScatter *sc)
{
  MPI_Comm              comm;
  std::vector<PetscInt> idx;
  IS                    is_rows, is_solver;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetComm((PetscObject)da, &comm));
  PetscCall(SolverPixelIndices(da, r0, r1, idx));
  PetscCall(ISCreateStride(comm, (r1 - r0) * bs, r0 * bs, 1, &is_rows));
  PetscCall(ISCreateBlock(comm, bs, r1 - r0, idx.data(), PETSC_COPY_VALUES, &is_solver));
  PetscCall(VecScatterCreate(rows, is_rows, solver, is_solver, sc));
  PetscCall(ISDestroy(&is_rows));
  PetscCall(ISDestroy(&is_solver));
  PetscFunctionReturn(0);
}

/* The owned rows r0..r1-1 of A (ncols columns) into x, row-major: dense Mats through their
   column-major array, others through MatGetRow (absent entries are zeros). */
static PetscErrorCode CopyOwnedRows(Mat A, PetscInt r0, PetscInt r1, PetscInt ncols, PetscScalar *x)
{
  PetscBool dense;

  PetscFunctionBegin;
  PetscCall(PetscObjectTypeCompareAny((PetscObject)A, &dense, MATSEQDENSE, MATMPIDENSE, ""));
  if (dense) {
    const PetscScalar *a;
    PetscInt           lda;
    PetscCall(MatDenseGetLDA(A, &lda));
    PetscCall(MatDenseGetArrayRead(A, &a));
    for (PetscInt r = 0; r < r1 - r0; r++)
      for (PetscInt c = 0; c < ncols; c++) x[(size_t)r * ncols + c] = a[r + (size_t)c * lda]; /* X[r, c], column-major with leading dimension lda */
    PetscCall(MatDenseRestoreArrayRead(A, &a));
    PetscFunctionReturn(0);
  }
  PetscCall(PetscArrayzero(x, (size_t)(r1 - r0) * ncols));
  for (PetscInt r = r0; r < r1; r++) {
    PetscInt           nz;
    const PetscInt    *cols;
    const PetscScalar *vals;
    PetscCall(MatGetRow(A, r, &nz, &cols, &vals));
    for (PetscInt e = 0; e < nz; e++) x[(size_t)(r - r0) * ncols + cols[e]] = vals[e];
    PetscCall(MatRestoreRow(A, r, &nz, &cols, &vals));
  }
  PetscFunctionReturn(0);
}

/* Sends the application's owned rows r0..r1-1 (row_bytes bytes each, in rows) to the ranks that
   own those pixels in the solver's layout da, and returns the solver's owned pixels in *x
   (PetscMalloc'd, p_local rows, pixel-major); rows is consumed.  One MPI_Alltoallv of whole rows
   (an MPI datatype of one row, so the counts are pixels and no count or offset reaches 2^31); the
   solver index of each row travels with it. */
static PetscErrorCode RedistributeRows(MPI_Comm comm, DM da, size_t row_bytes, PetscInt r0, PetscInt r1, std::vector<char> &rows, void **x)
{
  PetscMPIInt           size;
  PetscInt              xm, ym, dim;
  std::vector<PetscInt> idx, solver_start;
  MPI_Datatype          row_type;

  PetscFunctionBegin;
  PetscCheck(row_bytes < (size_t)PETSC_MPI_INT_MAX, comm, PETSC_ERR_ARG_SIZ, "one pixel of the data is %zu bytes: at most 2^31 bytes per pixel", row_bytes);
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCall(DMDAGetInfo(da, &dim, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, NULL, NULL, NULL, &xm, &ym, NULL));
  const PetscInt pl = dim == 2 ? xm * ym : xm;
  /* where the solver's ranks start in its global pixel numbering */
  solver_start.assign(size + 1, 0);
  PetscInt mine = pl;
  PetscCallMPI(MPI_Allgather(&mine, 1, MPIU_INT, solver_start.data() + 1, 1, MPIU_INT, comm));
  for (PetscMPIInt r = 0; r < size; r++) solver_start[r + 1] += solver_start[r];
  PetscCall(SolverPixelIndices(da, r0, r1, idx));

  /* the owned rows grouped by destination rank (stable: ascending row within a rank) */
  const PetscInt           nrows = r1 - r0;
  std::vector<PetscMPIInt> dest(nrows), scount(size, 0), rcount(size), sdispl(size + 1, 0), rdispl(size + 1, 0);
  for (PetscInt r = 0; r < nrows; r++) {
    dest[r] = (PetscMPIInt)(std::upper_bound(solver_start.begin(), solver_start.end(), idx[r]) - solver_start.begin()) - 1;
    scount[dest[r]]++;
  }
  PetscCallMPI(MPI_Alltoall(scount.data(), 1, MPI_INT, rcount.data(), 1, MPI_INT, comm));
  for (PetscMPIInt r = 0; r < size; r++) {
    sdispl[r + 1] = sdispl[r] + scount[r];
    rdispl[r + 1] = rdispl[r] + rcount[r];
  }
  PetscCheck(rdispl[size] == pl, PETSC_COMM_SELF, PETSC_ERR_PLIB, "redistribution of the data rows: %d rows arrive for %" PetscInt_FMT " owned pixels", rdispl[size], pl);
  std::vector<PetscInt>    sidx(nrows), ridx(pl);
  std::vector<PetscMPIInt> fill(sdispl.begin(), sdispl.end() - 1);
  std::vector<char>        sbuf((size_t)nrows * row_bytes);
  for (PetscInt r = 0; r < nrows; r++) {
    const PetscMPIInt at = fill[dest[r]]++;
    sidx[at]             = idx[r];
    PetscCall(PetscMemcpy(sbuf.data() + (size_t)at * row_bytes, rows.data() + (size_t)r * row_bytes, row_bytes));
  }
  std::vector<char>().swap(rows); /* at most two copies of the owned rows at a time */
  std::vector<char> rbuf((size_t)pl * row_bytes);
  PetscCallMPI(MPI_Alltoallv(sidx.data(), scount.data(), sdispl.data(), MPIU_INT, ridx.data(), rcount.data(), rdispl.data(), MPIU_INT, comm));
  PetscCallMPI(MPI_Type_contiguous((PetscMPIInt)row_bytes, MPI_BYTE, &row_type));
  PetscCallMPI(MPI_Type_commit(&row_type));
  PetscCallMPI(MPI_Alltoallv(sbuf.data(), scount.data(), sdispl.data(), row_type, rbuf.data(), rcount.data(), rdispl.data(), row_type, comm));
  PetscCallMPI(MPI_Type_free(&row_type));
  std::vector<char>().swap(sbuf);

  /* each arrived row into its pixel: solver index - the rank's start */
  PetscMPIInt rank;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  char *dst;
  PetscCall(PetscMalloc(PetscMax((size_t)pl * row_bytes, (size_t)1), &dst));
  for (PetscInt e = 0; e < pl; e++) PetscCall(PetscMemcpy(dst + (size_t)(ridx[e] - solver_start[rank]) * row_bytes, rbuf.data() + (size_t)e * row_bytes, row_bytes));
  *x = dst;
  PetscFunctionReturn(0);
}

/*@
   NMFSetDataMat - Gives the map X to the solver as the application's own distributed matrix of
   pixels x channels, with whatever row ownership the application has.

   Collective

   Input Parameters:
+  nmf - the object
-  X   - an assembled Mat of p rows (pixels) and n columns (channels) on the object's
         communicator (a sequential Mat only on one rank): MATDENSE (MATSEQDENSE, MATMPIDENSE)
         is read through its array, any other type (MATAIJ, MATBAIJ, ...) through MatGetRow(),
         absent entries being zeros.  Row r is pixel r; with NMFSetImageShape() called before,
         the pixel of image row r / nx, column r % nx.

   Notes:
   Each rank sends its owned rows to the ranks that own them in the solver's layout (a
   NMFCreateDataDM() DMDA: a 1-D partition of the pixels, or PETSc's 2-D block partition of
   the image) with one MPI_Alltoallv of whole rows (counted in rows, so maps of n p >= 2^31 values pass); X is never gathered.  X is copied (it is not modified and may
   be destroyed after the call); peak memory is X plus two copies of the owned rows.  The row
   ownership of X is remembered for NMFGetHMat().  Mat's object name, if any, names the data in
   error messages (negative or non-finite entries are refused at NMFSetUp() with their pixel and
   channel).

   Level: beginner

.seealso: NMFSetImageShape(), NMFGetHMat(), NMFSetGMat(), NMFSetData()
@*/
PetscErrorCode NMFSetDataMat(NMF nmf, Mat X)
try {
  PetscInt     p, n, r0, r1, ny, nx;
  PetscBool    parallel;
  DM           da;
  PetscLayout  rmap;
  const char  *name;
  PetscScalar *x;

  PetscFunctionBegin;
  PetscCall(NMFInitializePackage());
  PetscCheck(!nmf->setupcalled, nmf->comm, PETSC_ERR_ORDER, "NMFSetDataMat must come before NMFSetUp/NMFSolve");
  PetscCall(CheckMatComm(nmf, X, "the data Mat X", PETSC_FALSE, &parallel));
  PetscCall(MatGetSize(X, &p, &n));
  PetscCheck(p >= 1 && n >= 1, nmf->comm, PETSC_ERR_ARG_SIZ, "the data Mat X is %" PetscInt_FMT " x %" PetscInt_FMT ": it needs pixels (rows) and channels (columns)", p, n);
  ny = nmf->shape_ny;
  nx = ny > 0 ? nmf->shape_nx : p;
  PetscCheck(ny == 0 || ny * nx == p, nmf->comm, PETSC_ERR_ARG_SIZ, "the image shape (%" PetscInt_FMT ", %" PetscInt_FMT ") has %" PetscInt_FMT " pixels but the data Mat X has %" PetscInt_FMT " rows", ny, nx, ny * nx, p);
  PetscCall(PetscLogEventBegin(NMF_Redistribute, 0, 0, 0, 0));
  PetscCall(NMFCreateDataDM(nmf->comm, n, ny, nx, NULL, NULL, &da));
  PetscCall(PetscObjectGetName((PetscObject)X, &name));
  PetscCall(PetscObjectSetName((PetscObject)da, name)); /* names the data in error messages */

  /* the application's rows, pixel-major, then one exchange to the solver's owners */
  PetscCall(MatGetOwnershipRange(X, &r0, &r1));
  std::vector<char> rows(PetscMax((size_t)(r1 - r0) * n, (size_t)1) * sizeof(PetscScalar));
  PetscCall(CopyOwnedRows(X, r0, r1, n, (PetscScalar *)rows.data()));
  PetscCall(RedistributeRows(nmf->comm, da, (size_t)n * sizeof(PetscScalar), r0, r1, rows, (void **)&x));

  PetscCall(NMFSetDataCompact(nmf, da, NMF_DATA_FLOAT64, x));
  PetscCall(MatGetLayouts(X, &rmap, NULL));
  PetscCall(PetscLayoutReference(rmap, &nmf->app_rows)); /* for NMFGetHMat */
  PetscCall(DMDestroy(&da));
  PetscCall(PetscLogEventEnd(NMF_Redistribute, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* ---------------------------------------------------------------- NMFSetDataArray */

/* The storage kept for an array type: the four compact types as they are, other integers as
   float64 (exact up to 2^53). */
static NMFDataType StorageOf(NMFArrayType t)
{
  switch (t) {
  case NMF_ARRAY_FLOAT32: return NMF_DATA_FLOAT32;
  case NMF_ARRAY_UINT16: return NMF_DATA_UINT16;
  case NMF_ARRAY_UINT8: return NMF_DATA_UINT8;
  default: return NMF_DATA_FLOAT64;
  }
}

static size_t StorageSize(NMFDataType t) { return t == NMF_DATA_FLOAT64 ? 8 : t == NMF_DATA_FLOAT32 ? 4
                                                                            : t == NMF_DATA_UINT16  ? 2
                                                                                                    : 1; }

/* dst[i n + c] = src[(row(i) - r0) ps + c cs] for i < nrows: the pixels' spectra gathered from an
   array of any strides, converted to the storage type.  A strided channel axis (the (channels,
   pixels) orientation) is read in blocks of pixels, so each cache line of the source serves
   several of them. */
template <class In, class Out, class Row>
static void GatherPixels(const In *src, PetscInt n, PetscInt64 ps, PetscInt64 cs, PetscInt nrows, Row row, Out *dst)
{
  if (std::llabs((long long)cs) <= std::llabs((long long)ps)) {
    for (PetscInt i = 0; i < nrows; i++) {
      const In *s = src + row(i) * ps;
      Out      *d = dst + (size_t)i * n;
      for (PetscInt c = 0; c < n; c++) d[c] = (Out)s[c * cs];
    }
    return;
  }
  const PetscInt B = 64;
  for (PetscInt i0 = 0; i0 < nrows; i0 += B) {
    const PetscInt i1 = PetscMin(i0 + B, nrows);
    for (PetscInt c = 0; c < n; c++)
      for (PetscInt i = i0; i < i1; i++) dst[(size_t)i * n + c] = (Out)src[row(i) * ps + c * cs];
  }
}

template <class Row>
static void GatherPixelsAs(NMFArrayType t, const void *src, PetscInt n, PetscInt64 ps, PetscInt64 cs, PetscInt nrows, Row row, void *dst)
{
  switch (t) {
  case NMF_ARRAY_FLOAT64: GatherPixels((const double *)src, n, ps, cs, nrows, row, (double *)dst); break;
  case NMF_ARRAY_FLOAT32: GatherPixels((const float *)src, n, ps, cs, nrows, row, (float *)dst); break;
  case NMF_ARRAY_UINT16: GatherPixels((const uint16_t *)src, n, ps, cs, nrows, row, (uint16_t *)dst); break;
  case NMF_ARRAY_UINT8: GatherPixels((const uint8_t *)src, n, ps, cs, nrows, row, (uint8_t *)dst); break;
  case NMF_ARRAY_UINT32: GatherPixels((const uint32_t *)src, n, ps, cs, nrows, row, (double *)dst); break;
  case NMF_ARRAY_UINT64: GatherPixels((const uint64_t *)src, n, ps, cs, nrows, row, (double *)dst); break;
  case NMF_ARRAY_INT8: GatherPixels((const int8_t *)src, n, ps, cs, nrows, row, (double *)dst); break;
  case NMF_ARRAY_INT16: GatherPixels((const int16_t *)src, n, ps, cs, nrows, row, (double *)dst); break;
  case NMF_ARRAY_INT32: GatherPixels((const int32_t *)src, n, ps, cs, nrows, row, (double *)dst); break;
  case NMF_ARRAY_INT64: GatherPixels((const int64_t *)src, n, ps, cs, nrows, row, (double *)dst); break;
  }
}

/*@
   NMFSetDataArray - Gives the map X to the solver as a strided array of the application's own
   memory, pixels x channels in any orientation and any numeric type, either the whole map on
   every rank or one block of consecutive pixels per rank.

   Collective

   Input Parameters:
+  nmf            - the object
.  p, n           - the number of pixels and of channels of the whole map (the same on every rank)
.  r0, r1         - the pixels this rank holds, r0 <= r < r1 in natural (image row-major) order:
                    0, p on every rank (each rank then keeps its own pixels, nothing is sent), or
                    consecutive blocks in rank order that cover the map (each rank sends its rows
                    to the ranks that own them in the solver's layout, one MPI_Alltoallv)
.  type           - the element type of the array (NMF_ARRAY_FLOAT64, ..., NMF_ARRAY_INT64)
.  x              - the element of pixel r0, channel 0
-  pixel_stride, channel_stride - the distance, in elements, between consecutive pixels and
                    between consecutive channels: n, 1 for a C-ordered (pixels, channels) array
                    (HyperSpy's), 1, p for a C-ordered (channels, pixels) array (espm's X)

   Notes:
   The owned pixels are copied once, in a compact storage: float64, float32, uint16 and uint8
   arrays keep their type, other integers are stored as float64.  x is not modified and may be
   freed after the call.  With NMFSetImageShape() called before, pixel r is image row r / nx,
   column r % nx.  Negative or non-finite values are refused at NMFSetUp().  Sizes are 64-bit:
   maps of n p >= 2^31 values pass.

   Level: intermediate

.seealso: NMFSetDataMat(), NMFSetData(), NMFSetImageShape(), NMFGetHMat()
@*/
PetscErrorCode NMFSetDataArray(NMF nmf, PetscInt p, PetscInt n, PetscInt r0, PetscInt r1, NMFArrayType type, const void *x, PetscInt64 pixel_stride, PetscInt64 channel_stride)
try {
  PetscMPIInt size, rank;
  DM          da;

  PetscFunctionBegin;
  PetscCall(NMFInitializePackage());
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCheck(!nmf->setupcalled, nmf->comm, PETSC_ERR_ORDER, "NMFSetDataArray must come before NMFSetUp/NMFSolve");
  PetscCheck(type >= NMF_ARRAY_FLOAT64 && type <= NMF_ARRAY_INT64, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "unknown array type %d", (int)type);
  PetscCallMPI(MPI_Comm_size(nmf->comm, &size));
  PetscCallMPI(MPI_Comm_rank(nmf->comm, &rank));
  /* the same sizes everywhere, and the held pixels: all of them on every rank, or a cover by consecutive blocks */
  PetscInt64 mine[4] = {p, n, r0, r1}, lo[2], hi[2];
  PetscCallMPI(MPI_Allreduce(mine, lo, 2, MPIU_INT64, MPI_MIN, nmf->comm));
  PetscCallMPI(MPI_Allreduce(mine, hi, 2, MPIU_INT64, MPI_MAX, nmf->comm));
  PetscCheck(lo[0] == hi[0] && lo[1] == hi[1], nmf->comm, PETSC_ERR_ARG_INCOMP, "the ranks give different map sizes (pixels %" PetscInt64_FMT "..%" PetscInt64_FMT ", channels %" PetscInt64_FMT "..%" PetscInt64_FMT "): every rank gives the whole map's p and n", lo[0], hi[0], lo[1], hi[1]);
  PetscCheck(p >= 1 && n >= 1, nmf->comm, PETSC_ERR_ARG_SIZ, "the data has %" PetscInt_FMT " pixels and %" PetscInt_FMT " channels: it needs at least one of each", p, n);
  std::vector<PetscInt64> ranges(2 * (size_t)size);
  PetscCallMPI(MPI_Allgather(mine + 2, 2, MPIU_INT64, ranges.data(), 2, MPIU_INT64, nmf->comm));
  bool replicated = true, cover = ranges[0] == 0 && ranges[2 * (size - 1) + 1] == p;
  for (PetscMPIInt r = 0; r < size; r++) {
    replicated = replicated && ranges[2 * r] == 0 && ranges[2 * r + 1] == p;
    cover      = cover && ranges[2 * r] <= ranges[2 * r + 1] && (r == 0 || ranges[2 * r] == ranges[2 * r - 1]);
  }
  PetscCheck(replicated || cover, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "the pixels held by the ranks are neither the whole map on every rank nor consecutive blocks in rank order covering 0..%" PetscInt_FMT " (rank %d holds %" PetscInt_FMT "..%" PetscInt_FMT ")", p, rank, r0, r1);
  PetscCheck(r1 == r0 || x, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "the data array is NULL on rank %d, which holds pixels %" PetscInt_FMT "..%" PetscInt_FMT, rank, r0, r1);
  const PetscInt ny = nmf->shape_ny, nx = ny > 0 ? nmf->shape_nx : p;
  PetscCheck(ny == 0 || (PetscInt64)ny * nx == p, nmf->comm, PETSC_ERR_ARG_SIZ, "the image shape (%" PetscInt_FMT ", %" PetscInt_FMT ") has %" PetscInt64_FMT " pixels but the data has %" PetscInt_FMT, ny, nx, (PetscInt64)ny * nx, p);

  PetscCall(PetscLogEventBegin(NMF_Redistribute, 0, 0, 0, 0));
  PetscCall(NMFCreateDataDM(nmf->comm, n, ny, nx, NULL, NULL, &da));
  PetscCall(PetscObjectSetName((PetscObject)da, "X")); /* names the data in error messages */
  const NMFDataType stored = StorageOf(type);
  const size_t      row    = (size_t)n * StorageSize(stored);
  void             *xc;
  if (replicated) { /* each rank its own pixels, straight from the array */
    PetscInt xs, ys, xm, ym;
    PetscCall(DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL));
    if (ny == 0) ys = 0, ym = 1;
    PetscCall(PetscMalloc(PetscMax((size_t)xm * ym * row, (size_t)1), &xc));
    GatherPixelsAs(
      type, x, n, pixel_stride, channel_stride, xm * ym, [=](PetscInt i) { return (PetscInt64)(ys + i / xm) * nx + xs + i % xm; }, xc);
  } else { /* the rank's rows, converted, then one exchange to the solver's owners */
    std::vector<char> rows(PetscMax((size_t)(r1 - r0) * row, (size_t)1));
    GatherPixelsAs(
      type, x, n, pixel_stride, channel_stride, r1 - r0, [](PetscInt i) { return (PetscInt64)i; }, rows.data());
    PetscCall(RedistributeRows(nmf->comm, da, row, r0, r1, rows, &xc));
    PetscLayout rmap;
    PetscCall(PetscLayoutCreateFromSizes(nmf->comm, r1 - r0, p, 1, &rmap));
    PetscCall(NMFSetDataCompact(nmf, da, stored, xc));
    PetscCall(PetscLayoutReference(rmap, &nmf->app_rows)); /* for NMFGetHMat: H on the caller's rows */
    PetscCall(PetscLayoutDestroy(&rmap));
    xc = nullptr;
  }
  if (xc) PetscCall(NMFSetDataCompact(nmf, da, stored, xc));
  PetscCall(DMDestroy(&da));
  PetscCall(PetscLogEventEnd(NMF_Redistribute, 0, 0, 0, 0));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFSetGMat - Sets a known G (n x m) from a Mat of any type and distribution; it is small and
   is gathered on every rank.

   Collective

   Input Parameters:
+  nmf - the object
-  G   - an assembled Mat, n rows (channels) by m columns, on the object's communicator, or a
         sequential Mat holding all of G on each rank (the same on every rank)

   Level: intermediate

.seealso: NMFSetG()
@*/
PetscErrorCode NMFSetGMat(NMF nmf, Mat G)
try {
  PetscInt  n, m, r0, r1;
  PetscBool parallel;

  PetscFunctionBegin;
  PetscCall(CheckMatComm(nmf, G, "the Mat G", PETSC_TRUE, &parallel));
  PetscCall(MatGetSize(G, &n, &m));
  PetscCall(MatGetOwnershipRange(G, &r0, &r1));
  std::vector<double> g(n * m, 0.0);
  PetscCall(CopyOwnedRows(G, r0, r1, m, g.data() + r0 * m));
  /* G is small: the owned rows summed over the ranks (zeros elsewhere) give all of G everywhere */
  if (parallel) PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, g.data(), (PetscMPIInt)g.size(), MPIU_REAL, MPI_SUM, nmf->comm));
  PetscCall(NMFSetG(nmf, n, m, g.data()));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

static PetscErrorCode CheckSolved(NMF nmf, const char *fn)
{
  PetscFunctionBegin;
  PetscCheck(nmf->solved, PETSC_COMM_SELF, PETSC_ERR_ORDER, "%s needs a solved NMF: call NMFSolve first", fn);
  PetscFunctionReturn(0);
}

/*@
   NMFGetHMat - Gets H as a dense Mat of p rows (pixels, in the order of the data matrix) and k
   columns (components), distributed like the application's data.

   Collective on the first call

   Output Parameter:
.  H - a MATDENSE on the object's communicator whose row ownership is that of the X given to
       NMFSetDataMat() (PETSc's default split of the p rows when the data came as a DMDA
       vector); it belongs to the object (do not destroy it; PetscObjectReference() it to keep
       it after NMFDestroy())

   Notes:
   H is sent back from the solver's layout with one VecScatter (event NMFRedistribute).

   Level: beginner

.seealso: NMFSetDataMat(), NMFGetH()
@*/
PetscErrorCode NMFGetHMat(NMF nmf, Mat *H)
try {
  const PetscInt     k = nmf->k;
  PetscInt           r0, r1, lda;
  Vec                rows;
  VecScatter         sc;
  PetscScalar       *a;
  const PetscScalar *h;

  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf, "NMFGetHMat"));
  if (nmf->Hmat) {
    *H = nmf->Hmat;
    PetscFunctionReturn(0);
  }
  PetscCall(PetscLogEventBegin(NMF_Redistribute, 0, 0, 0, 0));
  /* the rows of the application's X (PETSc's default split when the data came as a DMDA Vec) */
  PetscInt nlocal = PETSC_DECIDE;
  if (nmf->app_rows) PetscCall(PetscLayoutGetLocalSize(nmf->app_rows, &nlocal));
  PetscCall(MatCreateDense(nmf->comm, nlocal, PETSC_DECIDE, nmf->p, k, NULL, &nmf->Hmat));
  PetscCall(MatGetOwnershipRange(nmf->Hmat, &r0, &r1));
  PetscCall(VecCreateMPI(nmf->comm, (r1 - r0) * k, nmf->p * k, &rows));
  PetscCall(CreateRowScatter(nmf->daH, r0, r1, k, rows, nmf->H, &sc));
  PetscCall(VecScatterBegin(sc, nmf->H, rows, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterEnd(sc, nmf->H, rows, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(MatDenseGetLDA(nmf->Hmat, &lda));
  PetscCall(MatDenseGetArrayWrite(nmf->Hmat, &a));
  PetscCall(VecGetArrayRead(rows, &h));
  for (PetscInt r = 0; r < r1 - r0; r++)
    for (PetscInt c = 0; c < k; c++) a[r + c * lda] = h[r * k + c]; /* H_app[r, c] = H[c, pixel r] */
  PetscCall(VecRestoreArrayRead(rows, &h));
  PetscCall(MatDenseRestoreArrayWrite(nmf->Hmat, &a));
  PetscCall(VecDestroy(&rows));
  PetscCall(MatAssemblyBegin(nmf->Hmat, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(nmf->Hmat, MAT_FINAL_ASSEMBLY));
  PetscCall(PetscObjectSetName((PetscObject)nmf->Hmat, "H"));
  PetscCall(PetscLogEventEnd(NMF_Redistribute, 0, 0, 0, 0));
  *H = nmf->Hmat;
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* The scatter between the rank's own sequential vector of the natural rows r0..r1-1 (bs values
   each) and a global vector of the solver's DMDA: any ranges, overlapping or not. */
static PetscErrorCode CreateSeqRowScatter(DM da, PetscInt r0, PetscInt r1, PetscInt bs, Vec rows, Vec solver, VecScatter *sc)
{
  std::vector<PetscInt> idx;
  IS                    is_rows, is_solver;

  PetscFunctionBegin;
  PetscCall(SolverPixelIndices(da, r0, r1, idx));
  PetscCall(ISCreateStride(PETSC_COMM_SELF, (r1 - r0) * bs, 0, 1, &is_rows));
  PetscCall(ISCreateBlock(PETSC_COMM_SELF, bs, r1 - r0, idx.data(), PETSC_COPY_VALUES, &is_solver));
  PetscCall(VecScatterCreate(solver, is_solver, rows, is_rows, sc));
  PetscCall(ISDestroy(&is_rows));
  PetscCall(ISDestroy(&is_solver));
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckPixelRange(NMF nmf, PetscInt r0, PetscInt r1, const void *a)
{
  PetscFunctionBegin;
  PetscCheck(nmf->daX, nmf->comm, PETSC_ERR_ORDER, "set the data before giving or asking for abundances");
  PetscCheck(0 <= r0 && r0 <= r1 && r1 <= nmf->p, PETSC_COMM_SELF, PETSC_ERR_ARG_OUTOFRANGE, "pixels %" PetscInt_FMT "..%" PetscInt_FMT ": the map has pixels 0..%" PetscInt_FMT, r0, r1, nmf->p);
  PetscCheck(r0 == r1 || a, PETSC_COMM_SELF, PETSC_ERR_ARG_NULL, "the array of abundances is NULL");
  PetscFunctionReturn(0);
}

/*@
   NMFGetHArray - Gets the abundances of the pixels r0..r1-1 (natural order), whichever rank owns
   them: every rank asks for its own range (the whole map on every rank, or the rows it gave to
   NMFSetDataArray(), or none).

   Collective

   Input Parameters:
+  nmf    - a solved object (or a set-up one: the current H)
-  r0, r1 - the pixels, 0 <= r0 <= r1 <= p

   Output Parameter:
.  h - (r1 - r0) k values: pixel r0's k abundances, then pixel r0 + 1's, ... (a (pixels, k)
       row-major array)

   Level: intermediate

.seealso: NMFGetH(), NMFGetHMat(), NMFCreateAbundanceVecFromArray()
@*/
PetscErrorCode NMFGetHArray(NMF nmf, PetscInt r0, PetscInt r1, PetscReal h[])
try {
  Vec        rows;
  VecScatter sc;

  PetscFunctionBegin;
  PetscCall(CheckPixelRange(nmf, r0, r1, h));
  PetscCheck(nmf->H, nmf->comm, PETSC_ERR_ORDER, "no abundances yet: call NMFSolve first");
  PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, 1, (r1 - r0) * nmf->k, h, &rows));
  PetscCall(CreateSeqRowScatter(nmf->daH, r0, r1, nmf->k, rows, nmf->H, &sc));
  PetscCall(VecScatterBegin(sc, nmf->H, rows, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(sc, nmf->H, rows, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(VecDestroy(&rows));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFCreateAbundanceVecFromArray - Creates a global vector of the abundance DM (for
   NMFSetInitialH(), NMFSetFixedH(), NMFSetTruth(), NMFComputeLoss()) from the application's
   values of the pixels r0..r1-1 in natural order.

   Collective

   Input Parameters:
+  nmf    - the object, its data set
.  r0, r1 - the pixels this rank gives: the whole map on every rank, or blocks that together
            cover the map
-  h      - (r1 - r0) k values, pixel-major (a (pixels, k) row-major array)

   Output Parameter:
.  H - the new vector (destroy it with VecDestroy())

   Level: intermediate

.seealso: NMFGetHArray(), NMFGetAbundanceDM()
@*/
PetscErrorCode NMFCreateAbundanceVecFromArray(NMF nmf, PetscInt r0, PetscInt r1, const PetscReal h[], Vec *H)
try {
  DM         daH;
  Vec        rows;
  VecScatter sc;

  PetscFunctionBegin;
  PetscCall(CheckPixelRange(nmf, r0, r1, h));
  PetscCall(NMFGetAbundanceDM(nmf, &daH));
  PetscCall(DMCreateGlobalVector(daH, H));
  PetscCall(VecCreateSeqWithArray(PETSC_COMM_SELF, 1, (r1 - r0) * nmf->k, h, &rows));
  PetscCall(CreateSeqRowScatter(daH, r0, r1, nmf->k, rows, *H, &sc));
  PetscCall(VecScatterBegin(sc, rows, *H, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterEnd(sc, rows, *H, INSERT_VALUES, SCATTER_REVERSE));
  PetscCall(VecScatterDestroy(&sc));
  PetscCall(VecDestroy(&rows));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* a replicated row-major rows x cols array as a sequential dense Mat */
static PetscErrorCode SeqDenseFromRowMajor(PetscInt rows, PetscInt cols, const double *v, const char *name, Mat *A)
{
  PetscScalar *a;
  PetscInt     lda;

  PetscFunctionBegin;
  PetscCall(MatCreateSeqDense(PETSC_COMM_SELF, rows, cols, NULL, A));
  PetscCall(MatDenseGetLDA(*A, &lda));
  PetscCall(MatDenseGetArrayWrite(*A, &a));
  for (PetscInt i = 0; i < rows; i++)
    for (PetscInt j = 0; j < cols; j++) a[i + j * lda] = v[i * cols + j]; /* column-major */
  PetscCall(MatDenseRestoreArrayWrite(*A, &a));
  PetscCall(MatAssemblyBegin(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*A, MAT_FINAL_ASSEMBLY));
  PetscCall(PetscObjectSetName((PetscObject)*A, name));
  PetscFunctionReturn(0);
}

/*@
   NMFGetWMat - Gets W (m x k) as a sequential dense Mat on each rank.

   Not Collective

   Output Parameter:
.  W - a MATSEQDENSE on PETSC_COMM_SELF; it belongs to the object (do not destroy it;
       PetscObjectReference() it to keep it after NMFDestroy())

   Level: beginner
@*/
PetscErrorCode NMFGetWMat(NMF nmf, Mat *W)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf, "NMFGetWMat"));
  if (!nmf->Wmat) PetscCall(SeqDenseFromRowMajor(nmf->G.empty() ? nmf->n : nmf->m, nmf->k, nmf->W.data(), "W", &nmf->Wmat));
  *W = nmf->Wmat;
  PetscFunctionReturn(0);
}

/*@
   NMFGetGWMat - Gets D = G W (n x k), the component spectra, as a sequential dense Mat on each
   rank.

   Not Collective

   Output Parameter:
.  GW - a MATSEQDENSE on PETSC_COMM_SELF; it belongs to the object

   Level: beginner
@*/
PetscErrorCode NMFGetGWMat(NMF nmf, Mat *GW)
{
  PetscFunctionBegin;
  PetscCall(CheckSolved(nmf, "NMFGetGWMat"));
  if (!nmf->GWmat) PetscCall(SeqDenseFromRowMajor(nmf->n, nmf->k, nmf->GW.data(), "GW", &nmf->GWmat));
  *GW = nmf->GWmat;
  PetscFunctionReturn(0);
}
