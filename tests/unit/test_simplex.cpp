/* NMFSimplexMultiplier_Private, the bisection for nu (spec section 4), on keyed num / den over a
   1-D map with uneven blocks: every pixel lands on the simplex within dicotomy_tol, nu matches a
   serial re-implementation of espm's dichotomy_simplex with its GLOBAL stopping test to 1e-14,
   and does not depend on the rank count.  Registered at 1 and 3 ranks. */
#include "unit_helpers.h"

static const PetscInt K = 4, P = 37;

/* numerators spanning 1e-2 .. 1e2 between pixels (so pixels need different step counts), one
   zero numerator every 7 pixels (then max(0 / (x + den), eps) = eps); denominators >= 0.3 */
static double KeyNum(PetscInt q, PetscInt c)
{
  if (q % 7 == 3 && c == 1) return 0.0;
  const double s = std::sin(1.3 * q + 0.7 * c) + 1.05;
  return std::pow(10.0, (double)(q % 5) - 2) * s * s;
}
static double KeyDen(PetscInt q, PetscInt c)
{
  const double s = std::cos(0.9 * q + 1.7 * c);
  return 0.3 + 2 * s * s;
}

/* An NMF over P pixels without shape on comm (uneven blocks 1, 3, 5, ... on the world), K
   components; its abundance DM gives the layout of the p_local arrays. */
static NMF SimplexNMF(MPI_Comm comm)
{
  const int             size = CommSize(comm);
  std::vector<PetscInt> lx(size);
  PetscInt              used = 0;
  for (int r = 0; r < size - 1; r++) used += (lx[r] = 1 + 2 * r);
  lx[size - 1] = P - used;
  DM  da;
  NMF nmf;
  PCALL(NMFCreateDataDM(comm, 1, 0, P, NULL, lx.data(), &da));
  Vec X = KeyedVec(da, [](PetscInt q, PetscInt) { return 1.0; });
  PCALL(NMFCreate(comm, &nmf));
  PCALL(NMFSetData(nmf, da, X));
  PCALL(NMFSetNComponents(nmf, K));
  PCALL(VecDestroy(&X));
  PCALL(DMDestroy(&da));
  return nmf;
}

/* nu for the keyed num/den (optionally with num[c0, q0] replaced), by the solver on comm;
   returns the local nu with the global pixel of each entry in idx */
static PetscErrorCode SolverNu(NMF nmf, std::vector<double> &nu, std::vector<PetscInt> &idx, PetscInt q0 = -1, double num_q0 = 0)
{
  DM daH;
  PCALL(NMFGetAbundanceDM(nmf, &daH));
  Vec                num = KeyedVec(daH, [&](PetscInt q, PetscInt c) { return q == q0 ? num_q0 : KeyNum(q, c); });
  Vec                den = KeyedVec(daH, KeyDen);
  const PetscScalar *t, *d;
  idx = OwnedPixelIndices(daH);
  nu.assign(nmf->p_local, 0.0);
  PCALL(VecGetArrayRead(num, &t));
  PCALL(VecGetArrayRead(den, &d));
  PetscErrorCode ierr = NMFSimplexMultiplier_Private(nmf, t, d, nu.data());
  PCALL(VecRestoreArrayRead(num, &t));
  PCALL(VecRestoreArrayRead(den, &d));
  PCALL(VecDestroy(&num));
  PCALL(VecDestroy(&den));
  return ierr;
}

TEST_CASE("simplex multiplier: every pixel on the simplex, espm's global bisection", "[simplex]")
{
  const double tol = GENERATE(1e-5, 1e-9); /* the default dicotomy_tol and a tight one */
  NMF          nmf = SimplexNMF(PETSC_COMM_WORLD);
  PCALL(NMFSetDicotomyTol(nmf, tol));
  const double          eps = nmf->log_shift;
  std::vector<double>   nu;
  std::vector<PetscInt> idx;
  PCALL(SolverNu(nmf, nu, idx));

  const std::vector<double> num = KeyedFull(P, K, KeyNum), den = KeyedFull(P, K, KeyDen);
  /* f_q(nu_q) = sum_c max(num / (den + nu), eps) - 1 is within dicotomy_tol of 0 on every pixel */
  double worst = 0;
  for (size_t l = 0; l < idx.size(); l++) KeepWorst(worst, std::abs(SimplexResidual(K, &num[idx[l] * K], &den[idx[l] * K], eps, nu[l])));
  CHECK(worst <= tol);

  /* the serial espm loop on the full map, stopping when max over all pixels |f| <= tol */
  const std::vector<double> ref   = SerialSimplexNu(K, P, num.data(), den.data(), eps, tol, true);
  const std::vector<double> local = SerialSimplexNu(K, P, num.data(), den.data(), eps, tol, false);
  double                    dref = 0, dlocal = 0;
  for (PetscInt q = 0; q < P; q++) KeepWorst(dlocal, RelDiff(local[q], ref[q]));
  REQUIRE(dlocal > 1e-10); /* the data tell a per-pixel stopping rule from espm's global one */
  for (size_t l = 0; l < idx.size(); l++) KeepWorst(dref, RelDiff(nu[l], ref[idx[l]]));
  CHECK(dref <= 1e-14);
  PCALL(NMFDestroy(&nmf));
}

TEST_CASE("simplex multiplier: the same nu whatever the rank count", "[simplex]")
{
  /* the whole map on this rank alone (PETSC_COMM_SELF) against the distributed solve */
  NMF                   world = SimplexNMF(PETSC_COMM_WORLD), self = SimplexNMF(PETSC_COMM_SELF);
  std::vector<double>   nu_w, nu_s;
  std::vector<PetscInt> idx_w, idx_s;
  PCALL(SolverNu(world, nu_w, idx_w));
  PCALL(SolverNu(self, nu_s, idx_s));
  REQUIRE(idx_s.size() == (size_t)P);
  double diff = 0;
  for (size_t l = 0; l < idx_w.size(); l++) KeepWorst(diff, std::abs(nu_w[l] - nu_s[idx_w[l]]));
  CHECK(diff == 0.0); /* identical arithmetic per pixel, identical step count */
  PCALL(NMFDestroy(&world));
  PCALL(NMFDestroy(&self));
}

TEST_CASE("simplex multiplier: a bad pixel on one rank is an error on all ranks", "[simplex]")
{
  NMF                   nmf = SimplexNMF(PETSC_COMM_WORLD);
  std::vector<double>   nu;
  std::vector<PetscInt> idx;
  PCALL(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  /* the last pixel (on the last rank only): negative numerators, then all-zero numerators */
  PetscErrorCode negative = SolverNu(nmf, nu, idx, P - 1, -1.0);
  PetscErrorCode allzero  = SolverNu(nmf, nu, idx, P - 1, 0.0);
  PCALL(PetscPopErrorHandler());
  CHECK(negative != 0);
  CHECK(allzero != 0);
  PCALL(NMFDestroy(&nmf));
}
