/* One iteration of the solver (H step, W step, losses; spec sections 4, 5 and 7) through the
   public API, against a dense serial re-implementation written from the spec.  Every rank builds
   the whole small keyed problem and computes the reference itself.  Registered at 1 and 3 ranks. */
#include "unit_helpers.h"
#include <petscblaslapack.h>

/* the problem; m = 0 means G = identity, ny = 0 a map without shape */
struct Problem {
  PetscInt            n, m, k, ny, nx;
  bool                simplex, normalize;
  std::vector<double> mu;
  double              lambda, gamma, eps_reg;
  PetscInt            p() const { return ny > 0 ? ny * nx : nx; }
  PetscInt            rows() const { return m > 0 ? m : n; } /* rows of W */
};

static double KeyX(PetscInt q, PetscInt i) { return 1 + 0.6 * std::sin(0.37 * i + 1.1 * q + 0.2) + 0.3 * std::cos(0.5 * q + 0.9 * i); }
static double KeyG(PetscInt i, PetscInt j) { return 0.2 + std::pow(std::cos(0.8 * i + 1.9 * j), 2); }
static double KeyW0(PetscInt j, PetscInt c) { return 0.5 + std::pow(std::sin(0.6 * j + 1.4 * c), 2); }
static double KeyH0(PetscInt q, PetscInt c) { return 0.2 + std::pow(std::cos(0.31 * q + 2.2 * c), 2); }
/* masks: a few entries held (>= 0), the others free (-1) */
static double KeyFixedW(PetscInt j, PetscInt c) { return (j == 1 && c == 2) ? 0.25 : (j == 3 && c == 0) ? 1.5
                                                                                                        : -1; }
static double KeyFixedH(PetscInt q, PetscInt c) { return (q * 3 + c) % 7 == 2 ? 0.05 + 0.01 * (q % 5) : -1; }

static std::vector<double> RowMajor(PetscInt r, PetscInt c, double (*f)(PetscInt, PetscInt)) { return KeyedFull(r, c, f); }

/* D = G W (n x k), or W itself for the identity G */
static std::vector<double> GTimes(const Problem &pb, const std::vector<double> &G, const std::vector<double> &W)
{
  if (pb.m == 0) return W;
  std::vector<double> D(pb.n * pb.k, 0.0);
  for (PetscInt i = 0; i < pb.n; i++)
    for (PetscInt c = 0; c < pb.k; c++)
      for (PetscInt j = 0; j < pb.m; j++) D[i * pb.k + c] += G[i * pb.m + j] * W[j * pb.k + c];
  return D;
}

/* spec section 5: KL, log and Laplacian terms of (W, H), each / (n p); X already prepared */
static std::vector<double> Losses(const Problem &pb, const std::vector<double> &X, const std::vector<double> &G, const std::vector<double> &W, const std::vector<double> &H, double constKL)
{
  const PetscInt      n = pb.n, k = pb.k, p = pb.p();
  const double        eps  = 1e-14;
  std::vector<double> D    = GTimes(pb, G, W);
  double              sumY = 0, sumXlogY = 0, logreg = 0, lapl = 0;
  for (PetscInt q = 0; q < p; q++)
    for (PetscInt i = 0; i < n; i++) {
      double y = 0;
      for (PetscInt c = 0; c < k; c++) y += std::max(D[i * k + c], eps) * std::max(H[q * k + c], eps); /* Y = max(GW, eps) max(H, eps) */
      sumY += y;
      sumXlogY += std::max(X[q * n + i], eps) * std::log(y);
    }
  const std::vector<double> HL = DenseApplyLaplacian(DenseLaplacian(pb.ny, pb.nx), H, p, k);
  for (PetscInt q = 0; q < p; q++)
    for (PetscInt c = 0; c < k; c++) {
      logreg += pb.mu[pb.mu.size() == 1 ? 0 : c] * std::log(H[q * k + c] + pb.eps_reg); /* mu_c log(H + eps_reg) */
      lapl += H[q * k + c] * HL[q * k + c];                                             /* H .* (H Delta) */
    }
  const double np = (double)n * p, kl = (sumY - sumXlogY + constKL) / np;
  return {kl + logreg / np + 0.5 * pb.lambda * lapl / np, kl, logreg / np, 0.5 * pb.lambda * lapl / np};
}

/* max |new - old| / (new + tol mean(new)) */
static double RelChange(const std::vector<double> &nw, const std::vector<double> &old, double tol)
{
  double mean = 0, r = 0;
  for (double v : nw) mean += v / nw.size();
  for (size_t e = 0; e < nw.size(); e++) r = std::max(r, std::abs(nw[e] - old[e]) / (nw[e] + tol * mean));
  return r;
}

struct Result {
  std::vector<double> W, H, GW, losses; /* losses: the 7 columns of the first (only) iteration */
  double              recon;
};

/* The serial reference of one iteration from W0, H0 (spec sections 1, 4, 5, 7). */
static Result Reference(const Problem &pb)
{
  const PetscInt      n = pb.n, k = pb.k, p = pb.p(), m = pb.rows();
  const double        eps = 1e-14, gamma = pb.gamma > 0 ? pb.gamma : 8.0, lg = pb.lambda * gamma;
  std::vector<double> X = KeyedFull(p, n, KeyX), G = pb.m ? RowMajor(n, m, KeyG) : std::vector<double>();
  std::vector<double> W0 = RowMajor(m, k, KeyW0), H0 = KeyedFull(p, k, KeyH0);
  std::vector<double> fixW = RowMajor(m, k, KeyFixedW), fixH = KeyedFull(p, k, KeyFixedH);

  /* section 1: normalize X <- f X, f = k / (mean(X) n); const_KL = sum X log max(X, eps) - sum X */
  double f = 1, constKL = 0;
  if (pb.normalize) {
    double mean = 0;
    for (double x : X) mean += x / X.size();
    f = k / (mean * n);
    for (double &x : X) x *= f;
  }
  for (double x : X) constKL += x * std::log(std::max(x, eps)) - x;

  /* H step */
  const std::vector<double> D = GTimes(pb, G, W0), HL = DenseApplyLaplacian(DenseLaplacian(pb.ny, pb.nx), H0, p, k);
  std::vector<double>       colsumD(k, 0.0), M(k, -INFINITY), num(p * k, 0.0), den(p * k), nu(p, 0.0), H1(p * k);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt c = 0; c < k; c++) colsumD[c] += D[i * k + c];
  for (PetscInt q = 0; q < p; q++)
    for (PetscInt c = 0; c < k; c++) M[c] = std::max(M[c], H0[q * k + c]); /* M = row max of H over all pixels */
  for (PetscInt q = 0; q < p; q++) {
    for (PetscInt i = 0; i < n; i++) {
      double y = 0;
      for (PetscInt c = 0; c < k; c++) y += D[i * k + c] * H0[q * k + c];
      for (PetscInt c = 0; c < k; c++) num[q * k + c] += D[i * k + c] * X[q * n + i] / y; /* num = D^T (X / Y) */
    }
    for (PetscInt c = 0; c < k; c++) {
      const PetscInt e = q * k + c;
      den[e]           = colsumD[c] + pb.mu[pb.mu.size() == 1 ? 0 : c] / (H0[e] + pb.eps_reg); /* den = colsum(D) + mu / (H + eps_reg) */
      num[e] += lg * M[c];                                                                     /* num += lambda_L gamma M */
      den[e] += lg * M[c] + pb.lambda * HL[e];                                                 /* den += lambda_L gamma M + lambda_L H Delta */
      num[e] *= H0[e];                                                                         /* num <- H num */
    }
  }
  if (pb.simplex) nu = SerialSimplexNu(k, p, num.data(), den.data(), eps, 1e-5, true);
  for (PetscInt q = 0; q < p; q++)
    for (PetscInt c = 0; c < k; c++) {
      const PetscInt e = q * k + c;
      H1[e]            = fixH[e] >= 0 ? fixH[e] : std::max(num[e] / (den[e] + nu[q]), eps); /* H = max(num / (den + nu), eps), fixed_H */
    }

  /* W step with H1: W = W (G^T (X / (G W H1)) H1^T) / (colsum(G)^T rowsum(H1)^T) */
  std::vector<double> A(n * k, 0.0), rowsumH(k, 0.0), W1(m * k);
  for (PetscInt q = 0; q < p; q++) {
    for (PetscInt i = 0; i < n; i++) {
      double y = 0;
      for (PetscInt c = 0; c < k; c++) y += D[i * k + c] * H1[q * k + c];
      for (PetscInt c = 0; c < k; c++) A[i * k + c] += X[q * n + i] / y * H1[q * k + c]; /* A = (X / Y) H1^T */
    }
    for (PetscInt c = 0; c < k; c++) rowsumH[c] += H1[q * k + c];
  }
  for (PetscInt j = 0; j < m; j++)
    for (PetscInt c = 0; c < k; c++) {
      double GtA = pb.m ? 0 : A[j * k + c], colsumG = pb.m ? 0 : 1;
      for (PetscInt i = 0; pb.m && i < n; i++) {
        GtA += G[i * m + j] * A[i * k + c];
        colsumG += G[i * m + j];
      }
      const PetscInt e = j * k + c;
      W1[e]            = fixW[e] >= 0 ? fixW[e] : std::max(W0[e] * GtA / (colsumG * rowsumH[c]), eps);
    }

  Result r;
  r.losses = Losses(pb, X, G, W1, H1, constKL);
  r.losses.push_back(gamma);
  r.losses.push_back(RelChange(W1, W0, 1e-4)); /* rel_W, tol = 1e-4 */
  r.losses.push_back(RelChange(H1, H0, 1e-4)); /* rel_H */

  /* section 7 without the simplex: s = lstsq(H^T, 1), W <- W diag(1/s), H <- diag(s) H */
  if (!pb.simplex) {
    std::vector<double> At(p * k), b(p, 1.0);
    for (PetscInt q = 0; q < p; q++)
      for (PetscInt c = 0; c < k; c++) At[c * p + q] = H1[q * k + c]; /* H^T, p x k column-major */
    PetscBLASInt        bp = (PetscBLASInt)p, bk = (PetscBLASInt)k, one = 1, lwork = 64 * (p + k), info;
    std::vector<double> work(lwork);
    LAPACKgels_("N", &bp, &bk, &one, At.data(), &bp, b.data(), &bp, work.data(), &lwork, &info); /* QR least squares */
    REQUIRE(info == 0);
    for (PetscInt c = 0; c < k; c++) REQUIRE(b[c] > 0); /* the NNLS branch is not exercised here */
    for (PetscInt j = 0; j < m; j++)
      for (PetscInt c = 0; c < k; c++) W1[j * k + c] /= b[c];
    for (PetscInt q = 0; q < p; q++)
      for (PetscInt c = 0; c < k; c++) H1[q * k + c] *= b[c];
  }
  r.recon = Losses(pb, X, G, W1, H1, constKL)[0]; /* reconstruction_err: the loss of the final W, H */
  for (double &w : W1) w /= f;                    /* W <- W / f */
  r.W  = W1;
  r.H  = H1;
  r.GW = GTimes(pb, G, W1);
  return r;
}

/* the same iteration by the solver on PETSC_COMM_WORLD, compared with the reference */
static void CheckOneIteration(const Problem &pb)
{
  const PetscInt m = pb.rows(), k = pb.k;
  NMF            nmf = MakeKeyedNMF(PETSC_COMM_WORLD, pb.n, pb.ny, pb.nx, k, KeyX);
  DM             daH;
  if (pb.m) PCALL(NMFSetG(nmf, pb.n, pb.m, RowMajor(pb.n, pb.m, KeyG).data()));
  PCALL(NMFSetInitialW(nmf, m, k, RowMajor(m, k, KeyW0).data()));
  PCALL(NMFSetFixedW(nmf, m, k, RowMajor(m, k, KeyFixedW).data()));
  PCALL(NMFGetAbundanceDM(nmf, &daH));
  Vec H0 = KeyedVec(daH, KeyH0), fixH = KeyedVec(daH, KeyFixedH);
  PCALL(NMFSetInitialH(nmf, H0));
  PCALL(NMFSetFixedH(nmf, fixH));
  PCALL(NMFSetMu(nmf, (PetscInt)pb.mu.size(), pb.mu.data()));
  PCALL(NMFSetLambdaL(nmf, pb.lambda));
  if (pb.gamma > 0) PCALL(NMFSetGamma(nmf, pb.gamma));
  PCALL(NMFSetEpsilonReg(nmf, pb.eps_reg));
  PCALL(NMFSetForceSimplex(nmf, pb.simplex ? PETSC_TRUE : PETSC_FALSE));
  PCALL(NMFSetNormalize(nmf, pb.normalize ? PETSC_TRUE : PETSC_FALSE));
  PCALL(NMFSetMaxIter(nmf, 1));
  PCALL(NMFSetNoStopCriterion(nmf, PETSC_TRUE));
  PCALL(NMFSolve(nmf));

  const Result     ref = Reference(pb);
  PetscInt         mm, kk, nn, niter, ncol;
  const PetscReal *W, *GW, *table;
  Vec              H;
  double           recon;
  PCALL(NMFGetW(nmf, &mm, &kk, &W));
  PCALL(NMFGetGW(nmf, &nn, &kk, &GW));
  PCALL(NMFGetH(nmf, &H));
  PCALL(NMFGetLosses(nmf, &niter, &ncol, &table));
  PCALL(NMFGetReconstructionError(nmf, &recon));
  REQUIRE(mm == m);
  REQUIRE(niter == 1);
  REQUIRE(ncol >= 7);
  CHECK(MaxRelErr(std::vector<double>(W, W + m * k), ref.W) <= 1e-10);
  CHECK(MaxRelErr(std::vector<double>(GW, GW + pb.n * k), ref.GW) <= 1e-10);
  CHECK(MaxRelErr(GatherPixels(daH, H), ref.H) <= 1e-10);
  for (PetscInt j = 0; j < 7; j++) {
    INFO("losses column " << j << " (" << NMFLossNames[j] << ")");
    CHECK(RelDiff(table[j * niter], ref.losses[j]) <= 1e-10); /* column j at table[j n_iter + i] */
  }
  CHECK(RelDiff(recon, ref.recon) <= 1e-10);
  PCALL(VecDestroy(&H0));
  PCALL(VecDestroy(&fixH));
  PCALL(NMFDestroy(&nmf));
}

TEST_CASE("one iteration: simplex, G, mu per component, lambda_L, fixed W and H, image", "[updates]")
{
  /* 6 channels, G 6 x 4, k = 3, a 4 x 5 image, gamma given */
  const Problem pb{6, 4, 3, 4, 5, true, false, {0.1, 0.0, 0.3}, 0.7, 5.0, 0.5};
  CheckOneIteration(pb);
}

TEST_CASE("one iteration: no simplex (final rescale), identity G, normalize, no shape", "[updates]")
{
  /* 5 channels, G = I, k = 3, 13 pixels without shape (Delta = I), scalar mu, default gamma */
  const Problem pb{5, 0, 3, 0, 13, false, true, {0.2}, 0.4, 0.0, 1.0};
  CheckOneIteration(pb);
}

TEST_CASE("one iteration: simplex without regularization (lambda_L = 0, mu = 0)", "[updates]")
{
  /* lambda_L = 0 and mu = 0: the plain KL multiplicative update with the simplex */
  const Problem pb{7, 0, 2, 3, 4, true, false, {0.0}, 0.0, 0.0, 1.0};
  CheckOneIteration(pb);
}
