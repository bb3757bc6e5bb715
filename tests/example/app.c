/* A worked example: a PETSc application that builds its own distributed matrix of pixels x
   channels and factorizes it with smoothnmf, through options of its own prefix.

     mpiexec -n 3 ./app -app_nmf_n_components 3 [-app_uneven] [-app_mat_type aij] [-app_image 6,10]
                        [-app_result result.h5] [-app_nmf_view] [-help]

   Build it against an installed smoothnmf with CMake (CMakeLists.txt here: find_package(smoothnmf))
   or with pkg-config: mpicc app.c $(pkg-config --cflags --libs smoothnmf) -o app */
#include <smoothnmf.h>
#include <smoothnmf_io.h>
#include "app_data.h"

static const char help[] = "smoothnmf worked example: factorizes the application's own distributed Mat.\n"
                           "The solver's options carry this application's prefix: -app_nmf_n_components 3, -app_nmf_tol ...\n\n";

typedef struct {
  PetscInt  p, n, ny, nx;
  PetscBool uneven;
  char      mat_type[64], result[PETSC_MAX_PATH_LEN];
} AppCtx;

static PetscErrorCode ReadAppOptions(MPI_Comm comm, AppCtx *app)
{
  PetscInt  shape[2] = {0, 0}, nshape = 2;
  PetscBool set;

  PetscFunctionBeginUser;
  app->p = 60, app->n = 16, app->ny = 0, app->nx = 0, app->uneven = PETSC_FALSE;
  PetscCall(PetscStrcpy(app->mat_type, MATDENSE));
  app->result[0] = 0;
  PetscOptionsBegin(comm, "app_", "Example application options", NULL);
  PetscCall(PetscOptionsInt("-pixels", "rows of the data matrix (pixels)", NULL, app->p, &app->p, NULL));
  PetscCall(PetscOptionsInt("-channels", "columns of the data matrix (channels)", NULL, app->n, &app->n, NULL));
  PetscCall(PetscOptionsIntArray("-image", "image shape ny,nx of the pixels (row r = pixel (r / nx, r % nx))", "NMFSetImageShape", shape, &nshape, &set));
  PetscCall(PetscOptionsBool("-uneven", "rank 0 owns half of the rows, the other ranks share the rest", NULL, app->uneven, &app->uneven, NULL));
  PetscCall(PetscOptionsString("-mat_type", "type of the data matrix: dense or aij", NULL, app->mat_type, app->mat_type, sizeof(app->mat_type), NULL));
  PetscCall(PetscOptionsString("-result", "also write the result file (HDF5) here", "NMFIOWriteResult", app->result, app->result, sizeof(app->result), NULL));
  PetscOptionsEnd();
  if (set) {
    PetscCheck(nshape == 2 && shape[0] * shape[1] == app->p, comm, PETSC_ERR_ARG_WRONG, "-app_image ny,nx must have ny nx = %" PetscInt_FMT " pixels", app->p);
    app->ny = shape[0], app->nx = shape[1];
  }
  PetscFunctionReturn(0);
}

/* The application's matrix, p x n, with its own row ownership: PETSc's even split, or (uneven)
   half of the rows on rank 0 and the rest shared by the others. */
static PetscErrorCode BuildData(MPI_Comm comm, const AppCtx *app, Mat *X)
{
  PetscMPIInt rank, size;
  PetscInt    nlocal = PETSC_DECIDE, r0, r1;

  PetscFunctionBeginUser;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  if (app->uneven && size > 1) {
    const PetscInt first = app->p / 2, rest = app->p - first;
    nlocal = rank == 0 ? first : rest / (size - 1) + ((rank - 1) < rest % (size - 1) ? 1 : 0);
  }
  PetscCall(MatCreate(comm, X));
  PetscCall(MatSetSizes(*X, nlocal, PETSC_DECIDE, app->p, app->n));
  PetscCall(MatSetType(*X, app->mat_type));
  PetscCall(MatSeqAIJSetPreallocation(*X, app->n, NULL));
  PetscCall(MatMPIAIJSetPreallocation(*X, app->n, NULL, app->n, NULL));
  PetscCall(MatSetUp(*X));
  PetscCall(MatGetOwnershipRange(*X, &r0, &r1));
  for (PetscInt r = r0; r < r1; r++)
    for (PetscInt c = 0; c < app->n; c++) {
      const PetscScalar v = AppDataValue(r, c, app->n);
      if (v != 0) PetscCall(MatSetValue(*X, r, c, v, INSERT_VALUES)); /* zeros stay out of an AIJ matrix */
    }
  PetscCall(MatAssemblyBegin(*X, MAT_FINAL_ASSEMBLY));
  PetscCall(MatAssemblyEnd(*X, MAT_FINAL_ASSEMBLY));
  PetscCall(PetscObjectSetName((PetscObject)*X, "the application's X"));
  PetscCall(PetscSynchronizedPrintf(comm, "rank %d owns rows %" PetscInt_FMT " to %" PetscInt_FMT "\n", rank, r0, r1 - 1));
  PetscCall(PetscSynchronizedFlush(comm, PETSC_STDOUT));
  PetscFunctionReturn(0);
}

/* What the application gets back: the stop reason, the losses, W, and H on its own rows. */
static PetscErrorCode PrintResult(MPI_Comm comm, NMF nmf, Mat X)
{
  NMFConvergedReason reason;
  PetscInt           n_iter, ncol, m, k, r0, r1, h0, h1, lda;
  const PetscReal   *losses, *w;
  PetscReal          err, sums[64] = {0};
  Mat                W, H;
  const PetscScalar *h;

  PetscFunctionBeginUser;
  PetscCall(NMFGetConvergedReason(nmf, &reason));
  PetscCall(NMFGetIterationNumber(nmf, &n_iter));
  PetscCall(NMFGetLosses(nmf, &n_iter, &ncol, &losses));
  PetscCall(NMFGetReconstructionError(nmf, &err));
  PetscCall(PetscPrintf(comm, "stop reason: %s (%d)\n", NMFConvergedReasonName(reason), (int)reason));
  PetscCall(PetscPrintf(comm, "iterations: %" PetscInt_FMT "\n", n_iter));
  PetscCall(PetscPrintf(comm, "final loss: %.17g\n", (double)losses[n_iter - 1])); /* full_loss, column 0 */
  PetscCall(PetscPrintf(comm, "reconstruction error: %.17g\n", (double)err));

  PetscCall(NMFGetWMat(nmf, &W)); /* sequential, the same on every rank */
  PetscCall(MatGetSize(W, &m, &k));
  PetscCall(MatDenseGetLDA(W, &lda));
  PetscCall(MatDenseGetArrayRead(W, &w));
  PetscCall(PetscPrintf(comm, "W (%" PetscInt_FMT " x %" PetscInt_FMT "):\n", m, k));
  for (PetscInt i = 0; i < m; i++) {
    for (PetscInt c = 0; c < k; c++) PetscCall(PetscPrintf(comm, " %.17g", (double)w[i + c * lda]));
    PetscCall(PetscPrintf(comm, "\n"));
  }
  PetscCall(MatDenseRestoreArrayRead(W, &w));

  /* H comes back with the rows of X; its checksum sum_r (r + 1) H[r, c] tells a misplaced row */
  PetscCall(NMFGetHMat(nmf, &H));
  PetscCall(MatGetOwnershipRange(X, &r0, &r1));
  PetscCall(MatGetOwnershipRange(H, &h0, &h1));
  PetscCheck(h0 == r0 && h1 == r1, PETSC_COMM_SELF, PETSC_ERR_PLIB, "H rows %" PetscInt_FMT "..%" PetscInt_FMT " are not X's %" PetscInt_FMT "..%" PetscInt_FMT, h0, h1, r0, r1);
  PetscCheck(k <= 64, comm, PETSC_ERR_SUP, "this example prints at most 64 components");
  PetscCall(MatDenseGetLDA(H, &lda));
  PetscCall(MatDenseGetArrayRead(H, &h));
  for (PetscInt r = r0; r < r1; r++)
    for (PetscInt c = 0; c < k; c++) sums[c] += (PetscReal)(r + 1) * h[(r - r0) + c * lda];
  PetscCall(MatDenseRestoreArrayRead(H, &h));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, (PetscMPIInt)k, MPIU_REAL, MPI_SUM, comm));
  PetscCall(PetscPrintf(comm, "H rows owned like X: yes\nH checksum:"));
  for (PetscInt c = 0; c < k; c++) PetscCall(PetscPrintf(comm, " %.17g", (double)sums[c]));
  PetscCall(PetscPrintf(comm, "\n"));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  MPI_Comm  comm;
  AppCtx    app;
  Mat       X;
  NMF       nmf;
  PetscBool has_help;

  /* a plain PETSc application: the library initializes SLEPc itself for its SVD (nndsvd, scree) */
  PetscCall(PetscInitialize(&argc, &argv, NULL, help));
  comm = PETSC_COMM_WORLD;
  PetscCall(ReadAppOptions(comm, &app));

  PetscCall(NMFCreate(comm, &nmf));
  PetscCall(NMFSetOptionsPrefix(nmf, "app_")); /* -app_nmf_n_components 3, ... */
  PetscCall(NMFSetFromOptions(nmf));
  PetscCall(PetscOptionsHasHelp(NULL, &has_help));
  if (!has_help) {
    PetscCall(BuildData(comm, &app, &X));
    if (app.ny > 0) PetscCall(NMFSetImageShape(nmf, app.ny, app.nx));
    PetscCall(NMFSetDataMat(nmf, X)); /* X keeps its ownership; the solver redistributes */
    PetscCall(NMFSolve(nmf));
    PetscCall(PrintResult(comm, nmf, X));
    if (app.result[0]) PetscCall(NMFIOWriteResult(nmf, app.result, "the example application's Mat", 0.0));
    PetscCall(MatDestroy(&X));
  }
  PetscCall(NMFDestroy(&nmf));
  PetscCall(PetscFinalize());
  return 0;
}
