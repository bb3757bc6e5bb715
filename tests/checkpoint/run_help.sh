#!/bin/bash
# -help lists the options of checkpoints, restarts and outputs, and says what the signals do.
# usage: run_help.sh BUILD_DIR
set -u
help=$("${MPIEXEC:-mpiexec}" -n 1 "$1/smoothnmf" -help 2>&1)
for opt in -checkpoint -checkpoint_every -checkpoint_seconds -restart -o_overwrite; do
  printf '%s\n' "$help" | grep -q -E -- "^ *$opt[ :]" || { echo "FAILED: -help does not list $opt" >&2; exit 1; }
done
for text in SIGTERM SIGUSR1 "exit status 3"; do
  printf '%s\n' "$help" | grep -q -- "$text" || { echo "FAILED: -help does not mention $text" >&2; exit 1; }
done
printf '%s\n' "$help" | grep -E -- "^ *-checkpoint|^ *-restart|^ *-o_overwrite|SIGTERM"
echo PASS
