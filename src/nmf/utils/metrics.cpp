/* The final rescale without the simplex (doc/algorithm.md, section 7) and the ground-truth
   columns of the losses table (section 5): spectral angles, map errors, true_KL_loss. */
#include <smoothnmf/private/nmfimpl.h>
#include <algorithm>
#include <cmath>
#include <numeric>

/* Nonnegative least squares in Gram form, min 0.5 s^T Q s - b^T s with s >= 0 (Lawson-Hanson). */
static PetscErrorCode NNLSGram(PetscInt k, const double *Q, const double *b, double *s)
{
  std::vector<char>   P(k, 0);
  std::vector<double> z(k), w(k);

  PetscFunctionBegin;
  for (PetscInt j = 0; j < k; j++) s[j] = 0;
  for (PetscInt outer = 0; outer < 3 * k + 3; outer++) {
    PetscInt jmax = -1;
    for (PetscInt j = 0; j < k; j++) {
      w[j] = b[j];
      for (PetscInt l = 0; l < k; l++) w[j] -= Q[j * k + l] * s[l];
      if (!P[j] && w[j] > 1e-14 * PetscAbsReal(b[j]) && (jmax < 0 || w[j] > w[jmax])) jmax = j;
    }
    if (jmax < 0) break;
    P[jmax] = 1;
    for (PetscInt inner = 0; inner < 3 * k + 3; inner++) {
      std::vector<PetscInt> idx;
      for (PetscInt j = 0; j < k; j++)
        if (P[j]) idx.push_back(j);
      const PetscInt      np = (PetscInt)idx.size();
      std::vector<double> A(np * np), B(np);
      for (PetscInt a = 0; a < np; a++) {
        B[a] = b[idx[a]];
        for (PetscInt c = 0; c < np; c++) A[c * np + a] = Q[idx[a] * k + idx[c]];
      }
      PetscCall(NMFLeastSquares_Private(np, np, 1, A.data(), B.data()));
      bool pos = true;
      for (PetscInt j = 0; j < k; j++) z[j] = 0;
      for (PetscInt a = 0; a < np; a++) {
        z[idx[a]] = B[a];
        if (B[a] <= 0) pos = false;
      }
      if (pos) {
        for (PetscInt j = 0; j < k; j++) s[j] = z[j];
        break;
      }
      double alpha = 1;
      for (PetscInt j = 0; j < k; j++)
        if (P[j] && z[j] <= 0) alpha = PetscMin(alpha, s[j] / (s[j] - z[j]));
      for (PetscInt j = 0; j < k; j++) {
        s[j] += alpha * (z[j] - s[j]);
        if (P[j] && s[j] <= 1e-300) {
          P[j] = 0;
          s[j] = 0;
        }
      }
    }
  }
  PetscFunctionReturn(0);
}

/* s = lstsq(H^T, 1) (NNLS if some s <= 0, then floored at 1e-10); W <- W diag(1/s), H <- diag(s) H.
   The least squares go through the k x k normal equations (H H^T) s = H 1. */
PetscErrorCode NMFRescaleWH_Private(NMF nmf, std::vector<double> &W, Vec Hvec)
{
  const PetscInt      k = nmf->k, pl = nmf->p_local;
  std::vector<double> sums(k * k + k, 0.0), s(k);
  PetscScalar        *H;

  PetscFunctionBegin;
  PetscCall(VecGetArray(Hvec, &H));
  for (PetscInt q = 0; q < pl; q++)
    for (PetscInt c = 0; c < k && !NMFPixelMasked_Private(nmf, q); c++) {              /* the data pixels' H */
      for (PetscInt d = 0; d < k; d++) sums[c * k + d] += H[q * k + c] * H[q * k + d]; /* H H^T */
      sums[k * k + c] += H[q * k + c];                                                 /* H 1 */
    }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums.data(), (PetscMPIInt)(k * k + k), MPI_DOUBLE, MPI_SUM, nmf->comm));
  std::vector<double> Q(sums.begin(), sums.begin() + k * k), b(sums.begin() + k * k, sums.end());
  std::vector<double> A = Q, B = b;
  PetscCall(NMFLeastSquares_Private(k, k, 1, A.data(), B.data()));
  bool nonpos = false;
  for (PetscInt c = 0; c < k; c++) {
    s[c] = B[c];
    if (s[c] <= 0) nonpos = true;
  }
  if (nonpos) {
    PetscCall(NNLSGram(k, Q.data(), b.data(), s.data()));
    for (double &v : s) v = PetscMax(v, 1e-10);
  }
  for (PetscInt j = 0; j < (PetscInt)W.size() / k; j++)
    for (PetscInt c = 0; c < k; c++) W[j * k + c] = W[j * k + c] * (1.0 / s[c]); /* W <- W diag(1/s) */
  for (PetscInt q = 0; q < pl; q++)
    for (PetscInt c = 0; c < k; c++) H[q * k + c] = s[c] * H[q * k + c]; /* H <- diag(s) H */
  PetscCall(VecRestoreArray(Hvec, &H));
  PetscFunctionReturn(0);
}

/* espm's unique_min: the permutation (in itertools order, first of the minima) minimizing
   sum_i A[perm[i], i]; mins[i] = A[perm[i], i] belongs to learned component i. */
static void UniqueMin(PetscInt k, const std::vector<double> &A, double *mins)
{
  std::vector<PetscInt> perm(k), best;
  std::iota(perm.begin(), perm.end(), 0);
  best           = perm; /* the identity when every sum is NaN */
  double bestsum = PETSC_MAX_REAL;
  do {
    double s = 0;
    for (PetscInt i = 0; i < k; i++) s += A[perm[i] * k + i];
    if (s < bestsum) {
      bestsum = s;
      best    = perm;
    }
  } while (std::next_permutation(perm.begin(), perm.end()));
  for (PetscInt i = 0; i < k; i++) mins[i] = A[best[i] * k + i];
}

/* row = ang_p0..ang_p(k-1), mse_p0..mse_p(k-1), true_KL_loss for the current W, H.
   Without the simplex they use the rescaled W, H (true_KL_loss: the unrescaled W, rescaled H). */
PetscErrorCode NMFTruthMetrics_Private(NMF nmf, double *row)
{
  const PetscInt      n = nmf->n, k = nmf->k, pl = nmf->p_local;
  std::vector<double> W = nmf->W, GW(n * k), A(k * k);
  Vec                 H = nmf->H;
  NMFLoss             tl;

  PetscFunctionBegin;
  if (!nmf->force_simplex) {
    PetscCall(VecDuplicate(nmf->H, &H));
    PetscCall(VecCopy(nmf->H, H));
    PetscCall(NMFRescaleWH_Private(nmf, W, H));
  }
  NMFComputeD_Private(nmf, W.data(), GW.data());
  /* spectral angles in degrees between the columns of true_D and of G W */
  for (PetscInt i = 0; i < k; i++)
    for (PetscInt j = 0; j < k; j++) {
      double ti = 0, gj = 0, dot = 0;
      for (PetscInt e = 0; e < n; e++) {
        if (NMFChannelMasked_Private(nmf, e)) continue; /* over the unmasked channels */
        ti += nmf->true_D[e * k + i] * nmf->true_D[e * k + i];
        gj += GW[e * k + j] * GW[e * k + j];
      }
      for (PetscInt e = 0; e < n; e++)
        if (!NMFChannelMasked_Private(nmf, e)) dot += (nmf->true_D[e * k + i] / std::sqrt(ti)) * (GW[e * k + j] / std::sqrt(gj));
      A[i * k + j] = std::acos(PetscMin(PetscMax(dot, -1.0), 1.0)) * 180 / PETSC_PI;
    }
  UniqueMin(k, A, row);
  /* map errors |x.x + y.y - 2 x.y| / p between the rows of true_H and of H (global sums) */
  std::vector<double> sums(2 * k + k * k, 0.0);
  const PetscScalar  *th, *h;
  PetscCall(VecGetArrayRead(nmf->true_H, &th));
  PetscCall(VecGetArrayRead(H, &h));
  for (PetscInt q = 0; q < pl; q++)
    for (PetscInt i = 0; i < k && !NMFPixelMasked_Private(nmf, q); i++) { /* over the data pixels, as the loss */
      sums[i] += th[q * k + i] * th[q * k + i];
      sums[k + i] += h[q * k + i] * h[q * k + i];
      for (PetscInt j = 0; j < k; j++) sums[2 * k + i * k + j] += th[q * k + i] * h[q * k + j];
    }
  PetscCall(VecRestoreArrayRead(H, &h));
  PetscCall(VecRestoreArrayRead(nmf->true_H, &th));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums.data(), (PetscMPIInt)sums.size(), MPI_DOUBLE, MPI_SUM, nmf->comm));
  for (PetscInt i = 0; i < k; i++)
    for (PetscInt j = 0; j < k; j++) A[i * k + j] = PetscAbsReal(sums[i] + sums[k + j] - 2 * sums[2 * k + i * k + j]) / nmf->p_data;
  UniqueMin(k, A, row + k);
  PetscCall(NMFLossTruth_Private(nmf, nmf->W.data(), H, &tl));
  row[2 * k] = tl.full;
  if (H != nmf->H) PetscCall(VecDestroy(&H));
  PetscFunctionReturn(0);
}
