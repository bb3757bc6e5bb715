/* The loops over X.  Each visits the owned pixels once, forming a pixel's column of
   Y = D H on the fly: no n x p temporary is ever stored.  X and H are pixel-major
   (x[q n + i], h[q k + c]); D = G W is n x k row-major and replicated. */
#include "nmf_impl.h"
#include <cmath>

/* D = G W (n x k); with the identity G, D = W. */
void NMFComputeD_Private(NMF nmf, const double *W, double *D)
{
  const PetscInt n = nmf->n, k = nmf->k, m = nmf->m;
  if (nmf->G.empty()) {
    for (PetscInt e = 0; e < n * k; e++) D[e] = W[e];
    return;
  }
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt c = 0; c < k; c++) {
      double s = 0;
      for (PetscInt j = 0; j < m; j++) s += nmf->G[i * m + j] * W[j * k + c];
      D[i * k + c] = s;
    }
}

/* num[:, q] = D^T (x_q / (D h_q + shift)) for every owned pixel q (the KL part of the H step) */
void NMFKLNumerator_Private(NMF nmf, const double *X, const double *D, const double *H, double shift, double *num)
{
  const PetscInt n = nmf->n, k = nmf->k;
  for (PetscInt q = 0; q < nmf->p_local; q++) {
    const double *x = X + q * n, *h = H + q * k;
    double       *t = num + q * k;
    for (PetscInt c = 0; c < k; c++) t[c] = 0;
    for (PetscInt i = 0; i < n; i++) {
      const double *d = D + i * k;
      double        y = 0;
      for (PetscInt c = 0; c < k; c++) y += d[c] * h[c]; /* y = (D h)_i */
      const double r = x[i] / (y + shift);
      for (PetscInt c = 0; c < k; c++) t[c] += d[c] * r; /* t += D[i,:] x_i / y_i */
    }
  }
}

/* A += (X / (D H)) H^T over the owned pixels (n x k; the caller sums A over ranks) */
void NMFKLWeightedRatio_Private(NMF nmf, const double *X, const double *D, const double *H, double *A)
{
  const PetscInt n = nmf->n, k = nmf->k;
  for (PetscInt q = 0; q < nmf->p_local; q++) {
    const double *x = X + q * n, *h = H + q * k;
    for (PetscInt i = 0; i < n; i++) {
      const double *d = D + i * k;
      double        y = 0;
      for (PetscInt c = 0; c < k; c++) y += d[c] * h[c];
      const double r = x[i] / y;
      double      *a = A + i * k;
      for (PetscInt c = 0; c < k; c++) a[c] += r * h[c]; /* A[i,c] += X[i,q] / Y[i,q] H[c,q] */
    }
  }
}

/* num[:, q] = D^T x_q (the l2 H step) */
void NMFL2Numerator_Private(NMF nmf, const double *X, const double *D, double *num)
{
  const PetscInt n = nmf->n, k = nmf->k;
  for (PetscInt q = 0; q < nmf->p_local; q++) {
    const double *x = X + q * n;
    double       *t = num + q * k;
    for (PetscInt c = 0; c < k; c++) t[c] = 0;
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt c = 0; c < k; c++) t[c] += D[i * k + c] * x[i];
  }
}

/* XHt += X H^T (n x k) and HHt += H H^T (k x k) over the owned pixels (the l2 W step) */
void NMFL2Sums_Private(NMF nmf, const double *X, const double *H, double *XHt, double *HHt)
{
  const PetscInt n = nmf->n, k = nmf->k;
  for (PetscInt q = 0; q < nmf->p_local; q++) {
    const double *x = X + q * n, *h = H + q * k;
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt c = 0; c < k; c++) XHt[i * k + c] += x[i] * h[c];
    for (PetscInt c = 0; c < k; c++)
      for (PetscInt d = 0; d < k; d++) HHt[c * k + d] += h[c] * h[d];
  }
}

/* The losses of (W, H) on a data matrix given column by column (algorithm notes, section 5):
   KL   = sum Y - sum max(X, eps) log Y + const_KL,  Y = max(G W, eps) max(H, eps)
   l2   = 0.5 sum (G W H - X)^2
   log  = sum_c,q mu_c log(H[c,q] + epsilon_reg)
   Lapl = 0.5 lambda_L sum H .* (H Delta)
   each divided by n p, and their raw sum. */
template <class Column>
static PetscErrorCode LossTerms(NMF nmf, const double *W, Vec Hvec, Column column, NMFLoss *loss)
{
  const PetscInt      n = nmf->n, k = nmf->k, pl = nmf->p_local;
  const double        eps = nmf->log_shift;
  std::vector<double> D(n * k), hf(k), xbuf(n);
  const PetscScalar  *H;
  double              sums[4] = {0, 0, 0, 0};
  bool                has_mu  = false;

  PetscFunctionBegin;
  NMFComputeD_Private(nmf, W, D.data());
  if (!nmf->l2)
    for (double &d : D) d = PetscMax(d, eps);
  PetscCall(VecGetArrayRead(Hvec, &H));
  for (PetscInt q = 0; q < pl; q++) {
    const double *x = column(q, xbuf.data()), *h = H + q * k;
    for (PetscInt c = 0; c < k; c++) hf[c] = nmf->l2 ? h[c] : PetscMax(h[c], eps);
    for (PetscInt i = 0; i < n; i++) {
      const double *d = D.data() + i * k;
      double        y = 0;
      for (PetscInt c = 0; c < k; c++) y += d[c] * hf[c];
      if (nmf->l2) sums[0] += (y - x[i]) * (y - x[i]);
      else {
        sums[0] += y;
        sums[1] += PetscMax(x[i], eps) * std::log(y);
      }
    }
  }
  for (double v : nmf->mu) has_mu = has_mu || v != 0;
  if (has_mu) {
    for (PetscInt q = 0; q < pl; q++)
      for (PetscInt c = 0; c < k; c++) sums[2] += nmf->mu[nmf->mu.size() == 1 ? 0 : c] * std::log(H[q * k + c] + nmf->epsilon_reg);
  }
  if (nmf->lambda_L != 0) {
    std::vector<double> HL(pl * k);
    PetscCall(VecRestoreArrayRead(Hvec, &H));
    PetscCall(NMFApplyLaplacian_Private(nmf, Hvec, HL.data()));
    PetscCall(VecGetArrayRead(Hvec, &H));
    for (PetscInt e = 0; e < pl * k; e++) sums[3] += H[e] * HL[e];
  }
  PetscCall(VecRestoreArrayRead(Hvec, &H));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, 4, MPI_DOUBLE, MPI_SUM, nmf->comm));
  const double numel = (double)n * (double)nmf->p;
  const double data  = nmf->l2 ? 0.5 * sums[0] : (sums[0] - sums[1]) + nmf->const_KL;
  const double lapl  = 0.5 * nmf->lambda_L * sums[3];
  loss->kl           = data / numel;
  loss->log_reg      = sums[2] / numel;
  loss->lapl         = lapl / numel;
  loss->full         = loss->kl + loss->log_reg + loss->lapl;
  loss->raw          = data + sums[2] + lapl;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFLoss_Private(NMF nmf, const double *W, Vec Hvec, NMFLoss *loss)
{
  const PetscScalar *X;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(nmf->X, &X));
  const PetscInt n = nmf->n;
  PetscCall(LossTerms(nmf, W, Hvec, [X, n](PetscInt q, double *) { return (const double *)X + q * n; }, loss));
  PetscCall(VecRestoreArrayRead(nmf->X, &X));
  PetscFunctionReturn(0);
}

/* The same losses with the data replaced by true_D true_H (the const_KL of the real X is kept). */
PetscErrorCode NMFLossTruth_Private(NMF nmf, const double *W, Vec Hvec, NMFLoss *loss)
{
  const PetscScalar *TH;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(nmf->true_H, &TH));
  const PetscInt n = nmf->n, k = nmf->k;
  const double  *TD = nmf->true_D.data();
  PetscCall(LossTerms(
    nmf, W, Hvec,
    [TH, TD, n, k](PetscInt q, double *buf) {
      for (PetscInt i = 0; i < n; i++) {
        double t = 0;
        for (PetscInt c = 0; c < k; c++) t += TD[i * k + c] * TH[q * k + c]; /* (true_D true_H)[i, q] */
        buf[i] = t;
      }
      return (const double *)buf;
    },
    loss));
  PetscCall(VecRestoreArrayRead(nmf->true_H, &TH));
  PetscFunctionReturn(0);
}
