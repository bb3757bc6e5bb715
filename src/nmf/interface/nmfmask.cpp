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
   NMFSetNavigationMaskArray - The navigation mask in the application's layout (as
   NMFSetDataArray() takes X): the values of pixels r0 .. r1 - 1 on this rank, 1 = excluded.

   Collective

   Input Parameters:
+  nmf    - the object, its data set with NMFSetDataArray() or NMFSetDataMat()
.  r0, r1 - the pixels of this rank (the rows of the data it gave)
-  mask   - r1 - r0 values, 0 or 1 (copied)

   Level: intermediate

.seealso: NMFSetNavigationMask(), NMFSetDataArray()
@*/
PetscErrorCode NMFSetNavigationMaskArray(NMF nmf, PetscInt r0, PetscInt r1, const PetscReal mask[])
try {
  const PetscInt      k = nmf->k;
  std::vector<double> rep((size_t)PetscMax(r1 - r0, (PetscInt)0) * k);
  Vec                 Hk, M;
  const PetscScalar  *h;
  PetscScalar        *m;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  for (PetscInt q = 0; q < r1 - r0; q++)
    for (PetscInt c = 0; c < k; c++) rep[(size_t)q * k + c] = mask[q]; /* through the abundances' redistribution, k copies */
  PetscCall(NMFCreateAbundanceVecFromArray(nmf, r0, r1, rep.data(), &Hk));
  PetscCall(DMCreateGlobalVector(nmf->daX, &M));
  PetscCall(VecGetArrayRead(Hk, &h));
  PetscCall(VecGetArray(M, &m));
  for (PetscInt q = 0; q < nmf->p_local; q++) m[q] = h[(size_t)q * k];
  PetscCall(VecRestoreArray(M, &m));
  PetscCall(VecRestoreArrayRead(Hk, &h));
  PetscCall(VecDestroy(&Hk));
  PetscErrorCode ierr = NMFSetNavigationMask(nmf, M);
  PetscCall(VecDestroy(&M));
  PetscCall(ierr);
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

/*@
   NMFSetSignalMask - Excludes channels from the data term (the noise peak near 0 keV, a detector
   artefact, a sum peak).

   Logically Collective

   Input Parameters:
+  nmf      - the object, with its data set
.  n        - the number of channels of the data (0 with excluded NULL: no mask)
-  excluded - n flags, PETSC_TRUE where the channel is excluded, the same on every rank (copied)

   Options Database Key (program):
.  -signal_mask FILE:DATASET or LO:HI[,LO:HI...] - n booleans, or ranges of the signal axis

   Notes:
   Set it before the first NMFSetUp(): the preparation sets the masked channels of X to 0 (in
   the application's Vec too, as it normalizes it), so nothing of them is read.  With the
   identity G nothing determines the spectra at masked channels: W and G W are NaN there; with a
   known G, W comes from the unmasked rows of G and G W is computed for every channel.

   Level: intermediate

.seealso: NMFGetSignalMask(), NMFSetNavigationMask()
@*/
PetscErrorCode NMFSetSignalMask(NMF nmf, PetscInt n, const PetscBool excluded[])
try {
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCheck(nmf->daX, nmf->comm, PETSC_ERR_ORDER, "call NMFSetData before NMFSetSignalMask");
  PetscCheck(!nmf->data_prepared, nmf->comm, PETSC_ERR_ORDER, "the signal mask must be set before the first NMFSetUp/NMFSolve (X is prepared over the unmasked channels)");
  if (!excluded) {
    nmf->signal_mask.clear();
    PetscFunctionReturn(0);
  }
  PetscCheck(n == nmf->n, nmf->comm, PETSC_ERR_ARG_SIZ, "the signal mask has %" PetscInt_FMT " values, the data %" PetscInt_FMT " channels", n, nmf->n);
  nmf->signal_mask.assign(n, 0);
  for (PetscInt i = 0; i < n; i++) nmf->signal_mask[i] = excluded[i] ? 1 : 0;
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@C
   NMFGetSignalMask - Gets the signal mask.

   Not Collective

   Output Parameters:
+  n        - the number of channels (0 without a mask)
-  excluded - n flags (1 = excluded) that belong to the object, or NULL without a mask

   Level: intermediate

.seealso: NMFSetSignalMask()
@*/
PetscErrorCode NMFGetSignalMask(NMF nmf, PetscInt *n, const char **excluded)
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  if (n) *n = (PetscInt)nmf->signal_mask.size();
  if (excluded) *excluded = nmf->signal_mask.empty() ? NULL : nmf->signal_mask.data();
  PetscFunctionReturn(0);
}

/*@
   NMFCreateVacuumMask - The usual vacuum mask: the pixels whose total counts are below fraction
   times the median of the totals (vacuum around a particle, a hole), for NMFSetNavigationMask().

   Collective

   Input Parameters:
+  nmf      - the object, its data set (X as given: before any preparation)
-  fraction - the threshold as a fraction of the median total, in (0, 1]

   Output Parameter:
.  mask - a new global vector of the data DM, 1 at the vacuum pixels

   Notes:
   The median is found without gathering the totals: a bisection on their value, each step one
   global count.  A map where more than half the pixels hold no counts has median 0 and no
   vacuum by this rule.

   Level: intermediate

.seealso: NMFSetNavigationMask()
@*/
PetscErrorCode NMFCreateVacuumMask(NMF nmf, PetscReal fraction, Vec *mask)
try {
  const PetscInt      pl = nmf->p_local, n = nmf->n;
  std::vector<double> total(pl, 0.0);
  double              range[2] = {PETSC_MAX_REAL, -PETSC_MAX_REAL};
  PetscScalar        *m;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCheck(nmf->Xc, nmf->comm, PETSC_ERR_ORDER, "set the data before NMFCreateVacuumMask");
  PetscCheck(fraction > 0 && fraction <= 1, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "the vacuum fraction is %s: give a fraction of the median total counts in (0, 1]", NMFNumberText_Private(fraction).c_str());
  PetscCall(NMFForPixelBlocks_Private(nmf, [&](PetscInt q0, PetscInt nb, const double *x) {
    for (PetscInt q = 0; q < nb; q++) {
      double s = 0;
      for (PetscInt i = 0; i < n; i++) s += x[(size_t)q * n + i]; /* the pixel's total counts */
      total[q0 + q] = s;
      range[0]      = PetscMin(range[0], s);
      range[1]      = PetscMax(range[1], s);
    }
    return PetscErrorCode(0);
  }));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &range[0], 1, MPI_DOUBLE, MPI_MIN, nmf->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &range[1], 1, MPI_DOUBLE, MPI_MAX, nmf->comm));
  PetscCheck(std::isfinite(range[0]) && std::isfinite(range[1]), nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "the map holds a non-finite value: no vacuum mask (the data must be finite)");
  /* the median: the smallest total t with at least ceil(p / 2) totals <= t, by bisection */
  const PetscInt64 half = ((PetscInt64)nmf->p + 1) / 2;
  double           lo = range[0], hi = range[1];
  for (int it = 0; it < 200 && lo < hi; it++) {
    const double mid = lo + (hi - lo) / 2;
    PetscInt64   c   = 0;
    for (double t : total) c += t <= mid;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &c, 1, MPIU_INT64, MPI_SUM, nmf->comm));
    if (c >= half)
      hi = mid;
    else
      lo = mid == lo ? hi : mid;
  }
  const double threshold = fraction * hi; /* fraction x the median total */
  PetscCall(DMCreateGlobalVector(nmf->daX, mask));
  PetscCall(VecGetArray(*mask, &m));
  for (PetscInt q = 0; q < pl; q++) m[q] = total[q] < threshold ? 1.0 : 0.0;
  PetscCall(VecRestoreArray(*mask, &m));
  PetscCall(PetscInfo(NULL, "vacuum mask: median total %g, threshold %g\n", hi, threshold));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* the masks at the set-up: channel_w and n_data; pixel_masked, data_pixels and p_data; a mask
   that leaves no channel or no pixel, or fewer pixels than n_components, is refused */
PetscErrorCode NMFSetUpMasks_Private(NMF nmf)
try {
  PetscFunctionBegin;
  nmf->channel_w.clear();
  nmf->n_data = nmf->n;
  if (!nmf->signal_mask.empty()) {
    PetscCheck((PetscInt)nmf->signal_mask.size() == nmf->n, nmf->comm, PETSC_ERR_ARG_SIZ, "the signal mask has %zu values, the data %" PetscInt_FMT " channels", nmf->signal_mask.size(), nmf->n);
    PetscInt kept = 0;
    for (char m : nmf->signal_mask) kept += !m;
    PetscCheck(kept > 0, nmf->comm, PETSC_ERR_ARG_WRONG, "the signal mask excludes every channel (%" PetscInt_FMT "): nothing is left to fit", nmf->n);
    if (kept < nmf->n) { /* a mask of zeros: no mask, bit for bit */
      nmf->channel_w.assign(nmf->n, 1.0);
      for (PetscInt i = 0; i < nmf->n; i++)
        if (nmf->signal_mask[i]) nmf->channel_w[i] = 0.0;
      nmf->n_data = kept;
    }
  }
  nmf->pixel_masked.clear();
  nmf->data_pixels.clear();
  nmf->p_data = nmf->p;
  if (!nmf->nav_mask) PetscFunctionReturn(0);
  const PetscScalar *m;
  PetscInt64         kept = 0;
  PetscInt           nl;
  PetscCall(VecGetLocalSize(nmf->nav_mask, &nl));
  PetscCheck(nl == nmf->p_local, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "the navigation mask has %" PetscInt_FMT " values on this rank, the data %" PetscInt_FMT " pixels: set the mask again after new data", nl, nmf->p_local);
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
  if (kept == nmf->p) { /* a mask of zeros: no mask, bit for bit */
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

/* After the solve: with lambda_L = 0 nothing determined the abundances of masked pixels, with the
   identity G nothing the spectra at masked channels; they are NaN in the result, as HyperSpy
   writes masked loadings and factors */
PetscErrorCode NMFMaskedResult_Private(NMF nmf)
{
  const PetscInt k = nmf->k, pl = nmf->p_local;
  PetscScalar   *H;

  PetscFunctionBegin;
  for (PetscInt j = 0; j < (PetscInt)nmf->W.size() / k; j++)
    if (NMFWRowHeld_Private(nmf, j))
      for (PetscInt c = 0; c < k; c++) nmf->W[j * k + c] = NAN;
  if (nmf->pixel_masked.empty() || nmf->lambda_L != 0) PetscFunctionReturn(0);
  PetscCall(VecGetArray(nmf->H, &H));
  for (PetscInt q = 0; q < pl; q++)
    if (nmf->pixel_masked[q])
      for (PetscInt c = 0; c < k; c++) H[q * k + c] = NAN;
  PetscCall(VecRestoreArray(nmf->H, &H));
  PetscFunctionReturn(0);
}
