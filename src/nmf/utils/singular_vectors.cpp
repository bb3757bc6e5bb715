/* The leading singular triplets of X (n channels x p pixels) by SLEPc's SVD on the distributed X,
   matrix-free: the operator is A = X^T (p x n; rows are the pixels with the solver's ownership,
   columns the channels, an n-vector distributed with PETSC_DECIDE), a MATSHELL whose products
   are passes over the owned pixels through NMFForPixelBlocks_Private (never a Mat holding X: a
   rank's share may exceed 2^31 values).  A = V S U^T: the right singular vectors of A are the
   left ones of X (the spectra), its left ones are V (pixel-major, laid out as H).  The cost is
   a few passes over X per singular triplet, n p k in all, instead of the n^2 p of a Gram matrix. */
#include <smoothnmf/private/nmfimpl.h>
#include <slepcsvd.h>
#include <petscblaslapack.h>
#include <algorithm>
#include <cfloat>
#include <cmath>

/* the key of the starting vector: a fixed seed (the SVD does not depend on random_state) and a
   stream of its own, drawn by global channel index */
#define NMF_SVD_SEED   0x5eedLL
#define NMF_SVD_STREAM 17

/* the shell's context: the solver, the scatter of an n-vector to every rank, a buffer for the
   allreduced channel sums, and ||X||_F^2, taken by the first scan when asked for */
struct XtShell {
  NMF                 nmf;
  VecScatter          to_all = nullptr;
  Vec                 v_all  = nullptr; /* sequential, length n, on every rank */
  std::vector<double> channel_sums;
  bool                want_sum_squares = false;
  double              sum_squares      = 0;
  PetscInt64          passes           = 0; /* products with A or A^T: passes over X */
  /* a sparse X (EDX counts: mostly zeros) as compressed pixel rows, when at most a tenth of the
     owned values are nonzero and fit a fifth of the memory of X as stored (or 64 MB): the passes
     then read the nonzero values alone */
  bool                  sparse = false;
  std::vector<size_t>   row_start; /* p_local + 1 offsets into channel and value */
  std::vector<uint32_t> channel;
  std::vector<double>   value;
};

/* adds sum_e x_e^2 of a block to the context when it is still wanted (the first pass only) */
static inline void AddSquares(XtShell *ctx, PetscInt nb, const double *x)
{
  const size_t len = (size_t)nb * ctx->nmf->n;
  double       s   = 0;
  if (!ctx->want_sum_squares) return;
#pragma omp simd reduction(+ \
                           : s)
  for (size_t e = 0; e < len; e++) s += x[e] * x[e]; /* ||X||_F^2 = sum_{q,i} X[i, q]^2 */
  ctx->sum_squares += s;
}

/* the number of nonzero values among x[0 .. len - 1] */
static size_t CountNonzeros(size_t len, const double *x)
{
  size_t c = 0;
#pragma omp simd reduction(+ \
                           : c)
  for (size_t e = 0; e < len; e++) c += x[e] != 0;
  return c;
}

/* A scan of the owned pixels: ||X||_F^2 when wanted, and the number of nonzero values; when they
   fit the budget, a second scan stores the compressed rows of X (sized exactly: the memory of a
   map that does not compress is never touched). */
static PetscErrorCode CompressSparse(XtShell *ctx)
{
  NMF          nmf = ctx->nmf;
  const size_t n = (size_t)nmf->n, stored[] = {sizeof(double), sizeof(float), sizeof(uint16_t), sizeof(uint8_t)};
  /* the compressed rows may take at most a fifth of the memory X takes as stored (or 64 MB on a
     small map), so that peak memory stays near the share of X: 12 bytes per nonzero value */
  const size_t budget = PetscMax((size_t)nmf->p_local * n * stored[nmf->xtype] / 5, (size_t)64 << 20);
  const size_t limit  = PetscMin((size_t)nmf->p_local * n / 10, budget / (sizeof(double) + sizeof(uint32_t)));
  size_t       nnz    = 0;

  PetscFunctionBegin;
  PetscCall(NMFForPixelBlocks_Private(nmf, [&](PetscInt, PetscInt nb, const double *x) {
    AddSquares(ctx, nb, x);
    nnz += CountNonzeros((size_t)nb * n, x);
    return PetscErrorCode(0);
  }));
  ctx->want_sum_squares = false;
  ctx->sparse           = nnz <= limit; /* a channel index, below n, fits 32 bits */
  if (ctx->sparse) {
    ctx->row_start.reserve((size_t)nmf->p_local + 1);
    ctx->row_start.assign(1, 0);
    ctx->channel.reserve(nnz);
    ctx->value.reserve(nnz);
    PetscCall(NMFForPixelBlocks_Private(nmf, [&](PetscInt, PetscInt nb, const double *x) {
      for (PetscInt q = 0; q < nb; q++) {
        for (size_t i = 0; i < n; i++)
          if (x[q * n + i] != 0) {
            ctx->channel.push_back((uint32_t)i);
            ctx->value.push_back(x[q * n + i]);
          }
        ctx->row_start.push_back(ctx->value.size());
      }
      return PetscErrorCode(0);
    }));
  }
  PetscCall(PetscInfo(NULL, "X for the SVD: %s (%zu nonzero values, at most %zu compressed)\n", ctx->sparse ? "compressed rows of its nonzero values" : "dense passes", nnz, limit));
  PetscFunctionReturn(0);
}

/* y_q = x_q . v for the nb pixels of a block */
static void BlockMult(PetscInt n, PetscInt nb, const double *x, const double *v, double *y)
{
  for (PetscInt q = 0; q < nb; q++) {
    const double *xq = x + (size_t)q * n;
    double        s  = 0;
#pragma omp simd reduction(+ \
                           : s)
    for (PetscInt i = 0; i < n; i++) s += xq[i] * v[i]; /* (X^T v)_q = sum_i X[i, q] v_i */
    y[q] = s;
  }
}

/* sums += sum over the nb pixels of a block of u_q x_q */
static void BlockMultTransposeAdd(PetscInt n, PetscInt nb, const double *x, const double *u, double *sums)
{
  for (PetscInt q = 0; q < nb; q++) {
    const double *xq = x + (size_t)q * n;
    const double  uq = u[q];
#pragma omp simd
    for (PetscInt i = 0; i < n; i++) sums[i] += xq[i] * uq; /* (X u)_i = sum_q X[i, q] u_q */
  }
}

/* y = A v = X^T v: y_q = x_q . v for each owned pixel q; v (channels) is gathered to every rank */
static PetscErrorCode XtMult(Mat A, Vec v, Vec y)
{
  XtShell           *ctx;
  const PetscScalar *va;
  PetscScalar       *ya;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &ctx));
  const PetscInt n = ctx->nmf->n;
  ctx->passes++;
  PetscCall(VecScatterBegin(ctx->to_all, v, ctx->v_all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecScatterEnd(ctx->to_all, v, ctx->v_all, INSERT_VALUES, SCATTER_FORWARD));
  PetscCall(VecGetArrayRead(ctx->v_all, &va));
  PetscCall(VecGetArray(y, &ya));
  if (ctx->sparse) {
    for (PetscInt q = 0; q < ctx->nmf->p_local; q++) {
      double s = 0;
      for (size_t e = ctx->row_start[q]; e < ctx->row_start[q + 1]; e++) s += ctx->value[e] * va[ctx->channel[e]]; /* (X^T v)_q over the nonzero X[i, q] */
      ya[q] = s;
    }
    PetscCall(VecRestoreArray(y, &ya));
    PetscCall(VecRestoreArrayRead(ctx->v_all, &va));
    PetscFunctionReturn(0);
  }
  PetscCall(NMFForPixelBlocks_Private(ctx->nmf, [&](PetscInt q0, PetscInt nb, const double *x) {
    BlockMult(n, nb, x, va, ya + q0);
    return PetscErrorCode(0);
  }));
  PetscCall(VecRestoreArray(y, &ya));
  PetscCall(VecRestoreArrayRead(ctx->v_all, &va));
  PetscFunctionReturn(0);
}

/* z = A^T u = X u: the n partial sums over the owned pixels, allreduced; each rank keeps its
   share of the distributed z */
static PetscErrorCode XtMultTranspose(Mat A, Vec u, Vec z)
{
  XtShell           *ctx;
  const PetscScalar *ua;
  PetscScalar       *za;
  PetscInt           lo, hi;

  PetscFunctionBegin;
  PetscCall(MatShellGetContext(A, &ctx));
  const PetscInt n = ctx->nmf->n;
  ctx->passes++;
  double *sums = ctx->channel_sums.data();
  std::fill(ctx->channel_sums.begin(), ctx->channel_sums.end(), 0.0);
  PetscCall(VecGetArrayRead(u, &ua));
  if (ctx->sparse) {
    for (PetscInt q = 0; q < ctx->nmf->p_local; q++)
      for (size_t e = ctx->row_start[q]; e < ctx->row_start[q + 1]; e++) sums[ctx->channel[e]] += ctx->value[e] * ua[q]; /* (X u)_i over the nonzero X[i, q] */
  } else {
    PetscCall(NMFForPixelBlocks_Private(ctx->nmf, [&](PetscInt q0, PetscInt nb, const double *x) {
      BlockMultTransposeAdd(n, nb, x, ua + q0, sums);
      return PetscErrorCode(0);
    }));
  }
  PetscCall(VecRestoreArrayRead(u, &ua));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, (PetscMPIInt)n, MPI_DOUBLE, MPI_SUM, ctx->nmf->comm));
  PetscCall(VecGetOwnershipRange(z, &lo, &hi));
  PetscCall(VecGetArray(z, &za));
  for (PetscInt i = lo; i < hi; i++) za[i - lo] = sums[i];
  PetscCall(VecRestoreArray(z, &za));
  PetscFunctionReturn(0);
}

/* The convergence test: the residual relative to the largest singular value met so far (the
   leading one, which SLEPc tests first), as a Gram-matrix method's accuracy is, so that small
   singular values of the scree need no residual below rounding of the leading ones. */
static PetscErrorCode ConvergedRelativeToLeading(SVD svd, PetscReal sigma, PetscReal res, PetscReal *errest, void *ctx)
{
  PetscReal *sigma_max = (PetscReal *)ctx;

  PetscFunctionBegin;
  *sigma_max = PetscMax(*sigma_max, sigma);
  *errest    = *sigma_max > 0 ? res / *sigma_max : res; /* ||A v - sigma u|| / sigma_1 */
  PetscFunctionReturn(0);
}

/* SLEPc, initialized here when the application only initialized PETSc (its packages are then
   finalized by PetscFinalize) */
static PetscErrorCode EnsureSlepc(void)
{
  PetscBool slepc;

  PetscFunctionBegin;
  PetscCall(SlepcInitialized(&slepc));
  if (!slepc) PetscCall(SlepcInitializeNoArguments());
  PetscFunctionReturn(0);
}

/* C (n x n, row-major, upper triangle) += sum over the nb pixels of x_q x_q^T, in tiles of
   16 rows x 256 columns that stay in L1 while the pixels stream by. */
static void GramAccumulate(PetscInt n, PetscInt nb, const double *x, double *C)
{
  const PetscInt TI = 16, TJ = 256;
  for (PetscInt j0 = 0; j0 < n; j0 += TJ) {
    const PetscInt j1 = PetscMin(n, j0 + TJ);
    for (PetscInt i0 = 0; i0 < j1; i0 += TI) {
      const PetscInt i1 = PetscMin(n, i0 + TI);
      for (PetscInt q = 0; q < nb; q++) {
        const double *xq = x + q * n;
        for (PetscInt i = i0; i < i1; i++) {
          const double   a  = xq[i];
          double        *ci = C + i * n;
          const PetscInt js = PetscMax(j0, i);
#pragma omp simd
          for (PetscInt j = js; j < j1; j++) ci[j] += a * xq[j]; /* C[i, j] += X[i, q] X[j, q] */
        }
      }
    }
  }
}

/* C (upper triangle) += x x^T for one pixel through its nonzero values only (val at the ascending
   channels idx): the zero counts of a sparse map add nothing. */
static void GramAccumulateSparse(PetscInt n, PetscInt nnz, const PetscInt *idx, const double *val, double *C)
{
  for (PetscInt a = 0; a < nnz; a++) {
    double      *ci = C + (size_t)idx[a] * n;
    const double va = val[a];
    for (PetscInt b = a; b < nnz; b++) ci[idx[b]] += va * val[b]; /* C[i, j] += X[i, q] X[j, q], i <= j */
  }
}

/* C += the Gram terms of a block of nb pixels: a pixel with at most n / 4 nonzero values through
   them alone (about nnz^2 / 2 products instead of n^2 / 2), the others in dense tiles. */
static void GramAccumulateBlock(PetscInt n, PetscInt nb, const double *x, double *C, std::vector<PetscInt> &idx, std::vector<double> &val, std::vector<double> &dense)
{
  PetscInt nd = 0;
  idx.resize(n);
  val.resize(n);
  dense.resize((size_t)nb * n); /* room for every pixel of the block */
  for (PetscInt q = 0; q < nb; q++) {
    const double *xq  = x + (size_t)q * n;
    PetscInt      nnz = 0;
    for (PetscInt i = 0; i < n; i++)
      if (xq[i] != 0) {
        idx[nnz]   = i;
        val[nnz++] = xq[i];
      }
    if (4 * nnz <= n)
      GramAccumulateSparse(n, nnz, idx.data(), val.data(), C);
    else {
      std::copy(xq, xq + n, dense.begin() + (size_t)nd * n);
      nd++;
    }
  }
  if (nd) GramAccumulate(n, nd, dense.data(), C);
}

/* The dense fallback, when SLEPc's SVD did not converge (as with exactly repeated leading singular
   values, which a single-vector Krylov method meets only through rounding, or a tight cluster):
   the allreduced Gram matrix C = X X^T (n x n, n^2 p work) and its N leading eigenpairs by LAPACK
   syevx on rank 0, broadcast; S = sqrt(eigenvalues), Z their eigenvectors (column-major n x N,
   descending). */
static PetscErrorCode DenseGramEigenpairs(NMF nmf, PetscInt N, std::vector<double> &S, std::vector<double> &Z)
{
  const PetscInt      n = nmf->n;
  std::vector<double> C((size_t)n * n, 0.0), w(n), Za((size_t)n * N);
  PetscBLASInt        bn, info = 0;
  PetscMPIInt         rank;

  PetscFunctionBegin;
  nmf->svd_gram_fallbacks++; /* an n x n matrix on each rank: counted, so that tests can tell */
  PetscCallMPI(MPI_Comm_rank(nmf->comm, &rank));
  PetscCall(PetscBLASIntCast(n, &bn));
  std::vector<PetscInt> idx;
  std::vector<double>   val, dense;
  PetscCall(NMFForPixelBlocks_Private(nmf, [&](PetscInt, PetscInt nb, const double *x) {
    GramAccumulateBlock(n, nb, x, C.data(), idx, val, dense); /* C = X X^T (upper triangle, row-major) */
    return PetscErrorCode(0);
  }));
  PetscCallMPI(MPI_Reduce(rank ? C.data() : MPI_IN_PLACE, C.data(), (PetscMPIInt)(n * n), MPI_DOUBLE, MPI_SUM, 0, nmf->comm));
  if (rank == 0) { /* C row-major upper is column-major lower */
    PetscBLASInt              il = (PetscBLASInt)(n - N + 1), iu = bn, found = 0, lwork = -1, ldz = bn;
    const double              vl = 0, vu = 0, abstol = 2 * DBL_MIN; /* 2 dlamch("S"): most accurate */
    double                    wq;
    std::vector<PetscBLASInt> iwork(5 * n), ifail(n);
    PetscCallBLAS("LAPACKsyevx", LAPACKsyevx_("V", "I", "L", &bn, C.data(), &bn, &vl, &vu, &il, &iu, &abstol, &found, w.data(), Za.data(), &ldz, &wq, &lwork, iwork.data(), ifail.data(), &info));
    lwork = (PetscBLASInt)wq;
    std::vector<double> work(PetscMax(lwork, 1));
    PetscCallBLAS("LAPACKsyevx", LAPACKsyevx_("V", "I", "L", &bn, C.data(), &bn, &vl, &vu, &il, &iu, &abstol, &found, w.data(), Za.data(), &ldz, work.data(), &lwork, iwork.data(), ifail.data(), &info));
    if (info == 0 && found != N) info = -1000;
  }
  int status = (int)info;
  PetscCallMPI(MPI_Bcast(&status, 1, MPI_INT, 0, nmf->comm));
  PetscCheck(status == 0, nmf->comm, PETSC_ERR_LIB, "LAPACK syevx failed (info %d) in the SVD of X", status);
  PetscCallMPI(MPI_Bcast(w.data(), (PetscMPIInt)N, MPI_DOUBLE, 0, nmf->comm));
  PetscCallMPI(MPI_Bcast(Za.data(), (PetscMPIInt)(n * N), MPI_DOUBLE, 0, nmf->comm));
  S.assign(N, 0.0);
  Z.assign((size_t)n * N, 0.0);
  for (PetscInt j = 0; j < N; j++) { /* eigenvalues ascend: the leading one is last */
    S[j] = std::sqrt(PetscMax(w[N - 1 - j], 0.0));
    std::copy(Za.begin() + (size_t)(N - 1 - j) * n, Za.begin() + (size_t)(N - j) * n, Z.begin() + (size_t)j * n);
  }
  PetscFunctionReturn(0);
}

/* One SVD of the shell A for its nsv leading triplets, to tol (the residual relative to the
   leading singular value), under the options prefix (type, tolerance, monitors), from the keyed
   starting vector v0; *converged false when it found fewer. */
static PetscErrorCode SolveLeading(NMF nmf, Mat A, Vec v0, const char *prefix, PetscInt nsv, PetscReal tol, PetscReal *sigma_max, SVD *svd, PetscBool *converged)
{
  char      name[128];
  PetscBool set;
  PetscInt  nconv, its;
  SVDType   type;

  PetscFunctionBegin;
  /* SLEPc's random vectors (restarts after a breakdown, as with a rank-deficient X) drawn by
     global index, the same at any rank count, unless the options database says otherwise */
  PetscCall(PetscSNPrintf(name, sizeof name, "-%sbv_reproducible_random", prefix));
  PetscCall(PetscOptionsHasName(NULL, NULL, name, &set));
  if (!set) PetscCall(PetscOptionsSetValue(NULL, name, "true"));
  PetscCall(SVDCreate(nmf->comm, svd));
  PetscCall(SVDSetOptionsPrefix(*svd, prefix));
  PetscCall(SVDSetOperators(*svd, A, NULL));
  PetscCall(SVDSetImplicitTranspose(*svd, PETSC_TRUE)); /* A^T through MATOP_MULT_TRANSPOSE, never built */
  PetscCall(SVDSetType(*svd, SVDTRLANCZOS));            /* thick-restart Lanczos bidiagonalization, two-sided reorthogonalization */
  PetscCall(SVDSetWhichSingularTriplets(*svd, SVD_LARGEST));
  PetscCall(SVDSetDimensions(*svd, nsv, PETSC_DEFAULT, PETSC_DEFAULT));
  PetscCall(SVDSetTolerances(*svd, tol, PETSC_DEFAULT)); /* at most SLEPc's 100 restarts before the fallback */
  PetscCall(SVDSetConvergenceTestFunction(*svd, ConvergedRelativeToLeading, sigma_max, NULL));
  PetscCall(SVDSetInitialSpaces(*svd, 1, &v0, 0, NULL));
  PetscCall(SVDSetFromOptions(*svd));
  PetscCall(SVDSolve(*svd));
  PetscCall(SVDGetConverged(*svd, &nconv));
  PetscCall(SVDGetIterationNumber(*svd, &its));
  PetscCall(SVDGetType(*svd, &type));
  PetscCall(PetscInfo(NULL, "SVD %s (%s) of X (%" PetscInt_FMT " x %" PetscInt_FMT "): %" PetscInt_FMT " triplets converged (%" PetscInt_FMT " asked) in %" PetscInt_FMT " iterations\n", type, prefix, nmf->n, nmf->p, nconv, nsv, its));
  *converged = nconv >= nsv ? PETSC_TRUE : PETSC_FALSE;
  if (!*converged) PetscCall(PetscInfo(NULL, "the SVD of X (%s) found %" PetscInt_FMT " of the %" PetscInt_FMT " leading singular triplets: the dense Gram matrix instead\n", type, nconv, nsv));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFLeadingSingularVectors_Private(NMF nmf, PetscInt N, PetscInt nvec, std::vector<double> &S, std::vector<double> &U, double *V, double *sum_squares)
{
  const PetscInt n = nmf->n, p = nmf->p, pl = nmf->p_local;
  XtShell        ctx;
  Mat            A;
  SVD            svd = NULL;
  Vec            v0, u, v;
  PetscInt       lo, hi;
  PetscReal      sigma_max = 0;

  PetscFunctionBegin;
  PetscCheck(N >= 1 && N <= PetscMin(n, p) && nvec >= 0 && nvec <= N, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "%" PetscInt_FMT " singular values (%" PetscInt_FMT " vectors) asked of a map of %" PetscInt_FMT " channels x %" PetscInt_FMT " pixels", N, nvec, n, p);
  PetscCall(EnsureSlepc());
  ctx.nmf = nmf;
  ctx.channel_sums.assign(n, 0.0);
  ctx.want_sum_squares = sum_squares != nullptr;
  PetscCall(MatCreateShell(nmf->comm, pl, PETSC_DECIDE, p, n, &ctx, &A)); /* A = X^T, p x n */
  PetscCall(MatShellSetOperation(A, MATOP_MULT, (void (*)(void))XtMult));
  PetscCall(MatShellSetOperation(A, MATOP_MULT_TRANSPOSE, (void (*)(void))XtMultTranspose));
  PetscCall(MatCreateVecs(A, &v0, &u)); /* v0: channels (right), u: pixels (left) */
  PetscCall(VecDuplicate(v0, &v));
  PetscCall(VecScatterCreateToAll(v0, &ctx.to_all, &ctx.v_all));
  PetscCall(CompressSparse(&ctx));

  /* the starting vector: keyed normal draws by global channel index, the same at any rank count */
  PetscScalar *a;
  PetscCall(VecGetOwnershipRange(v0, &lo, &hi));
  PetscCall(VecGetArray(v0, &a));
  for (PetscInt i = lo; i < hi; i++) a[i - lo] = NMFKeyedNormal_Private(NMF_SVD_SEED, NMF_SVD_STREAM, i);
  PetscCall(VecRestoreArray(v0, &a));

  /* to a residual of 1e-13 of the leading singular value: the rounding level of a Gram matrix's
     eigenvectors, and well within reach of the Lanczos method on a map's leading triplets */
  PetscBool converged;
  PetscCall(SolveLeading(nmf, A, v0, "nmf_", N, 1e-13, &sigma_max, &svd, &converged));
  S.assign(N, 0.0);
  U.assign((size_t)n * nvec, 0.0);
  std::vector<double> Z; /* the fallback's eigenvectors, column-major n x N */
  if (!converged) PetscCall(DenseGramEigenpairs(nmf, N, S, Z));
  for (PetscInt j = 0; j < N; j++) {
    PetscReal          sigma;
    const PetscScalar *va;
    if (converged) {
      PetscCall(SVDGetSingularTriplet(svd, j, &sigma, j < nvec ? u : NULL, j < nvec ? v : NULL));
      S[j] = sigma;
    }
    if (j >= nvec) continue;
    if (converged) {
      PetscCall(VecScatterBegin(ctx.to_all, v, ctx.v_all, INSERT_VALUES, SCATTER_FORWARD));
      PetscCall(VecScatterEnd(ctx.to_all, v, ctx.v_all, INSERT_VALUES, SCATTER_FORWARD));
      PetscCall(VecGetArrayRead(ctx.v_all, &va));
    } else
      va = Z.data() + (size_t)j * n;
    /* sign convention of svd_flip: the largest |entry| of each column of U is positive */
    PetscInt imax = 0;
    for (PetscInt i = 0; i < n; i++)
      if (PetscAbsReal(va[i]) > PetscAbsReal(va[imax])) imax = i;
    const double sgn = va[imax] < 0 ? -1.0 : 1.0;
    for (PetscInt i = 0; i < n; i++) U[(size_t)i * nvec + j] = sgn * va[i];
    if (converged) PetscCall(VecRestoreArrayRead(ctx.v_all, &va));
    if (V && converged) {
      const PetscScalar *ua;
      PetscCall(VecGetArrayRead(u, &ua));
      for (PetscInt q = 0; q < pl; q++) V[(size_t)q * nvec + j] = sgn * ua[q]; /* X^T U_j = S_j V_j */
      PetscCall(VecRestoreArrayRead(u, &ua));
    }
  }
  if (V && !converged) { /* V^T (per pixel) = U^T x_q / S */
    PetscCall(NMFForPixelBlocks_Private(nmf, [&](PetscInt q0, PetscInt nb, const double *x) {
      for (PetscInt q = 0; q < nb; q++)
        for (PetscInt j = 0; j < nvec; j++) {
          double s = 0;
          for (PetscInt i = 0; i < n; i++) s += U[(size_t)i * nvec + j] * x[(size_t)q * n + i];
          V[(size_t)(q0 + q) * nvec + j] = S[j] > 0 ? s / S[j] : 0.0; /* v_q = U^T x_q / S */
        }
      return PetscErrorCode(0);
    }));
  }
  PetscCall(PetscInfo(NULL, "the SVD made %" PetscInt64_FMT " passes over X\n", ctx.passes));
  if (sum_squares) {
    PetscCallMPI(MPI_Allreduce(&ctx.sum_squares, sum_squares, 1, MPI_DOUBLE, MPI_SUM, nmf->comm));
  }
  PetscCall(SVDDestroy(&svd));
  PetscCall(VecScatterDestroy(&ctx.to_all));
  PetscCall(VecDestroy(&ctx.v_all));
  PetscCall(VecDestroy(&v0));
  PetscCall(VecDestroy(&u));
  PetscCall(VecDestroy(&v));
  PetscCall(MatDestroy(&A));
  PetscFunctionReturn(0);
}
