#!/bin/bash
# A bad .hspy input at NP ranks: one line "smoothnmf: error: ..." naming the problem, a
# non-zero exit status, and no output file (neither the .h5 nor the .hspy, nor a temporary).
# usage: run_bad_input.sh BUILD_DIR NP TEST_DIR CASE
#   CASE: two_signals four_d signal_axis_1 unreadable truncated
set -u
build=$1; np=$2; here=$3; case=$4
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAILED ($case, $np ranks): $*" >&2; exit 1; }
mkdir "$dir/in" "$dir/out"
if [ "$case" = truncated ]; then
  "${MPIEXEC:-mpiexec}" -n 1 "$build/smoothnmf_demo_map" -o "$dir/in/full.hspy" -ny 16 -nx 16 -n 64 -k 2 >/dev/null || fail "generator"
  size=$(stat -c %s "$dir/in/full.hspy")
  head -c $((size / 2)) "$dir/in/full.hspy" > "$dir/in/bad.hspy"
else
  "${PYTHON:-/usr/bin/python3}" "$here/make_bad_input.py" "$case" "$dir/in/bad.hspy" || fail "making the input"
fi
case $case in
  two_signals)   expect="holds 2 signals under /Experiments" ;;
  four_d)        expect="has 4 dimensions" ;;
  signal_axis_1) expect="signal axis 'Energy' of length 1" ;;
  unreadable)    expect="is not an HDF5 file" ;;
  truncated)     expect="truncated or damaged" ;;
  *) fail "unknown case" ;;
esac
out=$("${MPIEXEC:-mpiexec}" -q -n "$np" --oversubscribe "$build/smoothnmf" -i "$dir/in/bad.hspy" \
      -o "$dir/out/result.h5" -o_hspy "$dir/out/result.hspy" -nmf_n_components 2 2>&1)
rc=$?
[ $rc -ne 0 ] || fail "exit status 0"
lines=$(printf '%s\n' "$out" | grep -c .)
[ "$lines" -eq 1 ] || fail "expected one line, got $lines:
$out"
case $out in
  "smoothnmf: error: "*) ;;
  *) fail "the line does not start with 'smoothnmf: error: ': $out" ;;
esac
case $out in
  *"$expect"*) ;;
  *) fail "the line does not say '$expect': $out" ;;
esac
case $out in
  *bad.hspy*) ;;
  *) fail "the line does not name the file: $out" ;;
esac
left=$(ls -A "$dir/out")
[ -z "$left" ] || fail "output left behind: $left"
echo "ok ($case, $np ranks, exit $rc): $out"
# without root, permissions can make a valid file unreadable too
if [ "$case" = unreadable ] && [ "$(id -u)" -ne 0 ]; then
  "${MPIEXEC:-mpiexec}" -n 1 "$build/smoothnmf_demo_map" -o "$dir/in/locked.hspy" -ny 8 -nx 8 -n 16 -k 2 >/dev/null || fail "generator"
  chmod 000 "$dir/in/locked.hspy"
  out=$("${MPIEXEC:-mpiexec}" -q -n "$np" --oversubscribe "$build/smoothnmf" -i "$dir/in/locked.hspy" -o "$dir/out/result.h5" 2>&1) && fail "exit status 0 on an unreadable file"
  [ "$out" = "smoothnmf: error: cannot open '$dir/in/locked.hspy': permission denied" ] || fail "unexpected message: $out"
  [ -z "$(ls -A "$dir/out")" ] || fail "output left behind"
  echo "ok (permission denied, $np ranks): $out"
fi
