/* C++ exceptions never cross the API: NMF_CATCH_EXCEPTIONS (smoothnmf/private/nmfimpl.h) turns one escaping a
   public function into a PETSc error raised where it happened. */
#include <smoothnmf/private/nmfimpl.h>

/* Rethrows the exception being handled to tell its kind.  The error is raised on
   PETSC_COMM_SELF: only the rank that caught the exception knows about it. */
PetscErrorCode NMFExceptionError_Private(const char *func, const char *file, int line)
{
  try {
    throw;
  } catch (const std::bad_alloc &) {
    return PetscError(PETSC_COMM_SELF, line, func, file, PETSC_ERR_MEM, PETSC_ERROR_INITIAL, "out of memory in %s (a C++ container could not allocate)", func);
  } catch (const std::length_error &) {
    return PetscError(PETSC_COMM_SELF, line, func, file, PETSC_ERR_MEM, PETSC_ERROR_INITIAL, "out of memory in %s (a C++ container would exceed its maximum size)", func);
  } catch (const std::exception &e) {
    return PetscError(PETSC_COMM_SELF, line, func, file, PETSC_ERR_LIB, PETSC_ERROR_INITIAL, "C++ exception in %s: %s", func, e.what());
  } catch (...) {
    return PetscError(PETSC_COMM_SELF, line, func, file, PETSC_ERR_LIB, PETSC_ERROR_INITIAL, "unknown C++ exception in %s", func);
  }
}
