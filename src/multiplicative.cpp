/* The H and W steps of the surrogate algorithms (algorithm notes, sections 4 and 8):
   log_surrogate (KL or l2 loss), l2_surrogate, the multiplicative W steps, and the line-search
   test on the surrogate of the Laplacian term.  Each step reads H, writes H_new (pixel-major). */
#include "nmf_impl.h"
#include <cmath>

static void ColumnSums(NMF nmf, const double *D, std::vector<double> &colsum)
{
  colsum.assign(nmf->k, 0.0);
  for (PetscInt i = 0; i < nmf->n; i++)
    for (PetscInt c = 0; c < nmf->k; c++) colsum[c] += D[i * nmf->k + c];
}

/* H_new = max(H_new, eps), then the held entries of fixed_H */
static PetscErrorCode FloorAndFix(NMF nmf, PetscScalar *Hn)
{
  const PetscScalar *fixed = NULL;

  PetscFunctionBegin;
  if (nmf->fixed_H) PetscCall(VecGetArrayRead(nmf->fixed_H, &fixed));
  for (PetscInt e = 0; e < nmf->p_local * nmf->k; e++) {
    Hn[e] = PetscMax(Hn[e], nmf->log_shift);
    if (fixed && fixed[e] >= 0) Hn[e] = fixed[e];
  }
  if (fixed) PetscCall(VecRestoreArrayRead(nmf->fixed_H, &fixed));
  PetscFunctionReturn(0);
}

/* log_surrogate: H_new = max(num / (den + nu), eps) with
     KL: num = H .* (D^T (X / (D H)) + lambda_L gamma M),
         den = colsum(D) + mu / (H + epsilon_reg) + lambda_L gamma M + lambda_L (H Delta)
     l2: num = H .* (D^T X), den = (D^T D) H
   M the global row maxima of H, nu the simplex multiplier (or 0). */
static PetscErrorCode LogSurrogateHStep(NMF nmf, const double *D, const PetscScalar *H, PetscScalar *Hn)
{
  const PetscInt      k = nmf->k, n = nmf->n, pl = nmf->p_local;
  const double        lg = nmf->lambda_L * nmf->gamma_H;
  double             *num = nmf->num.data(), *den = nmf->den.data(); /* num = D^T (X / (D H)), or D^T X with l2 */
  const double       *HL = nmf->HL.data();
  std::vector<double> colsumD, M(k, 0.0), nu(pl, 0.0);
  const bool          has_mu = !(nmf->mu.size() == 1 && nmf->mu[0] == 0);

  PetscFunctionBegin;
  if (nmf->lambda_L != 0) PetscCall(NMFRowMax_Private(nmf, H, M.data()));
  if (nmf->l2) {
    std::vector<double> DtD(k * k, 0.0);
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt c = 0; c < k; c++)
        for (PetscInt d = 0; d < k; d++) DtD[c * k + d] += D[i * k + c] * D[i * k + d];
    for (PetscInt q = 0; q < pl; q++)
      for (PetscInt c = 0; c < k; c++) {
        double s = 0;
        for (PetscInt d = 0; d < k; d++) s += DtD[c * k + d] * H[q * k + d];
        den[q * k + c] = s; /* den = (D^T D) H */
      }
  } else {
    ColumnSums(nmf, D, colsumD);
    for (PetscInt q = 0; q < pl; q++)
      for (PetscInt c = 0; c < k; c++) den[q * k + c] = colsumD[c];
  }
  for (PetscInt q = 0; q < pl; q++) {
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
    for (PetscInt c = 0; c < k; c++) Hn[q * k + c] = num[q * k + c] / (den[q * k + c] + nu[q]); /* H <- num / (den + nu) */
  PetscFunctionReturn(0);
}

/* l2_surrogate: c = H .* (D^T (X / (D H + eps))), b = colsum(D) + lambda_L (H Delta) - lambda_L gamma H,
   a = lambda_L gamma; H_new = (-b + sqrt(b^2 + 4 a c)) / (2 a), or c / b when lambda_L = 0,
   with b <- b + nu for the simplex.  (espm's step has no mu.) */
static PetscErrorCode L2SurrogateHStep(NMF nmf, const double *D, const PetscScalar *H, PetscScalar *Hn)
{
  const PetscInt      k = nmf->k, pl = nmf->p_local;
  const double        a = nmf->lambda_L * nmf->gamma_H;
  double             *c = nmf->num.data(), *b = nmf->den.data(); /* c = D^T (X / (D H + eps)) from pass A */
  const double       *HL = nmf->HL.data();
  std::vector<double> colsumD, nu(pl, 0.0);

  PetscFunctionBegin;
  ColumnSums(nmf, D, colsumD);
  for (PetscInt q = 0; q < pl; q++)
    for (PetscInt j = 0; j < k; j++) {
      const PetscInt e = q * k + j;
      c[e]             = H[e] * c[e];
      b[e]             = colsumD[j];
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
      for (PetscInt j = 0; j < k; j++) Hn[q * k + j] = c[q * k + j] / (b[q * k + j] + nu[q]);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMFMultiplicativeHStep_Private(NMF nmf, const double *D)
{
  const PetscScalar *H;
  PetscScalar       *Hn;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(nmf->H, &H));
  PetscCall(VecGetArray(nmf->H_new, &Hn));
  if (nmf->algo == NMF_ALGO_L2_SURROGATE) PetscCall(L2SurrogateHStep(nmf, D, H, Hn));
  else PetscCall(LogSurrogateHStep(nmf, D, H, Hn));
  PetscCall(FloorAndFix(nmf, Hn));
  PetscCall(VecRestoreArray(nmf->H_new, &Hn));
  PetscCall(VecRestoreArrayRead(nmf->H, &H));
  PetscFunctionReturn(0);
}

/* out (m x k, row-major) = G^T B for an n x k matrix B stored with B[i, c] at B[i si + c sc]; B
   itself when G is the identity */
static void ApplyGt(NMF nmf, const double *B, PetscInt si, PetscInt sc, double *out)
{
  const PetscInt k = nmf->k, n = nmf->n, m = nmf->G.empty() ? n : nmf->m;
  for (PetscInt j = 0; j < m; j++)
    for (PetscInt c = 0; c < k; c++) {
      double s = 0;
      if (nmf->G.empty()) s = B[j * si + c * sc];
      else
        for (PetscInt i = 0; i < n; i++) s += nmf->G[i * m + j] * B[i * si + c * sc];
      out[j * k + c] = s;
    }
}

/* The W step with H = H_new:
     KL: W_new = W / (colsum(G)^T rowsum(H)^T) * (G^T (X / (G W H)) H^T)
     l2: W_new = W / (G^T G W H H^T) * (G^T X H^T)
   then max(., eps) and the held entries of fixed_W. */
PetscErrorCode NMFMultiplicativeWStep_Private(NMF nmf, const double *D, std::vector<double> &W_new)
{
  const PetscInt      k = nmf->k, n = nmf->n;
  const bool          identity = nmf->G.empty();
  const PetscInt      m = identity ? n : nmf->m;
  std::vector<double> At, tail; /* KL: ((X/Y) H^T)^T and rowsum(H); l2: (X H^T)^T and H H^T */

  PetscFunctionBegin;
  PetscCall(NMFWStepSums_Private(nmf, D, At, tail));
  std::vector<double> GtA(m * k), term2(m * k);
  ApplyGt(nmf, At.data(), 1, n, GtA.data()); /* term1 = G^T A (m x k) */
  if (nmf->l2) {
    /* term2 = (G^T G) W (H H^T) */
    std::vector<double> GW(n * k), GtGW(m * k);
    NMFComputeD_Private(nmf, nmf->W.data(), GW.data());
    ApplyGt(nmf, GW.data(), k, 1, GtGW.data());
    for (PetscInt j = 0; j < m; j++)
      for (PetscInt c = 0; c < k; c++) {
        double s = 0;
        for (PetscInt d = 0; d < k; d++) s += GtGW[j * k + d] * tail[d * k + c];
        term2[j * k + c] = s;
      }
  } else {
    for (PetscInt j = 0; j < m; j++) {
      double colsumG = 1.0;
      if (!identity) {
        colsumG = 0;
        for (PetscInt i = 0; i < n; i++) colsumG += nmf->G[i * m + j];
      }
      for (PetscInt c = 0; c < k; c++) term2[j * k + c] = colsumG * tail[c]; /* colsum(G)^T rowsum(H)^T */
    }
  }
  W_new.assign(m * k, 0.0);
  for (PetscInt e = 0; e < m * k; e++) {
    W_new[e] = PetscMax(nmf->W[e] / term2[e] * GtA[e], nmf->log_shift); /* W <- max(W / term2 * term1, eps) */
    if (!nmf->fixed_W.empty() && nmf->fixed_W[e] >= 0) W_new[e] = nmf->fixed_W[e];
  }
  PetscFunctionReturn(0);
}

/* Line search of the surrogate algorithms: the gap between the surrogate of the Laplacian term
   at (H_old = H, H_new) and its true value (espm's diff_surrogate, lambda_L = 1):
     log_surrogate: S = 1/2 (2 tr(H_old Delta H_new^T) - tr(H_old Delta H_old^T) + gamma sum_c max_q H_new[c,q] sum_q dgkl(H_old, H_new)[c,q])
     l2_surrogate:  S = 1/2 (2 tr(H_old Delta H_new^T) - tr(H_old Delta H_old^T) + gamma ||H_old - H_new||^2)
   gap = S - 1/2 tr(H_new Delta H_new^T), dgkl(p, q) = p log(p/q) - p + q. */
PetscErrorCode NMFSurrogateGap_Private(NMF nmf, double *gap)
{
  const PetscInt      k = nmf->k, pl = nmf->p_local;
  std::vector<double> HoL(pl * k), HnL(pl * k), M(k), sums(3 + k, 0.0);
  const PetscScalar  *Ho, *Hn;

  PetscFunctionBegin;
  PetscCall(NMFApplyLaplacian_Private(nmf, nmf->H, HoL.data()));
  PetscCall(NMFApplyLaplacian_Private(nmf, nmf->H_new, HnL.data()));
  PetscCall(VecGetArrayRead(nmf->H, &Ho));
  PetscCall(VecGetArrayRead(nmf->H_new, &Hn));
  if (nmf->algo == NMF_ALGO_LOG_SURROGATE) PetscCall(NMFRowMax_Private(nmf, Hn, M.data()));
  for (PetscInt q = 0; q < pl; q++)
    for (PetscInt c = 0; c < k; c++) {
      const PetscInt e = q * k + c;
      sums[0] += HoL[e] * Ho[e]; /* t1 = tr(H_old Delta H_old^T) */
      sums[1] += HoL[e] * Hn[e]; /* t2 = tr(H_old Delta H_new^T) */
      sums[2] += HnL[e] * Hn[e]; /* tr(H_new Delta H_new^T) */
      if (nmf->algo == NMF_ALGO_LOG_SURROGATE) sums[3 + c] += Ho[e] * std::log(Ho[e] / Hn[e]) - Ho[e] + Hn[e]; /* dgkl(H_old, H_new) */
      else sums[3] += (Ho[e] - Hn[e]) * (Ho[e] - Hn[e]);
    }
  PetscCall(VecRestoreArrayRead(nmf->H_new, &Hn));
  PetscCall(VecRestoreArrayRead(nmf->H, &Ho));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums.data(), (PetscMPIInt)sums.size(), MPI_DOUBLE, MPI_SUM, nmf->comm));
  double t3 = 0;
  if (nmf->algo == NMF_ALGO_LOG_SURROGATE)
    for (PetscInt c = 0; c < k; c++) t3 += M[c] * sums[3 + c];
  else t3 = sums[3];
  const double surrogate = 1.0 / 2 * (2 * sums[1] - sums[0] + nmf->gamma_H * t3);
  *gap                   = surrogate - sums[2] * 1.0 / 2;
  PetscFunctionReturn(0);
}
