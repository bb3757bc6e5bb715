/* The rest of the estimator's API: transform (H of a new map with the learned W held fixed),
   inverse_transform (G W H, distributed like X), loss(W, H) for any W and H, and the losses
   table with its names. */
#include "unit_helpers.h"

/* known spectra D (n x k) and smooth maps on the simplex: X = D H exactly, no noise */
static const PetscInt n = 24, k = 3, ny = 9, nx = 7, p = ny * nx;

static double Spectrum(PetscInt i, PetscInt c)
{
  const double e = (double)i / n, mu = 0.2 + 0.3 * c;
  return 0.05 + std::exp(-0.5 * (e - mu) * (e - mu) / 0.004); /* one peak per component */
}

static double Map(PetscInt q, PetscInt c, double phase)
{
  double w[k], s = 0;
  for (PetscInt d = 0; d < k; d++) {
    w[d] = 1.2 + std::sin(0.45 * (q / nx) * (d + 1) + 0.3 * (q % nx) + phase * (d + 1));
    s += w[d];
  }
  return w[c] / s; /* on the simplex */
}

static double Pixel(PetscInt q, PetscInt i, double phase)
{
  double x = 0;
  for (PetscInt c = 0; c < k; c++) x += Spectrum(i, c) * Map(q, c, phase);
  return 100 * x;
}

TEST_CASE("transform recovers the maps of a new map built from the learned spectra", "[transform]")
{
  /* "learn": W held at the true spectra (init W = D, fixed_W = D), on a first map */
  NMF                 nmf = MakeKeyedNMF(PETSC_COMM_WORLD, n, ny, nx, k, [](PetscInt q, PetscInt i) { return Pixel(q, i, 0.0); });
  std::vector<double> D(n * k);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt c = 0; c < k; c++) D[i * k + c] = 100 * Spectrum(i, c);
  PCALL(NMFSetInitialW(nmf, n, k, D.data()));
  PCALL(NMFSetFixedW(nmf, n, k, D.data()));
  PCALL(NMFSetLambdaL(nmf, 0.0));
  PCALL(NMFSetMaxIter(nmf, 3));
  PCALL(NMFSetNoStopCriterion(nmf, PETSC_TRUE));
  PCALL(NMFSolve(nmf));

  /* transform a second map, X2 = D H2 */
  DM da;
  PCALL(NMFCreateDataDM(PETSC_COMM_WORLD, n, ny, nx, NULL, NULL, &da));
  Vec X2 = KeyedVec(da, [](PetscInt q, PetscInt i) { return Pixel(q, i, 1.7); });
  Vec H2;
  PCALL(NMFSetMaxIter(nmf, 3000));
  PCALL(NMFSetTolerance(nmf, 1e-12));
  PCALL(NMFTransform(nmf, da, X2, &H2));
  DM daH;
  PCALL(VecGetDM(H2, &daH));
  std::vector<double> got = GatherPixels(daH, H2), want(p * k);
  for (PetscInt q = 0; q < p; q++)
    for (PetscInt c = 0; c < k; c++) want[q * k + c] = Map(q, c, 1.7);
  double err = 0;
  for (PetscInt e = 0; e < p * k; e++) KeepWorst(err, std::abs(got[e] - want[e]));
  CHECK(err < 1e-3); /* |H2 - true maps| */

  /* the learned W itself did not move */
  const PetscReal *W;
  PCALL(NMFGetW(nmf, NULL, NULL, &W));
  CHECK(MaxRelErr(std::vector<double>(W, W + n * k), D) == 0.0);
  PCALL(VecDestroy(&H2));
  PCALL(VecDestroy(&X2));
  PCALL(DMDestroy(&da));
  PCALL(NMFDestroy(&nmf));
}

TEST_CASE("inverse_transform, loss(W, H) and the losses table", "[api]")
{
  NMF nmf = MakeKeyedNMF(PETSC_COMM_WORLD, n, ny, nx, k, [](PetscInt q, PetscInt i) { return Pixel(q, i, 0.4); });
  PCALL(NMFSetLambdaL(nmf, 0.5));
  const PetscReal mu = 0.1;
  PCALL(NMFSetMu(nmf, 1, &mu));
  PCALL(NMFSetRandomState(nmf, 3));
  PCALL(NMFSetMaxIter(nmf, 12));
  PCALL(NMFSetNoStopCriterion(nmf, PETSC_TRUE));
  PCALL(NMFSolve(nmf));

  /* the losses table: 7 named columns of n_iter values, the last full_loss = loss(W, H) */
  PetscInt         n_iter, ncol;
  const PetscReal *table;
  const char      *name;
  PCALL(NMFGetLosses(nmf, &n_iter, &ncol, &table));
  REQUIRE(n_iter == 12);
  REQUIRE(ncol == 7);
  for (PetscInt j = 0; j < ncol; j++) {
    PCALL(NMFGetLossName(nmf, j, &name));
    CHECK(std::string(name) == NMFLossNames[j]);
  }
  const PetscReal *W;
  Vec              H;
  PetscReal        losses[4], err;
  PCALL(NMFGetW(nmf, NULL, NULL, &W));
  PCALL(NMFGetH(nmf, &H));
  PCALL(NMFComputeLoss(nmf, W, H, losses));
  PCALL(NMFGetReconstructionError(nmf, &err));
  CHECK(RelDiff(losses[0], table[n_iter - 1]) < 1e-12); /* loss(W, H) of the final iterate */
  CHECK(RelDiff(losses[0], err) < 1e-12);
  CHECK(RelDiff(losses[0], losses[1] + losses[2] + losses[3]) < 1e-14);
  CHECK(losses[2] > 0); /* mu log(H + epsilon_reg) with epsilon_reg = 1, H > 0 */

  /* inverse_transform: Y = G W H per pixel, compared with the dense product of the gathered H */
  DM  daX;
  Vec Y;
  PCALL(NMFCreateDataDM(PETSC_COMM_WORLD, n, ny, nx, NULL, NULL, &daX));
  Y = PixelVec(daX);
  PCALL(NMFInverseTransform(nmf, Y));
  DM daH;
  PCALL(NMFGetAbundanceDM(nmf, &daH));
  std::vector<double> Hf = GatherPixels(daH, H), Yf = GatherPixels(daX, Y), want(p * n);
  const PetscReal    *GW;
  PCALL(NMFGetGW(nmf, NULL, NULL, &GW));
  for (PetscInt q = 0; q < p; q++)
    for (PetscInt i = 0; i < n; i++) {
      double s = 0;
      for (PetscInt c = 0; c < k; c++) s += GW[i * k + c] * Hf[q * k + c];
      want[q * n + i] = s;
    }
  CHECK(MaxRelDiff(Yf, want) < 1e-13);
  PCALL(VecDestroy(&Y));
  PCALL(DMDestroy(&daX));
  PCALL(NMFDestroy(&nmf));
}
