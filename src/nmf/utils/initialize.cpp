/* Initial W and H (doc/algorithm.md, section 3): custom, least squares from one given factor,
   random, and the nndsvd family from a distributed truncated SVD of X; the same SVD gives the
   scree (the leading singular values of X) when asked for.  Random draws are
   keyed by (random_state, stream, global index of the entry), never by rank. */
#include <smoothnmf/private/nmfimpl.h>
#include <petscblaslapack.h>
#include <algorithm>
#include <cmath>

enum { STREAM_D      = 1,
       STREAM_H      = 2,
       STREAM_D_FILL = 3,
       STREAM_H_FILL = 4 };

static inline uint64_t SplitMix64(uint64_t z)
{
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* A standard normal draw that depends only on (seed, stream, index): Box-Muller on two
   counter-based uniforms. */
double NMFKeyedNormal_Private(PetscInt64 seed, PetscInt64 stream, PetscInt64 index)
{
  const uint64_t key = SplitMix64(SplitMix64((uint64_t)seed) ^ ((uint64_t)stream << 56)) ^ (uint64_t)index;
  const uint64_t r1 = SplitMix64(key * 2), r2 = SplitMix64(key * 2 + 1);
  const double   u1 = ((r1 >> 11) + 0.5) * 0x1.0p-53, u2 = (r2 >> 11) * 0x1.0p-53;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * PETSC_PI * u2);
}

/* Least squares min ||A x - b|| for nrhs right-hand sides by LAPACK's SVD solver (as numpy's
   lstsq, minimum norm, rcond = eps max(rows, cols)).  A: rows x cols column-major (destroyed);
   B: max(rows, cols) x nrhs column-major, the solution in its first cols rows. */
PetscErrorCode NMFLeastSquares_Private(PetscInt rows, PetscInt cols, PetscInt nrhs, double *A, double *B)
{
  PetscBLASInt m, n, nr, lda, ldb, rank, lwork = -1, info;
  PetscReal    rcond = PETSC_MACHINE_EPSILON * PetscMax(rows, cols), wq;

  PetscFunctionBegin;
  PetscCall(PetscBLASIntCast(rows, &m));
  PetscCall(PetscBLASIntCast(cols, &n));
  PetscCall(PetscBLASIntCast(nrhs, &nr));
  lda = PetscMax(m, 1);
  ldb = PetscMax(PetscMax(m, n), 1);
  std::vector<PetscReal> s(PetscMin(rows, cols) + 1);
  PetscCallBLAS("LAPACKgelss", LAPACKgelss_(&m, &n, &nr, A, &lda, B, &ldb, s.data(), &rcond, &rank, &wq, &lwork, &info));
  lwork = (PetscBLASInt)wq;
  std::vector<PetscReal> work(lwork);
  PetscCallBLAS("LAPACKgelss", LAPACKgelss_(&m, &n, &nr, A, &lda, B, &ldb, s.data(), &rcond, &rank, work.data(), &lwork, &info));
  PetscCheck(info == 0, PETSC_COMM_SELF, PETSC_ERR_LIB, "LAPACK gelss failed (info %d)", (int)info);
  PetscFunctionReturn(0);
}

/* W from the spectra D: W = D without G; with G, W = max(lstsq(G, D), 0) (a generic solve in
   place of espm's EDX-specific two-part fit). */
static PetscErrorCode WFromSpectra(NMF nmf, const std::vector<double> &D)
{
  const PetscInt n = nmf->n, k = nmf->k, m = nmf->m;

  PetscFunctionBegin;
  if (nmf->G.empty()) {
    nmf->W = D;
    PetscFunctionReturn(0);
  }
  std::vector<double> A(n * m), B(PetscMax(n, m) * k, 0.0);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < m; j++) A[j * n + i] = nmf->G[i * m + j];
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt c = 0; c < k; c++) B[c * PetscMax(n, m) + i] = D[i * k + c];
  PetscCall(NMFLeastSquares_Private(n, m, k, A.data(), B.data()));
  nmf->W.assign(m * k, 0.0);
  for (PetscInt j = 0; j < m; j++)
    for (PetscInt c = 0; c < k; c++) nmf->W[j * k + c] = PetscMax(B[c * PetscMax(n, m) + j], 0.0);
  PetscFunctionReturn(0);
}

/* the mean of X as prepared (its sum is taken by NMFPrepareData_Private) */
static PetscErrorCode GlobalMeanX(NMF nmf, double *mean)
{
  PetscFunctionBegin;
  *mean = nmf->x_sum / ((double)nmf->n_data * (double)nmf->p_data); /* over the unmasked entries */
  PetscFunctionReturn(0);
}

/* scikit-learn's _initialize_nmf applied to X (n x p): D (n x k) and H (k x p, pixel-major here). */
static PetscErrorCode SklearnInit(NMF nmf, NMFInitType init, std::vector<double> &D, double *H)
{
  const PetscInt n = nmf->n, k = nmf->k, pl = nmf->p_local;
  double         mean = 0;

  PetscFunctionBegin;
  PetscCall(GlobalMeanX(nmf, &mean));
  D.assign(n * k, 0.0);
  if (init == NMF_INIT_RANDOM) {
    const double avg = std::sqrt(mean / k); /* a = sqrt(mean(X) / k) */
    for (PetscInt e = 0; e < n * k; e++) D[e] = avg * PetscAbsReal(NMFKeyedNormal_Private(nmf->random_state, STREAM_D, e));
    for (PetscInt q = 0; q < pl; q++) {
      PetscInt qg;
      PetscCall(NMFGlobalPixelIndex_Private(nmf, q, &qg));
      for (PetscInt c = 0; c < k; c++) H[q * k + c] = avg * PetscAbsReal(NMFKeyedNormal_Private(nmf->random_state, STREAM_H, (PetscInt64)qg * k + c));
    }
    PetscFunctionReturn(0);
  }
  std::vector<double> U, S;
  double              ss;
  /* one SVD for the initialization and the scree; H holds V^T for now */
  PetscCall(NMFLeadingSingularVectors_Private(nmf, PetscMax(k, nmf->scree_n), k, S, U, H, nmf->scree_n > 0 ? &ss : NULL));
  if (nmf->scree_n > 0) {
    nmf->scree.assign(S.begin(), S.begin() + nmf->scree_n);
    nmf->scree_sum_squares = ss;
  }
  S.resize(k);
  /* norms of the positive and negative parts of each V_j (global sums over pixels) */
  std::vector<double> vn(2 * k, 0.0);
  for (PetscInt q = 0; q < pl; q++)
    for (PetscInt j = 0; j < k; j++) {
      const double v = H[q * k + j];
      vn[2 * j + (v < 0)] += v * v;
    }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, vn.data(), (PetscMPIInt)(2 * k), MPI_DOUBLE, MPI_SUM, nmf->comm));
  for (PetscInt j = 0; j < k; j++) {
    double unp = 0, unn = 0;
    for (PetscInt i = 0; i < n; i++) {
      const double u = U[i * k + j];
      if (u > 0)
        unp += u * u;
      else
        unn += u * u;
    }
    unp              = std::sqrt(unp);
    unn              = std::sqrt(unn);
    const double vnp = std::sqrt(vn[2 * j]), vnn = std::sqrt(vn[2 * j + 1]);
    const double mp = unp * vnp, mn = unn * vnn;
    const bool   first = (j == 0);
    const bool   pos   = first || mp > mn; /* ties go to the negative part */
    const double sig   = first ? 1.0 : (pos ? mp : mn);
    const double lbd   = std::sqrt(S[j] * sig);
    const double un = first ? 1.0 : (pos ? unp : unn), vnrm = first ? 1.0 : (pos ? vnp : vnn);
    for (PetscInt i = 0; i < n; i++) {
      const double u    = U[i * k + j];
      const double part = first ? PetscAbsReal(u) : (pos ? PetscMax(u, 0.0) : PetscAbsReal(PetscMin(u, 0.0)));
      D[i * k + j]      = lbd * part / un;
    }
    for (PetscInt q = 0; q < pl; q++) {
      const double v    = H[q * k + j];
      const double part = first ? PetscAbsReal(v) : (pos ? PetscMax(v, 0.0) : PetscAbsReal(PetscMin(v, 0.0)));
      H[q * k + j]      = lbd * part / vnrm;
    }
  }
  for (double &d : D)
    if (d < 1e-6) d = 0;
  for (PetscInt e = 0; e < pl * k; e++)
    if (H[e] < 1e-6) H[e] = 0;
  if (init == NMF_INIT_NNDSVDA) {
    for (double &d : D)
      if (d == 0) d = mean;
    for (PetscInt e = 0; e < pl * k; e++)
      if (H[e] == 0) H[e] = mean;
  } else if (init == NMF_INIT_NNDSVDAR) {
    for (PetscInt e = 0; e < n * k; e++)
      if (D[e] == 0) D[e] = PetscAbsReal(mean * NMFKeyedNormal_Private(nmf->random_state, STREAM_D_FILL, e) / 100);
    for (PetscInt q = 0; q < pl; q++) {
      PetscInt qg;
      PetscCall(NMFGlobalPixelIndex_Private(nmf, q, &qg));
      for (PetscInt c = 0; c < k; c++)
        if (H[q * k + c] == 0) H[q * k + c] = PetscAbsReal(mean * NMFKeyedNormal_Private(nmf->random_state, STREAM_H_FILL, (PetscInt64)qg * k + c) / 100);
    }
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMFInitialize_Private(NMF nmf)
{
  const PetscInt n = nmf->n, k = nmf->k, pl = nmf->p_local;
  const PetscInt m   = nmf->G.empty() ? n : nmf->m;
  const double   eps = nmf->log_shift;
  PetscScalar   *H;

  PetscFunctionBegin;
  PetscCall(VecGetArray(nmf->H, &H));
  const bool haveW = !nmf->W_init.empty(), haveH = nmf->H_init != nullptr;
  if (haveH) PetscCall(VecCopy(nmf->H_init, nmf->H));
  nmf->init_used = NMF_INIT_CUSTOM;
  if (haveW && haveH) {
    nmf->W = nmf->W_init; /* custom: used as given */
  } else if (haveH) {
    /* D = |lstsq(H^T, X^T)|^T through the normal equations (H H^T) D^T = H X^T, summed over ranks */
    std::vector<double> HHt(k * k, 0.0), XHt(n * k, 0.0), D(n * k);
    PetscCall(NMFForPixelBlocks_Private(nmf, [&](PetscInt q0, PetscInt nb, const double *x) {
      for (PetscInt q = 0; q < nb; q++)
        for (PetscInt c = 0; c < k; c++) {
          const double hc = H[(q0 + q) * k + c];
          for (PetscInt d = 0; d < k; d++) HHt[c * k + d] += hc * H[(q0 + q) * k + d];
          for (PetscInt i = 0; i < n; i++) XHt[c * n + i] += x[q * n + i] * hc;
        }
      return PetscErrorCode(0);
    }));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, HHt.data(), (PetscMPIInt)(k * k), MPI_DOUBLE, MPI_SUM, nmf->comm));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, XHt.data(), (PetscMPIInt)(n * k), MPI_DOUBLE, MPI_SUM, nmf->comm));
    /* solve (H H^T) Z = H X^T with Z = D^T (k x n); column-major B: k x n is XHt transposed */
    std::vector<double> B(k * n);
    for (PetscInt c = 0; c < k; c++)
      for (PetscInt i = 0; i < n; i++) B[i * k + c] = XHt[c * n + i];
    PetscCall(NMFLeastSquares_Private(k, k, n, HHt.data(), B.data()));
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt c = 0; c < k; c++) D[i * k + c] = PetscAbsReal(B[i * k + c]);
    PetscCall(WFromSpectra(nmf, D));
  } else if (haveW) {
    /* H = |lstsq(G W, X)|, pixel by pixel in blocks; with force_simplex each column sums to 1 */
    nmf->W = nmf->W_init;
    std::vector<double> D(n * k), A(n * k);
    NMFComputeD_Private(nmf, nmf->W.data(), D.data());
    const PetscInt      ldb = PetscMax(n, k);
    std::vector<double> B(ldb * NMF_PIXEL_BLOCK);
    PetscCall(NMFForPixelBlocks_Private(nmf, [&](PetscInt q0, PetscInt nb, const double *x) {
      for (PetscInt i = 0; i < n; i++)
        for (PetscInt c = 0; c < k; c++) A[c * n + i] = D[i * k + c];
      for (PetscInt b = 0; b < nb; b++)
        for (PetscInt i = 0; i < n; i++) B[b * ldb + i] = x[b * n + i];
      PetscCall(NMFLeastSquares_Private(n, k, nb, A.data(), B.data()));
      for (PetscInt b = 0; b < nb; b++) {
        double s = 0;
        for (PetscInt c = 0; c < k; c++) s += PetscAbsReal(B[b * ldb + c]);
        for (PetscInt c = 0; c < k; c++) H[(q0 + b) * k + c] = PetscAbsReal(B[b * ldb + c]) / (nmf->force_simplex ? s : 1.0);
      }
      return PetscErrorCode(0);
    }));
  } else {
    NMFInitType init = nmf->init;
    if (init == NMF_INIT_DEFAULT) init = (k <= PetscMin(n, nmf->p)) ? NMF_INIT_NNDSVDA : NMF_INIT_RANDOM;
    PetscCheck(init == NMF_INIT_RANDOM || k <= PetscMin(n, nmf->p), nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "init %s needs n_components <= min(channels, pixels) = %" PetscInt_FMT ", not %" PetscInt_FMT "; use -nmf_init random", NMFInitTypes[init], PetscMin(n, nmf->p), k);
    nmf->init_used = init;
    std::vector<double> D;
    PetscCall(SklearnInit(nmf, init, D, H));
    if (nmf->force_simplex) {
      /* NaN -> 1/k; s = column sums of H; H <- H / s; D <- D mean(s) */
      double ssum = 0;
      for (PetscInt q = 0; q < pl; q++) {
        double s = 0;
        if (NMFPixelMasked_Private(nmf, q)) { /* no data: its start comes from the data pixels (NMFMaskedStart_Private) */
          for (PetscInt c = 0; c < k; c++) H[q * k + c] = 1.0 / k;
          continue;
        }
        for (PetscInt c = 0; c < k; c++) {
          if (PetscIsNanReal(H[q * k + c])) H[q * k + c] = 1.0 / k;
          s += H[q * k + c];
        }
        for (PetscInt c = 0; c < k; c++) H[q * k + c] /= s;
        ssum += s;
      }
      PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &ssum, 1, MPI_DOUBLE, MPI_SUM, nmf->comm));
      for (double &d : D) d *= ssum / nmf->p_data;
    }
    PetscCall(WFromSpectra(nmf, D));
  }
  if (nmf->scree_n > 0 && nmf->scree.empty()) { /* an initialization without the SVD */
    std::vector<double> U;
    PetscCall(NMFLeadingSingularVectors_Private(nmf, nmf->scree_n, 0, nmf->scree, U, NULL, &nmf->scree_sum_squares));
  }
  PetscCheck((PetscInt)nmf->W.size() == m * k, nmf->comm, PETSC_ERR_ARG_SIZ, "the initial W has %zu entries, expected %" PetscInt_FMT " x %" PetscInt_FMT, nmf->W.size(), m, k);
  for (double &w : nmf->W) w = PetscMax(w, eps);                    /* W <- max(W, eps) */
  for (PetscInt e = 0; e < pl * k; e++) H[e] = PetscMax(H[e], eps); /* H <- max(H, eps) */
  PetscCall(VecRestoreArray(nmf->H, &H));
  PetscFunctionReturn(0);
}
