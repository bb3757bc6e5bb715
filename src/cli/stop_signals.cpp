/* The stop signals of the program: SIGTERM and SIGUSR1 (what batch systems send before the
   wall-time limit) set a flag that the checkpoint monitor reads at the end of each iteration,
   where the ranks agree to write a checkpoint and stop; and the command that resumes the run. */
#include "cli.h"
#include <type_traits>
#include <cstring>

volatile sig_atomic_t CLIStopSignal = 0;
/* NMFIOSetCheckpoint reads the flag as a volatile int (the public I/O header names no signal type) */
static_assert(std::is_same<sig_atomic_t, int>::value, "sig_atomic_t is int on the platforms smoothnmf supports");

static void OnStopSignal(int sig)
{
  CLIStopSignal = sig; /* a repeated signal changes nothing: launchers may deliver one twice */
}

void CLIInstallStopSignals(void)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnStopSignal;
  sa.sa_flags   = SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGUSR1, &sa, NULL);
}

void CLIIgnoreStopSignals(void)
{
  signal(SIGTERM, SIG_IGN); /* the disposition holds for every thread */
  signal(SIGUSR1, SIG_IGN);
}

const char *CLISignalName(int sig)
{
  return sig == SIGTERM ? "SIGTERM" : sig == SIGUSR1 ? "SIGUSR1"
                                                     : "signal";
}

static std::string Quote(const std::string &a)
{
  if (!a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=/.,:@%") == std::string::npos) return a;
  std::string q = "'";
  for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string CLIResumeCommand(int argc, char **argv, int size, const std::string &checkpoint)
{
  std::string cmd = "mpiexec -n " + std::to_string(size);
  for (int i = 0; i < argc; i++) {
    if (i > 0 && !strcmp(argv[i], "-restart")) {
      i++; /* and its value */
      continue;
    }
    cmd += " " + Quote(argv[i]);
  }
  return cmd + " -restart " + Quote(checkpoint);
}
