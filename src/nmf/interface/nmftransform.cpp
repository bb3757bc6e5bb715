/* Using a solved NMF: the ground truth, loss(W, H), inverse_transform and transform. */
#include <cmath>
#include <smoothnmf/private/nmfimpl.h>

/*@
   NMFSetTruth - Sets a ground truth; each iteration then adds the spectral angles ang_pI
   (degrees), the map errors mse_pI (best one-to-one matching of components) and true_KL_loss to
   the losses table.

   Collective

   Input Parameters:
+  nmf    - the object (its data already set)
.  n, k   - the shape of true_D
.  true_D - the true spectra (n x k, row-major, the same on every rank)
-  true_H - the true maps, a global vector of the abundance DM

   Options Database Keys (program):
+  -true_D FILE:DATASET - (n, k)
-  -true_H FILE:DATASET - the layout of /H

   Level: advanced
@*/
PetscErrorCode NMFSetTruth(NMF nmf, PetscInt n, PetscInt k, const PetscReal true_D[], Vec true_H)
try {
  PetscInt nloc;

  PetscFunctionBegin;
  PetscCheck(nmf->daX, nmf->comm, PETSC_ERR_ORDER, "call NMFSetData before NMFSetTruth");
  PetscCheck(n == nmf->n && k == nmf->k, nmf->comm, PETSC_ERR_ARG_SIZ, "true_D has shape (%" PetscInt_FMT ", %" PetscInt_FMT "), expected (%" PetscInt_FMT ", %" PetscInt_FMT ")", n, k, nmf->n, nmf->k);
  PetscCall(VecGetLocalSize(true_H, &nloc));
  PetscCheck(nloc == nmf->p_local * k, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "true_H must have k values per owned pixel");
  for (PetscInt e = 0; e < n * k; e++) /* the same on every rank */
    PetscCheck(std::isfinite(true_D[e]), nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "true_D has the non-finite value %g at (%" PetscInt_FMT ", %" PetscInt_FMT "): a ground truth must be finite", (double)true_D[e], e / k, e % k);
  PetscInt64 first;
  double     value;
  PetscCall(NMFFirstAbundanceEntry_Private(
    nmf, true_H, [](double x) { return !std::isfinite(x); }, &first, &value));
  PetscCheck(first == INT64_MAX, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "true_H has a non-finite value at pixel %" PetscInt64_FMT ", component %" PetscInt64_FMT ": a ground truth must be finite", first / k, first % k);
  nmf->true_D.assign(true_D, true_D + n * k);
  PetscCall(PetscObjectReference((PetscObject)true_H));
  PetscCall(VecDestroy(&nmf->true_H));
  nmf->true_H = true_H;
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFComputeLoss - Computes espm's loss(W, H) of the prepared data for any W and H.

   Collective

   Input Parameters:
+  nmf - the object (set up on the first call)
.  W   - m x k, row-major, the same on every rank
-  H   - a global vector of the abundance DM

   Output Parameter:
.  losses - full_loss, the data term (KL_div_loss or the l2 loss), log_reg_loss,
            Lapl_reg_loss, each divided by n p

   Level: advanced
@*/
PetscErrorCode NMFComputeLoss(NMF nmf, const PetscReal W[], Vec H, PetscReal losses[4])
try {
  NMFLoss l;

  PetscFunctionBegin;
  PetscCall(NMFSetUp(nmf));
  PetscCall(NMFLoss_Private(nmf, W, H, &l));
  losses[0] = l.full;
  losses[1] = l.kl;
  losses[2] = l.log_reg;
  losses[3] = l.lapl;
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFInverseTransform - Computes Y = G W H, distributed like X.

   Collective

   Input Parameter:
.  nmf - a solved object

   Output Parameter:
.  Y - a global vector of the data DMDA (filled)

   Level: intermediate
@*/
PetscErrorCode NMFInverseTransform(NMF nmf, Vec Y)
{
  const PetscInt     n = nmf->n, k = nmf->k;
  const PetscScalar *h;
  PetscScalar       *y;

  PetscFunctionBegin;
  PetscCheck(nmf->solved, nmf->comm, PETSC_ERR_ORDER, "NMFInverseTransform needs a solved NMF");
  PetscCall(VecGetArrayRead(nmf->H, &h));
  PetscCall(VecGetArray(Y, &y));
  for (PetscInt q = 0; q < nmf->p_local; q++)
    for (PetscInt i = 0; i < n; i++) {
      double s = 0;
      for (PetscInt c = 0; c < k; c++) s += nmf->GW[i * k + c] * h[q * k + c]; /* Y = G W H */
      y[(size_t)q * n + i] = s;
    }
  PetscCall(VecRestoreArray(Y, &y));
  PetscCall(VecRestoreArrayRead(nmf->H, &h));
  PetscFunctionReturn(0);
}

/*@
   NMFTransformCreate - Creates the object that finds the abundances of a new map with the learned
   W held fixed: the same type and parameters as nmf (the table's, with the seed its solve used),
   no normalization (W is in the units of the data), no scree, G and W copied.  Give it the new
   map with any of the data setters (NMFSetData(), NMFSetDataArray(), NMFSetDataMat()), then
   NMFSolve(): H starts from |lstsq(G W, X)| and only the H steps change it.

   Collective

   Input Parameter:
.  nmf - a solved object, or an object without data that holds the parameters and the learned
         spectra given with NMFSetInitialW() (and NMFSetG()): an application that kept W

   Output Parameter:
.  t - the new object (destroy it with NMFDestroy())

   Notes:
   The new map must have the channels of the learned spectra; NMFSetUp() of t checks it.

   Level: intermediate

.seealso: NMFTransform(), NMFSolve(), NMFGetH()
@*/
PetscErrorCode NMFTransformCreate(NMF nmf, NMF *t)
try {
  NMF s;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  PetscCheck(nmf->solved || !nmf->W_init.empty(), nmf->comm, PETSC_ERR_ORDER, "a transform needs a solved NMF, or learned spectra given with NMFSetInitialW()");
  const std::vector<double> &W = nmf->solved ? nmf->W : nmf->W_init;
  PetscCall(NMFCreate(nmf->comm, &s));
  PetscCall(NMFSetType(s, ((PetscObject)nmf)->type_name));
  NMFParamCopy_Private(nmf, s);
  s->random_state_set = (PetscBool)(nmf->solved || nmf->random_state_set);
  s->normalize        = PETSC_FALSE;
  s->scree_n          = 0;
  s->init             = NMF_INIT_DEFAULT;
  s->debug            = nmf->debug;
  s->G = nmf->G, s->m = nmf->m;
  s->W_init      = W; /* H starts from |lstsq(G W, X)| */
  s->hold_W      = PETSC_TRUE;
  s->transform_n = nmf->solved ? nmf->n : nmf->G.empty() ? (PetscInt)(W.size() / PetscMax(nmf->k, 1))
                                                         : (PetscInt)(nmf->G.size() / PetscMax(nmf->m, 1));
  *t             = s;
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFTransform - Computes the abundances of a new map with the learned W held fixed (same
   regularizers and parameters; no normalization): H starts from |lstsq(G W, X)| and only the
   H steps change it.

   Collective

   Input Parameters:
+  nmf   - a solved object
.  da, X - the new map (from NMFCreateDataDM(), any number of pixels, the same channels)

   Output Parameter:
.  H - a new vector on a DMDA of k values per pixel with the ownership of da (destroy it with
       VecDestroy(); VecGetDM() gives its DM)

   Options Database Key (program):
.  -transform RESULT.h5

   Level: intermediate

.seealso: NMFTransformCreate()
@*/
PetscErrorCode NMFTransform(NMF nmf, DM da, Vec X, Vec *H)
try {
  NMF t;

  PetscFunctionBegin;
  PetscCall(NMFTransformCreate(nmf, &t));
  PetscCall(NMFSetData(t, da, X));
  PetscCall(NMFSolve(t));
  PetscCall(PetscObjectReference((PetscObject)t->H));
  *H = t->H;
  PetscCall(NMFDestroy(&t));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS
