/* Initializations (spec section 3) after NMFSetUp, read from the private struct (nmf->W, nmf->H):
   nndsvd / nndsvda / nndsvdar against a dense LAPACK SVD of the full X followed by
   scikit-learn's NNDSVD rules, the random init against the keyed draws by global index, and
   rank-count invariance of a random-init run (PETSC_COMM_WORLD against PETSC_COMM_SELF).
   Registered at 1 and 3 ranks. */
#include "unit_helpers.h"
#include <petscblaslapack.h>

static const PetscInt N = 8, NY = 5, NX = 6, P = NY * NX, K = 3, M = 5; /* M: columns of G */

/* X = Dt Ht + a small positive perturbation: k = 3 clear singular values, all X > 0; the last
   channel is scaled by 1e-7 so that its spectra entries fall under the 1e-6 threshold */
static double KeyX(PetscInt q, PetscInt i)
{
  double x = 0.02 * (1 + std::sin(2.1 * i + 0.37 * q));
  for (PetscInt c = 0; c < K; c++) x += (1 + std::cos(0.9 * i * (c + 1) + c)) * (1 + std::sin(0.45 * q + 2.1 * c));
  return i == N - 1 ? 1e-7 * x : x;
}
/* G: a peak per column (channel 1.7 j) on a flat floor, full column rank */
static double KeyG(PetscInt i, PetscInt j) { return 0.05 + std::exp(-0.5 * std::pow(i - 1.7 * j, 2)); }

/* the random streams of initialize.cpp (not in any header): D, H, and the nndsvdar fills */
enum { STREAM_D      = 1,
       STREAM_H      = 2,
       STREAM_D_FILL = 3,
       STREAM_H_FILL = 4 };

struct Init {
  std::vector<double> W, H; /* W: rows x K row-major; H: P x K pixel-major */
};

/* espm's last steps: force_simplex (H columns / their sums s, D * mean(s)), W from D, floors */
static Init Finish(std::vector<double> D, std::vector<double> H, bool simplex, bool withG)
{
  const double eps = 1e-14;
  if (simplex) {
    double ssum = 0;
    for (PetscInt q = 0; q < P; q++) {
      double s = 0;
      for (PetscInt c = 0; c < K; c++) s += std::isnan(H[q * K + c]) ? 1.0 / K : H[q * K + c];
      for (PetscInt c = 0; c < K; c++) H[q * K + c] = (std::isnan(H[q * K + c]) ? 1.0 / K : H[q * K + c]) / s; /* H <- H / s */
      ssum += s;
    }
    for (double &d : D) d *= ssum / P; /* D <- D mean(s) */
  }
  Init r;
  if (withG) { /* W = max(lstsq(G, D), 0), by QR (G has full column rank) */
    std::vector<double> G(N * M), B(N * K);
    for (PetscInt i = 0; i < N; i++)
      for (PetscInt j = 0; j < M; j++) G[j * N + i] = KeyG(i, j);
    for (PetscInt i = 0; i < N; i++)
      for (PetscInt c = 0; c < K; c++) B[c * N + i] = D[i * K + c];
    PetscBLASInt        bn = N, bm = M, bk = K, lwork = 256, info;
    std::vector<double> work(lwork);
    LAPACKgels_("N", &bn, &bm, &bk, G.data(), &bn, B.data(), &bn, work.data(), &lwork, &info);
    REQUIRE(info == 0);
    r.W.resize(M * K);
    for (PetscInt j = 0; j < M; j++)
      for (PetscInt c = 0; c < K; c++) r.W[j * K + c] = std::max(B[c * N + j], 0.0);
  } else
    r.W = D; /* W = D without G */
  r.H = H;
  for (double &w : r.W) w = std::max(w, eps); /* W <- max(W, eps), H <- max(H, eps) */
  for (double &h : r.H) h = std::max(h, eps);
  return r;
}

static double MeanX(const std::vector<double> &X)
{
  double s = 0;
  for (double x : X) s += x;
  return s / X.size();
}

/* scikit-learn's _initialize_nmf (nndsvd family) on the full X (N x P), from a dense SVD */
static Init SerialNNDSVD(NMFInitType init, PetscInt64 seed, bool simplex, bool withG)
{
  std::vector<double> X = KeyedFull(P, N, KeyX), A = X; /* pixel-major = column-major N x P */
  const PetscInt      mn = std::min(N, P);
  std::vector<double> S(mn), U(N * mn), VT(mn * P), work(1024);
  PetscBLASInt        bn = N, bp = P, bmn = mn, lwork = 1024, info;
  LAPACKgesvd_("S", "S", &bn, &bp, A.data(), &bn, S.data(), U.data(), &bn, VT.data(), &bmn, work.data(), &lwork, &info); /* X = U S V^T */
  REQUIRE(info == 0);
  std::vector<double> D(N * K), H(P * K);
  for (PetscInt j = 0; j < K; j++) {
    auto u = [&](PetscInt i) { return U[j * N + i]; };
    auto v = [&](PetscInt q) { return VT[q * mn + j]; };
    if (j == 0) { /* D_0 = sqrt(S_0) |U_0|, H_0 = sqrt(S_0) |V_0| */
      for (PetscInt i = 0; i < N; i++) D[i * K] = std::sqrt(S[0]) * std::abs(u(i));
      for (PetscInt q = 0; q < P; q++) H[q * K] = std::sqrt(S[0]) * std::abs(v(q));
      continue;
    }
    double up = 0, un = 0, vp = 0, vn = 0; /* norms of the positive and negative parts */
    for (PetscInt i = 0; i < N; i++) (u(i) > 0 ? up : un) += u(i) * u(i);
    for (PetscInt q = 0; q < P; q++) (v(q) > 0 ? vp : vn) += v(q) * v(q);
    up = std::sqrt(up), un = std::sqrt(un), vp = std::sqrt(vp), vn = std::sqrt(vn);
    const bool   pos = up * vp > un * vn; /* the larger pair; ties go to the negative part */
    const double lbd = std::sqrt(S[j] * (pos ? up * vp : un * vn));
    for (PetscInt i = 0; i < N; i++) D[i * K + j] = lbd * (pos ? std::max(u(i), 0.0) : -std::min(u(i), 0.0)) / (pos ? up : un);
    for (PetscInt q = 0; q < P; q++) H[q * K + j] = lbd * (pos ? std::max(v(q), 0.0) : -std::min(v(q), 0.0)) / (pos ? vp : vn);
  }
  for (double &d : D) d = d < 1e-6 ? 0 : d; /* W[W < 1e-6] = 0 */
  for (double &h : H) h = h < 1e-6 ? 0 : h;
  const double mean = MeanX(X);
  for (PetscInt e = 0; e < N * K; e++)
    if (D[e] == 0 && init == NMF_INIT_NNDSVDA)
      D[e] = mean; /* nndsvda: zeros <- mean(X) */
    else if (D[e] == 0 && init == NMF_INIT_NNDSVDAR)
      D[e] = std::abs(mean * NMFKeyedNormal_Private(seed, STREAM_D_FILL, e) / 100);
  for (PetscInt e = 0; e < P * K; e++) /* H entry e = q K + c is keyed by its global index */
    if (H[e] == 0 && init == NMF_INIT_NNDSVDA)
      H[e] = mean;
    else if (H[e] == 0 && init == NMF_INIT_NNDSVDAR)
      H[e] = std::abs(mean * NMFKeyedNormal_Private(seed, STREAM_H_FILL, e) / 100);
  return Finish(D, H, simplex, withG);
}

/* random: a = sqrt(mean(X) / k), D = a |N(0,1)|, H = a |N(0,1)|, keyed by the global index */
static Init SerialRandom(PetscInt64 seed, bool simplex)
{
  const double        a = std::sqrt(MeanX(KeyedFull(P, N, KeyX)) / K);
  std::vector<double> D(N * K), H(P * K);
  for (PetscInt e = 0; e < N * K; e++) D[e] = a * std::abs(NMFKeyedNormal_Private(seed, STREAM_D, e));
  for (PetscInt e = 0; e < P * K; e++) H[e] = a * std::abs(NMFKeyedNormal_Private(seed, STREAM_H, e));
  return Finish(D, H, simplex, false);
}

/* NMFSetUp on comm with the given init; returns (W, full H) */
static Init SolverInit(MPI_Comm comm, NMFInitType init, PetscInt64 seed, bool simplex, bool withG, NMFInitType *used = nullptr)
{
  NMF nmf = MakeKeyedNMF(comm, N, NY, NX, K, KeyX);
  DM  daH;
  if (withG) PCALL(NMFSetG(nmf, N, M, KeyedFull(N, M, KeyG).data()));
  PCALL(NMFSetInitType(nmf, init));
  PCALL(NMFSetRandomState(nmf, seed));
  PCALL(NMFSetForceSimplex(nmf, simplex ? PETSC_TRUE : PETSC_FALSE));
  PCALL(NMFSetUp(nmf));
  PCALL(NMFGetAbundanceDM(nmf, &daH));
  Init r{nmf->W, GatherPixels(daH, nmf->H)};
  if (used) *used = nmf->init_used;
  PCALL(NMFDestroy(&nmf));
  return r;
}

TEST_CASE("init: nndsvd family against a dense SVD and scikit-learn's rules", "[initialize]")
{
  struct {
    NMFInitType init;
    bool        simplex, withG;
  } cases[] = {
    {NMF_INIT_NNDSVD, true, false},
    {NMF_INIT_NNDSVD, false, false},
    {NMF_INIT_NNDSVDA, true, false},
    {NMF_INIT_NNDSVDA, false, true},
    {NMF_INIT_NNDSVDAR, true, false},
  };
  /* the data must have zeros in both factors, so that the nndsvda / nndsvdar fills are exercised */
  const Init plain = SerialNNDSVD(NMF_INIT_NNDSVD, 11, false, false);
  REQUIRE(std::count(plain.W.begin(), plain.W.end(), 1e-14) > 0);
  REQUIRE(std::count(plain.H.begin(), plain.H.end(), 1e-14) > 0);
  for (auto cs : cases) {
    INFO("init " << NMFInitTypes[cs.init] << ", force_simplex " << cs.simplex << ", G " << cs.withG);
    const Init got = SolverInit(PETSC_COMM_WORLD, cs.init, 11, cs.simplex, cs.withG);
    const Init ref = SerialNNDSVD(cs.init, 11, cs.simplex, cs.withG);
    CHECK(MaxRelErr(got.W, ref.W) <= 1e-8);
    CHECK(MaxRelErr(got.H, ref.H) <= 1e-8);
  }
}

TEST_CASE("init: the default is nndsvda when k <= min(n, p)", "[initialize]")
{
  NMFInitType used;
  const Init  got = SolverInit(PETSC_COMM_WORLD, NMF_INIT_DEFAULT, 3, true, false, &used);
  CHECK(used == NMF_INIT_NNDSVDA);
  CHECK(MaxRelErr(got.H, SerialNNDSVD(NMF_INIT_NNDSVDA, 3, true, false).H) <= 1e-8);
}

TEST_CASE("init: random draws keyed by the global index, whatever the rank count", "[initialize]")
{
  for (bool simplex : {true, false}) {
    INFO("force_simplex " << simplex);
    const Init world = SolverInit(PETSC_COMM_WORLD, NMF_INIT_RANDOM, 7, simplex, false);
    const Init self  = SolverInit(PETSC_COMM_SELF, NMF_INIT_RANDOM, 7, simplex, false); /* all pixels here */
    const Init ref   = SerialRandom(7, simplex);
    CHECK(MaxRelErr(world.W, ref.W) <= 1e-13);
    CHECK(MaxRelErr(world.H, ref.H) <= 1e-13);
    CHECK(MaxRelErr(world.W, self.W) <= 1e-14); /* only sums over pixels may round differently */
    CHECK(MaxRelErr(world.H, self.H) <= 1e-14);
  }
  /* another seed draws other values */
  CHECK(MaxRelErr(SolverInit(PETSC_COMM_WORLD, NMF_INIT_RANDOM, 8, true, false).H, SerialRandom(7, true).H) > 1e-3);
}

TEST_CASE("init: the keyed normal generator", "[initialize]")
{
  double s = 0, s2 = 0;
  for (PetscInt e = 0; e < 20000; e++) {
    const double z = NMFKeyedNormal_Private(5, STREAM_H, e);
    s += z;
    s2 += z * z;
  }
  CHECK(std::abs(s / 20000) < 0.04);      /* mean 0 (standard error 0.007) */
  CHECK(std::abs(s2 / 20000 - 1) < 0.06); /* variance 1 (standard error 0.01) */
  CHECK(NMFKeyedNormal_Private(5, 1, 42) == NMFKeyedNormal_Private(5, 1, 42));
  CHECK(NMFKeyedNormal_Private(5, 1, 42) != NMFKeyedNormal_Private(5, 2, 42));
  CHECK(NMFKeyedNormal_Private(5, 1, 42) != NMFKeyedNormal_Private(6, 1, 42));
}

TEST_CASE("init: a random-init run gives the same losses at any rank count", "[initialize]")
{
  /* 15 iterations with the Laplacian and mu: on all ranks, and on this rank alone */
  auto run = [](MPI_Comm comm, std::vector<double> &losses, Init &wh) {
    NMF              nmf = MakeKeyedNMF(comm, N, NY, NX, K, KeyX);
    const PetscReal  mu  = 0.05;
    DM               daH;
    Vec              H;
    PetscInt         niter, ncol;
    const PetscReal *table;
    PCALL(NMFSetInitType(nmf, NMF_INIT_RANDOM));
    PCALL(NMFSetRandomState(nmf, 7));
    PCALL(NMFSetMu(nmf, 1, &mu));
    PCALL(NMFSetMaxIter(nmf, 15));
    PCALL(NMFSetNoStopCriterion(nmf, PETSC_TRUE));
    PCALL(NMFSolve(nmf));
    PCALL(NMFGetLosses(nmf, &niter, &ncol, &table));
    REQUIRE(niter == 15);
    losses.assign(table, table + 7 * niter); /* the 7 columns of espm's get_losses() */
    PCALL(NMFGetAbundanceDM(nmf, &daH));
    PCALL(NMFGetH(nmf, &H));
    wh = Init{nmf->W, GatherPixels(daH, H)};
    PCALL(NMFDestroy(&nmf));
  };
  std::vector<double> lw, ls;
  Init                ww, ws;
  run(PETSC_COMM_WORLD, lw, ww);
  run(PETSC_COMM_SELF, ls, ws);
  CHECK(MaxRelDiff(lw, ls) <= 1e-10);
  CHECK(MaxRelErr(ww.W, ws.W) <= 1e-10);
  CHECK(MaxRelErr(ww.H, ws.H) <= 1e-10);
}

/* NMFLeadingSingularVectors_Private on the map fx (n channels, ny x nx pixels) on comm: N
   singular values and vectors, the right ones (V) on the owned pixels; the reference: a dense
   LAPACK SVD of the full X (its singular values and vectors, with the sign convention of svd_flip:
   the largest |entry| of each left vector positive, the right vector flipped with it) */
struct DenseSVD {
  PetscInt              n, p, N, nvec;
  std::vector<double>   S, U, V, Sr, Ur, VTr; /* U: n x N row-major; V: p_local x N; Ur: column-major n x min(n, p); VTr: min(n, p) x p */
  std::vector<PetscInt> pixel;                /* the global index of each owned pixel */
  double                ss, ssr;
  PetscInt              gram_fallbacks; /* the dense n x n Gram fallbacks (0: SLEPc alone, no n x n matrix) */
};
static DenseSVD CompareSVD(MPI_Comm comm, PetscInt n, PetscInt ny, PetscInt nx, PetscInt N, const std::function<double(PetscInt, PetscInt)> &fx, PetscInt nvec = -1)
{
  const PetscInt p = ny * nx;
  DenseSVD       g;
  g.n = n, g.p = p, g.N = N, g.nvec = nvec < 0 ? N : nvec;
  NMF nmf = MakeKeyedNMF(comm, n, ny, nx, 3, fx);
  g.V.resize((size_t)nmf->p_local * g.nvec);
  PCALL(NMFLeadingSingularVectors_Private(nmf, N, g.nvec, g.S, g.U, g.V.data(), &g.ss));
  g.gram_fallbacks = nmf->svd_gram_fallbacks;
  for (PetscInt q = 0; q < nmf->p_local; q++) {
    PetscInt qg;
    PCALL(NMFGlobalPixelIndex_Private(nmf, q, &qg));
    g.pixel.push_back(qg);
  }
  PCALL(NMFDestroy(&nmf));
  std::vector<double> X = KeyedFull(p, n, fx), A = X; /* pixel-major = column-major n x p */
  const PetscInt      mn = std::min(n, p);
  std::vector<double> work(1);
  PetscBLASInt        bn = n, bp = p, bmn = mn, lwork = -1, info;
  g.Sr.resize(mn);
  g.Ur.resize(n * mn);
  g.VTr.resize(mn * p);
  LAPACKgesvd_("S", "S", &bn, &bp, A.data(), &bn, g.Sr.data(), g.Ur.data(), &bn, g.VTr.data(), &bmn, work.data(), &lwork, &info);
  lwork = (PetscBLASInt)work[0];
  work.resize(lwork);
  LAPACKgesvd_("S", "S", &bn, &bp, A.data(), &bn, g.Sr.data(), g.Ur.data(), &bn, g.VTr.data(), &bmn, work.data(), &lwork, &info); /* X = U S V^T */
  REQUIRE(info == 0);
  for (PetscInt j = 0; j < mn; j++) {
    PetscInt imax = 0;
    for (PetscInt i = 0; i < n; i++)
      if (std::abs(g.Ur[j * n + i]) > std::abs(g.Ur[j * n + imax])) imax = i;
    if (g.Ur[j * n + imax] < 0) {
      for (PetscInt i = 0; i < n; i++) g.Ur[j * n + i] = -g.Ur[j * n + i];
      for (PetscInt q = 0; q < p; q++) g.VTr[q * mn + j] = -g.VTr[q * mn + j];
    }
  }
  g.ssr = 0;
  for (double x : X) g.ssr += x * x;
  return g;
}

/* the singular values (to 1e-12 of the largest, as a Gram matrix gives them) and, for the simple
   ones listed (among the first nvec), both vectors to 1e-9 */
static void CheckSVD(const DenseSVD &g, const std::vector<PetscInt> &simple, bool slepc_alone = true)
{
  const PetscInt mn = std::min(g.n, g.p);
  if (slepc_alone) CHECK(g.gram_fallbacks == 0); /* SLEPc's SVD on the distributed X: no n x n matrix */
  CHECK(std::abs(g.ss - g.ssr) <= 1e-12 * g.ssr);
  for (PetscInt j = 0; j < g.N; j++) {
    INFO("singular value " << j << ": " << g.S[j] << ", dense SVD " << g.Sr[j]);
    CHECK(std::abs(g.S[j] - g.Sr[j]) <= 1e-12 * g.Sr[0]);
  }
  for (PetscInt j : simple) {
    INFO("singular vector " << j);
    double err = 0, verr = 0;
    for (PetscInt i = 0; i < g.n; i++) err = std::max(err, std::abs(g.U[i * g.nvec + j] - g.Ur[j * g.n + i]));
    for (size_t q = 0; q < g.pixel.size(); q++) verr = std::max(verr, std::abs(g.V[q * g.nvec + j] - g.VTr[g.pixel[q] * mn + j]));
    CHECK(err <= 1e-9);
    CHECK(verr <= 1e-9);
  }
}

/* A sparse map, as EDX counts are: most pixels have a few nonzero channels, every fifth pixel is
   dense. */
TEST_CASE("init: the SVD of a sparse map against a dense SVD", "[initialize]")
{
  auto fx = [](PetscInt q, PetscInt i) {
    if (q % 5 == 0) return 1.0 + ((q * 7 + i * 3) % 11); /* dense: every channel > 0 */
    /* sparse: 5 channels of 40, at places that move with the pixel */
    const PetscInt c0 = (q * 3) % 40;
    for (PetscInt j = 0; j < 5; j++)
      if (i == (c0 + 7 * j) % 40) return 1.0 + ((q + 2 * j) % 9) + 0.5 * std::sin(0.3 * q + i);
    return 0.0;
  };
  CheckSVD(CompareSVD(PETSC_COMM_WORLD, 40, 7, 9, 6, fx), {0, 1, 2, 3, 4, 5});
}

/* a dense map of five decaying components plus a full-rank perturbation: 300 channels, the 4
   leading triplets, 6 (down to the perturbation's values), and a scree of 8 values (the last two
   in the perturbation's cluster) with 4 or no vectors */
static double DecayingMap(PetscInt q, PetscInt i)
{
  double x = 0.01 * (1 + std::sin(0.7 * i * q + 0.1 * i));
  for (PetscInt c = 0; c < 5; c++) x += (1 + std::cos(0.05 * i * (c + 1) + c)) * (1 + std::sin(0.13 * q * (c + 1) + c)) * std::pow(0.5, c);
  return x;
}
TEST_CASE("init: the SVD of a dense map against a dense SVD", "[initialize]")
{
  CheckSVD(CompareSVD(PETSC_COMM_WORLD, 300, 20, 21, 4, DecayingMap), {0, 1, 2, 3});
  /* the 6th to 8th values lie in the perturbation's tight cluster, which SLEPc does not resolve to
     1e-13 within its restarts: the dense Gram fallback there */
  CheckSVD(CompareSVD(PETSC_COMM_WORLD, 300, 20, 21, 6, DecayingMap), {0, 1, 2, 3, 4, 5}, false);
  CheckSVD(CompareSVD(PETSC_COMM_WORLD, 300, 20, 21, 8, DecayingMap, 4), {0, 1, 2, 3}, false); /* 4 vectors, 8 values (a scree): two solves */
  CheckSVD(CompareSVD(PETSC_COMM_WORLD, 300, 20, 21, 8, DecayingMap, 0), {}, false);           /* values alone */
}

/* N close to or at min(n, p): all singular values of a map with fewer pixels than channels, all
   but one of a map with fewer channels than pixels */
TEST_CASE("init: the SVD with N near min(n, p) against a dense SVD", "[initialize]")
{
  auto fx = [](PetscInt q, PetscInt i) { return 1.0 + std::sin(0.9 * q * q + 0.4 * i * (q + 1)) + 0.3 * std::cos(1.3 * i * i + q); };
  CheckSVD(CompareSVD(PETSC_COMM_WORLD, 30, 2, 3, 6, fx), {0, 1, 2, 3, 4, 5}); /* p = 6 < n */
  CheckSVD(CompareSVD(PETSC_COMM_WORLD, 30, 2, 3, 5, fx), {0, 1, 2, 3, 4});
  CheckSVD(CompareSVD(PETSC_COMM_WORLD, 12, 5, 6, 11, fx), {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}); /* n = 12 < p */
  CheckSVD(CompareSVD(PETSC_COMM_WORLD, 12, 5, 6, 12, fx), {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
}

/* Two equal leading singular values (two phases with orthogonal spectra of the same energy) and
   a third, smaller one.  The vectors of the repeated pair are any basis of their plane: they must
   have no weight outside it. */
TEST_CASE("init: the SVD with a repeated leading singular value", "[initialize]")
{
  auto fx = [](PetscInt q, PetscInt i) {
    const PetscInt phase = q % 3, band = i / 100;          /* 420 pixels, 140 per phase; 3 bands of 100 channels */
    return band == phase ? (phase == 2 ? 1.0 : 2.0) : 0.0; /* X[:, q] = 2 s1, 2 s2 or s3 */
  };
  const DenseSVD g = CompareSVD(PETSC_COMM_WORLD, 300, 20, 21, 3, fx);
  CheckSVD(g, {2}, false); /* the one case left to the dense Gram fallback: a single-vector Krylov method meets the second copy of an exactly repeated value only through rounding */
  for (PetscInt j = 0; j < 2; j++) {
    double outside = 0, norm = 0;
    for (PetscInt i = 0; i < 300; i++) {
      norm += g.U[i * 3 + j] * g.U[i * 3 + j];
      if (i >= 200) outside = std::max(outside, std::abs(g.U[i * 3 + j]));
    }
    CHECK(outside <= 1e-10);
    CHECK(std::abs(norm - 1) <= 1e-12);
  }
  CHECK(std::abs(g.U[0 * 3 + 0] * g.U[0 * 3 + 1] + g.U[100 * 3 + 0] * g.U[100 * 3 + 1]) <= 1e-10); /* an orthogonal pair */
}

/* the same singular values and vectors on all ranks and on this rank alone (the starting vector
   is keyed by the global channel index) */
TEST_CASE("init: the SVD does not depend on the rank count", "[initialize]")
{
  const DenseSVD world = CompareSVD(PETSC_COMM_WORLD, 300, 20, 21, 6, DecayingMap);
  const DenseSVD self  = CompareSVD(PETSC_COMM_SELF, 300, 20, 21, 6, DecayingMap);
  CHECK(MaxRelDiff(world.S, self.S) <= 1e-13);
  CHECK(MaxRelDiff(world.U, self.U) <= 1e-11);
}

/* No n x n matrix, whatever n: a map of 40000 channels (an n x n Gram matrix would take 12.8 GB
   per rank) and 60 pixels; the SVD's peak memory stays within a few of its n-vectors */
#include <sys/resource.h>
TEST_CASE("init: the SVD allocates no n x n matrix", "[initialize]")
{
  const PetscInt      n   = 40000;
  auto                fx  = [](PetscInt q, PetscInt i) { return (1 + std::sin(0.001 * i * (1 + q % 3))) * (1 + (q % 3)) + 0.1 * std::cos(0.37 * i + q); };
  NMF                 nmf = MakeKeyedNMF(PETSC_COMM_WORLD, n, 6, 10, 3, fx);
  std::vector<double> S, U, V((size_t)nmf->p_local * 3);
  struct rusage       before, after;
  getrusage(RUSAGE_SELF, &before);
  double ss;
  PCALL(NMFLeadingSingularVectors_Private(nmf, 3, 3, S, U, V.data(), &ss));
  getrusage(RUSAGE_SELF, &after);
  const double grown_mb = (after.ru_maxrss - before.ru_maxrss) / 1024.0; /* ru_maxrss in KB */
  INFO("peak resident memory grew by " << grown_mb << " MB");
  CHECK(grown_mb < 200); /* the Krylov basis: about 50 n-vectors of 320 KB */
  REQUIRE(S.size() == 3);
  CHECK(S[0] >= S[1]);
  CHECK(S[1] >= S[2]);
  CHECK(S[2] > 0);
  PCALL(NMFDestroy(&nmf));
}
