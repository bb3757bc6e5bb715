#!/bin/bash
# The real EDX map (uint8, gzip, 80 x 80 x 1917), read from the file as it is, at 1 and 3
# ranks: the results agree to 1e-9 and HyperSpy loads the .hspy output with the map's axes.
# Skipped (exit 77) when the file is absent: it is never committed.
# usage: run_real_map.sh BUILD_DIR TEST_DIR REAL_MAP
set -eu
build=$1; here=$2; map=$3
[ -f "$map" ] || { echo "skipped: no real map at $map"; exit 77; }
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
opts="-nmf_n_components 4 -nmf_max_iter 20 -nmf_random_state 0 -nmf_scree 8 -nmf_verbose 0"
for np in 1 3; do
  "${MPIEXEC:-mpiexec}" -n $np --oversubscribe "$build/smoothnmf" -i "$map" -o "$dir/np$np.h5" -o_hspy "$dir/np$np.hspy" $opts
done
"${PYTHON:-/usr/bin/python3}" "$here/check_real_map.py" "$map" "$dir"
