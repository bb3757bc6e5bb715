#!/bin/bash
# Runs one espm reference case through the real program at NP ranks and checks it; OPTIONS are
# added to the program's command line (e.g. -data_type float32: X kept compact in memory).
# usage: run_reference_case.sh BUILD_DIR NP CASE.h5 [OPTIONS...]
set -euo pipefail
build=$1; np=$2; case=$3
shift 3
out=$(mktemp -d)/result.h5
trap 'rm -rf "$(dirname "$out")"' EXIT
opts=$("$build/tests/reference_tool" options "$case")
# shellcheck disable=SC2086
"${MPIEXEC:-mpiexec}" -n "$np" --oversubscribe "$build/smoothnmf" $opts "$@" -o "$out" -nmf_verbose 0 -nmf_view |
  tee "$out.view"
# with -data_type float32 or float64, X must have stayed so in memory (not widened to float64)
type=$(echo "$@" | sed -n 's/.*-data_type[ =]\(float32\|float64\).*/\1/p')
if [ -n "$type" ] && ! grep -q "X in memory: $type\$" "$out.view"; then
  echo "FAIL: -data_type $type, but $(grep 'X in memory' "$out.view" || echo 'no X in memory line')"
  exit 1
fi
"$build/tests/reference_tool" compare "$case" "$out"
