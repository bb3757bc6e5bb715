/* NMFLOGSURROGATE, espm's algo "log_surrogate" (the default; doc/algorithm.md, section 4):
   multiplicative H steps from the log surrogate of the KL loss (or of the l2 loss), the proximal
   term of the Laplacian in KL form, and the multiplicative W step. */
#include <smoothnmf/private/nmfimpl.h>
#include <cmath>

/* log_surrogate: H_new = max(num / (den + nu), eps) with
     KL: num = H .* (D^T (X / (D H)) + lambda_L gamma M),
         den = colsum(D) + mu / (H + epsilon_reg) + lambda_L gamma M + lambda_L (H Delta)
     l2: num = H .* (D^T X), den = (D^T D) H
   M the global row maxima of H, nu the simplex multiplier (or 0).  A pixel excluded by the
   navigation mask has no data term: colsum(D) and D^T (X / (D H)) are 0 there; with lambda_L = 0
   nothing moves it and it is held (num = H, den = 1: the simplex multiplier 0 there). */
static PetscErrorCode LogSurrogateHStep(NMF nmf, const double *D, const PetscScalar *H, PetscScalar *Hn)
{
  const PetscInt      k = nmf->k, n = nmf->n, pl = nmf->p_local;
  const double        lg  = nmf->lambda_L * nmf->gamma_H;
  double             *num = nmf->num.data(), *den = nmf->den.data(); /* num = D^T (X / (D H)), or D^T X with l2 */
  const double       *HL = nmf->HL.data();
  std::vector<double> colsumD, M(k, 0.0), nu(pl, 0.0);
  const bool          has_mu = !(nmf->mu.size() == 1 && nmf->mu[0] == 0);

  PetscFunctionBegin;
  if (nmf->lambda_L != 0) PetscCall(NMFRowMax_Private(nmf, H, M.data()));
  if (nmf->l2) {
    std::vector<double> DtD(k * k, 0.0);
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt c = 0; c < k && !NMFChannelMasked_Private(nmf, i); c++)
        for (PetscInt d = 0; d < k; d++) DtD[c * k + d] += D[i * k + c] * D[i * k + d]; /* D^T B D, B the unmasked channels */
    for (PetscInt q = 0; q < pl; q++)
      for (PetscInt c = 0; c < k; c++) {
        double s = 0;
        for (PetscInt d = 0; d < k; d++) s += DtD[c * k + d] * H[q * k + d];
        den[q * k + c] = NMFPixelMasked_Private(nmf, q) ? 0.0 : s; /* den = (D^T D) H */
      }
  } else {
    NMFColumnSums_Private(nmf, D, colsumD);
    for (PetscInt q = 0; q < pl; q++)
      for (PetscInt c = 0; c < k; c++) den[q * k + c] = NMFPixelMasked_Private(nmf, q) ? 0.0 : colsumD[c];
  }
  for (PetscInt q = 0; q < pl; q++) {
    if (NMFPixelHeld_Private(nmf, q)) {
      for (PetscInt c = 0; c < k; c++) num[q * k + c] = H[q * k + c], den[q * k + c] = 1.0; /* held: H / (1 + nu), nu = 0 */
      continue;
    }
    for (PetscInt c = 0; c < k; c++) {
      const PetscInt e = q * k + c;
      if (has_mu) den[e] = den[e] + nmf->mu[nmf->mu.size() == 1 ? 0 : c] / (H[e] + nmf->epsilon_reg); /* den += mu / (H + eps_reg) */
      if (nmf->lambda_L != 0) {
        num[e] = num[e] + lg * M[c];                         /* num += lambda_L gamma M */
        den[e] = den[e] + lg * M[c] + nmf->lambda_L * HL[e]; /* den += lambda_L gamma M + lambda_L H Delta */
      }
      num[e] = H[e] * num[e]; /* num <- H num */
    }
  }
  if (nmf->force_simplex) PetscCall(NMFSimplexMultiplier_Private(nmf, num, den, nu.data()));
  for (PetscInt q = 0; q < pl; q++)
    for (PetscInt c = 0; c < k; c++) Hn[q * k + c] = NMFPixelHeld_Private(nmf, q) ? H[q * k + c] : num[q * k + c] / (den[q * k + c] + nu[q]); /* H <- num / (den + nu) */
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFHStep_LogSurrogate(NMF nmf, const PetscReal D[])
{
  PetscFunctionBegin;
  PetscCall(NMFSurrogateHStep_Private(nmf, D, LogSurrogateHStep, PETSC_TRUE));
  PetscFunctionReturn(0);
}

/* the l2 loss of this type carries no regularization (espm) */
static PetscErrorCode NMFSetUp_LogSurrogate(NMF nmf)
{
  const bool has_mu = !(nmf->mu.size() == 1 && nmf->mu[0] == 0);

  PetscFunctionBegin;
  PetscCheck(!(nmf->l2 && (nmf->lambda_L != 0 || has_mu)), nmf->comm, PETSC_ERR_ARG_INCOMP, "the l2 loss with log_surrogate needs lambda_L = 0 and mu = 0 (got lambda_L %g%s)", (double)nmf->lambda_L, has_mu ? " and a nonzero mu" : "");
  PetscFunctionReturn(0);
}

/*MC
   NMFLOGSURROGATE - "log_surrogate": espm's default algorithm, multiplicative updates of H from
   the log surrogate of the data term and of the Laplacian (step sigma_L = gamma, default 8), the
   simplex by bisection, multiplicative W updates.  With -nmf_l2, the Frobenius loss (then
   lambda_L = 0 and mu = 0).

   Level: beginner

.seealso: NMFSetType(), NMFL2SURROGATE, NMFPROJECTEDGRADIENT
M*/
PetscErrorCode NMFCreate_LogSurrogate(NMF nmf)
{
  PetscFunctionBegin;
  nmf->ops->setup = NMFSetUp_LogSurrogate;
  nmf->ops->hstep = NMFHStep_LogSurrogate;
  nmf->ops->wstep = NMFSurrogateWStep_Private;
  PetscFunctionReturn(0);
}
