/* Data distribution: pixels are owned in blocks of a DMDA over the image (2-D, one ghost
   layer for the Laplacian) or over the pixel list (1-D, no shape).  X (n dof per pixel) and
   H (k dof per pixel) live on two DMDAs with the same ownership.  Within a block, the owned
   pixels are numbered row-major (x fastest), as in the HDF5 file. */
#include "nmf_impl.h"

PetscErrorCode NMFCreateDataDM(MPI_Comm comm, PetscInt n, PetscInt ny, PetscInt nx, const PetscInt ly[], const PetscInt lx[], DM *da)
{
  PetscMPIInt size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscCheck(n >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "the data must have at least one channel, not %" PetscInt_FMT, n);
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
    /* the X DMDA never exchanges ghosts: stencil width 0 */
    PetscCall(DMDACreate2d(comm, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, nx, ny, mx, my, n, 0, lx, ly, da));
  } else {
    PetscCheck(nx >= size, comm, PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " pixels cannot be shared by %d ranks: use at most %" PetscInt_FMT " ranks", nx, size, nx);
    PetscCall(DMDACreate1d(comm, DM_BOUNDARY_NONE, nx, n, 0, lx, da));
  }
  PetscCall(DMSetFromOptions(*da));
  PetscCall(DMSetUp(*da));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFCreateAbundanceDM_Private(NMF nmf)
{
  const PetscInt *lx, *ly;
  PetscInt        mx, my;

  PetscFunctionBegin;
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
  if (nmf->has_shape) *q_global = (nmf->ys + q_local / nmf->xm) * nmf->nx + nmf->xs + q_local % nmf->xm;
  else *q_global = nmf->xs + q_local;
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
