#!/bin/bash
# Fixture of the checkpoint cases of the bad-input matrix: a real checkpoint of good.h5 written by
# smoothnmf at 1 rank (iteration 4 of 5: -checkpoint_every 2), then its damaged copies
# (make_bad_inputs --checkpoints).  The restart cases use the same options as here, CKPT_OPTS in
# CMakeLists.txt, but for the one they change.
# usage: make_checkpoint.sh BUILD_DIR FILES_DIR
set -eu
build=$1; dir=$2
rm -f "$dir"/ckpt*.h5
"${MPIEXEC:-mpiexec}" -n 1 "$build/smoothnmf" -i "$dir/good.h5" -o "$dir/ckpt_result.h5" -o_overwrite \
  -nmf_n_components 2 -nmf_max_iter 5 -nmf_no_stop_criterion -nmf_random_state 0 -nmf_verbose 0 \
  -checkpoint "$dir/ckpt.h5" -checkpoint_every 2
[ -f "$dir/ckpt.h5" ] || { echo "FAIL: no checkpoint written" >&2; exit 1; }
"$build/tests/bad_input/make_bad_inputs" --checkpoints "$dir"
for f in ckpt_truncated ckpt_damaged ckpt_v99; do
  [ -f "$dir/$f.h5" ] || { echo "FAIL: $f.h5 was not made" >&2; exit 1; }
done
echo "checkpoint fixture ready"
