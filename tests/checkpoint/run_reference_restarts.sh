#!/bin/bash
# Every espm reference case (G, ground truth, custom initial W and H, l2, l2_surrogate, line
# searches, projected gradient, no simplex, no image shape) run at 3 ranks with a checkpoint
# every 3 iterations, then restarted from its last checkpoint: at 3 ranks the result is the
# uninterrupted one bit for bit, at 2 ranks within 1e-9 (same n_iter and stop_reason).
# (ctest registers one test per case: checkpoint_reference_CASE.)
# usage: run_reference_restarts.sh BUILD_DIR CASE.h5...
build=$1
shift
. "$(dirname "$0")/common.sh"

count=0
for case in "$@"; do
  name=$(basename "$case" .h5)
  read -r -a opts <<<"$("$build/tests/reference_tool" options "$case")"
  opts+=(-nmf_verbose 0)
  nmf 3 "${opts[@]}" -o "ref_$name.h5" -checkpoint "ck_$name.h5" -checkpoint_every 3 >/dev/null || fail "$name: the run failed"
  [ -f "ck_$name.h5" ] || fail "$name: no checkpoint"
  nmf 3 "${opts[@]}" -o "np3_$name.h5" -restart "ck_$name.h5" >/dev/null || fail "$name: the restart at 3 ranks failed"
  nmf 2 "${opts[@]}" -o "np2_$name.h5" -restart "ck_$name.h5" >/dev/null || fail "$name: the restart at 2 ranks failed"
  same "ref_$name.h5" "np3_$name.h5" 0 >/dev/null
  same "ref_$name.h5" "np2_$name.h5" 1e-9 >/dev/null
  echo "$name: resumed from iteration $(attr "ck_$name.h5" n_iter) of $(attr "ref_$name.h5" n_iter): bit for bit at 3 ranks, within 1e-9 at 2"
  count=$((count + 1))
done
[ "$count" -ge 1 ] || fail "no reference case given"
echo "PASS ($count cases)"
