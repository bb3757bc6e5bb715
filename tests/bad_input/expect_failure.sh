#!/bin/bash
# Runs smoothnmf on a bad input and checks that it fails the way the command-line contract
# says: one line that names the problem, a non-zero exit on every rank, no hang, no output.
#
# usage: expect_failure.sh NP TIMEOUT EXPECTED_SUBSTRING -- ARGS...
#   BUILD (environment) is the build directory holding smoothnmf; MPIEXEC (environment,
#   default mpiexec) the MPI launcher.
#   EXPECTED_SUBSTRING may join several substrings with "&": the line must hold them all.
#   ARGS are passed to smoothnmf, with "-o $tmp/out.h5" appended unless ARGS hold the
#   word @NO_OUTPUT@ (dropped). @TMP@ in ARGS is replaced by the scratch directory $tmp
#   (to name a missing output directory inside it).
#
# Checks, each reported on failure:
#   - the exit status is non-zero and not 124/137 (the timeout: a hang);
#   - every rank that exited on its own exited non-zero (ranks killed by the MPI runtime
#     after another rank's failure leave no status and are accepted), and no rank still
#     runs GRACE seconds (environment, default 10) after the launcher returned;
#   - stdout + stderr hold exactly one line starting with "smoothnmf: error", and it
#     contains every EXPECTED substring (case-insensitive);
#   - no PETSc traceback ("PETSC ERROR") is printed;
#   - neither $tmp/out.h5 nor a temporary $tmp/out.h5.tmp* is left behind.
set -u

if [ $# -lt 4 ] || [ "$4" != "--" ]; then
  echo "usage: expect_failure.sh NP TIMEOUT EXPECTED_SUBSTRING -- ARGS..." >&2
  exit 2
fi
np=$1; limit=$2; expected=$3
shift 4
: "${BUILD:?set BUILD to the build directory}"
prog="$BUILD/smoothnmf"
[ -x "$prog" ] || { echo "FAIL: no program at $prog" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bad_input.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/rc"

args=(); add_output=1
for a in "$@"; do
  if [ "$a" = @NO_OUTPUT@ ]; then add_output=0; else args+=("${a//@TMP@/$tmp}"); fi
done
[ "$add_output" = 0 ] || args+=(-o "$tmp/out.h5")

# Each rank runs under a small shell that records the program's pid and exit status.
# Open MPI's launcher returns as soon as one rank fails, without always ending the others
# (never the ones under this shell): the other ranks are given GRACE seconds to end on
# their own, then whatever still runs is a hang: reported, and killed by its pid.
wrapper='rank=${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-0}}
"$0" "$@" & child=$!
echo "$$ $child" > "$RCDIR/pid.$rank"
wait $child; rc=$?
echo $rc > "$RCDIR/$rank"
exit $rc'

echo "+ mpiexec -n $np $prog ${args[*]}"
RCDIR="$tmp/rc" timeout -k 10 "$limit" "${MPIEXEC:-mpiexec}" -n "$np" --oversubscribe \
  -x RCDIR="$tmp/rc" bash -c "$wrapper" "$prog" "${args[@]}" >"$tmp/log" 2>&1 </dev/null
status=$?

echo "--- output (exit status $status) ---"
cat "$tmp/log"
echo "---"

fail=0
problem() { echo "FAIL: $*"; fail=1; }

if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
  problem "no exit within ${limit} s: the program hangs"
elif [ "$status" -eq 0 ]; then
  problem "exit status 0 on bad input"
fi

alive() {
  local f pid
  survivors=()
  for f in "$tmp"/rc/pid.*; do
    [ -f "$f" ] || continue
    for pid in $(cat "$f"); do
      if kill -0 "$pid" 2>/dev/null; then survivors+=("${f##*.}:$pid"); fi
    done
  done
  [ ${#survivors[@]} -gt 0 ]
}
grace=${GRACE:-10}
if [ "$status" -ne 124 ] && [ "$status" -ne 137 ]; then
  for _ in $(seq $((grace * 10))); do alive || break; sleep 0.1; done
fi
if alive; then
  for s in "${survivors[@]}"; do kill -KILL "${s#*:}" 2>/dev/null; done
  problem "ranks still running after the launcher returned (grace ${grace} s), killed (rank:pid of shell and program): ${survivors[*]}"
fi

for r in $(seq 0 $((np - 1))); do
  if [ -f "$tmp/rc/$r" ]; then
    rc=$(cat "$tmp/rc/$r")
    [ "$rc" != 0 ] || problem "rank $r exited with status 0"
  else
    echo "note: rank $r left no exit status (killed)"
  fi
done

nerr=$(grep -c '^smoothnmf: error' "$tmp/log")
if [ "$nerr" -ne 1 ]; then
  problem "expected exactly one line starting with 'smoothnmf: error', got $nerr"
fi
if [ "$nerr" -ge 1 ]; then
  line=$(grep -m1 '^smoothnmf: error' "$tmp/log")
  IFS='&' read -r -a wanted <<<"$expected"
  for w in "${wanted[@]}"; do
    grep -qiF -- "$w" <<<"$line" || problem "the error line does not mention '$w': $line"
  done
fi
if grep -q 'PETSC ERROR' "$tmp/log"; then
  problem "a PETSc traceback was printed instead of (or besides) one line"
fi

[ ! -e "$tmp/out.h5" ] || problem "an output file $tmp/out.h5 was left behind"
leftover=$(find "$tmp" -maxdepth 1 -name 'out.h5.tmp*' | head -3)
[ -z "$leftover" ] || problem "a temporary output file was left behind: $leftover"

if [ "$fail" -eq 0 ]; then echo "PASS"; exit 0; fi
exit 1
