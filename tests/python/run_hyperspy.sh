#!/bin/bash
# HyperSpy's decomposition with smoothnmf.SmoothNMF against the program on the same map: a
# generated uint16 .hspy map, and the real map of ../shared/data when it is there.
# usage: run_hyperspy.sh BUILD_DIR TEST_DIR REAL_MAP
set -eu
build=$1; here=$2; real=$3
py=${PYTHON:-/usr/bin/python3}
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
"$build/smoothnmf_demo_map" -o "$dir/map.hspy" -ny 24 -nx 20 -n 64 -k 3 -counts 400 -seed 1 -dtype uint16 -chunks 8,8 -gzip 4
"$build/smoothnmf" -i "$dir/map.hspy" -o "$dir/result.h5" -nmf_n_components 3 -nmf_max_iter 60 -nmf_random_state 1 -nmf_lambda_L 2 -nmf_mu 0.1 -nmf_verbose 0
"$py" "$here/check_hyperspy.py" "$dir/map.hspy" "$dir/result.h5" 3 60 1 lambda_L=2 mu=0.1
if [ -f "$real" ]; then
  "$build/smoothnmf" -i "$real" -o "$dir/real.h5" -nmf_n_components 4 -nmf_max_iter 20 -nmf_random_state 0 -nmf_verbose 0
  "$py" "$here/check_hyperspy.py" "$real" "$dir/real.h5" 4 20 0
else
  echo "the real map is not at $real: its part of the test is skipped"
fi
