#!/bin/bash
# The program's own options (-G, -init_W, -fixed_W, -layout, -data_type, -checkpoint, ...) were
# spelled -nmf_G, -nmf_init_W, ... before version 0.2.  The old spellings still work: the run
# prints PETSc's deprecation warning naming the new option and gives the same result, bit for bit.
# usage: deprecated_options.sh BUILD_DIR NP
set -eu
build=$1; np=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
run() { "${MPIEXEC:-mpiexec}" -n "$np" --oversubscribe "$@"; }
run "$build/smoothnmf_demo_map" -o "$dir/a.h5" -ny 12 -nx 10 -n 32 -k 3 -counts 300 -seed 5 >/dev/null
/usr/bin/python3 - "$dir" <<'PY'
import sys, h5py, numpy as np
d = sys.argv[1]
with h5py.File(f"{d}/a.h5", "r") as f:
    n = f["X"].shape[-1]
with h5py.File(f"{d}/g.h5", "w") as g:
    G = np.abs(np.sin(np.arange(n * 4).reshape(n, 4) * 0.7)) + 0.1
    g["G"] = G
    g["mask"] = -np.ones((4, 3))
PY
opts="-nmf_n_components 3 -nmf_max_iter 12 -nmf_no_stop_criterion -nmf_random_state 2 -nmf_verbose 0"
run "$build/smoothnmf" -i "$dir/a.h5" -o "$dir/new.h5" $opts -G "$dir/g.h5:/G" -fixed_W "$dir/g.h5:/mask" \
  -data_type float32 -layout pixels_first -checkpoint "$dir/new_ckpt.h5" -checkpoint_every 5 >"$dir/new.log" 2>&1
run "$build/smoothnmf" -i "$dir/a.h5" -o "$dir/old.h5" $opts -nmf_G "$dir/g.h5:/G" -nmf_fixed_W "$dir/g.h5:/mask" \
  -nmf_data_type float32 -nmf_layout pixels_first -nmf_checkpoint "$dir/old_ckpt.h5" -nmf_checkpoint_every 5 >"$dir/old.log" 2>&1
if grep -qi "deprecat" "$dir/new.log"; then echo "FAIL: the new spellings printed a deprecation warning"; cat "$dir/new.log"; exit 1; fi
for o in G fixed_W data_type layout checkpoint checkpoint_every; do
  grep -q -- "-nmf_$o.*deprecated.*-$o\b" "$dir/old.log" || { echo "FAIL: no deprecation warning for -nmf_$o"; cat "$dir/old.log"; exit 1; }
done
test -f "$dir/old_ckpt.h5" || { echo "FAIL: -nmf_checkpoint wrote no checkpoint"; exit 1; }
/usr/bin/python3 - "$dir" <<'PY'
import sys, h5py, numpy as np
d = sys.argv[1]
a, b = h5py.File(f"{d}/new.h5", "r"), h5py.File(f"{d}/old.h5", "r")
for key in ("W", "H", "GW"):
    assert np.array_equal(a[key][:], b[key][:]), key
assert a.attrs["n_iter"] == b.attrs["n_iter"] == 12
print("the old spellings give the same result, with a deprecation warning each")
PY
