/* The navigation mask (NMFSetNavigationMask; doc/masks.md): no mask and a mask of zeros agree bit
   for bit; with lambda_L = 0, mu = 0 and no simplex a masked fit equals the fit of the map with
   those pixels removed, for every type and loss; with lambda_L > 0 the Laplacian fills in the
   masked pixels; the results do not depend on the rank count; a bad mask is refused. */
#include "unit_helpers.h"
#include <cstdint>
#include <string>
#include <cstring>

/* a positive keyed map of three overlapping components, n = 24 channels */
static double Spectrum(PetscInt i, PetscInt c) { return 0.2 + std::exp(-0.5 * std::pow((i - 5.0 - 6.0 * c) / 3.0, 2)) + 0.05 * ((i * 7 + c * 3) % 5); }
static double Abundance(PetscInt q, PetscInt c) { return 0.3 + 0.7 * (0.5 + 0.5 * std::sin(0.37 * q + 2.1 * c)); }
static double KeyX(PetscInt q, PetscInt i)
{
  double x = 0;
  for (PetscInt c = 0; c < 3; c++) x += 40 * Spectrum(i, c) * Abundance(q, c);
  return x + (double)((q * 13 + i * 7) % 11); /* a deterministic "noise" */
}
static double KeyW0(PetscInt i, PetscInt c) { return 1.0 + 0.3 * ((i + 2 * c) % 4); }
static double KeyH0(PetscInt q, PetscInt c) { return 0.2 + 0.1 * ((q * 5 + c * 3) % 7); }
/* the masked pixels of the 1-D maps: a keyed fifth of them, and a run of 3 at the start */
static bool Masked(PetscInt q) { return q < 3 || (q * 2654435761u >> 7) % 5 == 0; }

/* a navigation mask of the data DM da: 1 at the owned pixels q (global index) where masked(q) */
static Vec MaskVec(DM da, const std::function<double(PetscInt)> &value)
{
  Vec                         M;
  PetscScalar                *m;
  const std::vector<PetscInt> idx = OwnedPixelIndices(da);
  PCALL(DMCreateGlobalVector(da, &M));
  PCALL(VecGetArray(M, &m));
  for (size_t l = 0; l < idx.size(); l++) m[l] = value(idx[l]);
  PCALL(VecRestoreArray(M, &m));
  return M;
}

/* MaxRelDiff over the entries that are not NaN, infinite when the NaN are not at the same places */
static double NanAwareDiff(const std::vector<double> &a, const std::vector<double> &b)
{
  std::vector<double> x, y;
  if (a.size() != b.size()) return INFINITY;
  for (size_t e = 0; e < a.size(); e++) {
    if (std::isnan(a[e]) != std::isnan(b[e])) return INFINITY;
    if (!std::isnan(a[e])) x.push_back(a[e]), y.push_back(b[e]);
  }
  return MaxRelDiff(x, y);
}

struct MaskedFit {
  std::vector<double> W, H, losses;
  PetscInt            n_iter, ncol;
  NMFConvergedReason  reason;
};

/* the masked channels: 0 .. 2 (the noise peak near 0 keV) and a keyed few */
static bool   ChannelMasked(PetscInt i) { return i < 3 || i == 11 || i == 17; }
static double KeyG(PetscInt i, PetscInt j) { return std::exp(-0.5 * std::pow((i - 5.0 * j) / 4.0, 2)) + 0.01; }

/* a fit of the keyed map of p pixels (1-D: no shape) from keyed starts; pixels lists the global
   pixels of the keyed map that the fitted map holds (all when empty), and with mask the pixels
   Masked() are excluded (their X is NaN: never read); channels and smask the same for the 24
   channels and ChannelMasked(); with_G a known G of 5 columns (the rows of the channels held) */
static MaskedFit Fit(MPI_Comm comm, PetscInt p, const std::vector<PetscInt> &pixels, bool mask, const std::function<void(NMF)> &options, const std::vector<PetscInt> &channels = {}, bool smask = false, bool with_G = false)
{
  const PetscInt k = 3, pf = pixels.empty() ? p : (PetscInt)pixels.size(), n = channels.empty() ? 24 : (PetscInt)channels.size(), mG = 5;
  auto           orig  = [&](PetscInt q) { return pixels.empty() ? q : pixels[q]; };
  auto           origc = [&](PetscInt i) { return channels.empty() ? i : channels[i]; };
  DM             da, daH;
  NMF            nmf;
  PCALL(NMFCreateDataDM(comm, n, 0, pf, NULL, NULL, &da));
  Vec X = KeyedVec(da, [&](PetscInt q, PetscInt i) { return (mask && Masked(orig(q))) || (smask && ChannelMasked(origc(i))) ? NAN : KeyX(orig(q), origc(i)); });
  PCALL(NMFCreate(comm, &nmf));
  PCALL(NMFSetData(nmf, da, X));
  PCALL(NMFSetNComponents(nmf, k));
  PCALL(NMFSetVerbose(nmf, 0));
  const PetscInt      m = with_G ? mG : n;
  std::vector<double> W0(m * k), G(n * mG);
  for (PetscInt j = 0; j < m; j++)
    for (PetscInt c = 0; c < k; c++) W0[j * k + c] = KeyW0(with_G ? j : origc(j), c);
  if (with_G) {
    for (PetscInt i = 0; i < n; i++)
      for (PetscInt j = 0; j < mG; j++) G[i * mG + j] = KeyG(origc(i), j);
    PCALL(NMFSetG(nmf, n, mG, G.data()));
  }
  PCALL(NMFSetInitialW(nmf, m, k, W0.data()));
  std::vector<PetscBool> excluded(n);
  for (PetscInt i = 0; i < n; i++) excluded[i] = ChannelMasked(origc(i)) ? PETSC_TRUE : PETSC_FALSE;
  if (smask) PCALL(NMFSetSignalMask(nmf, n, excluded.data()));
  PCALL(NMFGetAbundanceDM(nmf, &daH));
  Vec H0 = KeyedVec(daH, [&](PetscInt q, PetscInt c) { return KeyH0(orig(q), c); });
  PCALL(NMFSetInitialH(nmf, H0));
  Vec M = nullptr;
  if (mask) {
    M = MaskVec(da, [&](PetscInt q) { return Masked(orig(q)) ? 1.0 : 0.0; });
    PCALL(NMFSetNavigationMask(nmf, M));
  }
  options(nmf);
  PCALL(NMFSolve(nmf));
  const FitResult r = GetFitResult(nmf);
  MaskedFit       f{r.W, r.H, r.losses, r.n_iter, 0, r.reason};
  f.ncol = r.n_iter ? (PetscInt)(r.losses.size() / r.n_iter) : 0;
  PCALL(VecDestroy(&M));
  PCALL(VecDestroy(&H0));
  PCALL(VecDestroy(&X));
  PCALL(NMFDestroy(&nmf));
  PCALL(DMDestroy(&da));
  return f;
}

static const PetscInt P = 60;

TEST_CASE("masks: a navigation mask of zeros is no mask, bit for bit", "[masks]")
{
  auto options = [](NMF nmf) {
    PCALL(NMFSetLambdaL(nmf, 0.5));
    PCALL(NMFSetMu(nmf, 1, (const PetscReal[]){0.05}));
    PCALL(NMFSetMaxIter(nmf, 15));
  };
  const MaskedFit plain = Fit(PETSC_COMM_WORLD, P, {}, false, options);
  /* a mask of zeros: the same map through NMFSetNavigationMask */
  DM  da;
  NMF nmf;
  PCALL(NMFCreateDataDM(PETSC_COMM_WORLD, 24, 0, P, NULL, NULL, &da));
  Vec X = KeyedVec(da, KeyX), M;
  PCALL(DMCreateGlobalVector(da, &M));
  PCALL(VecSet(M, 0.0));
  PCALL(NMFCreate(PETSC_COMM_WORLD, &nmf));
  PCALL(NMFSetData(nmf, da, X));
  PCALL(NMFSetNComponents(nmf, 3));
  PCALL(NMFSetVerbose(nmf, 0));
  std::vector<double> W0(24 * 3);
  for (PetscInt i = 0; i < 24; i++)
    for (PetscInt c = 0; c < 3; c++) W0[i * 3 + c] = KeyW0(i, c);
  PCALL(NMFSetInitialW(nmf, 24, 3, W0.data()));
  DM daH;
  PCALL(NMFGetAbundanceDM(nmf, &daH));
  Vec H0 = KeyedVec(daH, KeyH0);
  PCALL(NMFSetInitialH(nmf, H0));
  PCALL(NMFSetNavigationMask(nmf, M));
  Vec got;
  PCALL(NMFGetNavigationMask(nmf, &got));
  CHECK(got == M);
  options(nmf);
  PCALL(NMFSolve(nmf));
  const FitResult zeros = GetFitResult(nmf);
  CHECK(zeros.n_iter == plain.n_iter);
  CHECK(zeros.W == plain.W);
  CHECK(zeros.H == plain.H);
  CHECK(zeros.losses == plain.losses);
  PCALL(VecDestroy(&H0));
  PCALL(VecDestroy(&M));
  PCALL(VecDestroy(&X));
  PCALL(NMFDestroy(&nmf));
  PCALL(DMDestroy(&da));
}

/* the options of the cropped comparisons: lambda_L = 0, mu = 0, no simplex, the stopping rules on
   (tol 1e-5, at most max_iter iterations); projected_gradient meets a negative decrease at once
   on these maps, so its 40 iterations run without the rules */
static std::function<void(NMF)> CroppedOptions(const char *type, bool l2, PetscInt max_iter)
{
  return [=](NMF nmf) {
    PCALL(NMFSetType(nmf, type));
    PCALL(NMFSetL2(nmf, l2 ? PETSC_TRUE : PETSC_FALSE));
    PCALL(NMFSetLambdaL(nmf, 0));
    PCALL(NMFSetMu(nmf, 1, (const PetscReal[]){0}));
    PCALL(NMFSetForceSimplex(nmf, PETSC_FALSE));
    PCALL(NMFSetTolerance(nmf, 1e-5));
    PCALL(NMFSetMaxIter(nmf, max_iter));
    if (!strcmp(type, NMFPROJECTEDGRADIENT)) {
      PCALL(NMFSetNoStopCriterion(nmf, PETSC_TRUE));
      PCALL(NMFSetMaxIter(nmf, 40));
    }
  };
}

/* Weighted equals cropped: lambda_L = 0, mu = 0, no simplex (the bisection's step count is global
   over the map), the stopping rules on: the masked fit and the fit of the kept pixels alone agree
   in n_iter, the stop reason, W, the kept H and every losses column, for each type and loss; the
   masked pixels' H is NaN (nothing determines it). */
TEST_CASE("masks: a masked fit equals the fit of the kept pixels", "[masks]")
{
  std::vector<PetscInt> kept;
  for (PetscInt q = 0; q < P; q++)
    if (!Masked(q)) kept.push_back(q);
  REQUIRE(kept.size() < (size_t)P - 10);
  struct Case {
    const char *type;
    bool        l2;
  } cases[] = {{NMFLOGSURROGATE, false}, {NMFLOGSURROGATE, true}, {NMFL2SURROGATE, false}, {NMFPROJECTEDGRADIENT, false}};
  for (const Case &cs : cases) {
    INFO("type " << cs.type << (cs.l2 ? " with the l2 loss" : ""));
    const auto      options = CroppedOptions(cs.type, cs.l2, 400);
    const MaskedFit masked  = Fit(PETSC_COMM_WORLD, P, {}, true, options);
    const MaskedFit crop    = Fit(PETSC_COMM_WORLD, P, kept, false, options);
    REQUIRE(masked.n_iter == crop.n_iter);
    CHECK(masked.n_iter > 3);
    CHECK(masked.reason == crop.reason);
    CHECK(MaxRelErr(masked.W, crop.W) <= 1e-9);
    std::vector<double> Hk;
    bool                nan_masked = true;
    for (PetscInt q = 0; q < P; q++)
      for (PetscInt c = 0; c < 3; c++)
        if (Masked(q))
          nan_masked = nan_masked && std::isnan(masked.H[q * 3 + c]);
        else
          Hk.push_back(masked.H[q * 3 + c]);
    CHECK(nan_masked);
    CHECK(MaxRelErr(Hk, crop.H) <= 1e-9);
    REQUIRE(masked.ncol == crop.ncol);
    for (PetscInt j = 0; j < masked.ncol; j++) {
      if (j == 4) continue; /* gamma: a step parameter, not a loss (equal anyway, but 0 for some types) */
      INFO("losses column " << j);
      std::vector<double> a(masked.losses.begin() + j * masked.n_iter, masked.losses.begin() + (j + 1) * masked.n_iter);
      std::vector<double> b(crop.losses.begin() + j * crop.n_iter, crop.losses.begin() + (j + 1) * crop.n_iter);
      CHECK(MaxRelDiff(a, b) <= 1e-9);
    }
  }
}

/* Masked channels equal removed channels: with a known G, the same W as the fit of X and G without
   those rows; with the identity G, the kept rows of W equal the cropped fit's and the masked rows
   are NaN; with a navigation mask as well, both removed.  A signal mask of zeros is no mask. */
TEST_CASE("masks: a signal mask equals removing the channels", "[masks]")
{
  std::vector<PetscInt> kept, keptp;
  for (PetscInt i = 0; i < 24; i++)
    if (!ChannelMasked(i)) kept.push_back(i);
  for (PetscInt q = 0; q < P; q++)
    if (!Masked(q)) keptp.push_back(q);
  struct Case {
    const char *type;
    bool        l2, G, pixels;
  } cases[] = {{NMFLOGSURROGATE, false, true, false}, {NMFLOGSURROGATE, false, false, false}, {NMFLOGSURROGATE, true, true, false}, {NMFL2SURROGATE, false, true, true}, {NMFPROJECTEDGRADIENT, false, true, false}, {NMFPROJECTEDGRADIENT, false, false, true}};
  for (const Case &cs : cases) {
    INFO("type " << cs.type << (cs.l2 ? " with the l2 loss" : "") << (cs.G ? ", a known G" : ", the identity G") << (cs.pixels ? ", masked pixels too" : ""));
    const auto      options = CroppedOptions(cs.type, cs.l2, 300);
    const MaskedFit masked  = Fit(PETSC_COMM_WORLD, P, {}, cs.pixels, options, {}, true, cs.G);
    const MaskedFit crop    = Fit(PETSC_COMM_WORLD, P, cs.pixels ? keptp : std::vector<PetscInt>{}, false, options, kept, false, cs.G);
    REQUIRE(masked.n_iter == crop.n_iter);
    CHECK(masked.n_iter > 3);
    CHECK(masked.reason == crop.reason);
    if (cs.G)
      CHECK(MaxRelErr(masked.W, crop.W) <= 1e-9);
    else {
      std::vector<double> Wk;
      bool                nan_rows = true;
      for (PetscInt i = 0; i < 24; i++)
        for (PetscInt c = 0; c < 3; c++)
          if (ChannelMasked(i))
            nan_rows = nan_rows && std::isnan(masked.W[i * 3 + c]);
          else
            Wk.push_back(masked.W[i * 3 + c]);
      CHECK(nan_rows);
      CHECK(MaxRelErr(Wk, crop.W) <= 1e-9);
    }
    std::vector<double> Hk;
    for (PetscInt q = 0; q < P; q++)
      for (PetscInt c = 0; c < 3 && !(cs.pixels && Masked(q)); c++) Hk.push_back(masked.H[q * 3 + c]);
    CHECK(MaxRelErr(Hk, crop.H) <= 1e-9);
    REQUIRE(masked.ncol == crop.ncol);
    CHECK(MaxRelDiff(masked.losses, crop.losses) <= 1e-9);
  }
  /* a signal mask of zeros: no mask, bit for bit */
  auto options = [](NMF nmf) {
    PCALL(NMFSetLambdaL(nmf, 0.5));
    PCALL(NMFSetMaxIter(nmf, 10));
  };
  const MaskedFit plain = Fit(PETSC_COMM_WORLD, P, {}, false, options);
  const MaskedFit zeros = Fit(PETSC_COMM_WORLD, P, {}, false, [&](NMF nmf) {
    std::vector<PetscBool> none(24, PETSC_FALSE);
    PCALL(NMFSetSignalMask(nmf, 24, none.data()));
    options(nmf);
  });
  CHECK(zeros.W == plain.W);
  CHECK(zeros.H == plain.H);
  CHECK(zeros.losses == plain.losses);
}

/* the same masked fit on all ranks and on this rank alone: the mask cuts across the rank blocks */
TEST_CASE("masks: a masked fit does not depend on the rank count", "[masks]")
{
  for (double lambda : {0.0, 2.0}) {
    INFO("lambda_L " << lambda);
    auto options = [&](NMF nmf) {
      PCALL(NMFSetLambdaL(nmf, lambda));
      PCALL(NMFSetMu(nmf, 1, (const PetscReal[]){0.02}));
      PCALL(NMFSetMaxIter(nmf, 40));
    };
    const MaskedFit world = Fit(PETSC_COMM_WORLD, P, {}, true, options, {}, true);
    const MaskedFit self  = Fit(PETSC_COMM_SELF, P, {}, true, options, {}, true);
    CHECK(world.n_iter == self.n_iter);
    CHECK(NanAwareDiff(world.W, self.W) <= 1e-9); /* the masked channels' rows NaN on both */
    std::vector<double> a, b;                     /* NaN at the masked pixels with lambda_L = 0 on both */
    for (size_t e = 0; e < world.H.size(); e++) {
      CHECK(std::isnan(world.H[e]) == std::isnan(self.H[e]));
      if (!std::isnan(world.H[e])) a.push_back(world.H[e]), b.push_back(self.H[e]);
    }
    size_t nmasked = 0;
    for (PetscInt q = 0; q < P; q++) nmasked += Masked(q) ? 3 : 0;
    CHECK(world.H.size() - a.size() == (lambda == 0 ? nmasked : 0)); /* filled in with lambda_L > 0 */
    CHECK(MaxRelDiff(a, b) <= 1e-9);
    CHECK(MaxRelDiff(world.losses, self.losses) <= 1e-9);
  }
}

/* Inpainting: a 20 x 20 image of two components whose maps are smooth.  Masking a keyed 20% of the
   pixels, or a solid 9 x 9 block (20%), with lambda_L = 5 recovers the masked pixels' abundances
   close to the unmasked fit's: the mean |H_masked - H_unmasked| over the masked pixels is at most
   0.01 for the keyed pixels (measured 0.0027) and 0.05 for the block (measured 0.030: what a
   harmonic fill-in of these maps over a 9 x 9 hole misses; 2000 iterations give the same), and at
   most 0.3 times the error of their neutral start (the mean of the data pixels; measured 0.03 and
   0.23 times), so the Laplacian did the work. */
static double SmoothH(PetscInt q, PetscInt c)
{
  const PetscInt i = q / 20, j = q % 20;
  const double   h = 0.5 + 0.35 * std::sin(PETSC_PI * i / 19.0) * std::cos(PETSC_PI * j / 25.0);
  return c == 0 ? h : 1 - h;
}
static double SmoothX(PetscInt q, PetscInt i)
{
  double x = 0;
  for (PetscInt c = 0; c < 2; c++) x += 300 * Spectrum(i, 2 * c) * SmoothH(q, c);
  return x;
}
static std::vector<double> ImageFit(const std::function<bool(PetscInt)> &masked)
{
  DM  da, daH;
  NMF nmf;
  PCALL(NMFCreateDataDM(PETSC_COMM_WORLD, 24, 20, 20, NULL, NULL, &da));
  Vec X = KeyedVec(da, SmoothX), M = nullptr;
  PCALL(NMFCreate(PETSC_COMM_WORLD, &nmf));
  PCALL(NMFSetData(nmf, da, X));
  PCALL(NMFSetNComponents(nmf, 2));
  PCALL(NMFSetVerbose(nmf, 0));
  std::vector<double> W0(24 * 2);
  for (PetscInt i = 0; i < 24; i++)
    for (PetscInt c = 0; c < 2; c++) W0[i * 2 + c] = 300 * Spectrum(i, 2 * c) * (1 + 0.2 * c);
  PCALL(NMFSetInitialW(nmf, 24, 2, W0.data()));
  PCALL(NMFSetInitType(nmf, NMF_INIT_RANDOM));
  PCALL(NMFSetRandomState(nmf, 3));
  M = MaskVec(da, [&](PetscInt q) { return masked(q) ? 1.0 : 0.0; });
  PCALL(NMFSetNavigationMask(nmf, M));
  PCALL(NMFSetLambdaL(nmf, 5));
  PCALL(NMFSetMaxIter(nmf, 600));
  PCALL(NMFSetNoStopCriterion(nmf, PETSC_TRUE));
  PCALL(NMFSolve(nmf));
  const FitResult r = GetFitResult(nmf);
  PCALL(NMFGetAbundanceDM(nmf, &daH));
  PCALL(VecDestroy(&M));
  PCALL(VecDestroy(&X));
  PCALL(NMFDestroy(&nmf));
  PCALL(DMDestroy(&da));
  return r.H;
}
TEST_CASE("masks: the Laplacian fills in masked pixels", "[masks]")
{
  const std::vector<double> full = ImageFit([](PetscInt) { return false; });
  struct Hole {
    const char                   *name;
    std::function<bool(PetscInt)> masked;
    double                        bound;
  } holes[] = {{"a keyed 20% of the pixels", [](PetscInt q) { return q % 20 > 0 && q % 20 < 19 && (q * 2654435761u >> 9) % 5 == 0; }, 0.01},
               {"a solid 9 x 9 block", [](PetscInt q) { return q / 20 >= 6 && q / 20 < 15 && q % 20 >= 4 && q % 20 < 13; }, 0.05}};
  for (const Hole &hole : holes) {
    INFO(hole.name);
    const std::vector<double> got      = ImageFit(hole.masked);
    PetscInt                  nm_total = 0; /* the masked pixels */
    for (PetscInt q = 0; q < 400; q++) nm_total += hole.masked(q);
    double   err = 0, err_start = 0, mean[2] = {0, 0};
    PetscInt nm = 0;
    for (PetscInt q = 0; q < 400; q++)
      if (!hole.masked(q))
        for (PetscInt c = 0; c < 2; c++) mean[c] += got[q * 2 + c];
    for (PetscInt q = 0; q < 400; q++)
      if (hole.masked(q)) {
        nm++;
        for (PetscInt c = 0; c < 2; c++) {
          err += std::abs(got[q * 2 + c] - full[q * 2 + c]);
          err_start += std::abs(mean[c] / (400 - nm_total) - full[q * 2 + c]);
        }
      }
    REQUIRE(nm >= 60);
    err /= 2 * nm;
    err_start /= 2 * nm;
    INFO("mean error at the masked pixels " << err << ", of a constant start " << err_start);
    CHECK(err <= hole.bound);
    CHECK(err <= 0.3 * err_start);
  }
}

TEST_CASE("masks: a bad navigation mask is refused", "[masks]")
{
  DM             da;
  NMF            nmf;
  Vec            M;
  PetscErrorCode ierr;
  PCALL(NMFCreateDataDM(PETSC_COMM_WORLD, 24, 0, P, NULL, NULL, &da));
  Vec X = KeyedVec(da, KeyX);
  PCALL(NMFCreate(PETSC_COMM_WORLD, &nmf));
  PCALL(NMFSetNComponents(nmf, 3));
  PCALL(NMFSetVerbose(nmf, 0));
  PCALL(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  PCALL(DMCreateGlobalVector(da, &M));
  CHECK(NMFSetNavigationMask(nmf, M) == PETSC_ERR_ORDER); /* before the data */
  PCALL(NMFSetData(nmf, da, X));
  Vec wrong;
  PCALL(VecCreateMPI(PETSC_COMM_WORLD, PETSC_DECIDE, P + 3 * CommSize(PETSC_COMM_WORLD), &wrong));
  CHECK(NMFSetNavigationMask(nmf, wrong) == PETSC_ERR_ARG_SIZ);
  PCALL(VecDestroy(&wrong));
  for (double bad : {2.0, -1.0, 0.5, (double)NAN}) {
    INFO("a mask value " << bad);
    Vec B = MaskVec(da, [&](PetscInt q) { return q == 17 ? bad : 0.0; });
    CHECK(NMFSetNavigationMask(nmf, B) == PETSC_ERR_ARG_OUTOFRANGE);
    PCALL(VecDestroy(&B));
  }
  PCALL(VecSet(M, 1.0));
  PCALL(NMFSetNavigationMask(nmf, M));
  CHECK(NMFSetUp(nmf) == PETSC_ERR_ARG_WRONG); /* every pixel excluded */
  PCALL(VecDestroy(&M));
  M = MaskVec(da, [&](PetscInt q) { return q < P - 2 ? 1.0 : 0.0; });
  PCALL(NMFSetNavigationMask(nmf, M));
  CHECK(NMFSetUp(nmf) == PETSC_ERR_ARG_WRONG); /* 2 pixels left for 3 components */
  PCALL(NMFSetNavigationMask(nmf, NULL));
  std::vector<PetscBool> all(24, PETSC_TRUE);
  CHECK(NMFSetSignalMask(nmf, 23, all.data()) == PETSC_ERR_ARG_SIZ);
  PCALL(NMFSetSignalMask(nmf, 24, all.data()));
  CHECK(NMFSetUp(nmf) == PETSC_ERR_ARG_WRONG); /* every channel excluded */
  PCALL(NMFSetSignalMask(nmf, 0, NULL));
  PCALL(PetscPopErrorHandler());
  PCALL(NMFSetNavigationMask(nmf, NULL));
  PCALL(NMFSetUp(nmf));
  PCALL(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  CHECK(NMFSetNavigationMask(nmf, M) == PETSC_ERR_ORDER); /* after X was prepared */
  PCALL(PetscPopErrorHandler());
  PCALL(VecDestroy(&M));
  PCALL(VecDestroy(&X));
  PCALL(NMFDestroy(&nmf));
  PCALL(DMDestroy(&da));
}
