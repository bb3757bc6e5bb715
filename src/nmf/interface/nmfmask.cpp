/* The navigation mask (doc/masks.md): pixels whose data must not drive the fit (vacuum, holes,
   dead or saturated pixels), "true = excluded" as HyperSpy's navigation_mask.  The data term of
   the loss runs over the other pixels; the Laplacian, the log term and the simplex over every
   pixel, so with lambda_L > 0 the abundances of masked pixels are filled in from their
   neighbours, and with lambda_L = 0 (nothing determines them) they are held and written as NaN. */
#include <smoothnmf/private/nmfimpl.h>
#include <cmath>
#include <string>

/*@
   NMFSetNavigationMask - Excludes pixels from the data term: the loss, the updates, the stopping
   rules and the metrics see no data there, while the Laplacian still couples them to their
   neighbours.

   Collective

   Input Parameters:
+  nmf  - the object, with its data set (NMFSetData() or the like)
-  mask - a global vector of the data DM (one value per pixel, as DMCreateGlobalVector() of the
          DM given to NMFSetData() makes), 1 where the pixel is excluded, 0 elsewhere; the object
          keeps a reference; NULL removes the mask

   Options Database Key (program):
.  -navigation_mask FILE:DATASET - a boolean or 0/1 dataset of the navigation shape

   Notes:
   Set it before the first NMFSetUp(): the preparation of X (normalization, the constant of the
   KL loss) runs over the unmasked pixels.  A pixel that is masked may hold anything (NaN, a
   saturated count): it is never read.  With lambda_L = 0 the abundances of a masked pixel are
   NaN in the result; with lambda_L > 0 they come from the Laplacian.  A mask of zeros gives the
   results of no mask, bit for bit.

   Level: intermediate

.seealso: NMFGetNavigationMask(), NMFSetData()
@*/
PetscErrorCode NMFSetNavigationMask(NMF nmf, Vec mask)
try {
  PetscInt           nl;
  const PetscScalar *m;
  PetscInt64         mine = INT64_MAX, best;
  double             v    = 0;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCheck(nmf->daX, nmf->comm, PETSC_ERR_ORDER, "call NMFSetData before NMFSetNavigationMask");
  PetscCheck(!nmf->data_prepared, nmf->comm, PETSC_ERR_ORDER, "the navigation mask must be set before the first NMFSetUp/NMFSolve (X is prepared over the unmasked pixels)");
  if (!mask) {
    PetscCall(VecDestroy(&nmf->nav_mask));
    PetscFunctionReturn(0);
  }
  PetscValidHeaderSpecific(mask, VEC_CLASSID, 2);
  PetscCall(VecGetLocalSize(mask, &nl));
  PetscCheck(nl == nmf->p_local, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "the navigation mask must have one value per owned pixel of the data DM (%" PetscInt_FMT "), not %" PetscInt_FMT, nmf->p_local, nl);
  PetscCall(VecGetArrayRead(mask, &m));
  for (PetscInt q = 0; q < nl && mine == INT64_MAX; q++)
    if (!(m[q] == 0 || m[q] == 1)) {
      PetscInt qg;
      PetscCall(NMFGlobalPixelIndex_Private(nmf, q, &qg));
      mine = qg;
      v    = m[q];
    }
  PetscCall(VecRestoreArrayRead(mask, &m));
  PetscCallMPI(MPI_Allreduce(&mine, &best, 1, MPIU_INT64, MPI_MIN, nmf->comm));
  if (mine != best) v = 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_DOUBLE, MPI_SUM, nmf->comm));
  PetscCheck(best == INT64_MAX, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "the navigation mask has the value %s at pixel %" PetscInt64_FMT ": a mask holds 1 (excluded) or 0 (kept)", std::isnan(v) ? "NaN" : NMFNumberText_Private(v).c_str(), best);
  PetscCall(PetscObjectReference((PetscObject)mask));
  PetscCall(VecDestroy(&nmf->nav_mask));
  nmf->nav_mask = mask;
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFGetNavigationMask - Gets the navigation mask.

   Not Collective

   Output Parameter:
.  mask - the mask given to NMFSetNavigationMask() (it belongs to the object), or NULL

   Level: intermediate

.seealso: NMFSetNavigationMask()
@*/
PetscErrorCode NMFGetNavigationMask(NMF nmf, Vec *mask)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  *mask = nmf->nav_mask;
  PetscFunctionReturn(0);
}

/* the masks at the set-up: pixel_masked, data_pixels and p_data; a mask that leaves no pixel, or
   fewer than n_components, is refused */
PetscErrorCode NMFSetUpMasks_Private(NMF nmf)
try {
  PetscFunctionBegin;
  nmf->pixel_masked.clear();
  nmf->data_pixels.clear();
  nmf->p_data = nmf->p;
  if (!nmf->nav_mask) PetscFunctionReturn(0);
  const PetscScalar *m;
  PetscInt64         kept = 0;
  int                any;
  nmf->pixel_masked.assign(nmf->p_local, 0);
  PetscCall(VecGetArrayRead(nmf->nav_mask, &m));
  for (PetscInt q = 0; q < nmf->p_local; q++) {
    nmf->pixel_masked[q] = m[q] != 0;
    if (!nmf->pixel_masked[q]) nmf->data_pixels.push_back(q);
  }
  PetscCall(VecRestoreArrayRead(nmf->nav_mask, &m));
  kept = (PetscInt64)nmf->data_pixels.size();
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &kept, 1, MPIU_INT64, MPI_SUM, nmf->comm));
  PetscCheck(kept > 0, nmf->comm, PETSC_ERR_ARG_WRONG, "the navigation mask excludes every pixel (%" PetscInt_FMT "): nothing is left to fit", nmf->p);
  PetscCheck(kept >= nmf->k, nmf->comm, PETSC_ERR_ARG_WRONG, "the navigation mask leaves %" PetscInt64_FMT " pixel(s), fewer than n_components = %" PetscInt_FMT, kept, nmf->k);
  nmf->p_data = (PetscInt)kept;
  any         = kept < nmf->p;
  if (!any) { /* a mask of zeros: no mask, bit for bit */
    nmf->pixel_masked.clear();
    nmf->data_pixels.clear();
  }
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* The start of the masked pixels (a start computed from the data, not given): the mean over the
   data pixels of each component's abundance, a neutral start that the Laplacian then reshapes */
PetscErrorCode NMFMaskedStart_Private(NMF nmf)
try {
  const PetscInt k = nmf->k, pl = nmf->p_local;
  PetscScalar   *H;

  PetscFunctionBegin;
  if (nmf->pixel_masked.empty() || nmf->H_init) PetscFunctionReturn(0);
  std::vector<double> mean(k, 0.0);
  PetscCall(VecGetArray(nmf->H, &H));
  for (PetscInt q = 0; q < pl; q++)
    if (!nmf->pixel_masked[q])
      for (PetscInt c = 0; c < k; c++) mean[c] += H[q * k + c];
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, mean.data(), (PetscMPIInt)k, MPI_DOUBLE, MPI_SUM, nmf->comm));
  for (PetscInt q = 0; q < pl; q++)
    if (nmf->pixel_masked[q])
      for (PetscInt c = 0; c < k; c++) H[q * k + c] = mean[c] / nmf->p_data; /* mean_c over the data pixels */
  PetscCall(VecRestoreArray(nmf->H, &H));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* After the solve: with lambda_L = 0 nothing determined the abundances of masked pixels; they are
   NaN in the result, as HyperSpy writes masked loadings */
PetscErrorCode NMFMaskedResult_Private(NMF nmf)
{
  const PetscInt k = nmf->k, pl = nmf->p_local;
  PetscScalar   *H;

  PetscFunctionBegin;
  if (nmf->pixel_masked.empty() || nmf->lambda_L != 0) PetscFunctionReturn(0);
  PetscCall(VecGetArray(nmf->H, &H));
  for (PetscInt q = 0; q < pl; q++)
    if (nmf->pixel_masked[q])
      for (PetscInt c = 0; c < k; c++) H[q * k + c] = NAN;
  PetscCall(VecRestoreArray(nmf->H, &H));
  PetscFunctionReturn(0);
}
