/* The matched clustering of NMFk (doc/select_k.md): R runs of k spectra grouped into k groups,
   each run giving one spectrum to each group, by an optimal assignment (the Hungarian method)
   against centroids that move to the normalized mean of their group; and the silhouettes of the
   groups under the cosine distance.  Every rank computes the same thing from the same replicated
   spectra. */
#include <smoothnmf/private/nmfimpl.h>
#include <petscblaslapack.h>
#include <algorithm>
#include <cmath>
#include <limits>

/* The assignment of rows to columns of the k x k cost matrix (row-major) of least total cost:
   the shortest augmenting path form of the Hungarian method, O(k^3).  assign[row] = column. */
PetscErrorCode NMFLinearAssignment_Private(PetscInt k, const double cost[], PetscInt assign[])
{
  const double          inf = std::numeric_limits<double>::infinity();
  std::vector<double>   u(k + 1, 0.0), v(k + 1, 0.0), minv(k + 1);
  std::vector<PetscInt> row_of(k + 1, 0), way(k + 1, 0); /* row_of[col]: the row matched to col (1-based, 0: none) */
  std::vector<char>     used(k + 1);

  PetscFunctionBegin;
  for (PetscInt i = 1; i <= k; i++) { /* add row i, then augment along the shortest path */
    row_of[0]    = i;
    PetscInt col = 0;
    std::fill(minv.begin(), minv.end(), inf);
    std::fill(used.begin(), used.end(), 0);
    do {
      used[col]            = 1;
      const PetscInt r     = row_of[col];
      double         delta = inf;
      PetscInt       next  = 0;
      for (PetscInt j = 1; j <= k; j++)
        if (!used[j]) {
          const double reduced = cost[(r - 1) * k + (j - 1)] - u[r] - v[j]; /* the reduced cost, >= 0 */
          if (reduced < minv[j]) {
            minv[j] = reduced;
            way[j]  = col;
          }
          if (minv[j] < delta) {
            delta = minv[j];
            next  = j;
          }
        }
      for (PetscInt j = 0; j <= k; j++)
        if (used[j]) {
          u[row_of[j]] += delta;
          v[j] -= delta;
        } else
          minv[j] -= delta;
      col = next;
    } while (row_of[col] != 0);
    do { /* flip the path */
      const PetscInt prev = way[col];
      row_of[col]         = row_of[prev];
      col                 = prev;
    } while (col);
  }
  for (PetscInt j = 1; j <= k; j++) assign[row_of[j] - 1] = j - 1;
  PetscFunctionReturn(0);
}

static void Normalize(PetscInt n, double *x)
{
  double s = 0;
  for (PetscInt i = 0; i < n; i++) s += x[i] * x[i];
  s = s > 0 ? 1 / std::sqrt(s) : 0;
  for (PetscInt i = 0; i < n; i++) x[i] *= s;
}

PetscErrorCode NMFMatchedClusters_Private(PetscInt R, PetscInt k, PetscInt n, const double spectra[], const double init[], std::vector<PetscInt> &label)
{
  std::vector<double>   centroid(init, init + (size_t)k * n), cost((size_t)k * k);
  std::vector<PetscInt> assign(k), previous;

  PetscFunctionBegin;
  label.assign((size_t)R * k, -1);
  for (int it = 0; it < 100 && label != previous; it++) {
    previous = label;
    for (PetscInt r = 0; r < R; r++) {
      const double *s = spectra + (size_t)r * k * n;
      for (PetscInt c = 0; c < k; c++) /* cost of giving run r's spectrum j to group c: -cos */
        for (PetscInt j = 0; j < k; j++) {
          double d = 0;
          for (PetscInt i = 0; i < n; i++) d += centroid[(size_t)c * n + i] * s[(size_t)j * n + i];
          cost[c * k + j] = -d;
        }
      PetscCall(NMFLinearAssignment_Private(k, cost.data(), assign.data()));
      for (PetscInt c = 0; c < k; c++) label[(size_t)r * k + assign[c]] = c;
    }
    std::fill(centroid.begin(), centroid.end(), 0.0); /* the normalized means */
    for (PetscInt r = 0; r < R; r++)
      for (PetscInt j = 0; j < k; j++) {
        const double *s = spectra + ((size_t)r * k + j) * n;
        double       *m = centroid.data() + (size_t)label[(size_t)r * k + j] * n;
        for (PetscInt i = 0; i < n; i++) m[i] += s[i];
      }
    for (PetscInt c = 0; c < k; c++) Normalize(n, centroid.data() + (size_t)c * n);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSilhouettes_Private(PetscInt R, PetscInt k, PetscInt n, const double spectra[], const std::vector<PetscInt> &label, double *smin, double *smean)
{
  const PetscInt N = R * k;

  PetscFunctionBegin;
  if (k == 1) { /* one group: nothing to be confused with */
    *smin = *smean = 1;
    PetscFunctionReturn(0);
  }
  /* the cosines of every pair: A^T A with A the n x N matrix of the unit spectra (BLAS) */
  std::vector<double> cosines((size_t)N * N);
  PetscBLASInt        bn, bN;
  const double        one = 1, zero = 0;
  PetscCall(PetscBLASIntCast(n, &bn));
  PetscCall(PetscBLASIntCast(N, &bN));
  PetscCallBLAS("BLASgemm", BLASgemm_("T", "N", &bN, &bN, &bn, &one, spectra, &bn, spectra, &bn, &zero, cosines.data(), &bN));
  std::vector<double> group_sum(k, 0.0), mean_dist(k);
  double              total = 0;
  for (PetscInt a = 0; a < N; a++) {
    std::fill(mean_dist.begin(), mean_dist.end(), 0.0);
    for (PetscInt b = 0; b < N; b++)
      if (b != a) mean_dist[label[b]] += PetscMax(0.0, 1 - cosines[(size_t)a * N + b]); /* the cosine distance */
    const PetscInt own  = label[a];
    double         near = std::numeric_limits<double>::infinity();
    for (PetscInt c = 0; c < k; c++) {
      mean_dist[c] /= (c == own ? R - 1 : R);
      if (c != own) near = PetscMin(near, mean_dist[c]);
    }
    const double far = mean_dist[own], den = PetscMax(far, near);
    const double s = den > 0 ? (near - far) / den : 0; /* s = (b - a) / max(a, b) */
    group_sum[own] += s;
    total += s;
  }
  double lo = std::numeric_limits<double>::infinity();
  for (PetscInt c = 0; c < k; c++) lo = PetscMin(lo, group_sum[c] / R);
  *smin  = lo;
  *smean = total / N;
  PetscFunctionReturn(0);
}
