#!/bin/bash
# Runs one espm reference case through the real program at NP ranks and checks it.
# usage: run_reference_case.sh BUILD_DIR NP CASE.h5
set -eu
build=$1; np=$2; case=$3
out=$(mktemp -d)/result.h5
trap 'rm -rf "$(dirname "$out")"' EXIT
opts=$("$build/tests/reference_tool" options "$case")
# shellcheck disable=SC2086
"${MPIEXEC:-mpiexec}" -n "$np" --oversubscribe "$build/smoothnmf" $opts -o "$out" -nmf_verbose 0
"$build/tests/reference_tool" compare "$case" "$out"
