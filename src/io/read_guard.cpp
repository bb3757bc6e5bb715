/* The last resort while reading the metadata of an input (issue 16).  A damaged file can make
   HDF5 itself crash or loop (a variable-length string attribute whose global-heap entry is
   damaged: H5HG_read under H5Aread), where no check of ours can intervene.  While a guard is
   active, a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL) or a read that gives no answer within
   the time limit (SIGALRM, -metadata_timeout SECONDS, default 600: generous for slow parallel
   file systems; 0 turns it off) prints

     smoothnmf: error (rank R): the input FILE appears to be damaged (crashed while reading ITEM)

   and ends this process with the status 2; mpiexec then ends the other ranks.  One line for the
   job: a crash or a read without answer is said by rank 0 first, the other ranks wait 5 s more.  Nothing is
   written by then: outputs are created only after the inputs are read. */
#include <smoothnmf/private/ioimpl.h>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <sys/time.h>
#include <unistd.h>

static int                   guard_depth = 0;
static char                  guard_file[1024], guard_item[512];
static char                  guard_rank[16];
static int                   guard_rank_number = 0;
static struct sigaction      saved_actions[5];
static const int             guarded_signals[5] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGALRM};
static volatile sig_atomic_t guard_fault        = 0; /* tests: 1 crash, 2 no answer at the next item */

/* async-signal-safe: write(2) of fixed buffers */
static void Say(const char *s) { (void)!write(STDERR_FILENO, s, strlen(s)); }

static void OnSignal(int sig)
{
  /* a damaged file crashes every rank at the same item: rank 0 says it, the others give it five
     seconds (mpiexec ends them once it exits; SIGTERM is held off meanwhile, so no other
     handler prints), then speak for themselves when the crash was theirs alone */
  if (sig != SIGALRM && guard_rank_number > 0) {
    struct timespec t = {5, 0};
    while (nanosleep(&t, &t) != 0) {
    }
  }
  Say("smoothnmf: error (rank ");
  Say(guard_rank);
  Say("): the input ");
  Say(guard_file);
  Say(sig == SIGALRM ? " appears to be damaged (no answer while reading " : " appears to be damaged (crashed while reading ");
  Say(guard_item[0] ? guard_item : "its metadata");
  Say(")\n");
  _exit(2);
}

static void Copy(char *dst, size_t len, const char *src)
{
  strncpy(dst, src ? src : "", len - 1);
  dst[len - 1] = 0;
}

NMFIOReadGuard::NMFIOReadGuard(MPI_Comm comm, const char spec[])
{
  if (guard_depth++ > 0) return;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  snprintf(guard_rank, sizeof guard_rank, "%d", rank);
  guard_rank_number = rank;
  std::string file, dset;
  NMFIOSplitSpec_Private(spec, file, dset);
  Copy(guard_file, sizeof guard_file, file.c_str());
  guard_item[0] = 0;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&sa.sa_mask, s); /* held off while the handler runs */
  for (int i = 0; i < 5; i++) sigaction(guarded_signals[i], &sa, &saved_actions[i]);
  PetscReal timeout = 600;
  PetscBool set;
  PetscOptionsGetReal(NULL, NULL, "-metadata_timeout", &timeout, &set);
  /* the other ranks, waiting in a collective behind a rank that hangs, give rank 0 five seconds
     to say it first (mpiexec ends them once it exits): one line for the job */
  if (timeout > 0 && rank > 0) timeout += 5;
  if (timeout > 0) {
    struct itimerval t;
    memset(&t, 0, sizeof t);
    t.it_value.tv_sec  = (time_t)timeout;
    t.it_value.tv_usec = (suseconds_t)((timeout - (double)(time_t)timeout) * 1e6);
    setitimer(ITIMER_REAL, &t, NULL);
  }
  /* the tests' injected faults: SMOOTHNMF_TEST_READ_FAULT=RANK:crash or RANK:hang */
  const char *f        = getenv("SMOOTHNMF_TEST_READ_FAULT");
  int         r        = -1;
  char        kind[16] = "";
  if (f && sscanf(f, "%d:%15s", &r, kind) == 2 && r == rank) guard_fault = !strcmp(kind, "crash") ? 1 : !strcmp(kind, "hang") ? 2
                                                                                                                              : 0;
}

NMFIOReadGuard::~NMFIOReadGuard()
{
  if (--guard_depth > 0) return;
  struct itimerval t;
  memset(&t, 0, sizeof t);
  setitimer(ITIMER_REAL, &t, NULL);
  for (int i = 0; i < 5; i++) sigaction(guarded_signals[i], &saved_actions[i], NULL);
  guard_item[0] = 0;
}

void NMFIOReadGuardItem_Private(const char *object, const char *attribute)
{
  if (!guard_depth) return;
  Copy(guard_item, sizeof guard_item, object);
  if (attribute) {
    const size_t len = strlen(guard_item);
    if (len + 1 < sizeof guard_item) {
      guard_item[len] = '@';
      Copy(guard_item + len + 1, sizeof guard_item - len - 1, attribute);
    }
  }
  if (guard_fault == 1) raise(SIGSEGV);
  if (guard_fault == 2)
    for (;;) pause();
}
