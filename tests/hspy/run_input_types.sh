#!/bin/bash
# The same counts in every type HyperSpy writes (uint8 ... float64, chunked and gzip-compressed
# by HyperSpy itself), as a (ny, nx, n) and a (p, n) signal, and as channels_first (n, p)
# datasets, through the program at NP ranks: every run gives the same factorization.
# usage: run_input_types.sh BUILD_DIR NP TEST_DIR
set -eu
build=$1; np=$2; here=$3
py="${PYTHON:-/usr/bin/python3}"
mpi="${MPIEXEC:-mpiexec} -n $np --oversubscribe"
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
"$py" "$here/make_inputs.py" "$dir"
opts="-nmf_n_components 2 -nmf_max_iter 15 -nmf_random_state 0 -nmf_lambda_L 0.5 -nmf_verbose 0"
for t in uint8 uint16 uint32 int16 int32 int64 float32 float64; do
  $mpi "$build/smoothnmf" -i "$dir/$t.hspy" -o "$dir/out_$t.h5" $opts
done
$mpi "$build/smoothnmf" -i "$dir/float64.hspy" -o "$dir/out_float64_again.h5" -o_hspy "$dir/out_float64.hspy" $opts
$mpi "$build/smoothnmf" -i "$dir/pixels.hspy" -o "$dir/out_pixels.h5" -o_hspy "$dir/out_pixels.hspy" $opts
$mpi "$build/smoothnmf" -i "$dir/cf.h5:/X" -layout channels_first -shape_2d 10,12 -o "$dir/out_cf_image.h5" $opts
$mpi "$build/smoothnmf" -i "$dir/cf.h5:/X" -layout channels_first -o "$dir/out_cf_pixels.h5" $opts
"$py" "$here/check_input_types.py" "$dir"
