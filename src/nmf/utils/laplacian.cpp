/* Data distribution: pixels are owned in blocks of a DMDA over the image (2-D, one ghost
   layer for the Laplacian) or over the pixel list (1-D, no shape).  The data DMDA is the pixel
   grid (1 dof, the channel count n composed with it); X's n values per owned pixel are held by
   the solver as a plain array with 64-bit sizes (n p may exceed 2^31), H (k dof per pixel) lives
   on a second DMDA with the same ownership.  Within a block, the owned
   pixels are numbered row-major (x fastest), as in the HDF5 file. */
#include <smoothnmf/private/nmfimpl.h>

/* the number of channels of a data DMDA, composed with it by NMFCreateDataDM() */
#define NMF_CHANNELS_KEY "NMFDataChannels"

/*@
   NMFCreateDataDM - Creates the solver's distribution of a map: a DMDA over the pixels (one
   degree of freedom per pixel, the pixel grid) with the number of channels n composed with it.

   Collective

   Input Parameters:
+  comm   - the communicator
.  n      - the number of channels
.  ny, nx - the image shape; with ny = 0 the map has no image shape and nx is the number of
            pixels p (a 1-D partition)
-  ly, lx - the ownership (pixel rows / columns per rank, or pixels per rank for 1-D: lx), or
            NULL for PETSc's choice

   Output Parameter:
.  da - a DMDA (2-D over the image, or 1-D) of the pixels; the pixel of image row i and column
        j is i nx + j, the pixel-major (HyperSpy) order

   Notes:
   Only the pixel grid goes through PETSc's sizes: a map may hold n p >= 2^31 values with a
   PETSc of 32-bit indices (the solver keeps each rank's n p_local values in 64-bit sizes, see
   NMFSetDataCompact()).  What must still fit PETSc's indices is checked where it is made: the
   number of pixels p, and the p k values of the abundances H.

   Options Database Keys:
+  -da_processors_x <px> - ranks along the image columns
-  -da_processors_y <py> - ranks along the image rows

   Level: intermediate

.seealso: NMFSetData(), NMFSetDataCompact(), NMFSetDataMat(), NMFDataDMGetChannels(), NMFCreateDataVec()
@*/
PetscErrorCode NMFCreateDataDM(MPI_Comm comm, PetscInt n, PetscInt ny, PetscInt nx, const PetscInt ly[], const PetscInt lx[], DM *da)
{
  PetscMPIInt    size;
  PetscContainer channels;
  PetscInt      *nc;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCheck(n >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "the data must have at least one channel, not %" PetscInt_FMT, n);
  PetscCall(NMFCheckSizes(comm, n, ny, nx, 1));
  if (ny > 0) {
    PetscCheck(ny >= 2 && nx >= 2, comm, PETSC_ERR_ARG_OUTOFRANGE, "image shape (%" PetscInt_FMT ", %" PetscInt_FMT "): both sides must be at least 2", ny, nx);
    PetscInt mx = PETSC_DECIDE, my = PETSC_DECIDE;
    if (lx || ly) { /* the rank grid follows from the given ownership ranges */
      PetscCheck(lx && ly, comm, PETSC_ERR_ARG_WRONG, "give both ly and lx, or neither");
      PetscInt sum = 0;
      for (mx = 0; sum < nx && mx < size; mx++) sum += lx[mx];
      PetscCheck(sum == nx && size % mx == 0, comm, PETSC_ERR_ARG_SIZ, "lx must split the %" PetscInt_FMT " image columns over a number of ranks that divides %d", nx, size);
      my  = size / mx;
      sum = 0;
      for (PetscInt j = 0; j < my; j++) sum += ly[j];
      PetscCheck(sum == ny, comm, PETSC_ERR_ARG_SIZ, "ly must split the %" PetscInt_FMT " image rows over %" PetscInt_FMT " ranks", ny, my);
    }
    /* the pixel grid alone (1 dof, no ghosts): X's n values per pixel are held by the solver in
       64-bit sizes, so n p is not bounded by PETSc's 32-bit indices */
    PetscCall(DMDACreate2d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, nx, ny, mx, my, 1, 0, lx, ly, da));
  } else {
    PetscCheck(nx >= size, comm, PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " pixels cannot be shared by %d ranks: use at most %" PetscInt_FMT " ranks", nx, size, nx);
    PetscCall(DMDACreate1d(comm, DM_BOUNDARY_NONE, nx, 1, 0, lx, da));
  }
  PetscCall(DMSetFromOptions(*da));
  PetscCall(DMSetUp(*da));
  PetscCall(PetscMalloc1(1, &nc));
  *nc = n;
  PetscCall(PetscContainerCreate(comm, &channels));
  PetscCall(PetscContainerSetPointer(channels, nc));
  PetscCall(PetscContainerSetUserDestroy(channels, PetscContainerUserDestroyDefault));
  PetscCall(PetscObjectCompose((PetscObject)*da, NMF_CHANNELS_KEY, (PetscObject)channels));
  PetscCall(PetscContainerDestroy(&channels));
  PetscFunctionReturn(0);
}

/*@
   NMFCheckSizes - Checks that a map fits what PETSc must index: the number of pixels p and the
   p k values of the abundances H below 2^31 with 32-bit indices (X itself, n p values, has no
   such limit).  The program calls it before reading the map.

   Collective

   Input Parameters:
+  comm   - the communicator
.  n      - the number of channels
.  ny, nx - the image shape (ny = 0: nx pixels, no shape)
-  k      - the number of components

   Notes:
   A map that does not fit is refused with one message naming the limit and the remedy.

   Level: intermediate
@*/
PetscErrorCode NMFCheckSizes(MPI_Comm comm, PetscInt n, PetscInt ny, PetscInt nx, PetscInt k)
{
  const PetscInt64 p = ny > 0 ? (PetscInt64)ny * nx : nx;
  char             shape[64];

  PetscFunctionBegin;
  if (ny > 0)
    PetscCall(PetscSNPrintf(shape, sizeof(shape), "%" PetscInt_FMT " x %" PetscInt_FMT " pixels", ny, nx));
  else
    PetscCall(PetscSNPrintf(shape, sizeof(shape), "%" PetscInt_FMT " pixels", nx));
  PetscCheck(p <= PETSC_MAX_INT, comm, PETSC_ERR_ARG_OUTOFRANGE, "a map of %s has more pixels than this PETSc's 32-bit indices can count (2^31 - 1): use a PETSc configured --with-64-bit-indices", shape);
  PetscCheck(p * k <= PETSC_MAX_INT, comm, PETSC_ERR_ARG_OUTOFRANGE, "the abundances H of a map of %s with %" PetscInt_FMT " components have %" PetscInt64_FMT " values, more than this PETSc's 32-bit indices allow (2^31 - 1): use fewer components, a smaller map, or a PETSc configured --with-64-bit-indices", shape, k, p * k);
  (void)n; /* X itself (n p values) has no such limit: it is held in 64-bit sizes */
  PetscFunctionReturn(0);
}

/*@
   NMFDataDMGetChannels - Gets the number of channels of a data DMDA.

   Not Collective

   Input Parameter:
.  da - a DMDA from NMFCreateDataDM(), or an application's DMDA with n dof per pixel

   Output Parameter:
.  n - the number of channels (for an application's own DMDA: its dof)

   Level: intermediate
@*/
PetscErrorCode NMFDataDMGetChannels(DM da, PetscInt *n)
{
  PetscObject channels;

  PetscFunctionBegin;
  PetscCall(PetscObjectQuery((PetscObject)da, NMF_CHANNELS_KEY, &channels));
  if (channels) {
    void *nc;
    PetscCall(PetscContainerGetPointer((PetscContainer)channels, &nc));
    *n = *(PetscInt *)nc;
  } else
    PetscCall(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, n, NULL, NULL, NULL, NULL, NULL)); /* an application's own DMDA: n dof per pixel */
  PetscFunctionReturn(0);
}

/*@
   NMFCreateDataVec - Creates a vector for the map on a data DMDA: each owned pixel's n channels,
   contiguous, in the order of the DMDA's pixels (the input of NMFSetData()).

   Collective

   Input Parameter:
.  da - a DMDA from NMFCreateDataDM()

   Output Parameter:
.  X - a vector of local size n p_local

   Notes:
   A Vec is indexed with PetscInt: with 32-bit indices a map of n p >= 2^31 values is refused
   with a message; give such a map with NMFSetDataCompact().

   Level: beginner

.seealso: NMFSetData(), NMFSetDataCompact()
@*/
PetscErrorCode NMFCreateDataVec(DM da, Vec *X)
{
  PetscInt dim, M, N, xm, ym, n;
  MPI_Comm comm;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetComm((PetscObject)da, &comm));
  PetscCall(NMFDataDMGetChannels(da, &n));
  PetscCall(DMDAGetInfo(da, &dim, &M, &N, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, NULL, NULL, NULL, &xm, &ym, NULL));
  const PetscInt64 p = dim == 2 ? (PetscInt64)M * N : M, pl = dim == 2 ? (PetscInt64)xm * ym : xm;
  PetscCheck(p * n <= PETSC_MAX_INT, comm, PETSC_ERR_ARG_OUTOFRANGE, "a map of %" PetscInt64_FMT " pixels x %" PetscInt_FMT " channels has %" PetscInt64_FMT " values, more than a Vec can index with this PETSc's 32-bit indices (2^31 - 1): give it with NMFSetDataCompact() (64-bit sizes, any type) instead of NMFSetData()", p, n, p * n);
  PetscCall(VecCreateMPI(comm, (PetscInt)(pl * n), (PetscInt)(p * n), X));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFCreateAbundanceDM_Private(NMF nmf)
{
  const PetscInt *lx, *ly;
  PetscInt        mx, my;

  PetscFunctionBegin;
  PetscCall(NMFCheckSizes(nmf->comm, nmf->n, nmf->has_shape ? nmf->ny : 0, nmf->has_shape ? nmf->nx : nmf->p, nmf->k));
  PetscCall(DMDAGetInfo(nmf->daX, NULL, NULL, NULL, NULL, &mx, &my, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  if (nmf->has_shape) {
    PetscCall(DMDAGetOwnershipRanges(nmf->daX, &lx, &ly, NULL));
    /* same ownership as X, k dof per pixel, one layer of ghost pixels for the 5-point stencil */
    PetscCall(DMDACreate2d(nmf->comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, nmf->nx, nmf->ny, mx, my, nmf->k, 1, lx, ly, &nmf->daH));
  } else {
    PetscCall(DMDAGetOwnershipRanges(nmf->daX, &lx, NULL, NULL));
    PetscCall(DMDACreate1d(nmf->comm, DM_BOUNDARY_NONE, nmf->p, nmf->k, 0, lx, &nmf->daH));
  }
  PetscCall(DMSetUp(nmf->daH));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFGlobalPixelIndex_Private(NMF nmf, PetscInt q_local, PetscInt *q_global)
{
  PetscFunctionBegin;
  /* pixel (i, j) of the image is i nx + j: the row-major (HyperSpy) order */
  if (nmf->has_shape)
    *q_global = (nmf->ys + q_local / nmf->xm) * nmf->nx + nmf->xs + q_local % nmf->xm;
  else
    *q_global = nmf->xs + q_local;
  PetscFunctionReturn(0);
}

/* HL = H Delta for the owned pixels (k values per pixel, pixel-major):
   (H Delta)[c, q] = deg(q) H[c, q] - sum over the 4-neighbours r of q of H[c, r],
   with free borders (deg = number of neighbours inside the image).  Without an image
   shape Delta is the identity.  The ghost layer comes from the neighbouring ranks:
   Begin starts the exchange, End finishes it and applies the stencil, so work on X can
   run in between. */
PetscErrorCode NMFLaplacianBegin_Private(NMF nmf, Vec H)
{
  PetscFunctionBegin;
  if (nmf->has_shape) PetscCall(DMGlobalToLocalBegin(nmf->daH, H, INSERT_VALUES, nmf->H_local));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFLaplacianEnd_Private(NMF nmf, Vec H, double *HL)
{
  const PetscInt k = nmf->k;

  PetscFunctionBegin;
  if (!nmf->has_shape) {
    const PetscScalar *h;
    PetscCall(VecGetArrayRead(H, &h));
    for (PetscInt i = 0; i < nmf->p_local * k; i++) HL[i] = h[i]; /* Delta = I */
    PetscCall(VecRestoreArrayRead(H, &h));
    PetscFunctionReturn(0);
  }
  PetscScalar ***h;
  PetscCall(DMGlobalToLocalEnd(nmf->daH, H, INSERT_VALUES, nmf->H_local));
  PetscCall(DMDAVecGetArrayDOFRead(nmf->daH, nmf->H_local, &h));
  const PetscInt nx = nmf->nx, ny = nmf->ny;
  for (PetscInt i = nmf->ys; i < nmf->ys + nmf->ym; i++) {
    for (PetscInt j = nmf->xs; j < nmf->xs + nmf->xm; j++) {
      double        *out = HL + ((i - nmf->ys) * nmf->xm + (j - nmf->xs)) * k;
      const PetscInt deg = (i > 0) + (i < ny - 1) + (j > 0) + (j < nx - 1);
      for (PetscInt c = 0; c < k; c++) {
        double s = 0.0;
        if (i > 0) s += h[i - 1][j][c];
        if (j > 0) s += h[i][j - 1][c];
        if (j < nx - 1) s += h[i][j + 1][c];
        if (i < ny - 1) s += h[i + 1][j][c];
        out[c] = deg * h[i][j][c] - s; /* (H Delta)[c,q] = deg(q) H[c,q] - sum_r H[c,r] */
      }
    }
  }
  PetscCall(DMDAVecRestoreArrayDOFRead(nmf->daH, nmf->H_local, &h));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFApplyLaplacian_Private(NMF nmf, Vec H, double *HL)
{
  PetscFunctionBegin;
  PetscCall(NMFLaplacianBegin_Private(nmf, H));
  PetscCall(NMFLaplacianEnd_Private(nmf, H, HL));
  PetscFunctionReturn(0);
}

/* rowmax[c] = max over all pixels of H[c, q] (a global reduction) */
PetscErrorCode NMFRowMax_Private(NMF nmf, const double *H, double *rowmax)
{
  const PetscInt k = nmf->k;

  PetscFunctionBegin;
  for (PetscInt c = 0; c < k; c++) rowmax[c] = -PETSC_MAX_REAL;
  for (PetscInt q = 0; q < nmf->p_local; q++)
    for (PetscInt c = 0; c < k; c++) rowmax[c] = PetscMax(rowmax[c], H[q * k + c]);
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, rowmax, (PetscMPIInt)k, MPI_DOUBLE, MPI_MAX, nmf->comm));
  PetscFunctionReturn(0);
}
