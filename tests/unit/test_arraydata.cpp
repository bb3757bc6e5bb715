/* The application's arrays (issue 13, what the Python package stands on): NMFSetDataArray in
   every element type and both orientations, the whole map on every rank or a block per rank,
   gives the result of NMFSetDataMat; NMFGetHArray and NMFCreateAbundanceVecFromArray go between
   the natural pixel order and the solver's layout; NMFTransformCreate from a solved object and
   from an object holding only the learned W give the same abundances. */
#include "unit_helpers.h"
#include <cstdint>

static const PetscInt n = 14, k = 2, ny = 7, nx = 6, p = ny * nx;

static double Count(PetscInt q, PetscInt i) { return (double)((q * 7 + i * 13 + (q * i) % 5) % 9); } /* small integer counts */

/* a solve of the counts given through `give`, with fixed parameters */
static FitResult Solve(const std::function<void(NMF)> &give)
{
  NMF nmf;
  PCALL(NMFCreate(PETSC_COMM_WORLD, &nmf));
  PCALL(NMFSetNComponents(nmf, k));
  PCALL(NMFSetMaxIter(nmf, 6));
  PCALL(NMFSetRandomState(nmf, 4));
  PCALL(NMFSetVerbose(nmf, 0));
  PCALL(NMFSetImageShape(nmf, ny, nx));
  give(nmf);
  PCALL(NMFSolve(nmf));
  FitResult r = GetFitResult(nmf);
  PCALL(NMFDestroy(&nmf));
  return r;
}

/* the rank's block of consecutive pixels */
static void MyBlock(PetscInt *r0, PetscInt *r1)
{
  const int size = CommSize(PETSC_COMM_WORLD), rank = CommRank(PETSC_COMM_WORLD);
  *r0 = p * rank / size;
  *r1 = p * (rank + 1) / size;
}

template <class T>
static void CheckType(NMFArrayType type, const FitResult &ref)
{
  /* (pixels, channels) and (channels, pixels), C order, the whole map */
  std::vector<T> pc(p * n), cp(n * p);
  for (PetscInt q = 0; q < p; q++)
    for (PetscInt i = 0; i < n; i++) pc[q * n + i] = cp[i * p + q] = (T)Count(q, i);
  PetscInt r0, r1;
  MyBlock(&r0, &r1);
  const FitResult a = Solve([&](NMF nmf) { PCALL(NMFSetDataArray(nmf, p, n, 0, p, type, pc.data(), n, 1)); });
  const FitResult b = Solve([&](NMF nmf) { PCALL(NMFSetDataArray(nmf, p, n, 0, p, type, cp.data(), 1, p)); });
  /* a block per rank: (pixels, channels) rows r0.., and (channels, pixels) columns r0.. of the whole array */
  const FitResult c = Solve([&](NMF nmf) { PCALL(NMFSetDataArray(nmf, p, n, r0, r1, type, pc.data() + r0 * n, n, 1)); });
  const FitResult d = Solve([&](NMF nmf) { PCALL(NMFSetDataArray(nmf, p, n, r0, r1, type, cp.data() + r0, 1, p)); });
  for (const FitResult *r : {&a, &b, &c, &d}) {
    CHECK(MaxRelDiff(r->W, ref.W) < 1e-13);
    CHECK(MaxRelDiff(r->H, ref.H) < 1e-13);
    CHECK(r->n_iter == ref.n_iter);
  }
}

TEST_CASE("NMFSetDataArray: every element type, both orientations, whole or blocks, as NMFSetDataMat", "[data]")
{
  /* the reference: a dense Mat of pixels x channels with PETSc's row ownership */
  const FitResult ref = Solve([](NMF nmf) {
    Mat      X;
    PetscInt r0, r1;
    PCALL(MatCreateDense(PETSC_COMM_WORLD, PETSC_DECIDE, PETSC_DECIDE, p, n, NULL, &X));
    PCALL(MatGetOwnershipRange(X, &r0, &r1));
    for (PetscInt q = r0; q < r1; q++)
      for (PetscInt i = 0; i < n; i++) PCALL(MatSetValue(X, q, i, Count(q, i), INSERT_VALUES));
    PCALL(MatAssemblyBegin(X, MAT_FINAL_ASSEMBLY));
    PCALL(MatAssemblyEnd(X, MAT_FINAL_ASSEMBLY));
    PCALL(NMFSetDataMat(nmf, X));
    PCALL(MatDestroy(&X));
  });
  CheckType<double>(NMF_ARRAY_FLOAT64, ref);
  CheckType<float>(NMF_ARRAY_FLOAT32, ref);
  CheckType<uint8_t>(NMF_ARRAY_UINT8, ref);
  CheckType<uint16_t>(NMF_ARRAY_UINT16, ref);
  CheckType<uint32_t>(NMF_ARRAY_UINT32, ref);
  CheckType<uint64_t>(NMF_ARRAY_UINT64, ref);
  CheckType<int8_t>(NMF_ARRAY_INT8, ref);
  CheckType<int16_t>(NMF_ARRAY_INT16, ref);
  CheckType<int32_t>(NMF_ARRAY_INT32, ref);
  CheckType<int64_t>(NMF_ARRAY_INT64, ref);
}

TEST_CASE("NMFSetDataArray refuses blocks that do not cover the map, and different sizes", "[data]")
{
  std::vector<double> x(p * n, 1.0);
  NMF                 nmf;
  PetscErrorCode      ierr;
  PCALL(NMFCreate(PETSC_COMM_WORLD, &nmf));
  PetscInt r0, r1;
  MyBlock(&r0, &r1);
  PCALL(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = NMFSetDataArray(nmf, p, n, r0, r1 > r0 ? r1 - 1 : r1, NMF_ARRAY_FLOAT64, x.data(), n, 1); /* a pixel missing */
  CHECK(ierr == PETSC_ERR_ARG_OUTOFRANGE);
  ierr = NMFSetDataArray(nmf, p + CommRank(PETSC_COMM_WORLD), n, 0, p, NMF_ARRAY_FLOAT64, x.data(), n, 1);
  CHECK(ierr == (CommSize(PETSC_COMM_WORLD) > 1 ? PETSC_ERR_ARG_INCOMP : 0));
  PCALL(PetscPopErrorHandler());
  PCALL(NMFDestroy(&nmf));
}

TEST_CASE("NMFGetHArray and NMFCreateAbundanceVecFromArray: natural order in and out, any ranges", "[data]")
{
  std::vector<double> pc(p * n);
  for (PetscInt q = 0; q < p; q++)
    for (PetscInt i = 0; i < n; i++) pc[q * n + i] = Count(q, i);
  NMF nmf;
  PCALL(NMFCreate(PETSC_COMM_WORLD, &nmf));
  PCALL(NMFSetNComponents(nmf, k));
  PCALL(NMFSetMaxIter(nmf, 4));
  PCALL(NMFSetVerbose(nmf, 0));
  PCALL(NMFSetImageShape(nmf, ny, nx));
  PCALL(NMFSetDataArray(nmf, p, n, 0, p, NMF_ARRAY_FLOAT64, pc.data(), n, 1));
  /* an initial H given in natural order (the whole map on every rank) comes back unchanged after set-up */
  std::vector<double> h0(p * k);
  for (PetscInt q = 0; q < p; q++) h0[q * k] = 0.25 + 0.5 * (q % 3) / 2.0, h0[q * k + 1] = 1 - h0[q * k];
  Vec H0;
  PCALL(NMFCreateAbundanceVecFromArray(nmf, 0, p, h0.data(), &H0));
  PCALL(NMFSetInitialH(nmf, H0));
  PCALL(VecDestroy(&H0));
  const double W0[n * k] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  PCALL(NMFSetInitialW(nmf, n, k, W0));
  PCALL(NMFSetInitType(nmf, NMF_INIT_CUSTOM));
  PCALL(NMFSetUp(nmf));
  std::vector<double> all(p * k);
  PCALL(NMFGetHArray(nmf, 0, p, all.data()));
  CHECK(MaxRelDiff(all, h0) == 0.0);
  /* after the solve: each rank its own block of H, and a block it does not own, equal to the gathered H */
  PCALL(NMFSolve(nmf));
  const FitResult r = GetFitResult(nmf);
  PetscInt        r0, r1;
  MyBlock(&r0, &r1);
  std::vector<double> mine((r1 - r0) * k), other(5 * k);
  PCALL(NMFGetHArray(nmf, r0, r1, mine.data()));
  const PetscInt o0 = (r1 + 3) % (p - 5);
  PCALL(NMFGetHArray(nmf, o0, o0 + 5, other.data()));
  CHECK(MaxRelDiff(mine, std::vector<double>(r.H.begin() + r0 * k, r.H.begin() + r1 * k)) == 0.0);
  CHECK(MaxRelDiff(other, std::vector<double>(r.H.begin() + o0 * k, r.H.begin() + (o0 + 5) * k)) == 0.0);

  /* NMFTransformCreate from the solved object, and from an object holding only W and the parameters */
  NMF t1, keep, t2;
  PCALL(NMFTransformCreate(nmf, &t1));
  PCALL(NMFSetImageShape(t1, ny, nx));
  PCALL(NMFSetDataArray(t1, p, n, 0, p, NMF_ARRAY_FLOAT64, pc.data(), n, 1));
  PCALL(NMFSolve(t1));
  PCALL(NMFCreate(PETSC_COMM_WORLD, &keep));
  PCALL(NMFSetNComponents(keep, k));
  PCALL(NMFSetMaxIter(keep, 4));
  PCALL(NMFSetVerbose(keep, 0));
  PCALL(NMFSetRandomState(keep, nmf->random_state));
  PCALL(NMFSetInitialW(keep, n, k, r.W.data()));
  PCALL(NMFTransformCreate(keep, &t2));
  PCALL(NMFSetImageShape(t2, ny, nx));
  PCALL(NMFSetDataArray(t2, p, n, r0, r1, NMF_ARRAY_FLOAT64, pc.data() + r0 * n, n, 1));
  PCALL(NMFSolve(t2));
  const FitResult a = GetFitResult(t1), b = GetFitResult(t2);
  CHECK(a.n_iter == b.n_iter);
  CHECK(MaxRelDiff(a.H, b.H) < 1e-14);
  CHECK(MaxRelDiff(a.W, r.W) == 0.0); /* W held */
  /* new data of other channels is refused at the set-up */
  NMF t3;
  PCALL(NMFTransformCreate(keep, &t3));
  PCALL(NMFSetDataArray(t3, p, n - 1, 0, p, NMF_ARRAY_FLOAT64, pc.data(), n, 1));
  PCALL(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  CHECK(NMFSetUp(t3) == PETSC_ERR_ARG_SIZ);
  PCALL(PetscPopErrorHandler());
  for (NMF *o : {&t1, &t2, &t3, &keep, &nmf}) PCALL(NMFDestroy(o));
}
