#!/bin/bash
# A .hspy map whose axes are damaged (issue 16): the axes are optional, the data alone give the
# shape.  An axis attribute that is there but cannot be read (a scale stored as text, an offset
# that is NaN) makes the program warn once, naming the axis and the attribute, and use the index as
# that axis' coordinate; the run succeeds and the outputs keep the other axes' calibration.
# usage: run_damaged_axes.sh BUILD_DIR NP TEST_DIR
set -u
build=$1; np=$2; here=$3
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
fail() { echo "FAILED (damaged axes, $np ranks): $*" >&2; exit 1; }
"${PYTHON:-/usr/bin/python3}" "$here/make_bad_input.py" damaged_axes "$dir/in.hspy" || fail "making the input"
out=$("${MPIEXEC:-mpiexec}" -q -n "$np" --oversubscribe "$build/smoothnmf" -i "$dir/in.hspy" \
      -o "$dir/result.h5" -o_hspy "$dir/result.hspy" -nmf_n_components 2 -nmf_max_iter 5 -nmf_verbose 0 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] || fail "exit status $rc"
for want in "warning: axis-2 of '$dir/in.hspy' is damaged (its attribute scale cannot be read): the outputs use its index as coordinate" \
            "warning: axis-0 of '$dir/in.hspy' is damaged (its attribute offset cannot be read): the outputs use its index as coordinate"; do
  n=$(grep -cxF -- "$want" <<<"$out")
  [ "$n" -eq 1 ] || fail "expected the line once, got $n times: $want"
done
n=$(grep -c . <<<"$out")
[ "$n" -eq 2 ] || fail "expected the two warnings only, got $n lines"
"${PYTHON:-/usr/bin/python3}" - "$dir/result.hspy" <<'PY' || fail "the output's axes"
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    sig = dict(f["Experiments/GW/axis-1"].attrs)  # the channel axis (scale damaged)
    y, x = dict(f["Experiments/H/axis-1"].attrs), dict(f["Experiments/H/axis-2"].attrs)
# a damaged axis keeps its name and drops units and calibration (the input has Energy: 0.01 keV,
# y: 0.01 nm with offset NaN, x: 2 nm); an undamaged one keeps all
assert sig["name"] == "Energy" and "units" not in sig and (sig["scale"], sig["offset"]) == (1.0, 0.0), sig
assert y["name"] == "y" and "units" not in y and (y["scale"], y["offset"]) == (1.0, 0.0), y
assert x["name"] == "x" and x["units"] == "nm" and (x["scale"], x["offset"]) == (2.0, 0.0), x
print("ok: axes", sig, y, x)
PY
echo "ok (damaged axes, $np ranks)"
