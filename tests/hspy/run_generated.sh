#!/bin/bash
# A generated uint16, chunked, gzip-compressed .hspy map through the program at NP ranks:
# the .hspy output loaded with HyperSpy against the HDF5 result and the input's axes, the
# scree against numpy's SVD and the same with an initialization that does not use the SVD.
# usage: run_generated.sh BUILD_DIR NP TEST_DIR
set -eu
build=$1; np=$2; here=$3
mpi="${MPIEXEC:-mpiexec} -n $np --oversubscribe"
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
$mpi "$build/smoothnmf_demo_map" -o "$dir/map.hspy" -ny 24 -nx 20 -n 64 -k 3 -counts 400 -seed 1 \
  -dtype uint16 -chunks 8,8 -gzip 4 -energy_offset 0.25 -energy_scale 0.02 -pixel_size 1.5
$mpi "$build/smoothnmf" -i "$dir/map.hspy" -o "$dir/result.h5" -o_hspy "$dir/result.hspy" \
  -nmf_n_components 3 -nmf_max_iter 60 -nmf_random_state 1 -nmf_scree 8 -nmf_verbose 0
$mpi "$build/smoothnmf" -i "$dir/map.hspy" -o "$dir/random.h5" \
  -nmf_n_components 3 -nmf_init random -nmf_max_iter 2 -nmf_random_state 1 -nmf_scree 8 -nmf_verbose 0
"${PYTHON:-/usr/bin/python3}" "$here/check_generated.py" "$dir/map.hspy" "$dir/result.h5" "$dir/result.hspy" "$dir/random.h5" "$np"
