#!/bin/bash
# One rank is killed (SIGKILL) in the middle of a 3-rank run that writes checkpoints: the job ends
# within seconds (no rank is left waiting in a collective), no output is written, and the last
# checkpoint is intact: the run restarted from it gives the uninterrupted result bit for bit.
# usage: run_kill_rank.sh BUILD_DIR
build=$1
. "$(dirname "$0")/common.sh"

start_checkpointed_job 5 5
sleep 0.3 # checkpoints keep coming: the kill may land in the middle of one
start=$(date +%s.%N)
kill -KILL "$(cat pids/1)"
wait_launcher 30 || fail "the job did not end within 30 s of the kill"
elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
cat log; log_shown=1
echo "mpiexec ended $elapsed s after the kill, status $status"
[ "$status" != 0 ] || fail "exit status 0 after a rank was killed"
awk -v e="$elapsed" 'BEGIN { exit !(e < 15) }' || fail "the job took $elapsed s to end"
for _ in $(seq 100); do [ -z "$(ranks_alive)" ] && break; sleep 0.1; done
left=$(ranks_alive)
if [ -n "$left" ]; then
  kill -KILL $left 2>/dev/null
  fail "ranks still running 10 s after the job ended (killed): $left"
fi
[ ! -e out.h5 ] || fail "an output was written"

it=$(attr ck.h5 n_iter)
[ "$it" -ge 5 ] && [ "$it" -lt "$max_iter" ] || fail "the checkpoint is at iteration $it"
echo "last checkpoint: iteration $it"
nmf 3 "${opts[@]/out.h5/resumed.h5}" -restart ck.h5 || fail "the restart from the last checkpoint failed"
nmf 3 "${opts[@]/out.h5/ref.h5}" || fail "the uninterrupted run failed"
same ref.h5 resumed.h5 0
echo "PASS (killed near iteration $it, ended in $elapsed s)"
