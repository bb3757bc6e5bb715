/* The few leading eigenpairs of the Gram matrix C = X X^T (n x n, symmetric positive
   semidefinite) for the nndsvd initializations and the scree, by a block Krylov method: the
   basis Q grows a block of b = N + 8 vectors at a time (each new block is C times the last,
   orthogonalized twice against all of Q), and the Rayleigh-Ritz pairs of Q^T C Q are accepted
   once each of the N leading ones has a residual |C u - theta u| <= 1e-12 theta_max.
   A block of at least N vectors finds repeated leading eigenvalues too; a block that becomes
   linearly dependent (a rank-deficient C) is refilled with random vectors.  Where the method
   would need more than min(n, 400) basis vectors it reports no convergence and the caller uses
   LAPACK's syevx instead.  Its cost is a few products C Q (n^2 b each) instead of the n^3
   reduction of a dense eigensolver. */
#include "nmf_impl.h"
#include <petscblaslapack.h>
#include <algorithm>
#include <cmath>

enum { STREAM_KRYLOV = 101 }; /* the random start, keyed like every other draw */

/* Y (n x b, row-major) = C (n x n, full, symmetric) B (n x b, row-major): one sweep over C */
static void MultiplyBlock(PetscInt n, PetscInt b, const double *C, const double *B, double *Y)
{
  for (PetscInt i = 0; i < n; i++) {
    const double *ci = C + (size_t)i * n;
    double       *yi = Y + (size_t)i * b;
    for (PetscInt c = 0; c < b; c++) yi[c] = 0;
    for (PetscInt j = 0; j < n; j++) {
      const double  a  = ci[j];
      const double *bj = B + (size_t)j * b;
#pragma omp simd
      for (PetscInt c = 0; c < b; c++) yi[c] += a * bj[c]; /* Y[i, :] += C[i, j] B[j, :] */
    }
  }
}

/* v (length n) orthogonalized against the M columns of Q (column-major n x M), twice (classical
   Gram-Schmidt with reorthogonalization), then normalized; returns its norm before normalization
   relative to its norm at the start */
static double Orthonormalize(PetscInt n, PetscInt M, const double *Q, double *v)
{
  double norm0 = 0;
  for (PetscInt i = 0; i < n; i++) norm0 += v[i] * v[i];
  norm0 = std::sqrt(norm0);
  for (int pass = 0; pass < 2; pass++)
    for (PetscInt j = 0; j < M; j++) {
      const double *qj = Q + (size_t)j * n;
      double        d  = 0;
      for (PetscInt i = 0; i < n; i++) d += qj[i] * v[i];
      for (PetscInt i = 0; i < n; i++) v[i] -= d * qj[i]; /* v <- v - (q_j . v) q_j */
    }
  double norm = 0;
  for (PetscInt i = 0; i < n; i++) norm += v[i] * v[i];
  norm = std::sqrt(norm);
  if (norm > 0)
    for (PetscInt i = 0; i < n; i++) v[i] /= norm;
  return norm0 > 0 ? norm / norm0 : 0.0;
}

PetscErrorCode NMFLeadingEigenpairs_Private(PetscInt n, const double *C, PetscInt N, double *w, double *Z, PetscInt *basis, PetscBool *converged)
{
  const PetscInt      b = PetscMin(N + 8, n), Mmax = PetscMin(n, (PetscInt)400);
  std::vector<double> Q, CQ, T, P((size_t)Mmax * Mmax), block(n * b), Y(n * b), v(n);
  PetscInt            M = 0, draws = 0;

  PetscFunctionBegin;
  *converged = PETSC_FALSE;
  *basis     = 0;
  /* the start: b random vectors */
  for (PetscInt e = 0; e < n * b; e++) block[e] = NMFKeyedNormal_Private(1, STREAM_KRYLOV, draws++);
  while (M + b <= Mmax) {
    /* the block's columns, orthonormal against Q and each other (a dependent one is redrawn) */
    for (PetscInt c = 0; c < b; c++) {
      for (PetscInt i = 0; i < n; i++) v[i] = block[i * b + c];
      Q.resize((size_t)(M + 1) * n);
      int tries = 0;
      while (Orthonormalize(n, M, Q.data(), v.data()) < 1e-8) {
        if (++tries == 4) PetscFunctionReturn(0); /* no independent direction left: not converged */
        for (PetscInt i = 0; i < n; i++) v[i] = NMFKeyedNormal_Private(1, STREAM_KRYLOV, draws++);
      }
      std::copy(v.begin(), v.end(), Q.begin() + (size_t)M * n);
      for (PetscInt i = 0; i < n; i++) block[i * b + c] = v[i];
      M++;
    }
    MultiplyBlock(n, b, C, block.data(), Y.data()); /* Y = C B */
    CQ.resize((size_t)M * n);
    for (PetscInt c = 0; c < b; c++)
      for (PetscInt i = 0; i < n; i++) CQ[(size_t)(M - b + c) * n + i] = Y[i * b + c];

    /* Rayleigh-Ritz: T = Q^T C Q (M x M), all its eigenpairs; the projection P = Q^T C Q grows by
       the new block's columns (and rows, by symmetry) only */
    for (PetscInt c = M - b; c < M; c++)
      for (PetscInt r = 0; r <= c; r++) {
        double d = 0;
        for (PetscInt i = 0; i < n; i++) d += Q[(size_t)r * n + i] * CQ[(size_t)c * n + i];
        P[(size_t)c * Mmax + r] = P[(size_t)r * Mmax + c] = d;
      }
    T.resize((size_t)M * M);
    for (PetscInt c = 0; c < M; c++) std::copy(P.begin() + (size_t)c * Mmax, P.begin() + (size_t)c * Mmax + M, T.begin() + (size_t)c * M);
    std::vector<double> theta(M), work(1);
    PetscBLASInt        bM, lwork = -1, info = 0;
    PetscCall(PetscBLASIntCast(M, &bM));
    PetscCallBLAS("LAPACKsyev", LAPACKsyev_("V", "U", &bM, T.data(), &bM, theta.data(), work.data(), &lwork, &info));
    lwork = (PetscBLASInt)work[0];
    work.resize(lwork);
    PetscCallBLAS("LAPACKsyev", LAPACKsyev_("V", "U", &bM, T.data(), &bM, theta.data(), work.data(), &lwork, &info));
    if (info != 0) PetscFunctionReturn(0); /* not converged: the caller falls back to syevx (rank 0 alone runs this: no error return) */

    /* the N leading Ritz pairs (theta ascends) and their residuals */
    const double scale = PetscMax(theta[M - 1], 0.0);
    bool         done  = true;
    for (PetscInt j = 0; j < N && done; j++) {
      const double *s = T.data() + (size_t)(M - 1 - j) * M;
      double       *u = Z + (size_t)j * n, rr = 0;
      std::fill(u, u + n, 0.0);
      std::fill(v.begin(), v.end(), 0.0);
      for (PetscInt r = 0; r < M; r++) /* u = Q s, v = C Q s, column by column */
        for (PetscInt i = 0; i < n; i++) {
          u[i] += Q[(size_t)r * n + i] * s[r];
          v[i] += CQ[(size_t)r * n + i] * s[r];
        }
      for (PetscInt i = 0; i < n; i++) rr += (v[i] - theta[M - 1 - j] * u[i]) * (v[i] - theta[M - 1 - j] * u[i]); /* |C u - theta u|^2 */
      w[j] = theta[M - 1 - j];
      done = std::sqrt(rr) <= 1e-12 * scale;
    }
    if (done) {
      *converged = PETSC_TRUE;
      *basis     = M;
      break;
    }
    std::copy(Y.begin(), Y.end(), block.begin()); /* the next block: C B, orthogonalized above */
  }
  PetscFunctionReturn(0);
}
