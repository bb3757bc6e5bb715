/* What the surrogate types (log_surrogate, l2_surrogate) share (doc/algorithm.md, sections 4 and
   8): the floor and the held entries of H_new, the multiplicative W step, and the line search on
   the surrogate of the Laplacian term. */
#include <smoothnmf/private/nmfimpl.h>
#include <cmath>

/* colsum(D) over the unmasked channels (all without a signal mask) */
void NMFColumnSums_Private(NMF nmf, const double *D, std::vector<double> &colsum)
{
  colsum.assign(nmf->k, 0.0);
  for (PetscInt i = 0; i < nmf->n; i++)
    if (!NMFChannelMasked_Private(nmf, i))
      for (PetscInt c = 0; c < nmf->k; c++) colsum[c] += D[i * nmf->k + c];
}

/* H_new = max(H_new, eps), then the held entries of fixed_H */
PetscErrorCode NMFSurrogateFloorAndFix_Private(NMF nmf, PetscScalar *Hn)
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

/* out (m x k, row-major) = G^T B for an n x k matrix B stored with B[i, c] at B[i si + c sc]; B
   itself when G is the identity */
static void ApplyGt(NMF nmf, const double *B, PetscInt si, PetscInt sc, double *out)
{
  const PetscInt k = nmf->k, n = nmf->n, m = nmf->G.empty() ? n : nmf->m;
  for (PetscInt j = 0; j < m; j++)
    for (PetscInt c = 0; c < k; c++) {
      double s = 0;
      if (nmf->G.empty())
        s = B[j * si + c * sc];
      else
        for (PetscInt i = 0; i < n; i++) s += nmf->G[i * m + j] * B[i * si + c * sc];
      out[j * k + c] = s;
    }
}

/* The W step with H = H_new:
     KL: W_new = W / (colsum(G)^T rowsum(H)^T) * (G^T (X / (G W H)) H^T)
     l2: W_new = W / (G^T G W H H^T) * (G^T X H^T)
   then max(., eps) and the held entries of fixed_W. */
PetscErrorCode NMFSurrogateWStep_Private(NMF nmf, const double *D, std::vector<double> &W_new)
{
  const PetscInt      k = nmf->k, n = nmf->n;
  const bool          identity = nmf->G.empty();
  const PetscInt      m        = identity ? n : nmf->m;
  std::vector<double> At, tail; /* KL: ((X/Y) H^T)^T and rowsum(H); l2: (X H^T)^T and H H^T */

  PetscFunctionBegin;
  PetscCall(NMFWStepSums_Private(nmf, D, At, tail));
  std::vector<double> GtA(m * k), term2(m * k);
  ApplyGt(nmf, At.data(), 1, n, GtA.data()); /* term1 = G^T A (m x k) */
  if (nmf->l2) {
    /* term2 = (G^T G) W (H H^T) */
    std::vector<double> GW(n * k), GtGW(m * k);
    NMFComputeD_Private(nmf, nmf->W.data(), GW.data());
    for (PetscInt i = 0; i < n; i++)
      if (NMFChannelMasked_Private(nmf, i))
        for (PetscInt c = 0; c < k; c++) GW[i * k + c] = 0; /* G^T B G W: the unmasked channels */
    ApplyGt(nmf, GW.data(), k, 1, GtGW.data());
    for (PetscInt j = 0; j < m; j++)
      for (PetscInt c = 0; c < k; c++) {
        double s = 0;
        for (PetscInt d = 0; d < k; d++) s += GtGW[j * k + d] * tail[d * k + c];
        term2[j * k + c] = s;
      }
  } else {
    for (PetscInt j = 0; j < m; j++) {
      double colsumG = NMFChannelMasked_Private(nmf, j) && identity ? 0.0 : 1.0;
      if (!identity) {
        colsumG = 0;
        for (PetscInt i = 0; i < n; i++)
          if (!NMFChannelMasked_Private(nmf, i)) colsumG += nmf->G[i * m + j]; /* over the unmasked channels */
      }
      for (PetscInt c = 0; c < k; c++) term2[j * k + c] = colsumG * tail[c]; /* colsum(G)^T rowsum(H)^T */
    }
  }
  W_new.assign(m * k, 0.0);
  for (PetscInt e = 0; e < m * k; e++) {
    W_new[e] = PetscMax(nmf->W[e] / term2[e] * GtA[e], nmf->log_shift); /* W <- max(W / term2 * term1, eps) */
    if (NMFWRowHeld_Private(nmf, e / k)) W_new[e] = nmf->W[e];          /* a masked channel: nothing determines it */
    if (!nmf->fixed_W.empty() && nmf->fixed_W[e] >= 0) W_new[e] = nmf->fixed_W[e];
  }
  PetscFunctionReturn(0);
}

/* Line search of the surrogate algorithms: the gap between the surrogate of the Laplacian term
   at (H_old = H, H_new) and its true value (espm's diff_surrogate, lambda_L = 1):
     log_surrogate: S = 1/2 (2 tr(H_old Delta H_new^T) - tr(H_old Delta H_old^T) + gamma sum_c max_q H_new[c,q] sum_q dgkl(H_old, H_new)[c,q])
     l2_surrogate:  S = 1/2 (2 tr(H_old Delta H_new^T) - tr(H_old Delta H_old^T) + gamma ||H_old - H_new||^2)
   gap = S - 1/2 tr(H_new Delta H_new^T), dgkl(p, q) = p log(p/q) - p + q.  log_proximal: the
   log_surrogate's term (else the l2_surrogate's). */
PetscErrorCode NMFSurrogateGap_Private(NMF nmf, PetscBool log_proximal, double *gap)
{
  const PetscInt      k = nmf->k, pl = nmf->p_local;
  std::vector<double> HoL(pl * k), HnL(pl * k), M(k), sums(3 + k, 0.0);
  const PetscScalar  *Ho, *Hn;

  PetscFunctionBegin;
  PetscCall(NMFApplyLaplacian_Private(nmf, nmf->H, HoL.data()));
  PetscCall(NMFApplyLaplacian_Private(nmf, nmf->H_new, HnL.data()));
  PetscCall(VecGetArrayRead(nmf->H, &Ho));
  PetscCall(VecGetArrayRead(nmf->H_new, &Hn));
  if (log_proximal) PetscCall(NMFRowMax_Private(nmf, Hn, M.data()));
  for (PetscInt q = 0; q < pl; q++)
    for (PetscInt c = 0; c < k; c++) {
      const PetscInt e = q * k + c;
      sums[0] += HoL[e] * Ho[e]; /* t1 = tr(H_old Delta H_old^T) */
      sums[1] += HoL[e] * Hn[e]; /* t2 = tr(H_old Delta H_new^T) */
      sums[2] += HnL[e] * Hn[e]; /* tr(H_new Delta H_new^T) */
      if (log_proximal)
        sums[3 + c] += Ho[e] * std::log(Ho[e] / Hn[e]) - Ho[e] + Hn[e]; /* dgkl(H_old, H_new) */
      else
        sums[3] += (Ho[e] - Hn[e]) * (Ho[e] - Hn[e]);
    }
  PetscCall(VecRestoreArrayRead(nmf->H_new, &Hn));
  PetscCall(VecRestoreArrayRead(nmf->H, &Ho));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums.data(), (PetscMPIInt)sums.size(), MPI_DOUBLE, MPI_SUM, nmf->comm));
  double t3 = 0;
  if (log_proximal)
    for (PetscInt c = 0; c < k; c++) t3 += M[c] * sums[3 + c];
  else
    t3 = sums[3];
  const double surrogate = 1.0 / 2 * (2 * sums[1] - sums[0] + nmf->gamma_H * t3);
  *gap                   = surrogate - sums[2] * 1.0 / 2;
  PetscFunctionReturn(0);
}

/* the line search of the surrogate types, after an H step: gamma / 1.05 while the surrogate stays
   above the true Laplacian term, else gamma 1.5 */
PetscErrorCode NMFSurrogateLinesearch_Private(NMF nmf, PetscBool log_proximal)
{
  double gap;

  PetscFunctionBegin;
  PetscCall(NMFSurrogateGap_Private(nmf, log_proximal, &gap));
  nmf->gamma_H = gap > 0 ? nmf->gamma_H / 1.05 : nmf->gamma_H * 1.5;
  PetscFunctionReturn(0);
}

/* an H step of a surrogate type: step(D, H, H_new), the floor and the held entries, then the line
   search (on the log_surrogate's proximal term, or the l2_surrogate's) */
PetscErrorCode NMFSurrogateHStep_Private(NMF nmf, const PetscReal D[], NMFSurrogateStepFn step, PetscBool log_proximal)
{
  const PetscScalar *H;
  PetscScalar       *Hn;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(nmf->H, &H));
  PetscCall(VecGetArray(nmf->H_new, &Hn));
  PetscCall(step(nmf, D, H, Hn));
  PetscCall(NMFSurrogateFloorAndFix_Private(nmf, Hn));
  PetscCall(VecRestoreArray(nmf->H_new, &Hn));
  PetscCall(VecRestoreArrayRead(nmf->H, &H));
  if (nmf->linesearch) PetscCall(NMFSurrogateLinesearch_Private(nmf, log_proximal));
  PetscFunctionReturn(0);
}
