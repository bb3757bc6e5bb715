/* The rank selection by stability (NMFSelectK, nmfselectk.cpp) and its parts: the optimal
   assignment against every permutation, the silhouettes against a direct computation, the matched
   clustering on permuted noisy copies, the Poisson draws' moments, and the selection on a keyed
   two-phase map: it suggests 2, and its table at 3 ranks equals the one computed on one rank (a
   communicator of its own) to 1e-9.  Registered at 1 and 3 ranks. */
#include "unit_helpers.h"
#include <numeric>
#include <random>

TEST_CASE("the optimal assignment is the best of every permutation", "[selectk]")
{
  std::mt19937_64 rng(7);
  for (PetscInt k = 1; k <= 6; k++)
    for (int trial = 0; trial < 20; trial++) {
      std::vector<double> cost(k * k);
      for (double &c : cost) c = std::uniform_real_distribution<double>(-1, 1)(rng);
      if (trial % 5 == 0)
        for (double &c : cost) c = std::round(4 * c); /* ties */
      std::vector<PetscInt> assign(k), perm(k);
      PCALL(NMFLinearAssignment_Private(k, cost.data(), assign.data()));
      std::vector<PetscInt> sorted = assign;
      std::sort(sorted.begin(), sorted.end());
      for (PetscInt j = 0; j < k; j++) REQUIRE(sorted[j] == j); /* a permutation */
      double got = 0, best = INFINITY;
      for (PetscInt i = 0; i < k; i++) got += cost[i * k + assign[i]];
      std::iota(perm.begin(), perm.end(), 0);
      do {
        double s = 0;
        for (PetscInt i = 0; i < k; i++) s += cost[i * k + perm[i]];
        best = std::min(best, s);
      } while (std::next_permutation(perm.begin(), perm.end()));
      CHECK(got == Approx(best).margin(1e-12));
    }
}

/* R runs of k unit vectors of length n: run r is a permutation of k base vectors plus noise */
static std::vector<double> NoisyRuns(PetscInt R, PetscInt k, PetscInt n, double noise, std::vector<PetscInt> &truth, std::vector<double> &base, unsigned seed)
{
  std::mt19937_64                  rng(seed);
  std::normal_distribution<double> g;
  base.assign(k * n, 0.0);
  for (double &b : base) b = std::abs(g(rng));
  auto normalize = [n](double *v) {
    double s = 0;
    for (PetscInt i = 0; i < n; i++) s += v[i] * v[i];
    for (PetscInt i = 0; i < n; i++) v[i] /= std::sqrt(s);
  };
  for (PetscInt c = 0; c < k; c++) normalize(base.data() + c * n);
  std::vector<double> runs(R * k * n);
  truth.assign(R * k, 0);
  for (PetscInt r = 0; r < R; r++) {
    std::vector<PetscInt> perm(k);
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    for (PetscInt j = 0; j < k; j++) {
      double *v = runs.data() + (r * k + j) * n;
      for (PetscInt i = 0; i < n; i++) v[i] = base[perm[j] * n + i] + noise * g(rng);
      normalize(v);
      truth[r * k + j] = perm[j];
    }
  }
  return runs;
}

TEST_CASE("the silhouettes are those of their definition", "[selectk]")
{
  const PetscInt        R = 5, k = 3, n = 20;
  std::vector<PetscInt> truth;
  std::vector<double>   base;
  for (double noise : {0.05, 0.5, 3.0}) {
    std::vector<double> s = NoisyRuns(R, k, n, noise, truth, base, 11);
    double              smin, smean;
    PCALL(NMFSilhouettes_Private(R, k, n, s.data(), truth, &smin, &smean));
    /* directly: s_a = (b - a) / max(a, b), a the mean distance to the own group, b to the nearest other */
    std::vector<double> per_group(k, 0.0);
    double              total = 0;
    for (PetscInt a = 0; a < R * k; a++) {
      std::vector<double> d(k, 0.0);
      for (PetscInt b = 0; b < R * k; b++) {
        if (a == b) continue;
        double dot = 0;
        for (PetscInt i = 0; i < n; i++) dot += s[a * n + i] * s[b * n + i];
        d[truth[b]] += std::max(0.0, 1 - dot) / (truth[b] == truth[a] ? R - 1 : R);
      }
      double near = INFINITY;
      for (PetscInt c = 0; c < k; c++)
        if (c != truth[a]) near = std::min(near, d[c]);
      const double si = (near - d[truth[a]]) / std::max(near, d[truth[a]]);
      per_group[truth[a]] += si / R;
      total += si / (R * k);
    }
    CHECK(smean == Approx(total).margin(1e-12));
    CHECK(smin == Approx(*std::min_element(per_group.begin(), per_group.end())).margin(1e-12));
  }
  std::vector<PetscInt> one(R, 0);
  std::vector<double>   s1 = NoisyRuns(R, 1, n, 0.5, truth, base, 3);
  double                smin, smean;
  PCALL(NMFSilhouettes_Private(R, 1, n, s1.data(), one, &smin, &smean));
  CHECK(smin == 1.0);
  CHECK(smean == 1.0);
}

TEST_CASE("the matched clustering finds the permutations of noisy copies", "[selectk]")
{
  const PetscInt        R = 8, k = 5, n = 30;
  std::vector<PetscInt> truth, label;
  std::vector<double>   base;
  std::vector<double>   s = NoisyRuns(R, k, n, 0.01, truth, base, 5);
  PCALL(NMFMatchedClusters_Private(R, k, n, s.data(), base.data(), label));
  CHECK(label == truth); /* the centroids started at the base vectors: the groups keep their names */
  double smin, smean;
  PCALL(NMFSilhouettes_Private(R, k, n, s.data(), label, &smin, &smean));
  CHECK(smin > 0.8);
  /* unrelated runs (noise far above the signal): no stable groups */
  std::vector<double> u = NoisyRuns(R, k, n, 20.0, truth, base, 6);
  PCALL(NMFMatchedClusters_Private(R, k, n, u.data(), u.data(), label));
  for (PetscInt r = 0; r < R; r++) { /* still one vector of each run in each group */
    std::vector<PetscInt> l(label.begin() + r * k, label.begin() + (r + 1) * k);
    std::sort(l.begin(), l.end());
    for (PetscInt j = 0; j < k; j++) CHECK(l[j] == j);
  }
  PCALL(NMFSilhouettes_Private(R, k, n, u.data(), label, &smin, &smean));
  CHECK(smin < 0.3);
}

TEST_CASE("the keyed Poisson draws have the mean and variance of Poisson(lambda)", "[selectk]")
{
  const PetscInt N = 200000;
  for (double lambda : {0.3, 4.0, 9.99, 10.0, 57.0, 3000.0}) {
    double s = 0, ss = 0;
    for (PetscInt e = 0; e < N; e++) {
      const double v = NMFKeyedPoisson_Private(lambda, 42, 3, e);
      REQUIRE(v == std::floor(v));
      REQUIRE(v >= 0);
      s += v;
      ss += v * v;
    }
    const double mean = s / N, var = ss / N - mean * mean;
    CHECK(std::abs(mean - lambda) < 5 * std::sqrt(lambda / N)); /* five standard errors */
    CHECK(std::abs(var / lambda - 1) < 0.03);
  }
  CHECK(NMFKeyedPoisson_Private(5.0, 42, 3, 17) == NMFKeyedPoisson_Private(5.0, 42, 3, 17)); /* keyed: the same draw */
  CHECK(NMFKeyedPoisson_Private(0.0, 42, 3, 17) == 0.0);
}

/* a keyed two-phase map, ny x nx x n: two peaked spectra, abundances a smooth split of the image,
   Poisson counts of mean 60 per pixel */
static const PetscInt NY = 12, NX = 14, NC = 40;
static double         TwoPhaseSpectrum(PetscInt c, PetscInt i)
{
  const double e = (double)i / NC, mu = c == 0 ? 0.25 : 0.7;
  return 0.2 * std::exp(-3 * e) + std::exp(-0.5 * (e - mu) * (e - mu) / 0.003);
}
static double TwoPhaseCounts(PetscInt q, PetscInt i)
{
  const PetscInt y = q / NX, x = q % NX;
  const double   a  = 1 / (1 + std::exp(-(x - 0.4 * NX - 0.3 * y))); /* phase 1 to the right */
  double         s0 = 0, s1 = 0;
  for (PetscInt j = 0; j < NC; j++) s0 += TwoPhaseSpectrum(0, j), s1 += TwoPhaseSpectrum(1, j);
  const double lambda = 60 * ((1 - a) * TwoPhaseSpectrum(0, i) / s0 + a * TwoPhaseSpectrum(1, i) / s1);
  return NMFKeyedPoisson_Private(lambda, 9, 1, (PetscInt64)q * NC + i);
}

struct Table {
  PetscInt            suggested = 0, nk = 0;
  std::vector<double> values; /* k, silhouette_min, silhouette_mean, rel_error, loss per row */
};

static Table SelectOn(MPI_Comm comm, PetscBool normalize, NMFResampleType type)
{
  NMF   nmf = MakeKeyedNMF(comm, NC, NY, NX, 2, TwoPhaseCounts);
  Table t;
  PCALL(NMFSetRandomState(nmf, 3));
  PCALL(NMFSetTolerance(nmf, 1e-7));
  PCALL(NMFSetMaxIter(nmf, 2000));
  PCALL(NMFSetNormalize(nmf, normalize));
  PCALL(NMFSetSelectKRange(nmf, 1, 3));
  PCALL(NMFSetSelectKResamples(nmf, 4));
  PCALL(NMFSetSelectKResampling(nmf, type, 0.05));
  PCALL(NMFSelectK(nmf));
  const PetscInt  *k;
  const PetscReal *smin, *smean, *rel, *loss;
  PCALL(NMFGetSelectKTable(nmf, &t.nk, &k, &smin, &smean, &rel, &loss));
  PCALL(NMFGetSelectKSuggestion(nmf, &t.suggested));
  for (PetscInt j = 0; j < t.nk; j++) t.values.insert(t.values.end(), {(double)k[j], smin[j], smean[j], rel[j], loss[j]});
  PetscInt kk;
  PCALL(NMFGetNComponents(nmf, &kk));
  CHECK(kk == t.suggested); /* NMFSolve fits the suggestion */
  PCALL(NMFSolve(nmf));
  PetscInt n_iter;
  PCALL(NMFGetIterationNumber(nmf, &n_iter));
  CHECK(n_iter > 0);
  PCALL(NMFDestroy(&nmf));
  return t;
}

TEST_CASE("NMFSelectK suggests the two phases, with the same table at any rank count", "[selectk]")
{
  for (PetscBool normalize : {PETSC_FALSE, PETSC_TRUE})
    for (NMFResampleType type : {NMF_RESAMPLE_POISSON, NMF_RESAMPLE_UNIFORM}) {
      Table world = SelectOn(PETSC_COMM_WORLD, normalize, type);
      CHECK(world.suggested == 2);
      REQUIRE(world.nk == 3);
      CHECK(world.values[5 + 1] >= 0.8); /* k = 2 is stable */
      CHECK(world.values[10 + 1] < 0.8); /* k = 3 is not */
      /* rank 0 alone, on a communicator of its own: the same table */
      std::vector<double> serial(world.values.size(), 0.0);
      if (CommRank(PETSC_COMM_WORLD) == 0) {
        Table self = SelectOn(PETSC_COMM_SELF, normalize, type);
        serial     = self.values;
      }
      MPI_Bcast(serial.data(), (int)serial.size(), MPI_DOUBLE, 0, PETSC_COMM_WORLD);
      CHECK(MaxRelDiff(world.values, serial) < 1e-9);
    }
}

TEST_CASE("NMFSelectK refuses impossible settings in one line", "[selectk]")
{
  NMF nmf = MakeKeyedNMF(PETSC_COMM_WORLD, NC, NY, NX, 2, TwoPhaseCounts);
  PCALL(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  CHECK(NMFSetSelectKRange(nmf, 0, 3) == PETSC_ERR_ARG_OUTOFRANGE);
  CHECK(NMFSetSelectKRange(nmf, 4, 3) == PETSC_ERR_ARG_OUTOFRANGE);
  CHECK(NMFSetSelectKResamples(nmf, 1) == PETSC_ERR_ARG_OUTOFRANGE);
  CHECK(NMFSetSelectKThreshold(nmf, 1.5) == PETSC_ERR_ARG_OUTOFRANGE);
  CHECK(NMFSelectK(nmf) == PETSC_ERR_ORDER); /* no range */
  CHECK(NMFSetSelectKRange(nmf, 1, NC + 1) == 0);
  CHECK(NMFSelectK(nmf) == PETSC_ERR_ARG_OUTOFRANGE); /* KMAX above the channels */
  PCALL(PetscPopErrorHandler());
  PCALL(NMFDestroy(&nmf));
}
