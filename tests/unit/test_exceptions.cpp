/* No C++ exception crosses the API: with every C++ allocation failing (this program replaces the
   global operator new), the public entry points return PETSC_ERR_MEM instead of throwing.
   Registered at 1 and 3 ranks (every rank fails at the same point). */
#include "unit_helpers.h"
#include <cstdlib>
#include <new>

static bool fail_new = false; /* while set, every operator new throws std::bad_alloc */

void *operator new(std::size_t size)
{
  if (fail_new) throw std::bad_alloc();
  void *p = std::malloc(size ? size : 1);
  if (!p) throw std::bad_alloc();
  return p;
}
void operator delete(void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }

/* f() with C++ allocations failing and PETSc errors returned silently; an exception escaping f
   is a failure */
template <class F>
static PetscErrorCode WithoutMemory(F f)
{
  PetscErrorCode ierr  = 0;
  bool           threw = false;
  PCALL(PetscPushErrorHandler(PetscReturnErrorHandler, NULL));
  fail_new = true;
  try {
    ierr = f();
  } catch (...) {
    threw = true;
  }
  fail_new = false;
  PCALL(PetscPopErrorHandler());
  CHECK_FALSE(threw);
  return ierr;
}

static double KeyX(PetscInt q, PetscInt i) { return 1 + 0.5 * std::sin(0.3 * i + 0.7 * q); }

static Mat AppMat(MPI_Comm comm, PetscInt p, PetscInt n)
{
  Mat      A;
  PetscInt r0, r1;
  PCALL(MatCreateDense(comm, PETSC_DECIDE, PETSC_DECIDE, p, n, NULL, &A));
  PCALL(MatGetOwnershipRange(A, &r0, &r1));
  for (PetscInt r = r0; r < r1; r++)
    for (PetscInt i = 0; i < n; i++) PCALL(MatSetValue(A, r, i, KeyX(r, i), INSERT_VALUES));
  PCALL(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  PCALL(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  return A;
}

TEST_CASE("the operator new of this program fails on demand", "[exceptions]")
{
  fail_new   = true;
  bool threw = false;
  try {
    std::vector<double> v(10);
  } catch (const std::bad_alloc &) {
    threw = true;
  }
  fail_new = false;
  CHECK(threw);
}

TEST_CASE("NMFCreate, NMFSetUp and NMFSolve return PETSC_ERR_MEM", "[exceptions]")
{
  MPI_Comm comm = PETSC_COMM_WORLD;
  NMF      nmf  = nullptr;
  CHECK(WithoutMemory([&] { return NMFCreate(comm, &nmf); }) == PETSC_ERR_MEM);

  nmf = MakeKeyedNMF(comm, 6, 0, 24, 2, KeyX);
  CHECK(WithoutMemory([&] { return NMFSetUp(nmf); }) == PETSC_ERR_MEM);
  PCALL(NMFDestroy(&nmf));

  nmf = MakeKeyedNMF(comm, 6, 4, 6, 2, KeyX);
  PCALL(NMFSetUp(nmf));
  CHECK(WithoutMemory([&] { return NMFSolve(nmf); }) == PETSC_ERR_MEM);
  PCALL(NMFDestroy(&nmf));
}

TEST_CASE("NMFSetDataMat, NMFSetGMat and NMFTransform return PETSC_ERR_MEM", "[exceptions]")
{
  MPI_Comm comm = PETSC_COMM_WORLD;
  NMF      nmf;
  Mat      X = AppMat(comm, 24, 6);
  PCALL(NMFCreate(comm, &nmf));
  CHECK(WithoutMemory([&] { return NMFSetDataMat(nmf, X); }) == PETSC_ERR_MEM);
  CHECK(WithoutMemory([&] { return NMFSetGMat(nmf, X); }) == PETSC_ERR_MEM);
  PCALL(NMFDestroy(&nmf));

  /* a solved NMF: its transform of a new map needs a new object and C++ containers */
  nmf = MakeKeyedNMF(comm, 6, 0, 24, 2, KeyX);
  PCALL(NMFSetMaxIter(nmf, 3));
  PCALL(NMFSolve(nmf));
  DM  da;
  Vec Xn, H = nullptr;
  PCALL(NMFCreateDataDM(comm, 6, 0, 12, NULL, NULL, &da));
  Xn = KeyedVec(da, KeyX);
  CHECK(WithoutMemory([&] { return NMFTransform(nmf, da, Xn, &H); }) == PETSC_ERR_MEM);
  CHECK(H == nullptr);
  /* and with memory, the same calls work */
  PCALL(NMFTransform(nmf, da, Xn, &H));
  CHECK(H != nullptr);
  PCALL(VecDestroy(&H));
  PCALL(VecDestroy(&Xn));
  PCALL(DMDestroy(&da));
  PCALL(NMFDestroy(&nmf));
  PCALL(MatDestroy(&X));
}
