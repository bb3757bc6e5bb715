/* An output (result, HyperSpy file or checkpoint) must be creatable before hours are spent
   computing it: not a directory, not an existing file unless replacing it is allowed, in a
   directory where a file can be created.  Creating one is tried: as root, permissions alone do
   not tell, and read-only mounts say no only when asked.  Rank 0 looks; every rank gets the
   verdict. */
#include "cli.h"
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

PetscErrorCode CLICheckOutputPath(MPI_Comm comm, const char what[], const char path[], PetscBool may_replace, const char replace_hint[])
{
  PetscMPIInt rank;
  int         state[2] = {0, 0}; /* 0 ok, 1 a directory, 2 exists, 3 cannot create there, 4 no directory; errno */
  std::string dir      = ".";

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  std::string p(path);
  size_t      slash = p.rfind('/');
  if (slash != std::string::npos) dir = slash == 0 ? "/" : p.substr(0, slash);
  if (rank == 0) {
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
      state[0] = 1;
    else if (stat(path, &st) == 0 && !may_replace)
      state[0] = 2;
    else if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      state[0] = 4;
    else {
      const std::string probe = dir + "/.smoothnmf_probe." + std::to_string((long long)getpid());
      int               fd    = open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
      if (fd < 0) {
        state[0] = 3;
        state[1] = errno;
      } else {
        close(fd);
        unlink(probe.c_str());
      }
    }
  }
  PetscCallMPI(MPI_Bcast(state, 2, MPI_INT, 0, comm));
  PetscCheck(state[0] != 1, comm, PETSC_ERR_FILE_OPEN, "cannot write the %s '%s': it is a directory, expected a file name", what, path);
  PetscCheck(state[0] != 2, comm, PETSC_ERR_FILE_OPEN, "the %s '%s' exists: %s", what, path, replace_hint);
  PetscCheck(state[0] != 3, comm, PETSC_ERR_FILE_OPEN, "cannot write the %s '%s': no file can be created in its directory '%s' (%s)", what, path, dir.c_str(), strerror(state[1]));
  PetscCheck(state[0] != 4, comm, PETSC_ERR_FILE_OPEN, "cannot write the %s '%s': its directory '%s' does not exist", what, path, dir.c_str());
  PetscFunctionReturn(0);
}
