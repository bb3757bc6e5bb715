#!/bin/bash
# -help lists the options of the HyperSpy issue, with their descriptions.
# usage: run_help.sh BUILD_DIR
set -u
help=$("${MPIEXEC:-mpiexec}" -n 1 "$1/smoothnmf" -help 2>&1)
for opt in -o_hspy -nmf_scree -layout; do
  printf '%s\n' "$help" | grep -q -- "^ *$opt " || { echo "FAILED: -help does not list $opt" >&2; exit 1; }
done
printf '%s\n' "$help" | grep -q "channels_first" || { echo "FAILED: -help does not explain channels_first" >&2; exit 1; }
printf '%s\n' "$help" | grep -E -- "^ *-o_hspy|^ *-nmf_scree|^ *-layout"
