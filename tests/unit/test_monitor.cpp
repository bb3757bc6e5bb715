/* Iteration monitors, NMFInterrupt, and a checkpoint written by a monitor then restored into a
   new NMF: the resumed solve ends bit for bit where the uninterrupted one does.  Registered at 1
   and 3 ranks (the restore at the writer's rank count). */
#include "unit_helpers.h"
#include <smoothnmf_io.h>
#include <cstdio>
#include <unistd.h>

static double KeyX(PetscInt q, PetscInt i) { return 1 + 0.6 * std::sin(0.37 * i + 1.1 * q + 0.2) + 0.3 * std::cos(0.5 * q + 0.9 * i); }

/* a small smooth, sparse problem with line search (gamma changes every iteration) */
static NMF Problem(bool linesearch)
{
  NMF nmf = MakeKeyedNMF(PETSC_COMM_WORLD, 12, 6, 7, 3, KeyX);
  PCALL(NMFSetRandomState(nmf, 3));
  PCALL(NMFSetMaxIter(nmf, 25));
  PCALL(NMFSetTolerance(nmf, 1e-7));
  const double mu = 0.05;
  PCALL(NMFSetMu(nmf, 1, &mu));
  PCALL(NMFSetLinesearch(nmf, linesearch ? PETSC_TRUE : PETSC_FALSE));
  return nmf;
}

/* a file name in /tmp shared by every rank */
static std::string SharedTempName(const char *what)
{
  long long pid = (long long)getpid();
  MPI_Bcast(&pid, 1, MPI_LONG_LONG, 0, PETSC_COMM_WORLD);
  return std::string("/tmp/smoothnmf_unit_") + what + "_" + std::to_string(pid) + ".h5";
}

struct CallLog {
  std::vector<PetscInt>           its;
  std::vector<NMFConvergedReason> reasons;
};

static PetscErrorCode LogMonitor(NMF nmf, PetscInt it, void *ctx)
{
  CallLog           *log = (CallLog *)ctx;
  NMFConvergedReason reason;
  PetscFunctionBegin;
  PetscCall(NMFGetConvergedReason(nmf, &reason));
  log->its.push_back(it);
  log->reasons.push_back(reason);
  PetscFunctionReturn(0);
}

struct StopAt {
  PetscInt    it;
  std::string path;
};

/* writes a checkpoint at iteration it and interrupts there */
static PetscErrorCode CheckpointAndStop(NMF nmf, PetscInt it, void *ctx)
{
  const StopAt *s = (const StopAt *)ctx;
  PetscFunctionBegin;
  if (it != s->it) PetscFunctionReturn(0);
  PetscCall(NMFIOWriteCheckpoint(nmf, s->path.c_str()));
  PetscCall(NMFInterrupt(nmf));
  PetscFunctionReturn(0);
}

TEST_CASE("a monitor is called once per iteration, the last one with the final reason")
{
  NMF     nmf = Problem(false);
  CallLog log;
  PCALL(NMFMonitorSet(nmf, LogMonitor, &log, NULL));
  PCALL(NMFSolve(nmf));
  PetscInt n_iter;
  PCALL(NMFGetIterationNumber(nmf, &n_iter));
  REQUIRE((PetscInt)log.its.size() == n_iter);
  for (PetscInt i = 0; i < n_iter; i++) CHECK(log.its[i] == i + 1);
  for (PetscInt i = 0; i + 1 < n_iter; i++) CHECK(log.reasons[i] == NMF_CONVERGED_ITERATING);
  CHECK(log.reasons.back() != NMF_CONVERGED_ITERATING);
  PCALL(NMFDestroy(&nmf));
}

TEST_CASE("NMFInterrupt stops after the iteration; the checkpoint resumes bit for bit")
{
  for (bool linesearch : {false, true}) {
    const std::string path = SharedTempName(linesearch ? "ls" : "plain");
    NMF               full = Problem(linesearch);
    PCALL(NMFSolve(full));
    const FitResult ref = GetFitResult(full);
    PCALL(NMFDestroy(&full));
    REQUIRE(ref.n_iter > 8);

    /* interrupted at iteration 8, with a checkpoint there */
    NMF    first = Problem(linesearch);
    StopAt stop{8, path};
    PCALL(NMFIOSetCheckpoint(first, path.c_str(), 0, 0, NULL, NULL)); /* the fingerprint; no scheduled checkpoints */
    PCALL(NMFMonitorSet(first, CheckpointAndStop, &stop, NULL));
    PCALL(NMFSolve(first));
    const FitResult cut = GetFitResult(first);
    PCALL(NMFDestroy(&first));
    CHECK(cut.reason == NMF_INTERRUPTED);
    CHECK(cut.n_iter == 8);
    CHECK(std::string(NMFConvergedReasonName(NMF_INTERRUPTED)) == "interrupted");

    /* resumed in a new object */
    NMF second = Problem(linesearch);
    PCALL(NMFIOSetRestart(second, path.c_str(), NULL));
    PCALL(NMFSolve(second));
    const FitResult res = GetFitResult(second);
    PCALL(NMFDestroy(&second));
    CHECK(res.n_iter == ref.n_iter);
    CHECK(res.reason == ref.reason);
    CHECK(res.W == ref.W); /* exact */
    CHECK(res.H == ref.H);
    CHECK(res.losses == ref.losses);
    MPI_Barrier(PETSC_COMM_WORLD);
    if (CommRank(PETSC_COMM_WORLD) == 0) remove(path.c_str());
  }
}

TEST_CASE("a restart with another parameter is refused before any iteration")
{
  const std::string path  = SharedTempName("param");
  NMF               first = Problem(false);
  StopAt            stop{5, path};
  PCALL(NMFIOSetCheckpoint(first, path.c_str(), 0, 0, NULL, NULL));
  PCALL(NMFMonitorSet(first, CheckpointAndStop, &stop, NULL));
  PCALL(NMFSolve(first));
  PCALL(NMFDestroy(&first));

  NMF second = Problem(false);
  PCALL(NMFSetLambdaL(second, 2.0));
  PCALL(NMFIOSetRestart(second, path.c_str(), NULL));
  PetscPushErrorHandler(PetscReturnErrorHandler, NULL); /* the refusal is collective: every rank returns it */
  PetscErrorCode ierr = NMFSetUp(second);
  PetscPopErrorHandler();
  CHECK(ierr == PETSC_ERR_ARG_INCOMP);
  PCALL(NMFDestroy(&second));
  MPI_Barrier(PETSC_COMM_WORLD);
  if (CommRank(PETSC_COMM_WORLD) == 0) remove(path.c_str());
}
