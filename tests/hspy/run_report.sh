#!/bin/bash
# The report picture: a generated map through the program (with the scree, and a plain HDF5
# input without axes nor scree), then scripts/report.py: a PNG of the expected size.
# usage: run_report.sh BUILD_DIR TEST_DIR REPORT_PY
set -eu
build=$1; here=$2; report=$3
py="${PYTHON:-/usr/bin/python3}"
mpi="${MPIEXEC:-mpiexec} -n 1"
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
$mpi "$build/smoothnmf_demo_map" -o "$dir/map.hspy" -ny 20 -nx 24 -n 96 -k 3 -seed 1
$mpi "$build/smoothnmf" -i "$dir/map.hspy" -o "$dir/result.h5" -nmf_n_components 3 -nmf_max_iter 30 -nmf_random_state 0 -nmf_scree 10 -nmf_verbose 0
"$py" "$report" "$dir/result.h5" -o "$dir/report.png"
"$py" "$here/check_png.py" "$dir/report.png" 1600 1000
$mpi "$build/smoothnmf_demo_map" -o "$dir/plain.h5" -ny 12 -nx 10 -n 40 -k 2 -seed 2
$mpi "$build/smoothnmf" -i "$dir/plain.h5" -o "$dir/plain_result.h5" -nmf_n_components 2 -nmf_max_iter 10 -nmf_random_state 0 -nmf_verbose 0
"$py" "$report" "$dir/plain_result.h5" --dpi 50
"$py" "$here/check_png.py" "$dir/plain_result.png" 800 500
if "$py" "$report" "$dir/map.hspy" -o "$dir/none.png" 2>"$dir/err"; then echo "FAILED: report.py accepted a map" >&2; exit 1; fi
grep -q "report.py: error: .*smoothnmf result" "$dir/err" || { echo "FAILED: report.py error: $(cat "$dir/err")" >&2; exit 1; }
[ ! -e "$dir/none.png" ] || { echo "FAILED: a PNG from a bad input" >&2; exit 1; }
