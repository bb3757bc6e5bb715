# Shared by the checkpoint tests: a scratch directory, a small generated map, running smoothnmf,
# comparing results.  Source it after setting build (the build directory).
set -u
MPIEXEC=${MPIEXEC:-mpiexec}
export OMPI_MCA_rmaps_base_oversubscribe=1 # the printed resume command has no --oversubscribe
dir=$(mktemp -d "${TMPDIR:-/tmp}/checkpoint_test.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"

# fail MESSAGE: the message, the time since the start, and the background job's output if not shown yet (log_shown=1)
start_seconds=$SECONDS
fail() {
  echo "FAIL: $* (after $((SECONDS - start_seconds)) s)" >&2
  if [ -s "$dir/log" ] && [ "${log_shown:-0}" = 0 ]; then echo "--- output of the background job:" >&2; cat "$dir/log" >&2; fi
  exit 1
}

# make_map NY NX N K SEED: map.h5 (/X, float64) from the generator
make_map() {
  "$MPIEXEC" -n 1 "$build/smoothnmf_demo_map" -o "$dir/map.h5" -ny "$1" -nx "$2" -n "$3" -k "$4" -seed "$5" >/dev/null || fail "the map generator failed"
}

# nmf NP ARGS...: smoothnmf at NP ranks, output shown, status returned
nmf() {
  local np=$1; shift
  echo "+ smoothnmf -n $np $*"
  timeout -k 5 300 "$MPIEXEC" -n "$np" --oversubscribe "$build/smoothnmf" "$@"
}

# same A B TOL: results agree (n_iter, stop_reason, losses, W, H, GW; TOL 0 is bit for bit)
same() {
  "$build/tests/reference_tool" same "$1" "$2" "$3" || fail "$2 differs from $1 (tolerance $3)"
}

# attr FILE NAME: a numeric attribute of /
attr() {
  "$build/tests/reference_tool" attr "$1" "$2" || fail "no attribute $2 in $1"
}

# launch NP ARGS...: smoothnmf in the background, each rank under a shell that writes the
# program's pid to pids/RANK and its exit status to rc/RANK; sets $launcher (mpiexec's pid)
launch() {
  local np=$1; shift
  mkdir -p "$dir/pids" "$dir/rc"
  # the signals mpiexec forwards reach this shell: pass them on to the program
  local wrapper='rank=${OMPI_COMM_WORLD_RANK:-0}
"$0" "$@" & child=$!
echo $child > "$RCDIR/../pids/$rank"
trap "kill -USR1 $child" USR1
trap "kill -TERM $child" TERM
while :; do
  wait $child; rc=$?
  kill -0 $child 2>/dev/null || break
done
trap "" TERM USR1
wait $child 2>/dev/null; late=$? # the status, if the last wait was cut short by a signal
[ $late = 127 ] || rc=$late
echo $rc > "$RCDIR/$rank"
exit $rc'
  echo "+ (background) smoothnmf -n $np $*"
  RCDIR="$dir/rc" "$MPIEXEC" -n "$np" --oversubscribe -x RCDIR="$dir/rc" bash -c "$wrapper" "$build/smoothnmf" "$@" >"$dir/log" 2>&1 </dev/null &
  launcher=$!
}

# wait_for FILE SECONDS: until FILE exists
wait_for() {
  local i
  for i in $(seq $(($2 * 20))); do
    [ -e "$1" ] && return 0
    kill -0 "$launcher" 2>/dev/null || break
    sleep 0.05
  done
  [ -e "$1" ]
}

# wait_launcher SECONDS: waits for mpiexec at most SECONDS (then kills it: a hang); sets $status
wait_launcher() {
  local i
  for i in $(seq $(($1 * 10))); do
    kill -0 "$launcher" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$launcher" 2>/dev/null; then
    kill -KILL "$launcher"
    wait "$launcher"
    status=124
    return 1
  fi
  wait "$launcher"
  status=$?
}

# ranks_alive: prints the pids of the ranks still running
ranks_alive() {
  local f
  for f in "$dir"/pids/*; do
    [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && echo "$(cat "$f")"
  done
}

# start_checkpointed_job SEED EVERY: a 3-rank run of 2500 iterations on a generated 48 x 40 x 64
# map (random_state SEED) in the background, writing ck.h5 every EVERY iterations; returns once the
# first checkpoint exists and every rank has started.  Sets opts (the run's options, -o out.h5)
# and max_iter.
start_checkpointed_job() {
  make_map 48 40 64 3 $((2 * $1 - 1))
  max_iter=2500
  opts=(-i map.h5 -o out.h5 -nmf_n_components 3 -nmf_random_state "$1" -nmf_max_iter $max_iter -nmf_no_stop_criterion -nmf_verbose 0)
  launch 3 "${opts[@]}" -checkpoint ck.h5 -checkpoint_every "$2"
  wait_for ck.h5 60 || fail "no checkpoint appeared (the job is not iterating)"
  wait_for pids/2 10 || fail "the ranks did not start"
}
