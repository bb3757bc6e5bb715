#!/bin/bash
# Checkpoints by time: -checkpoint_seconds writes one when that many seconds have passed, and
# none is written at the last iteration (the result follows); the checkpoint holds a state that
# resumes to the same result bit for bit.
# usage: run_seconds.sh BUILD_DIR
build=$1
. "$(dirname "$0")/common.sh"

make_map 24 20 48 3 5
opts=(-i map.h5 -nmf_n_components 3 -nmf_random_state 1 -nmf_max_iter 150 -nmf_no_stop_criterion -nmf_verbose 0)
nmf 2 "${opts[@]}" -o ref.h5 -checkpoint ck.h5 -checkpoint_seconds 0.000001 || fail "the run failed"
[ -f ck.h5 ] || fail "no checkpoint was written"
ck_iter=$(attr ck.h5 n_iter)
[ "$ck_iter" = 149 ] || fail "the last checkpoint is at iteration $ck_iter, expected 149 (one per iteration, none at the last)"
ls ck.h5.tmp* 2>/dev/null && fail "a temporary checkpoint was left behind"
nmf 2 "${opts[@]}" -o resumed.h5 -restart ck.h5 || fail "the restart failed"
same ref.h5 resumed.h5 0
echo PASS
