/* smoothnmf_benchmark: how far the solver is from the memory bandwidth, what it sends over MPI
   and how much memory it holds, measured in one run (issue 5).

     mpirun -n P build/smoothnmf_benchmark -i MAP[:DATASET] [-bench_data_type native|float32|float64]
         [-bench_passes 5] [-bench_label NAME] -nmf_no_stop_criterion -nmf_max_iter N [-nmf_OPTION ...]

   Phases, all ranks together:
     1. read the rank's share of X (pixels x channels) as the program does (-bench_data_type is the
        program's -data_type: X kept as float64, or compact uint8 / uint16 / float32);
     2. streaming passes: a plain sum over the share of X as stored, and over a float64 copy of it
        (allocated, filled, summed, freed), the best of -bench_passes passes each, every pass
        started on all ranks at once (a barrier) so the ranks share the memory bandwidth as in
        the solver; then the high-water mark of resident memory (VmHWM) is reset by writing "5"
        to /proc/self/clear_refs, so the float64 copy does not count in the solver's peak;
     3. NMFSetUp (checks, preparation, initialization: init_seconds), then NMFSolve (the
        iterations: fit_seconds), with the MPI traffic counted (PMPI wrappers, mpi_traffic.h)
        separately for each of the two, and the peak resident memory of each;
     4. a table per rank, a summary, and one line "RESULT key=value ..." (max over ranks).

   Time per iteration = fit_seconds / n_iter (fit_seconds also holds the evaluation of the
   initial iterate, one extra pass); passes of X per iteration = that time / the streaming pass.
   Use -nmf_no_stop_criterion and -nmf_max_iter for a fixed number of iterations. */
#include <slepcsys.h>
#include <smoothnmf.h>
#include <smoothnmf_io.h>
#include <smoothnmf/private/nmfimpl.h> /* to report the type X is kept in during the iterations (nmf->xtype) */
#include "mpi_traffic.h"
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <sys/resource.h>
#include <vector>

static const char help[] = "smoothnmf_benchmark: time per iteration against streaming passes over X, MPI bytes, peak memory.\n"
                           "usage: mpirun -n P smoothnmf_benchmark -i MAP[:DATASET] [-bench_data_type native|float32|float64] [-bench_passes 5]\n"
                           "       [-bench_label NAME] -nmf_no_stop_criterion -nmf_max_iter N [-nmf_OPTION ...]\n\n";

/* ---------------------------------------------------------------- memory of this process */

/* a field of /proc/self/status in kB (VmHWM: peak resident set since start or the last reset; VmRSS) */
static double StatusKB(const char *field)
{
  FILE  *f = fopen("/proc/self/status", "r");
  char   line[256];
  double v   = -1;
  size_t len = strlen(field);
  if (!f) return -1;
  while (fgets(line, sizeof(line), f))
    if (!strncmp(line, field, len) && line[len] == ':') {
      v = atof(line + len + 1);
      break;
    }
  fclose(f);
  return v;
}

/* resets VmHWM to the current VmRSS (Linux >= 4.0: "5" in /proc/PID/clear_refs); true when the
   mark did come down to the resident set */
static bool ResetPeakRSS(void)
{
  FILE *f = fopen("/proc/self/clear_refs", "w");
  if (!f) return false;
  bool ok = fputs("5", f) >= 0;
  ok      = (fclose(f) == 0) && ok;
  return ok && StatusKB("VmHWM") <= StatusKB("VmRSS") + 1024;
}

/* CPU seconds of the calling thread (user + system) */
static double ThreadCPUSeconds(void)
{
  struct rusage u;
  getrusage(RUSAGE_THREAD, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

/* ---------------------------------------------------------------- streaming passes */

/* a plain sum: one read of every element, converted to double, vectorized */
template <typename T>
static double Sum(const T *x, size_t len)
{
  double s = 0;
#pragma omp simd reduction(+ \
                           : s)
  for (size_t i = 0; i < len; i++) s += (double)x[i];
  return s;
}

static double SumStored(NMFDataType type, const void *x, size_t len)
{
  switch (type) {
  case NMF_DATA_FLOAT32: return Sum((const float *)x, len);
  case NMF_DATA_UINT16: return Sum((const uint16_t *)x, len);
  case NMF_DATA_UINT8: return Sum((const uint8_t *)x, len);
  default: return Sum((const double *)x, len);
  }
}

static void ToDouble(NMFDataType type, const void *x, size_t len, double *y)
{
  switch (type) {
  case NMF_DATA_FLOAT32:
    for (size_t i = 0; i < len; i++) y[i] = ((const float *)x)[i];
    break;
  case NMF_DATA_UINT16:
    for (size_t i = 0; i < len; i++) y[i] = ((const uint16_t *)x)[i];
    break;
  case NMF_DATA_UINT8:
    for (size_t i = 0; i < len; i++) y[i] = ((const uint8_t *)x)[i];
    break;
  default: memcpy(y, x, len * sizeof(double));
  }
}

static volatile double sink; /* keeps the sums alive */

/* the best of `passes` timed passes, each started on every rank at once */
template <class F>
static double BestPass(MPI_Comm comm, int passes, F pass)
{
  double best = INFINITY;
  for (int r = 0; r < passes; r++) {
    MPI_Barrier(comm);
    const double t0 = MPI_Wtime();
    sink            = pass();
    best            = std::min(best, MPI_Wtime() - t0);
  }
  return best;
}

static size_t TypeSize(NMFDataType t)
{
  switch (t) {
  case NMF_DATA_FLOAT32: return 4;
  case NMF_DATA_UINT16: return 2;
  case NMF_DATA_UINT8: return 1;
  default: return 8;
  }
}

/* ---------------------------------------------------------------- per-rank statistics */

enum Stat {
  S_PIXELS,
  S_SHARE64,      /* bytes of the share of X as float64 */
  S_SHARE_STORED, /* ... as read (-bench_data_type) */
  S_SHARE_SOLVER, /* ... as the solver keeps it during the iterations */
  S_PASS64,
  S_PASS_STORED,
  S_READ,
  S_INIT,
  S_FIT,
  S_P2P_BYTES,
  S_COLL_BYTES,
  S_P2P_MSGS,
  S_COLL_CALLS,
  S_TRIVIAL_CALLS,
  S_INIT_BYTES,
  S_HWM_READ, /* kB: VmHWM after reading X (since the start) */
  S_HWM_SETUP,
  S_HWM_ITER,
  S_RSS_BEFORE_SOLVE,
  S_RESET_OK,
  S_WRITE,     /* seconds to write the result (-bench_write) */
  S_HWM_WRITE, /* kB: VmHWM after writing it */
  S_CPU_SHARE, /* CPU time / wall time of the iterations: below 1 when other processes took the core */
  S_COUNT
};

struct Options {
  char      input[PETSC_MAX_PATH_LEN] = "", data_type[64] = "native", label[128] = "";
  PetscInt  passes                    = 5;
  char      write[PETSC_MAX_PATH_LEN] = ""; /* -bench_write: write the result there, timed */
  PetscBool has_input                 = PETSC_FALSE;
};

static PetscErrorCode Run(MPI_Comm comm)
{
  Options     o;
  NMF         nmf;
  DM          da;
  void       *Xc = NULL;
  PetscMPIInt rank, size;
  double      st[S_COUNT] = {0};

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Comm_size(comm, &size));
  PetscOptionsBegin(comm, NULL, "smoothnmf benchmark options", "smoothnmf");
  PetscCall(PetscOptionsString("-i", "input map FILE[:DATASET], (ny, nx, channels) or (pixels, channels)", "", o.input, o.input, sizeof(o.input), &o.has_input));
  PetscCall(PetscOptionsString("-bench_data_type", "X in memory: native (the file's uint8, uint16 or float32, else float64), float32, float64", "", o.data_type, o.data_type, sizeof(o.data_type), NULL));
  PetscCall(PetscOptionsInt("-bench_passes", "timed streaming passes (the best counts); 0: none (no float64 copy of X, for maps whose float64 copy would not fit)", "", o.passes, &o.passes, NULL));
  PetscCall(PetscOptionsString("-bench_write", "also write the result (NMFIOWriteResult) to this file and time it", "", o.write, o.write, sizeof(o.write), NULL));
  PetscCall(PetscOptionsString("-bench_label", "a name for the RESULT line", "", o.label, o.label, sizeof(o.label), NULL));
  PetscOptionsEnd();
  PetscCall(NMFCreate(comm, &nmf));
  PetscCall(NMFSetFromOptions(nmf));
  PetscBool help;
  PetscCall(PetscOptionsHasHelp(NULL, &help));
  if (help) {
    PetscCall(NMFDestroy(&nmf));
    PetscFunctionReturn(0);
  }
  PetscCheck(o.has_input && o.input[0], comm, PETSC_ERR_ARG_WRONG, "no input map: give -i FILE[:DATASET]");
  PetscCheck(o.passes >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-bench_passes must be >= 0");

  /* 1. the map, each rank reading its own block, as src/cli/smoothnmf.cpp does */
  double     t0 = MPI_Wtime();
  NMFMapInfo info;
  PetscCall(NMFIOGetMapInfo(comm, o.input, NMF_LAYOUT_PIXELS_FIRST, &info));
  const PetscInt n = info.dims[info.ndims - 1], ny = info.ndims == 3 ? info.dims[0] : 0, nx = info.ndims == 3 ? info.dims[1] : info.dims[0];
  PetscCall(NMFCreateDataDM(comm, n, ny, nx, NULL, NULL, &da));
  PetscCall(PetscObjectSetName((PetscObject)da, o.input));
  NMFDataType dtype;
  PetscCall(NMFIOReadMapAs(comm, o.input, NMF_LAYOUT_PIXELS_FIRST, da, o.data_type, &dtype, &Xc));
  st[S_READ] = MPI_Wtime() - t0;
  PetscInt xm, ym;
  PetscCall(DMDAGetCorners(da, NULL, NULL, NULL, &xm, &ym, NULL));
  const PetscInt pl  = xm * (ny ? ym : 1);
  const size_t   len = (size_t)pl * n;
  st[S_PIXELS]       = pl;
  st[S_SHARE64]      = 8.0 * len;
  st[S_SHARE_STORED] = (double)TypeSize(dtype) * len;
  st[S_HWM_READ]     = StatusKB("VmHWM");

  /* 2. streaming passes: X as stored, then a float64 copy (freed before the solver) */
  const void *xs = Xc;
  if (o.passes > 0) {
    st[S_PASS_STORED]    = BestPass(comm, (int)o.passes, [&] { return SumStored(dtype, xs, len); });
    const size_t bytes64 = PetscMax(len, (size_t)1) * sizeof(double);
    void        *mem     = mmap(NULL, bytes64, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    PetscCheck(mem != MAP_FAILED, PETSC_COMM_SELF, PETSC_ERR_MEM, "cannot map %zu bytes for the float64 streaming pass", bytes64);
    double *x64 = (double *)mem;
    ToDouble(dtype, xs, len, x64);
    st[S_PASS64] = BestPass(comm, (int)o.passes, [&] { return Sum(x64, len); });
    munmap(mem, bytes64);
  }
  st[S_RESET_OK] = ResetPeakRSS() ? 1 : 0;

  /* 3. the solver: set-up (counted apart), then the iterations */
  PetscCall(NMFSetDataCompact(nmf, da, dtype, Xc));
  st[S_RSS_BEFORE_SOLVE] = StatusKB("VmRSS");
  bench::TrafficCounters tc;
  PetscCallMPI(MPI_Barrier(comm));
  bench::TrafficStart();
  PetscCall(NMFSetUp(nmf));
  bench::TrafficStop();
  bench::TrafficGet(&tc);
  for (int f = 0; f < bench::TF_COUNT; f++) st[S_INIT_BYTES] += tc.bytes[f];
  st[S_HWM_SETUP]    = StatusKB("VmHWM");
  st[S_SHARE_SOLVER] = (double)TypeSize(nmf->xtype) * len; /* prepare may convert compact X to float64 */
  st[S_RESET_OK]     = st[S_RESET_OK] && ResetPeakRSS();
  PetscCallMPI(MPI_Barrier(comm));
  bench::TrafficStart();
  const double cpu0 = ThreadCPUSeconds(), wall0 = MPI_Wtime();
  PetscCall(NMFSolve(nmf));
  st[S_CPU_SHARE] = (ThreadCPUSeconds() - cpu0) / PetscMax(MPI_Wtime() - wall0, 1e-9);
  bench::TrafficStop();
  bench::TrafficGet(&tc);
  st[S_HWM_ITER] = StatusKB("VmHWM");
  if (o.write[0]) {
    PetscCallMPI(MPI_Barrier(comm));
    const double tw = MPI_Wtime();
    PetscCall(NMFIOWriteResult(nmf, o.write, o.input, st[S_READ]));
    st[S_WRITE]     = MPI_Wtime() - tw;
    st[S_HWM_WRITE] = StatusKB("VmHWM");
  }
  PetscInt           n_iter, k;
  NMFConvergedReason reason;
  PetscReal          init_s, fit_s;
  PetscCall(NMFGetIterationNumber(nmf, &n_iter));
  PetscCall(NMFGetConvergedReason(nmf, &reason));
  PetscCall(NMFGetNComponents(nmf, &k));
  PetscCall(NMFGetTimes(nmf, &init_s, &fit_s));
  st[S_INIT] = init_s;
  st[S_FIT]  = fit_s;
  for (int f = 0; f < bench::TF_COUNT; f++) {
    st[bench::TrafficIsPointToPoint(f) ? S_P2P_BYTES : S_COLL_BYTES] += tc.bytes[f];
    st[bench::TrafficIsPointToPoint(f) ? S_P2P_MSGS : S_COLL_CALLS] += (double)tc.calls[f];
  }
  st[S_TRIVIAL_CALLS] = (double)tc.calls_trivial;

  /* 4. the report (rank 0) */
  std::vector<double> all(rank == 0 ? (size_t)S_COUNT * size : 1), fb(2 * bench::TF_COUNT), fbmax(2 * bench::TF_COUNT);
  PetscCallMPI(MPI_Gather(st, S_COUNT, MPI_DOUBLE, all.data(), S_COUNT, MPI_DOUBLE, 0, comm));
  for (int f = 0; f < bench::TF_COUNT; f++) {
    fb[2 * f]     = tc.bytes[f];
    fb[2 * f + 1] = (double)tc.calls[f];
  }
  PetscCallMPI(MPI_Reduce(fb.data(), fbmax.data(), 2 * bench::TF_COUNT, MPI_DOUBLE, MPI_MAX, 0, comm));
  if (rank == 0) {
    const double it = n_iter > 0 ? (double)n_iter : 1.0, MB = 1e6;
    auto         S   = [&](int r, int s) { return all[(size_t)r * S_COUNT + s]; };
    auto         Max = [&](int s) {
      double m = -INFINITY;
      for (int r = 0; r < size; r++) m = std::max(m, S(r, s));
      return m;
    };
    auto   Peak         = [&](int r) { return 1024.0 * std::max({S(r, S_HWM_READ), S(r, S_HWM_SETUP), S(r, S_HWM_ITER), S(r, S_HWM_WRITE)}); }; /* bytes */
    double peak_ratio64 = 0, peak_ratio_solver = 0, peak_max = 0, bytes_max = 0, reset_ok = 1;
    for (int r = 0; r < size; r++) {
      peak_ratio64      = std::max(peak_ratio64, Peak(r) / S(r, S_SHARE64));
      peak_ratio_solver = std::max(peak_ratio_solver, Peak(r) / S(r, S_SHARE_SOLVER));
      peak_max          = std::max(peak_max, Peak(r));
      bytes_max         = std::max(bytes_max, S(r, S_P2P_BYTES) + S(r, S_COLL_BYTES));
      reset_ok          = std::min(reset_ok, S(r, S_RESET_OK));
    }
    const double t_iter = Max(S_FIT) / it, pass64 = Max(S_PASS64), pass_stored = Max(S_PASS_STORED);
    const double passes64 = pass64 > 0 ? t_iter / pass64 : 0, passes_stored = pass_stored > 0 ? t_iter / pass_stored : 0; /* 0: no passes timed */
    const char  *xtype = NMFDataTypes[nmf->xtype], *rtype = NMFDataTypes[dtype];

    printf("\nsmoothnmf benchmark: %s\n", o.input);
    printf("  map %s%" PetscInt_FMT " x %" PetscInt_FMT " channels (%" PetscInt_FMT " pixels), k = %" PetscInt_FMT ", %d rank%s, X read as %s, kept as %s in the iterations\n", ny ? (std::to_string(ny) + " x ").c_str() : "", nx, n, ny ? ny * nx : nx, k, size, size > 1 ? "s" : "", rtype, xtype);
    printf("  %" PetscInt_FMT " iterations (%s): read %.3f s, init %.3f s, fit %.3f s, write %.3f s\n\n", n_iter, NMFConvergedReasonName(reason), Max(S_READ), Max(S_INIT), Max(S_FIT), Max(S_WRITE));
    char xr[32], pr[32], pk[32];
    snprintf(xr, sizeof(xr), "X %s MB", rtype);
    snprintf(pr, sizeof(pr), "pass %s ms", rtype);
    snprintf(pk, sizeof(pk), "peak/X %s", xtype);
    printf("  rank   pixels  X f64 MB %12s  pass f64 ms %15s  %-30s %-29s %10s  %14s\n", xr, pr, "MPI B/iter (p2p + coll)", "peak RSS MB (read/init/iter)", "peak/X f64", pk);
    for (int r = 0; r < size; r++) {
      char mpi[64], peaks[64];
      snprintf(mpi, sizeof(mpi), "%.0f (%.0f + %.0f)", (S(r, S_P2P_BYTES) + S(r, S_COLL_BYTES)) / it, S(r, S_P2P_BYTES) / it, S(r, S_COLL_BYTES) / it);
      snprintf(peaks, sizeof(peaks), "%.1f (%.1f/%.1f/%.1f)", Peak(r) / MB, S(r, S_HWM_READ) * 1024 / MB, S(r, S_HWM_SETUP) * 1024 / MB, S(r, S_HWM_ITER) * 1024 / MB);
      printf("  %4d %8.0f %9.1f %12.1f %12.2f %15.2f  %-30s %-29s %10.3f  %14.3f\n", r, S(r, S_PIXELS), S(r, S_SHARE64) / MB, S(r, S_SHARE_STORED) / MB, 1e3 * S(r, S_PASS64), 1e3 * S(r, S_PASS_STORED), mpi, peaks, Peak(r) / S(r, S_SHARE64), Peak(r) / S(r, S_SHARE_SOLVER));
    }
    printf("\n  time per iteration           %10.4f s   (fit_seconds / n_iter, slowest rank)\n", t_iter);
    printf("  streaming pass, float64      %10.4f s   -> %.2f passes of X per iteration (float64 basis)\n", pass64, passes64);
    printf("  streaming pass, as read      %10.4f s   -> %.2f passes of X per iteration (%s basis)\n", pass_stored, passes_stored, rtype);
    printf("  MPI bytes per iteration      %10.0f     per rank (max): point-to-point %.0f, collectives %.0f; %.1f messages + %.1f collective calls per iteration (%.1f more on one-rank communicators); set-up %.0f bytes\n", bytes_max / it, Max(S_P2P_BYTES) / it, Max(S_COLL_BYTES) / it, Max(S_P2P_MSGS) / it, Max(S_COLL_CALLS) / it, Max(S_TRIVIAL_CALLS) / it, Max(S_INIT_BYTES));
    double cpu_min = INFINITY;
    for (int r = 0; r < size; r++) cpu_min = std::min(cpu_min, S(r, S_CPU_SHARE));
    printf("  CPU time / wall time         %10.3f     in the iterations (min over ranks)%s\n", cpu_min, cpu_min < 0.9 ? "  [below 0.9: other processes shared the cores, the timings are off]" : "");
    printf("  peak resident memory         %10.1f MB  per rank (max) = %.3f x its share of X as float64 (%.3f x as kept, %s)%s\n", peak_max / MB, peak_ratio64, peak_ratio_solver, xtype, reset_ok ? "" : "  [VmHWM could not be reset: includes the float64 pass]");
    bool any = false;
    for (int f = 0; f < bench::TF_COUNT; f++)
      if (fbmax[2 * f + 1] > 0) {
        if (!any) printf("  MPI calls in the iterations (max over ranks, per iteration):\n");
        any = true;
        printf("    %-30s %10.1f calls %12.1f bytes\n", bench::TrafficName(f), fbmax[2 * f + 1] / it, fbmax[2 * f] / it);
      }
    printf("\nRESULT label=%s ranks=%d ny=%" PetscInt_FMT " nx=%" PetscInt_FMT " n=%" PetscInt_FMT " p=%" PetscInt_FMT " k=%" PetscInt_FMT " read_type=%s x_type=%s n_iter=%" PetscInt_FMT " read_s=%.4f init_s=%.4f fit_s=%.4f write_s=%.4f t_iter_s=%.6f pass64_s=%.6f pass_stored_s=%.6f passes64_per_iter=%.3f passes_stored_per_iter=%.3f mpi_bytes_per_iter=%.1f mpi_p2p_bytes_per_iter=%.1f mpi_coll_bytes_per_iter=%.1f mpi_calls_per_iter=%.2f mpi_trivial_calls_per_iter=%.2f mpi_init_bytes=%.0f peak_rss_mb=%.2f share64_mb=%.2f share_stored_mb=%.2f peak_over_share64=%.4f peak_over_kept=%.4f hwm_reset=%d cpu_share=%.3f\n", o.label[0] ? o.label : "-", size, ny, nx, n, ny ? ny * nx : nx, k, rtype, xtype, n_iter, Max(S_READ), Max(S_INIT), Max(S_FIT), Max(S_WRITE), t_iter, pass64, pass_stored, passes64, passes_stored, bytes_max / it, Max(S_P2P_BYTES) / it, Max(S_COLL_BYTES) / it, (Max(S_P2P_MSGS) + Max(S_COLL_CALLS)) / it, Max(S_TRIVIAL_CALLS) / it, Max(S_INIT_BYTES), peak_max / MB, Max(S_SHARE64) / MB, Max(S_SHARE_STORED) / MB, peak_ratio64, peak_ratio_solver, (int)reset_ok, cpu_min);
    fflush(stdout);
  }
  PetscCall(NMFDestroy(&nmf));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr = SlepcInitialize(&argc, &argv, NULL, help);
  if (ierr) return 1;
  ierr = Run(PETSC_COMM_WORLD);
  SlepcFinalize();
  return ierr ? 1 : 0;
}
