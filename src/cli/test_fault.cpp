/* Fault injection for the tests of collective failure (tests/bad_input, fault_case): one rank
   fails alone in the middle of the iterations, as an allocation failure or a local error would
   (RANK -2: every rank at once, as an allocation a damaged input makes too large everywhere). */
#include "cli.h"
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

struct TestFault {
  int  rank      = -1;
  long iteration = 0;
  char kind[32]  = "";
};

static PetscErrorCode FaultMonitor(NMF nmf, PetscInt it, void *ctx)
{
  const TestFault *f = (const TestFault *)ctx;
  PetscMPIInt      rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(PETSC_COMM_WORLD, &rank));
  if ((f->rank != -2 && rank != f->rank) || it != f->iteration) PetscFunctionReturn(0);
  if (!strcmp(f->kind, "bad_alloc")) throw std::bad_alloc();
  if (!strcmp(f->kind, "malloc")) {
    double *p;
    PetscCall(PetscMalloc1((size_t)1 << 60, &p));
    PetscCall(PetscFree(p));
  }
  SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "injected failure (SMOOTHNMF_TEST_FAULT) on rank %d at iteration %" PetscInt_FMT, rank, it);
}

static PetscErrorCode FaultDestroy(void **ctx)
{
  PetscFunctionBegin;
  delete (TestFault *)*ctx;
  *ctx = nullptr;
  PetscFunctionReturn(0);
}

PetscErrorCode CLISetTestFault(NMF nmf)
{
  const char *spec = getenv("SMOOTHNMF_TEST_FAULT");
  TestFault   f;

  PetscFunctionBegin;
  if (!spec || !spec[0]) PetscFunctionReturn(0);
  PetscCheck(sscanf(spec, "%d:%ld:%31s", &f.rank, &f.iteration, f.kind) == 3, PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "SMOOTHNMF_TEST_FAULT '%s': expected RANK:ITERATION:KIND", spec);
  PetscCheck(!strcmp(f.kind, "bad_alloc") || !strcmp(f.kind, "malloc") || !strcmp(f.kind, "error"), PETSC_COMM_WORLD, PETSC_ERR_ARG_WRONG, "SMOOTHNMF_TEST_FAULT '%s': KIND is bad_alloc, malloc or error", spec);
  PetscCall(NMFMonitorSet(nmf, FaultMonitor, new TestFault(f), FaultDestroy));
  PetscFunctionReturn(0);
}
