/* NMFL2SURROGATE, espm's algo "l2_surrogate" (doc/algorithm.md, section 8): H steps from the
   quadratic surrogate of the Laplacian term (the root of a quadratic per entry), with the ratio
   X / (G W H + eps) of espm, and the multiplicative W step. */
#include <smoothnmf/private/nmfimpl.h>
#include <cmath>

/* l2_surrogate: c = H .* (D^T (X / (D H + eps))), b = colsum(D) + lambda_L (H Delta) - lambda_L gamma H,
   a = lambda_L gamma; H_new = (-b + sqrt(b^2 + 4 a c)) / (2 a), or c / b when lambda_L = 0,
   with b <- b + nu for the simplex.  (espm's step has no mu.)  A pixel excluded by the navigation
   mask: colsum(D) and the ratio are 0 there, and with lambda_L = 0 it is held (c = H, b = 1). */
static PetscErrorCode L2SurrogateHStep(NMF nmf, const double *D, const PetscScalar *H, PetscScalar *Hn)
{
  const PetscInt      k = nmf->k, pl = nmf->p_local;
  const double        a = nmf->lambda_L * nmf->gamma_H;
  double             *c = nmf->num.data(), *b = nmf->den.data(); /* c = D^T (X / (D H + eps)) from pass A */
  const double       *HL = nmf->HL.data();
  std::vector<double> colsumD, nu(pl, 0.0);

  PetscFunctionBegin;
  NMFColumnSums_Private(nmf, D, colsumD);
  for (PetscInt q = 0; q < pl; q++)
    for (PetscInt j = 0; j < k; j++) {
      const PetscInt e = q * k + j;
      c[e]             = H[e] * c[e];
      b[e]             = NMFPixelMasked_Private(nmf, q) ? 0.0 : colsumD[j];
      if (NMFPixelHeld_Private(nmf, q)) c[e] = H[e], b[e] = 1.0;              /* held: c / (b + nu), nu = 0 */
      if (nmf->lambda_L != 0) b[e] = b[e] + nmf->lambda_L * HL[e] - a * H[e]; /* b += lambda_L H Delta - lambda_L gamma H */
    }
  if (nmf->lambda_L != 0) {
    if (nmf->force_simplex) PetscCall(NMFSimplexMultiplierQuadratic_Private(nmf, a, b, c, nu.data()));
    for (PetscInt q = 0; q < pl; q++)
      for (PetscInt j = 0; j < k; j++) {
        const PetscInt e  = q * k + j;
        const double   bv = b[e] + nu[q];
        Hn[e]             = (-bv + std::sqrt(bv * bv + 4 * a * c[e])) / (2 * a); /* the root of a h^2 + b h - c = 0 */
      }
  } else {
    if (nmf->force_simplex) PetscCall(NMFSimplexMultiplier_Private(nmf, c, b, nu.data()));
    for (PetscInt q = 0; q < pl; q++)
      for (PetscInt j = 0; j < k; j++) Hn[q * k + j] = NMFPixelHeld_Private(nmf, q) ? H[q * k + j] : c[q * k + j] / (b[q * k + j] + nu[q]);
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFHStep_L2Surrogate(NMF nmf, const PetscReal D[])
{
  PetscFunctionBegin;
  PetscCall(NMFSurrogateHStep_Private(nmf, D, L2SurrogateHStep, PETSC_FALSE));
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFSetUp_L2Surrogate(NMF nmf)
{
  PetscFunctionBegin;
  PetscCheck(!nmf->l2, nmf->comm, PETSC_ERR_ARG_INCOMP, "algo l2_surrogate works with the KL loss only: remove -nmf_l2");
  PetscFunctionReturn(0);
}

/*MC
   NMFL2SURROGATE - "l2_surrogate": H steps from the quadratic surrogate of the Laplacian term
   (step sigma_L = gamma, default 8), KL loss only; espm's step has no mu.

   Level: beginner

.seealso: NMFSetType(), NMFLOGSURROGATE, NMFPROJECTEDGRADIENT
M*/
PetscErrorCode NMFCreate_L2Surrogate(NMF nmf)
{
  PetscFunctionBegin;
  nmf->ops->setup  = NMFSetUp_L2Surrogate;
  nmf->ops->hstep  = NMFHStep_L2Surrogate;
  nmf->ops->wstep  = NMFSurrogateWStep_Private;
  nmf->ratio_shift = PETSC_TRUE; /* pass A forms X / (D H + eps) */
  PetscFunctionReturn(0);
}
