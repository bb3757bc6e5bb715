/* NMFApplyLaplacian_Private (5-point stencil with the ghost exchange) and NMFRowMax_Private
   against serial dense computations on the full map, for several partitions of the pixels:
   one image row per rank, uneven explicit blocks, a 2-D rank grid (2 x 2 at 4 ranks) and the
   1-D map without shape (Delta = I).  Meaningful at any rank count; registered at 1-4. */
#include "unit_helpers.h"

static const PetscInt K = 3; /* components */

/* the test abundances, keyed by global pixel q and component c */
static double KeyH(PetscInt q, PetscInt c) { return std::sin(1.3 * q + 0.7 * c) + 2; }
static double KeyH2(PetscInt q, PetscInt c) { return std::cos(0.45 * q * q + c) + 1.5; }

/* a largest divisor px of size with px <= sqrt(size): the grid px x (size / px), 2 x 2 at 4 */
static void SquarishGrid(int size, PetscInt *px, PetscInt *py)
{
  *px = 1;
  for (int d = 1; d * d <= size; d++)
    if (size % d == 0) *px = d;
  *py = size / *px;
}

/* Sets up an NMF on da (any X) with K components, as NMFSetUp would for the Laplacian:
   the abundance DM and the local (ghosted) work vector H_local. */
static NMF LaplacianNMF(DM da)
{
  NMF nmf;
  DM  daH;
  Vec X = PixelVec(da);
  PCALL(VecSet(X, 1.0));
  PCALL(NMFCreate(PetscObjectComm((PetscObject)da), &nmf));
  PCALL(NMFSetData(nmf, da, X));
  PCALL(NMFSetNComponents(nmf, K));
  PCALL(NMFGetAbundanceDM(nmf, &daH));
  PCALL(DMCreateLocalVector(daH, &nmf->H_local)); /* as in NMFSetUp */
  PCALL(VecDestroy(&X));
  return nmf;
}

/* H Delta by the solver, for H keyed by key, compared entry by entry with the dense serial
   product; then the global row maxima against the serial max. */
static void CheckLaplacianWith(NMF nmf, double (*key)(PetscInt, PetscInt))
{
  DM daH;
  PCALL(NMFGetAbundanceDM(nmf, &daH));
  const PetscInt ny = nmf->has_shape ? nmf->ny : 0, nx = nmf->nx, p = nmf->p;
  Vec            H = KeyedVec(daH, key);

  std::vector<double> HL(nmf->p_local * K);
  PCALL(NMFApplyLaplacian_Private(nmf, H, HL.data()));

  /* serial: (H Delta)[c, q] = sum_r H[c, r] Delta[r, q] with the dense Delta of spec section 2 */
  const std::vector<double>   Hfull = KeyedFull(p, K, key);
  const std::vector<double>   ref   = DenseApplyLaplacian(DenseLaplacian(ny, nx), Hfull, p, K);
  const std::vector<PetscInt> idx   = OwnedPixelIndices(daH); /* local pixel -> global pixel */
  REQUIRE((PetscInt)idx.size() == nmf->p_local);
  double err = 0;
  for (PetscInt l = 0; l < nmf->p_local; l++)
    for (PetscInt c = 0; c < K; c++) KeepWorst(err, std::abs(HL[l * K + c] - ref[idx[l] * K + c]));
  CHECK(err <= 1e-13); /* sums of at most 5 terms of size ~3: exact up to rounding */

  /* rowmax[c] = max over ALL pixels of H[c, q]: the same on every rank, owner of the max or not */
  std::vector<double> rowmax(K), serial(K, -INFINITY);
  const PetscScalar  *h;
  PCALL(VecGetArrayRead(H, &h));
  PCALL(NMFRowMax_Private(nmf, h, rowmax.data()));
  PCALL(VecRestoreArrayRead(H, &h));
  for (PetscInt q = 0; q < p; q++)
    for (PetscInt c = 0; c < K; c++) serial[c] = std::max(serial[c], Hfull[q * K + c]);
  CHECK(rowmax == serial);
  PCALL(VecDestroy(&H));
}

/* Both abundance maps through the same object: the second result must use fresh ghosts. */
static void CheckLaplacian(NMF nmf)
{
  PetscInt total = nmf->p_local;
  MPI_Allreduce(MPI_IN_PLACE, &total, 1, MPIU_INT, MPI_SUM, nmf->comm);
  REQUIRE(total == nmf->p); /* the blocks cover the map */
  DM       daH;
  PetscInt xs, ys, xm, ym;
  PCALL(NMFGetAbundanceDM(nmf, &daH));
  PCALL(DMDAGetCorners(daH, &xs, &ys, NULL, &xm, &ym, NULL));
  CHECK((xs == nmf->xs && xm == nmf->xm && ys == nmf->ys && ym == nmf->ym)); /* H owned like X */
  CheckLaplacianWith(nmf, KeyH);
  CheckLaplacianWith(nmf, KeyH2);
}

TEST_CASE("Laplacian: one image row per rank", "[laplacian]")
{
  const int      size = CommSize(PETSC_COMM_WORLD);
  const PetscInt ny = std::max(size, 2), nx = 5;
  DM             da;
  PCALL(PetscOptionsSetValue(NULL, "-da_processors_x", "1")); /* all ranks in one column */
  PCALL(NMFCreateDataDM(PETSC_COMM_WORLD, 2, ny, nx, NULL, NULL, &da));
  PCALL(PetscOptionsClearValue(NULL, "-da_processors_x"));
  NMF nmf = LaplacianNMF(da);
  if (size > 1) REQUIRE(nmf->ym == 1); /* every rank: one row, ghosts above and below */
  REQUIRE(nmf->xm == nx);
  CheckLaplacian(nmf);
  PCALL(NMFDestroy(&nmf));
  PCALL(DMDestroy(&da));
}

TEST_CASE("Laplacian: uneven blocks with explicit ownership", "[laplacian]")
{
  const int size = CommSize(PETSC_COMM_WORLD);
  PetscInt  px, py;
  SquarishGrid(size, &py, &px); /* the transposed grid: columns split at 2 and 3 ranks, 2 x 2 at 4 */
  /* columns 3,1,3,... and rows 2,1,4,1,6...: blocks of width 1 between two neighbours */
  std::vector<PetscInt> lx(px), ly(py);
  for (PetscInt a = 0; a < px; a++) lx[a] = (a % 2 == 0) ? 3 : 1;
  for (PetscInt b = 0; b < py; b++) ly[b] = (b % 2 == 1) ? 1 : 2 + b;
  PetscInt nx = 0, ny = 0;
  for (PetscInt v : lx) nx += v;
  for (PetscInt v : ly) ny += v;

  /* the DMDA that NMFCreateDataDM(ly, lx) should make (see the next test), built directly */
  DM da;
  PCALL(DMDACreate2d(PETSC_COMM_WORLD, DM_BOUNDARY_NONE, DM_BOUNDARY_NONE, DMDA_STENCIL_STAR, nx, ny, px, py, 2, 0, lx.data(), ly.data(), &da));
  PCALL(DMSetUp(da));
  NMF nmf = LaplacianNMF(da);
  CHECK(nmf->xm == lx[CommRank(PETSC_COMM_WORLD) % px]);
  CHECK(nmf->ym == ly[CommRank(PETSC_COMM_WORLD) / px]);
  CheckLaplacian(nmf);
  PCALL(NMFDestroy(&nmf));
  PCALL(DMDestroy(&da));
}

/* NMFCreateDataDM with explicit 2-D ownership ranges: the rank grid follows from them. */
TEST_CASE("NMFCreateDataDM: explicit 2-D ownership ranges", "[laplacian]")
{
  const int             size = CommSize(PETSC_COMM_WORLD);
  std::vector<PetscInt> ly(size, 2), lx = {4}; /* one column of ranks, rows 3, 2, 2, ... */
  ly[0] = 3;
  DM da = NULL;
  PCALL(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  PetscErrorCode ierr = NMFCreateDataDM(PETSC_COMM_WORLD, 2, 2 * size + 1, 4, ly.data(), lx.data(), &da);
  PCALL(PetscPopErrorHandler());
  REQUIRE(ierr == 0);
  NMF nmf = LaplacianNMF(da);
  CHECK(nmf->ym == ly[CommRank(PETSC_COMM_WORLD)]); /* rank 0: 3 rows, the others 2 */
  CheckLaplacian(nmf);
  PCALL(NMFDestroy(&nmf));
  PCALL(DMDestroy(&da));
}

TEST_CASE("Laplacian: 2-D rank grid (2 x 2 at 4 ranks)", "[laplacian]")
{
  const int size = CommSize(PETSC_COMM_WORLD);
  PetscInt  px, py, mx, my;
  char      sx[16], sy[16];
  SquarishGrid(size, &px, &py);
  snprintf(sx, sizeof sx, "%d", (int)px);
  snprintf(sy, sizeof sy, "%d", (int)py);
  DM da;
  PCALL(PetscOptionsSetValue(NULL, "-da_processors_x", sx));
  PCALL(PetscOptionsSetValue(NULL, "-da_processors_y", sy));
  PCALL(NMFCreateDataDM(PETSC_COMM_WORLD, 2, 5, 6, NULL, NULL, &da)); /* 5 x 6: rows split 3 + 2 */
  PCALL(PetscOptionsClearValue(NULL, "-da_processors_x"));
  PCALL(PetscOptionsClearValue(NULL, "-da_processors_y"));
  PCALL(DMDAGetInfo(da, NULL, NULL, NULL, NULL, &mx, &my, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  REQUIRE(mx == px);
  REQUIRE(my == py);
  if (size == 4) REQUIRE((mx == 2 && my == 2)); /* corner blocks: ghosts from two neighbours */
  NMF nmf = LaplacianNMF(da);
  CheckLaplacian(nmf);
  PCALL(NMFDestroy(&nmf));
  PCALL(DMDestroy(&da));
}

TEST_CASE("Laplacian: no image shape, Delta = I", "[laplacian]")
{
  const int             size = CommSize(PETSC_COMM_WORLD);
  std::vector<PetscInt> lx(size);
  PetscInt              p = 0;
  for (int r = 0; r < size; r++) p += (lx[r] = 1 + 2 * r); /* uneven 1-D blocks 1, 3, 5, ... */
  p = std::max<PetscInt>(p, 2);
  if (size == 1) lx[0] = p;
  DM da;
  PCALL(NMFCreateDataDM(PETSC_COMM_WORLD, 2, 0, p, NULL, lx.data(), &da));
  NMF nmf = LaplacianNMF(da);
  REQUIRE(!nmf->has_shape);
  REQUIRE(nmf->p_local == lx[CommRank(PETSC_COMM_WORLD)]);
  CheckLaplacian(nmf); /* the dense reference is the identity here: H Delta = H */
  PCALL(NMFDestroy(&nmf));
  PCALL(DMDestroy(&da));
}
