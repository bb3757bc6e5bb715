#!/bin/bash
# -transform through the program: learn W on a map, then find H for a second map with that W
# held fixed.  Checks that the result's W is the learned one, bit for bit, that its maps are on
# the simplex, and that they fit the second map about as well as a free fit does.
# usage: transform.sh BUILD_DIR NP
set -eu
build=$1; np=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
run() { "${MPIEXEC:-mpiexec}" -n "$np" --oversubscribe "$@"; }
run "$build/smoothnmf_demo_map" -o "$dir/a.h5" -ny 16 -nx 12 -n 48 -k 3 -counts 400 -seed 3 >/dev/null
run "$build/smoothnmf_demo_map" -o "$dir/b.h5" -ny 16 -nx 12 -n 48 -k 3 -counts 400 -seed 3 -map_seed 9 >/dev/null
opts="-nmf_n_components 3 -nmf_lambda_L 0.5 -nmf_max_iter 300 -nmf_random_state 1 -nmf_verbose 0"
run "$build/smoothnmf" -i "$dir/a.h5" -o "$dir/fit_a.h5" $opts
run "$build/smoothnmf" -i "$dir/b.h5" -o "$dir/fit_b.h5" $opts
run "$build/smoothnmf" -i "$dir/b.h5" -o "$dir/transform_b.h5" $opts -transform "$dir/fit_a.h5"
/usr/bin/python3 - "$dir" <<'PY'
import sys, h5py, numpy as np
d = sys.argv[1]
fa, fb, tb = (h5py.File(f"{d}/{n}.h5", "r") for n in ("fit_a", "fit_b", "transform_b"))
assert np.array_equal(tb["W"][:], fa["W"][:]), "the transform changed W"
H = tb["H"][:].reshape(3, -1)
assert np.all(H > 0) and np.allclose(H.sum(axis=0), 1, atol=1e-4), "maps not on the simplex"
assert tb.attrs["n_iter"] > 0
# the held spectra explain the second map almost as well as its own free fit
lt, lf = tb["losses/KL_div_loss"][-1], fb["losses/KL_div_loss"][-1]
assert lt <= 1.05 * lf + 1e-3, (lt, lf)
print("transform OK: final KL", lt, "free fit", lf)
PY
