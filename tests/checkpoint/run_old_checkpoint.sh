#!/bin/bash
# A checkpoint written before issue 11 (by commit 8f15c88, when X lay in a PETSc Vec with n dof
# per pixel; format version 1) still restarts: tests/data/checkpoint/v2_smooth_sparse_format1.h5 is
# espm's reference case v2_smooth_sparse run at 2 ranks with a checkpoint every 7 iterations
# (the last one, at iteration 35 of 40).  Restarted at 1 and 3 ranks it must be accepted (the same
# input fingerprint and parameters) and end where espm ended, to the reference cases' tolerance.
# usage: run_old_checkpoint.sh BUILD_DIR SOURCE_DIR
build=$1; src=$2
. "$(dirname "$0")/common.sh"
case=$src/tests/data/reference/v2_smooth_sparse.h5
ck=$src/tests/data/checkpoint/v2_smooth_sparse_format1.h5
read -r -a opts <<<"$("$build/tests/reference_tool" options "$case")"
[ "$(attr "$ck" n_iter)" = 35 ] || fail "the stored checkpoint is not the one at iteration 35"
for np in 1 3; do
  cp "$ck" "ck_np$np.h5" # a restart continues to checkpoint into its file: keep the stored one intact
  nmf "$np" "${opts[@]}" -nmf_verbose 0 -o "np$np.h5" -checkpoint "ck_np$np.h5" -restart "ck_np$np.h5" >/dev/null || fail "the restart at $np ranks failed"
  "$build/tests/reference_tool" compare "$case" "np$np.h5" || fail "the restart at $np ranks does not end where espm ended"
done
echo "PASS: the format-1 checkpoint of 8f15c88 restarts at 1 and 3 ranks"
