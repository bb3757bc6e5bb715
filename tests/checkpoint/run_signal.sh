#!/bin/bash
# A signal stops a running 3-rank job cleanly, and the printed command resumes it to the result
# of an uninterrupted run, bit for bit.
#   MODE term_rank:    SIGTERM to the process of rank 1 only (as a batch system signals tasks;
#                      the ranks agree at the end of the iteration, so one is enough)
#   MODE usr1_mpiexec: SIGUSR1 to mpiexec, which forwards it to every rank
# Checked: mpiexec exits with status 3 within the time limit, and so does every rank that is not
# ended by the runtime after another rank's exit; exactly one line "smoothnmf:
# stopped by signal N (NAME) after iteration I; checkpoint written to FILE; resume with: CMD"
# with I below max_iter; no output file; the checkpoint is at iteration I; CMD (run as printed)
# completes; its result equals the uninterrupted run's bit for bit.
# usage: run_signal.sh BUILD_DIR MODE
build=$1; mode=$2
. "$(dirname "$0")/common.sh"

start_checkpointed_job 4 50
case "$mode" in
  term_rank) sig=15; name=SIGTERM; kill -TERM "$(cat pids/1)" ;;
  usr1_mpiexec) sig=10; name=SIGUSR1; kill -USR1 "$launcher" ;;
  *) fail "unknown mode $mode" ;;
esac
echo "sent $name"
wait_launcher 60 || fail "the job did not end within 60 s of the signal"
cat log; log_shown=1
[ "$status" = 3 ] || fail "mpiexec exited with status $status, expected 3"
# Open MPI ends the job when the first rank exits non-zero: a rank still finalizing then may be
# killed by the runtime (its shell may leave no status).  Every other rank exited 3; none died of
# the signal it was sent.
# The runtime ends such a rank with SIGTERM first (143), then SIGKILL: a SIGTERM on a rank the
# test did not send one to (term_rank: all but rank 1; usr1_mpiexec sends SIGUSR1) is the runtime's.
for r in 0 1 2; do
  rc=$(cat rc/$r 2>/dev/null || echo none)
  runtime_term=0
  if [ "$rc" = 143 ] && { [ "$mode" = usr1_mpiexec ] || [ "$r" != 1 ]; }; then runtime_term=1; fi
  case "$rc" in
    3) ;;
    none | 137) echo "note: rank $r was ended by the runtime after another rank exited ($rc)" ;;
    *)
      [ $runtime_term = 1 ] || fail "rank $r exited with status $rc, expected 3"
      echo "note: rank $r was ended by the runtime's SIGTERM after another rank exited"
      ;;
  esac
done
[ -n "$(cat rc/* 2>/dev/null)" ] || fail "no rank exited on its own" 
[ "$(grep -c '^smoothnmf: stopped by signal' log)" = 1 ] || fail "expected one 'smoothnmf: stopped by signal' line"
line=$(grep '^smoothnmf: stopped by signal' log)
re="^smoothnmf: stopped by signal $sig \\($name\\) after iteration ([0-9]+); checkpoint written to ck.h5; resume with: (.*)$"
[[ $line =~ $re ]] || fail "the line does not read as expected: $line"
it=${BASH_REMATCH[1]}; resume=${BASH_REMATCH[2]}
[ "$it" -lt "$max_iter" ] || fail "stopped at iteration $it: the run was not interrupted"
[[ $resume == *"-restart ck.h5" ]] || fail "the resume command does not end with -restart ck.h5: $resume"
grep -q "smoothnmf: error" log && fail "an error line was printed"
[ ! -e out.h5 ] || fail "an output was written by the interrupted run"
[ "$(attr ck.h5 n_iter)" = "$it" ] || fail "the checkpoint is at iteration $(attr ck.h5 n_iter), the line says $it"

echo "+ $resume"
eval "timeout -k 5 300 $resume" || fail "the resume command failed"
[ -f out.h5 ] || fail "the resumed run wrote no output"
mv out.h5 resumed.h5
nmf 3 "${opts[@]/out.h5/ref.h5}" || fail "the uninterrupted run failed"
same ref.h5 resumed.h5 0
echo "PASS (stopped at iteration $it of $max_iter)"
