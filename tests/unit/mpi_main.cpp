/* Catch2 main for the MPI unit tests: SLEPc, PETSc (and MPI) around the Catch session.  Every rank
   runs every test case in the same order; the exit code is the maximum over the ranks, so a
   failure on any rank fails the test. */
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <slepcsys.h>

int main(int argc, char **argv)
{
  PetscCall(SlepcInitialize(&argc, &argv, NULL, NULL));
  int failures = 0;
  {
    Catch::Session session;
    session.configData().useColour = Catch::UseColour::No; /* ranks write through mpiexec; --use-colour overrides */
    failures                       = session.run(argc, argv);
  }
  int worst = 0;
  MPI_Allreduce(&failures, &worst, 1, MPI_INT, MPI_MAX, PETSC_COMM_WORLD);
  PetscCall(SlepcFinalize());
  return worst > 255 ? 255 : worst;
}
