#!/bin/bash
# A full disk loses nothing (issue 16): on a small tmpfs mounted for the test (root only, else
# skipped with 77), filled but for a few KiB, each of the three outputs fails to be written:
#   1. the result (-o): one line, non-zero exit, no file under the final name nor a temporary one;
#   2. the .hspy output (-o_hspy on the full disk, -o elsewhere): the same, and no result either
#      (all outputs or none);
#   3. a checkpoint: the first one is written while there is room, the disk is then filled, the
#      next one fails: one line, non-zero exit, the first checkpoint whole, and a restart from it
#      (elsewhere, with room) finishes with the result of an uninterrupted run.
# usage: run_full_disk.sh BUILD_DIR NP GOOD_MAP
set -u
build=$1; np=$2; map=$3
mpi="${MPIEXEC:-mpiexec} -n $np --oversubscribe"
[ "$(id -u)" = 0 ] || { echo "skipped: mounting a tmpfs needs root"; exit 77; }
dir=$(mktemp -d); full=$dir/full
mkdir -p "$full"
mount -t tmpfs -o size=2m tmpfs "$full" 2>/dev/null || { rmdir "$full" "$dir"; echo "skipped: cannot mount a tmpfs here"; exit 77; }
trap 'umount "$full"; rm -rf "$dir"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
fill() { # leave about $1 KiB free
  rm -f "$full/filler"
  local avail
  avail=$(df -Pk "$full" | awk 'NR == 2 { print $4 }')
  [ "$avail" -gt "$1" ] && dd if=/dev/zero of="$full/filler" bs=1k count=$((avail - $1)) status=none 2>/dev/null
  sync
}
opts="-nmf_n_components 2 -nmf_max_iter 12 -nmf_no_stop_criterion -nmf_random_state 3 -nmf_verbose 0"
# expect_one_line LOG WHAT: exactly one 'smoothnmf: error' line, naming the output and the lack of space
expect_one_line() {
  local n
  n=$(grep -c '^smoothnmf: error' "$1")
  [ "$n" = 1 ] || fail "$2: $n 'smoothnmf: error' lines, expected one: $(cat "$1")"
  grep -q '^smoothnmf: error.*no space left on device' "$1" || fail "$2: the line does not say the disk is full: $(grep '^smoothnmf: error' "$1")"
  grep -q 'PETSC ERROR' "$1" && fail "$2: a PETSc traceback"
}
no_files() { # no file under the final name, no temporary
  for f in "$@"; do
    [ -e "$f" ] && fail "$f was left"
    ls "$f".tmp* >/dev/null 2>&1 && fail "a temporary $f.tmp* was left"
  done
  return 0
}

# 1. the result
fill 4
$mpi "$build/smoothnmf" -i "$map" -o "$full/out.h5" $opts >"$dir/1.log" 2>&1 && fail "1: exit status 0 on a full disk"
expect_one_line "$dir/1.log" "1 (the result)"
no_files "$full/out.h5"

# 2. the .hspy output, the result elsewhere
$mpi "$build/smoothnmf" -i "$map" -o "$dir/out2.h5" -o_hspy "$full/out2.hspy" $opts >"$dir/2.log" 2>&1 && fail "2: exit status 0 on a full disk"
expect_one_line "$dir/2.log" "2 (the .hspy output)"
no_files "$full/out2.hspy" "$dir/out2.h5"

# 3. checkpoints: room for the first, then none
rm -f "$full/filler"
$mpi "$build/smoothnmf" -i "$map" -o "$dir/ref.h5" $opts >/dev/null 2>&1 || fail "3: the uninterrupted run"
# (no checkpoint at the last iteration: the result follows it)
$mpi "$build/smoothnmf" -i "$map" -o "$dir/out3.h5" $opts -nmf_max_iter 6 -checkpoint "$full/ck.h5" -checkpoint_every 4 >/dev/null 2>&1 || fail "3: the first checkpoint"
cp "$full/ck.h5" "$dir/ck_first.h5"
fill 4
$mpi "$build/smoothnmf" -i "$map" -o "$dir/out3b.h5" $opts -restart "$full/ck.h5" -checkpoint "$full/ck.h5" -checkpoint_every 2 >"$dir/3.log" 2>&1 && fail "3: exit status 0 when a checkpoint cannot be written"
expect_one_line "$dir/3.log" "3 (a checkpoint)"
no_files "$dir/out3b.h5"
ls "$full"/ck.h5.tmp* >/dev/null 2>&1 && fail "3: a temporary checkpoint was left"
cmp -s "$full/ck.h5" "$dir/ck_first.h5" || fail "3: the earlier checkpoint changed"
rm -f "$full/filler"
cp "$full/ck.h5" "$dir/ck.h5"
$mpi "$build/smoothnmf" -i "$map" -o "$dir/resumed.h5" $opts -restart "$dir/ck.h5" >"$dir/3r.log" 2>&1 || fail "3: the restart from the earlier checkpoint: $(cat "$dir/3r.log")"
"$build/tests/reference_tool" same "$dir/ref.h5" "$dir/resumed.h5" 1e-9 >/dev/null || fail "3: the resumed run differs from the uninterrupted one"
echo "$fails failure(s)"
[ $fails = 0 ]
