/* The PETSc-style API of issue 7 through its public functions: every getter returns what its
   setter (or its prefixed option) set; the application's Mat, dense or AIJ, with any row
   ownership, gives the solver exactly the data of a DMDA vector; G as a Mat of any type; the
   results as Mats, H with the rows of the application's X.  Registered at 1 and 3 ranks. */
#include "unit_helpers.h"
#include <string>

static double KeyX(PetscInt q, PetscInt i) { return 1 + 0.6 * std::sin(0.37 * i + 1.1 * q + 0.2) + 0.3 * std::cos(0.5 * q + 0.9 * i); }
static double KeyG(PetscInt i, PetscInt j) { return 0.2 + std::pow(std::cos(0.8 * i + 1.9 * j), 2); }

/* Rows per rank: PETSc's even split, or rank 0 holding more than half (uneven). */
static PetscInt LocalRows(MPI_Comm comm, PetscInt p, bool uneven)
{
  const int size = CommSize(comm), rank = CommRank(comm);
  if (!uneven || size == 1) return PETSC_DECIDE;
  const PetscInt first = p / 2 + 1, rest = p - first;
  return rank == 0 ? first : rest / (size - 1) + ((rank - 1) < rest % (size - 1) ? 1 : 0);
}

/* The application's p x n matrix X[r, i] = f(r, i) of the given type and row ownership. */
static Mat AppMat(MPI_Comm comm, PetscInt p, PetscInt n, MatType type, PetscInt nlocal, double (*f)(PetscInt, PetscInt))
{
  Mat      A;
  PetscInt r0, r1;
  PCALL(MatCreate(comm, &A));
  PCALL(MatSetSizes(A, nlocal, PETSC_DECIDE, p, n));
  PCALL(MatSetType(A, type));
  PCALL(MatSeqAIJSetPreallocation(A, n, NULL));
  PCALL(MatMPIAIJSetPreallocation(A, n, NULL, n, NULL));
  PCALL(MatSetUp(A));
  PCALL(MatGetOwnershipRange(A, &r0, &r1));
  for (PetscInt r = r0; r < r1; r++)
    for (PetscInt i = 0; i < n; i++)
      if ((r + i) % 4 != 3) PCALL(MatSetValue(A, r, i, f(r, i), INSERT_VALUES)); /* some entries absent: zeros */
  PCALL(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PCALL(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  return A;
}

static double KeyXSparse(PetscInt q, PetscInt i) { return (q + i) % 4 == 3 ? 0.0 : KeyX(q, i); }

/* the local array of the solver's X */
static std::vector<double> LocalX(NMF nmf)
{
  REQUIRE(nmf->xtype == NMF_DATA_FLOAT64);
  const double *x = (const double *)nmf->Xc;
  return std::vector<double>(x, x + NMFLocalSizeX_Private(nmf));
}

TEST_CASE("every parameter getter returns what its setter set", "[api]")
{
  NMF              nmf;
  PetscReal        r;
  PetscInt         i, nv;
  PetscBool        b;
  PetscInt64       seed;
  NMFType          algo;
  NMFInitType      init;
  const PetscReal *v;
  const char      *prefix;
  PCALL(NMFCreate(PETSC_COMM_WORLD, &nmf));

  /* espm's defaults first */
  PCALL(NMFGetLambdaL(nmf, &r));
  CHECK(r == 1.0);
  PCALL(NMFGetGamma(nmf, &r));
  CHECK(r == 8.0);
  PCALL(NMFGetGammas(nmf, &nv, &v));
  CHECK(nv == 0);
  PCALL(NMFGetMaxIter(nmf, &i));
  CHECK(i == 200);
  PCALL(NMFGetG(nmf, &i, &nv, &v));
  CHECK((i == 0 && nv == 0 && v == NULL));

  const PetscReal mu[3] = {0.1, 0.2, 0.3}, gam[2] = {1.5, 2.5};
  PCALL(NMFSetNComponents(nmf, 3));
  PCALL(NMFSetType(nmf, NMFPROJECTEDGRADIENT));
  PCALL(NMFSetLambdaL(nmf, 0.75));
  PCALL(NMFSetMu(nmf, 3, mu));
  PCALL(NMFSetEpsilonReg(nmf, 0.5));
  PCALL(NMFSetForceSimplex(nmf, PETSC_FALSE));
  PCALL(NMFSetDicotomyTol(nmf, 1e-3));
  PCALL(NMFSetGammas(nmf, 2, gam));
  PCALL(NMFSetLinesearch(nmf, PETSC_TRUE));
  PCALL(NMFSetL2(nmf, PETSC_TRUE));
  PCALL(NMFSetNormalize(nmf, PETSC_TRUE));
  PCALL(NMFSetNoStopCriterion(nmf, PETSC_TRUE));
  PCALL(NMFSetInitType(nmf, NMF_INIT_NNDSVDAR));
  PCALL(NMFSetTolerance(nmf, 1e-6));
  PCALL(NMFSetMaxIter(nmf, 17));
  PCALL(NMFSetRandomState(nmf, 1234));
  PCALL(NMFSetLogShift(nmf, 1e-10));
  PCALL(NMFSetEvalPrint(nmf, 3));
  PCALL(NMFSetVerbose(nmf, 0));
  PCALL(NMFSetScree(nmf, 4));
  PCALL(NMFSetHoldW(nmf, PETSC_TRUE));
  PCALL(NMFSetImageShape(nmf, 5, 6));
  PCALL(NMFSetOptionsPrefix(nmf, "xy_"));

  PCALL(NMFGetNComponents(nmf, &i));
  CHECK(i == 3);
  PCALL(NMFGetType(nmf, &algo));
  CHECK(std::string(algo) == NMFPROJECTEDGRADIENT);
  PCALL(NMFGetLambdaL(nmf, &r));
  CHECK(r == 0.75);
  PCALL(NMFGetMu(nmf, &nv, &v));
  REQUIRE(nv == 3);
  CHECK((v[0] == 0.1 && v[1] == 0.2 && v[2] == 0.3));
  PCALL(NMFGetEpsilonReg(nmf, &r));
  CHECK(r == 0.5);
  PCALL(NMFGetForceSimplex(nmf, &b));
  CHECK(b == PETSC_FALSE);
  PCALL(NMFGetDicotomyTol(nmf, &r));
  CHECK(r == 1e-3);
  PCALL(NMFGetGammas(nmf, &nv, &v));
  REQUIRE(nv == 2);
  CHECK((v[0] == 1.5 && v[1] == 2.5));
  PCALL(NMFGetGamma(nmf, &r));
  CHECK(r == 1.5);
  PCALL(NMFGetLinesearch(nmf, &b));
  CHECK(b == PETSC_TRUE);
  PCALL(NMFGetL2(nmf, &b));
  CHECK(b == PETSC_TRUE);
  PCALL(NMFGetNormalize(nmf, &b));
  CHECK(b == PETSC_TRUE);
  PCALL(NMFGetNoStopCriterion(nmf, &b));
  CHECK(b == PETSC_TRUE);
  PCALL(NMFGetInitType(nmf, &init));
  CHECK(init == NMF_INIT_NNDSVDAR);
  PCALL(NMFGetTolerance(nmf, &r));
  CHECK(r == 1e-6);
  PCALL(NMFGetMaxIter(nmf, &i));
  CHECK(i == 17);
  PCALL(NMFGetRandomState(nmf, &seed));
  CHECK(seed == 1234);
  PCALL(NMFGetLogShift(nmf, &r));
  CHECK(r == 1e-10);
  PCALL(NMFGetEvalPrint(nmf, &i));
  CHECK(i == 3);
  PCALL(NMFGetVerbose(nmf, &i));
  CHECK(i == 0);
  PCALL(NMFGetScreeSize(nmf, &i));
  CHECK(i == 4);
  PCALL(NMFGetHoldW(nmf, &b));
  CHECK(b == PETSC_TRUE);
  PetscInt ny, nx;
  PCALL(NMFGetImageShape(nmf, &ny, &nx));
  CHECK((ny == 5 && nx == 6));
  PCALL(NMFGetOptionsPrefix(nmf, &prefix));
  CHECK(std::string(prefix) == "xy_");
  PCALL(NMFDestroy(&nmf));
  CHECK(nmf == nullptr);
}

TEST_CASE("prefixed options reach the setters; unprefixed ones do not", "[api]")
{
  NMF       nmf;
  PetscInt  k, it;
  PetscReal l, tol;
  PetscBool ls;
  NMFType   algo;
  PCALL(PetscOptionsSetValue(NULL, "-t7_nmf_n_components", "4"));
  PCALL(PetscOptionsSetValue(NULL, "-t7_nmf_lambda_L", "0.25"));
  PCALL(PetscOptionsSetValue(NULL, "-t7_nmf_algo", "l2_surrogate"));
  PCALL(PetscOptionsSetValue(NULL, "-t7_nmf_linesearch", "true"));
  PCALL(PetscOptionsSetValue(NULL, "-nmf_max_iter", "9")); /* another object's option */
  PCALL(NMFCreate(PETSC_COMM_WORLD, &nmf));
  PCALL(NMFSetOptionsPrefix(nmf, "t7_"));
  PCALL(NMFSetFromOptions(nmf));
  PCALL(NMFGetNComponents(nmf, &k));
  PCALL(NMFGetLambdaL(nmf, &l));
  PCALL(NMFGetType(nmf, &algo));
  PCALL(NMFGetLinesearch(nmf, &ls));
  PCALL(NMFGetMaxIter(nmf, &it));
  PCALL(NMFGetTolerance(nmf, &tol));
  CHECK(k == 4);
  CHECK(l == 0.25);
  CHECK(std::string(algo) == NMFL2SURROGATE);
  CHECK(ls == PETSC_TRUE);
  CHECK(it == 200);   /* -nmf_max_iter is not -t7_nmf_max_iter */
  CHECK(tol == 1e-4); /* untouched default */
  PCALL(NMFDestroy(&nmf));
  for (const char *o : {"-t7_nmf_n_components", "-t7_nmf_lambda_L", "-t7_nmf_algo", "-t7_nmf_linesearch", "-nmf_max_iter"}) PCALL(PetscOptionsClearValue(NULL, o));
}

TEST_CASE("NMFSetDataMat: any type and row ownership gives the solver the data of NMFSetData", "[api][mat]")
{
  MPI_Comm       comm = PETSC_COMM_WORLD;
  const PetscInt n = 7, k = 2;
  for (PetscInt ny : {0, 5}) {
    const PetscInt nx = ny ? 6 : 30, p = ny ? ny * nx : nx;
    for (MatType type : {MATDENSE, MATAIJ}) {
      for (bool uneven : {false, true}) {
        CAPTURE(ny, nx, type, uneven);
        NMF ref = MakeKeyedNMF(comm, n, ny, nx, k, KeyXSparse), nmf;
        Mat X   = AppMat(comm, p, n, type, LocalRows(comm, p, uneven), KeyX);
        PCALL(PetscObjectSetName((PetscObject)X, "the app's X"));
        PCALL(NMFCreate(comm, &nmf));
        PCALL(NMFSetVerbose(nmf, 0));
        PCALL(NMFSetNComponents(nmf, k));
        if (ny) PCALL(NMFSetImageShape(nmf, ny, nx));
        PCALL(NMFSetDataMat(nmf, X));
        PetscInt gn, gp, gy, gx;
        PCALL(NMFGetDataSizes(nmf, &gn, &gp));
        PCALL(NMFGetImageShape(nmf, &gy, &gx));
        CHECK((gn == n && gp == p && gy == ny && gx == nx));
        CHECK((nmf->p_local == ref->p_local && nmf->xs == ref->xs && nmf->ys == ref->ys && nmf->xm == ref->xm && nmf->ym == ref->ym));
        CHECK(LocalX(nmf) == LocalX(ref)); /* bit for bit, in the solver's layout */
        const char *name;
        PCALL(PetscObjectGetName((PetscObject)nmf->daX, &name));
        CHECK(std::string(name) == "the app's X");

        /* the same solve; H comes back on the rows of X */
        for (NMF s : {ref, nmf}) {
          PCALL(NMFSetMaxIter(s, 6));
          PCALL(NMFSetNoStopCriterion(s, PETSC_TRUE));
          PCALL(NMFSolve(s));
        }
        const PetscReal *W1, *W2;
        PCALL(NMFGetW(ref, NULL, NULL, &W1));
        PCALL(NMFGetW(nmf, NULL, NULL, &W2));
        CHECK(std::vector<double>(W1, W1 + n * k) == std::vector<double>(W2, W2 + n * k));
        Mat      H;
        PetscInt r0, r1, h0, h1, hp, hk, lda;
        PCALL(NMFGetHMat(nmf, &H));
        PCALL(MatGetOwnershipRange(X, &r0, &r1));
        PCALL(MatGetOwnershipRange(H, &h0, &h1));
        PCALL(MatGetSize(H, &hp, &hk));
        CHECK((h0 == r0 && h1 == r1 && hp == p && hk == k));
        DM  daH;
        Vec Hv;
        PCALL(NMFGetAbundanceDM(ref, &daH));
        PCALL(NMFGetH(ref, &Hv));
        const std::vector<double> Hfull = GatherPixels(daH, Hv);
        const PetscScalar        *h;
        PCALL(MatDenseGetLDA(H, &lda));
        PCALL(MatDenseGetArrayRead(H, &h));
        double worst = 0;
        for (PetscInt r = h0; r < h1; r++)
          for (PetscInt c = 0; c < k; c++) KeepWorst(worst, std::abs(h[(r - h0) + c * lda] - Hfull[r * k + c]));
        PCALL(MatDenseRestoreArrayRead(H, &h));
        CHECK(worst == 0);
        Mat H2;
        PCALL(NMFGetHMat(nmf, &H2));
        CHECK(H2 == H); /* kept by the object */

        /* W and GW as sequential dense Mats */
        Mat      Wm, GWm;
        PetscInt wm, wk;
        PCALL(NMFGetWMat(nmf, &Wm));
        PCALL(NMFGetGWMat(nmf, &GWm));
        PCALL(MatGetSize(Wm, &wm, &wk));
        CHECK((wm == n && wk == k));
        for (PetscInt i = 0; i < n; i++)
          for (PetscInt c = 0; c < k; c++) {
            PetscScalar w, gw;
            PCALL(MatGetValues(Wm, 1, &i, 1, &c, &w));
            PCALL(MatGetValues(GWm, 1, &i, 1, &c, &gw));
            CHECK(w == W2[i * k + c]);
            CHECK(gw == W2[i * k + c]); /* G = identity */
          }
        PCALL(MatDestroy(&X)); /* the NMF holds its own copy */
        PCALL(NMFDestroy(&nmf));
        PCALL(NMFDestroy(&ref));
      }
    }
  }
}

TEST_CASE("NMFGetHMat after NMFSetData: PETSc's default rows in the natural pixel order", "[api][mat]")
{
  MPI_Comm comm = PETSC_COMM_WORLD;
  NMF      nmf  = MakeKeyedNMF(comm, 6, 4, 5, 2, KeyX);
  PCALL(NMFSetMaxIter(nmf, 3));
  PCALL(NMFSolve(nmf));
  Mat      H;
  DM       daH;
  Vec      Hv;
  PetscInt h0, h1, lda;
  PCALL(NMFGetHMat(nmf, &H));
  PCALL(NMFGetAbundanceDM(nmf, &daH));
  PCALL(NMFGetH(nmf, &Hv));
  const std::vector<double> Hfull = GatherPixels(daH, Hv);
  PCALL(MatGetOwnershipRange(H, &h0, &h1));
  PetscInt expect = PETSC_DECIDE, total = 20;
  PCALL(PetscSplitOwnership(comm, &expect, &total));
  CHECK(h1 - h0 == expect);
  const PetscScalar *h;
  PCALL(MatDenseGetLDA(H, &lda));
  PCALL(MatDenseGetArrayRead(H, &h));
  double worst = 0;
  for (PetscInt r = h0; r < h1; r++)
    for (PetscInt c = 0; c < 2; c++) KeepWorst(worst, std::abs(h[(r - h0) + c * lda] - Hfull[r * 2 + c]));
  PCALL(MatDenseRestoreArrayRead(H, &h));
  CHECK(worst == 0);
  PCALL(NMFDestroy(&nmf));
}

TEST_CASE("NMFSetGMat: a distributed AIJ G or a sequential dense G on each rank", "[api][mat]")
{
  MPI_Comm       comm = PETSC_COMM_WORLD;
  const PetscInt n = 7, m = 4;
  const auto     expect = KeyedFull(n, m, KeyG);
  Mat            Gpar   = AppMat(comm, n, m, MATAIJ, LocalRows(comm, n, true), KeyG), Gseq;
  PCALL(MatCreateSeqDense(PETSC_COMM_SELF, n, m, NULL, &Gseq));
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < m; j++) PCALL(MatSetValue(Gseq, i, j, KeyG(i, j), INSERT_VALUES));
  PCALL(MatAssemblyBegin(Gseq, MAT_FINAL_ASSEMBLY));
  PCALL(MatAssemblyEnd(Gseq, MAT_FINAL_ASSEMBLY));
  /* AppMat leaves out entries with (i + j) % 4 == 3: zeros in G */
  std::vector<double> sparse(expect);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt j = 0; j < m; j++)
      if ((i + j) % 4 == 3) sparse[i * m + j] = 0;
  for (Mat G : {Gpar, Gseq}) {
    NMF              nmf = MakeKeyedNMF(comm, n, 0, 12, 2, KeyX);
    PetscInt         gn, gm;
    const PetscReal *g;
    PCALL(NMFSetGMat(nmf, G));
    PCALL(NMFGetG(nmf, &gn, &gm, &g));
    REQUIRE((gn == n && gm == m));
    CHECK(std::vector<double>(g, g + n * m) == (G == Gpar ? sparse : expect));
    PCALL(NMFDestroy(&nmf));
  }
  PCALL(MatDestroy(&Gpar));
  PCALL(MatDestroy(&Gseq));
}

TEST_CASE("NMFSetDataMat refuses a shape that does not fit and a Mat on other ranks", "[api][mat]")
{
  MPI_Comm       comm = PETSC_COMM_WORLD;
  NMF            nmf;
  Mat            X = AppMat(comm, 30, 5, MATDENSE, PETSC_DECIDE, KeyX);
  PetscErrorCode ierr;
  PCALL(NMFCreate(comm, &nmf));
  PCALL(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  ierr = NMFSetImageShape(nmf, 1, 30);
  CHECK(ierr == PETSC_ERR_ARG_OUTOFRANGE);
  PCALL(NMFSetImageShape(nmf, 4, 8)); /* 32 pixels, X has 30 rows */
  ierr = NMFSetDataMat(nmf, X);
  CHECK(ierr == PETSC_ERR_ARG_SIZ);
  if (CommSize(comm) > 1) { /* a sequential Mat cannot hold the rows of several ranks */
    Mat S;
    PCALL(MatCreateSeqDense(PETSC_COMM_SELF, 30, 5, NULL, &S));
    PCALL(MatAssemblyBegin(S, MAT_FINAL_ASSEMBLY));
    PCALL(MatAssemblyEnd(S, MAT_FINAL_ASSEMBLY));
    PCALL(NMFSetImageShape(nmf, 0, 0));
    ierr = NMFSetDataMat(nmf, S);
    CHECK(ierr == PETSC_ERR_ARG_NOTSAMECOMM);
    PCALL(MatDestroy(&S));
  }
  ierr = NMFGetHMat(nmf, &X); /* nothing solved */
  CHECK(ierr == PETSC_ERR_ORDER);
  PCALL(PetscPopErrorHandler());
  PCALL(MatDestroy(&X));
  PCALL(NMFDestroy(&nmf));
}

/* A data DMDA is the pixel grid: its channels are composed with it, a data Vec holds n values per
   owned pixel, and a Vec of n p >= 2^31 values is refused (NMFSetDataCompact takes such a map). */
TEST_CASE("NMFCreateDataDM: the pixel grid with n channels; NMFCreateDataVec within 32-bit sizes", "[api][sizes]")
{
  MPI_Comm comm = PETSC_COMM_WORLD;
  DM       da;
  Vec      X;
  PetscInt n, dof, nloc, xm, ym;
  PCALL(NMFCreateDataDM(comm, 7, 5, 6, NULL, NULL, &da));
  PCALL(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PCALL(NMFDataDMGetChannels(da, &n));
  CHECK((dof == 1 && n == 7));
  PCALL(NMFCreateDataVec(da, &X));
  PCALL(VecGetLocalSize(X, &nloc));
  PCALL(DMDAGetCorners(da, NULL, NULL, NULL, &xm, &ym, NULL));
  CHECK(nloc == 7 * xm * ym);
  PCALL(VecDestroy(&X));
  PCALL(DMDestroy(&da));

  /* 2048 channels x 2^20 pixels = 2^31 values: the grid is fine, a Vec is not, H with k = 2048 is not */
  PCALL(NMFCreateDataDM(comm, 2048, 0, 1 << 20, NULL, NULL, &da));
  PCALL(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  PetscErrorCode ierr = NMFCreateDataVec(da, &X);
  CHECK(ierr == PETSC_ERR_ARG_OUTOFRANGE);
  CHECK(NMFCheckSizes(comm, 2048, 0, 1 << 20, 2047) == 0);
  CHECK(NMFCheckSizes(comm, 2048, 0, 1 << 20, 2048) == PETSC_ERR_ARG_OUTOFRANGE);
  PCALL(PetscPopErrorHandler());
  PCALL(DMDestroy(&da));
}
