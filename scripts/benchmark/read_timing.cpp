/* smoothnmf_read_timing: how long the parallel read of a map takes, and the write of a result of
   its size (H, k x p, and W, n x k), with nothing else in between (the read section of
   scripts/benchmark.sh).

     mpirun -n P build/smoothnmf_read_timing -i MAP[:DATASET] [-bench_data_type native|float32|float64]
         [-bench_k 4] [-bench_result OUT.h5] [-bench_label NAME]

   1. reads the rank's block of the map (pixels x channels) as the program does (NMFIOReadMapAs,
      -bench_data_type is the program's -data_type), all ranks started together (a barrier);
   2. a checksum of what was read: the sum of value c of pixel g times (1 + g mod 7)(1 + c mod 5),
      so that a value read into the wrong place changes it (scripts/benchmark.sh compares it with
      h5py's);
   3. with -bench_result: writes a result of the map's size into OUT.h5 (a k x p H, component-major,
      as the result file's /H, and an n x k W, as /W), then deletes it;
   4. one line "READ label=... ranks=P read_s=... read_cpu_s=... write_s=... checksum=..." (times:
      max over ranks; read_cpu_s, the process's CPU time in the read, tells whether it had a core). */
#include <smoothnmf.h>
#include <smoothnmf_io.h>
#include <smoothnmf/private/ioimpl.h> /* the result file's writers of H and W */
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <unistd.h>
#include <vector>

static const char help[] = "smoothnmf_read_timing: the parallel read of a map, and the write of a result of its size, timed.\n"
                           "usage: mpirun -n P smoothnmf_read_timing -i MAP[:DATASET] [-bench_data_type native|float32|float64] [-bench_k 4]\n"
                           "       [-bench_result OUT.h5] [-bench_label NAME]\n\n";

/* CPU seconds of this process (user + system): the share of the cores a timed phase had */
static double ProcessCPUSeconds(void)
{
  struct timespec t;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* the weighted sum of the rank's values: value c of pixel g = i nx + j times (1 + g mod 7)(1 + c mod 5) */
template <typename T>
static double WeightedSum(const T *x, PetscInt n, PetscInt nx, PetscInt xs, PetscInt ys, PetscInt xm, PetscInt ym)
{
  double s = 0;
  for (PetscInt i = 0; i < ym; i++)
    for (PetscInt j = 0; j < xm; j++) {
      const size_t   q = (size_t)i * xm + j;
      const uint64_t g = (uint64_t)(ys + i) * nx + (xs + j);
      double         t = 0;
      for (PetscInt c = 0; c < n; c++) t += (double)x[q * n + c] * (double)(1 + c % 5);
      s += t * (double)(1 + g % 7);
    }
  return s;
}

static PetscErrorCode Run(MPI_Comm comm)
{
  char        input[PETSC_MAX_PATH_LEN] = "", result[PETSC_MAX_PATH_LEN] = "", request[32] = "native", label[64] = "-";
  PetscInt    k = 4;
  PetscBool   has_input, has_result;
  PetscMPIInt rank, size;
  DM          da;
  void       *Xc = NULL;
  NMFDataType type;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscOptionsBegin(comm, NULL, "smoothnmf read timing options", "smoothnmf");
  PetscCall(PetscOptionsString("-i", "input map FILE[:DATASET], (ny, nx, channels) or (pixels, channels)", "", input, input, sizeof(input), &has_input));
  PetscCall(PetscOptionsString("-bench_data_type", "X in memory: native, float32 or float64 (as -data_type)", "", request, request, sizeof(request), NULL));
  PetscCall(PetscOptionsInt("-bench_k", "components of the result written", "", k, &k, NULL));
  PetscCall(PetscOptionsString("-bench_result", "write a result of the map's size here (deleted afterwards)", "", result, result, sizeof(result), &has_result));
  PetscCall(PetscOptionsString("-bench_label", "a name for the READ line", "", label, label, sizeof(label), NULL));
  PetscOptionsEnd();
  PetscCheck(has_input && input[0], comm, PETSC_ERR_ARG_WRONG, "no input map: give -i FILE[:DATASET]");
  PetscCheck(k >= 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "-bench_k must be >= 1");

  /* 1. the read, as src/cli/smoothnmf.cpp does it (the shape, the DMDA, the map) */
  PetscCallMPI(MPI_Barrier(comm));
  const double t0 = MPI_Wtime(), cpu0 = ProcessCPUSeconds();
  NMFMapInfo   info;
  PetscCall(NMFIOGetMapInfo(comm, input, NMF_LAYOUT_PIXELS_FIRST, &info));
  const PetscInt n = info.dims[info.ndims - 1], ny = info.ndims == 3 ? info.dims[0] : 0, nx = info.ndims == 3 ? info.dims[1] : info.dims[0];
  PetscCall(NMFCreateDataDM(comm, n, ny, nx, NULL, NULL, &da));
  PetscCall(NMFIOReadMapAs(comm, input, NMF_LAYOUT_PIXELS_FIRST, da, request, &type, &Xc));
  double read_s = MPI_Wtime() - t0, read_cpu_s = ProcessCPUSeconds() - cpu0;

  /* 2. the checksum */
  PetscInt xs, ys, xm, ym;
  PetscCall(DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL));
  if (!ny) ys = 0, ym = 1;
  double sum = 0;
  if (type == NMF_DATA_FLOAT64)
    sum = WeightedSum((const double *)Xc, n, nx, xs, ys, xm, ym);
  else if (type == NMF_DATA_FLOAT32)
    sum = WeightedSum((const float *)Xc, n, nx, xs, ys, xm, ym);
  else if (type == NMF_DATA_UINT16)
    sum = WeightedSum((const uint16_t *)Xc, n, nx, xs, ys, xm, ym);
  else
    sum = WeightedSum((const uint8_t *)Xc, n, nx, xs, ys, xm, ym);
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &sum, 1, MPI_DOUBLE, MPI_SUM, comm));
  PetscCall(PetscFree(Xc));

  /* 3. a result of the map's size: H (k per pixel, the abundances' ownership) and W */
  double write_s = 0;
  if (has_result) {
    DM                  daH;
    Vec                 H;
    std::vector<double> W((size_t)n * k, 1.0 / n);
    PetscCall(DMDACreateCompatibleDMDA(da, k, &daH));
    PetscCall(DMCreateGlobalVector(daH, &H));
    PetscCall(VecSet(H, 1.0 / k));
    PetscCallMPI(MPI_Barrier(comm));
    const double t1 = MPI_Wtime();
    hid_t        file;
    herr_t       st;
    bool         ok;
    hsize_t      dW[2] = {(hsize_t)n, (hsize_t)k};
    PetscCall(NMFIOCreateFile_Private(comm, result, &file)); /* as the result file's body writes /H and /W */
    PetscCall(NMFIOWriteComponentMajor_Private(file, "H", daH, H, &st));
    st |= NMFIOWriteSmall_Private(file, "W", 2, dW, W.data(), rank);
    st |= H5Fclose(file);
    PetscCall(NMFIOAllOK_Private(comm, st >= 0, &ok));
    PetscCheck(ok, comm, PETSC_ERR_FILE_WRITE, "writing the result '%s' failed", result);
    write_s = MPI_Wtime() - t1;
    if (rank == 0) unlink(result);
    PetscCall(VecDestroy(&H));
    PetscCall(DMDestroy(&daH));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &read_s, 1, MPI_DOUBLE, MPI_MAX, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &read_cpu_s, 1, MPI_DOUBLE, MPI_MAX, comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &write_s, 1, MPI_DOUBLE, MPI_MAX, comm));
  PetscCall(PetscPrintf(comm, "READ label=%s ranks=%d ny=%" PetscInt_FMT " nx=%" PetscInt_FMT " n=%" PetscInt_FMT " type=%s read_s=%.4f read_cpu_s=%.4f write_s=%.4f checksum=%.17g\n", label, size, ny, nx, n, NMFDataTypes[type], read_s, read_cpu_s, write_s, sum));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr = PetscInitialize(&argc, &argv, NULL, help);
  if (ierr) return 1;
  ierr = Run(PETSC_COMM_WORLD);
  PetscFinalize();
  return ierr ? 1 : 0;
}
