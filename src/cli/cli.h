/* Pieces of the smoothnmf program (src/cli/smoothnmf.cpp) that stand on their own: the stop
   signals (stop_signals.cpp), the checks of output paths (output_paths.cpp), and the fault
   injection of the tests (test_fault.cpp). */
#ifndef SMOOTHNMF_CLI_H
#define SMOOTHNMF_CLI_H

#include <smoothnmf.h>
#include <csignal>
#include <string>

/* ---------------------------------------------------------------- stop signals */

/* SIGTERM and SIGUSR1 only set this flag (to the signal's number); the checkpoint monitor reads it */
extern volatile sig_atomic_t CLIStopSignal;
/* installs the flag-setting handler for SIGTERM and SIGUSR1 (call after PetscInitialize) */
void CLIInstallStopSignals(void);
/* once the run is over: the two are ignored (a rank finalizing is not killed by one) */
void CLIIgnoreStopSignals(void);
/* "SIGTERM", "SIGUSR1" or "signal" */
const char *CLISignalName(int sig);
/* the command line that resumes this run: mpiexec -n SIZE, the program's arguments (any
   -restart dropped), then -restart CHECKPOINT; arguments quoted for a POSIX shell */
std::string CLIResumeCommand(int argc, char **argv, int size, const std::string &checkpoint);

/* ---------------------------------------------------------------- outputs */

/* refuses (one collective error naming `what` and path) an output that is a directory, that
   exists unless may_replace (the line then ends with replace_hint), or that cannot be created
   in its directory (tried on rank 0: read-only mounts and missing directories).  Collective. */
PetscErrorCode CLICheckOutputPath(MPI_Comm comm, const char what[], const char path[], PetscBool may_replace, const char replace_hint[]);

/* ---------------------------------------------------------------- tests */

/* SMOOTHNMF_TEST_FAULT=RANK:ITERATION:KIND (environment) makes rank RANK fail alone at the end of
   iteration ITERATION: KIND bad_alloc throws std::bad_alloc, malloc asks PetscMalloc for more
   memory than exists, error raises a PETSc error on that rank only.  Installs a monitor; nothing
   without the variable.  For the tests of collective failure. */
PetscErrorCode CLISetTestFault(NMF nmf);

#endif
