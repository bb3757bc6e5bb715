#!/bin/bash
# A map of n p > 2^31 values: a small block of p0 spectra (n channels, uint8) tiled T times, as a
# (p, n) pixel list.  Without the Laplacian (lambda_L = 0) every pixel's H step is its own and the
# W step sums over the pixels, so the fit of the tiled map from the tiled start is the fit of the
# block, tiled: W the same, H the same in every tile, the averaged losses the same, const_KL T
# times the block's.  Any 32-bit global index or offset into X (pixel q times n past 2^31) breaks
# that.  The tiled run also writes a checkpoint and a .hspy result; a restart from the checkpoint
# at 1 rank (which then holds all 2.2e9 values: per-rank offsets past 2^31 too) must end where the
# uninterrupted run ended, to rounding.
# usage: tiled_map.sh BUILD_DIR NP
set -eu
build=$1; np=$2
n=2048; p0=1024; T=1040; k=3 # n p = 2048 x 1064960 = 2.18e9 > 2^31 - 1
need_kb=$(( (n * p0 * T / 1024) * 3 / 2 ))
dir=$(mktemp -d "${TMPDIR:-/tmp}/smoothnmf_large.XXXXXX")
trap 'rm -rf "$dir"' EXIT
free_kb=$(df -Pk "$dir" | awk 'NR == 2 { print $4 }')
if [ "$free_kb" -lt "$need_kb" ]; then
  echo "FAIL: $dir has $free_kb kB free, the tiled map needs $need_kb kB"
  exit 1
fi
run() { "${MPIEXEC:-mpiexec}" -n "$1" --oversubscribe "${@:2}"; }

/usr/bin/python3 - "$dir" $n $p0 $T $k <<'PY'
import sys, h5py, numpy as np
d, n, p0, T, k = sys.argv[1], *map(int, sys.argv[2:])
rng = np.random.default_rng(7)
e = np.linspace(0, 1, n)
D = np.stack([0.3 * np.exp(-4 * e) + sum(np.exp(-0.5 * ((e - rng.uniform(0.05, 0.95)) / 0.01) ** 2) for _ in range(3)) for _ in range(k)], axis=1)
D /= D.sum(axis=0)
A = rng.dirichlet(np.ones(k), size=p0)                      # abundances of the block's pixels
X = rng.poisson(600 * A @ D.T).astype(np.uint8)               # (p0, n) counts
X[X.sum(axis=1) == 0, 0] = 1                                  # no all-zero pixel ...
X[0, X.sum(axis=0) == 0] = 1                                  # ... nor channel (they would widen X)
W0 = np.abs(D + 0.1 * rng.random((n, k)) / n)
H0 = rng.dirichlet(np.ones(k), size=p0).T                     # (k, p0)
with h5py.File(f"{d}/small.h5", "w") as f:
    f["X"] = X
    f["W0"] = W0
    f["H0"] = H0
with h5py.File(f"{d}/big.h5", "w") as f:
    ds = f.create_dataset("X", (p0 * T, n), dtype=np.uint8)
    for t in range(T):
        ds[t * p0:(t + 1) * p0] = X
    f["W0"] = W0
    f["H0"] = np.tile(H0, (1, T))
print(f"tiled map: {p0 * T} pixels x {n} channels = {p0 * T * n} values (2^31 = {2**31})")
PY

opts="-nmf_n_components $k -nmf_lambda_L 0 -nmf_mu 0.05 -nmf_max_iter 3 -nmf_no_stop_criterion -nmf_verbose 0 -nmf_view"
run 1 "$build/smoothnmf" -i "$dir/small.h5:/X" -o "$dir/small_fit.h5" $opts -init_W "$dir/small.h5:/W0" -init_H "$dir/small.h5:/H0" >"$dir/small.log"
big="-i $dir/big.h5:/X $opts -init_W $dir/big.h5:/W0 -init_H $dir/big.h5:/H0"
run "$np" "$build/smoothnmf" $big -o "$dir/big_fit.h5" -o_hspy "$dir/big_fit.hspy" -checkpoint "$dir/ck.h5" -checkpoint_every 2 | tee "$dir/big.log"
grep -q "X in memory: uint8" "$dir/big.log" || { echo "FAIL: X did not stay uint8 in memory"; exit 1; }
run 1 "$build/smoothnmf" $big -o "$dir/big_restart.h5" -checkpoint "$dir/ck.h5" -restart "$dir/ck.h5" >/dev/null

/usr/bin/python3 - "$dir" $T <<'PY'
import sys, h5py, numpy as np
d, T = sys.argv[1], int(sys.argv[2])
s, b, r = (h5py.File(f"{d}/{x}.h5", "r") for x in ("small_fit", "big_fit", "big_restart"))
def rel(a, c): return np.max(np.abs(a - c)) / np.max(np.abs(c))
assert b.attrs["n_iter"] == s.attrs["n_iter"] == 3
eW = rel(b["W"][:], s["W"][:])
Hs = s["H"][:]
Hb = b["H"][:].reshape(Hs.shape[0], T, Hs.shape[1])
eH = max(rel(Hb[:, t], Hs) for t in range(T))
eL = max(rel(b["losses"][c][:], s["losses"][c][:]) for c in ("full_loss", "KL_div_loss", "log_reg_loss"))
eC = abs(b.attrs["const_KL"] - T * s.attrs["const_KL"]) / abs(T * s.attrs["const_KL"])
print(f"tiled fit vs block fit: W {eW:.2e}, H (every tile) {eH:.2e}, losses {eL:.2e}, const_KL/T {eC:.2e}")
assert eW < 1e-9 and eH < 1e-9 and eL < 1e-9 and eC < 1e-9, "the tiled map's fit is not the block's, tiled"
eR = max(rel(r["W"][:], b["W"][:]), rel(r["H"][:], b["H"][:]))
print(f"restart at 1 rank vs the run at {b.attrs['n_ranks']} ranks: {eR:.2e}")
assert eR < 1e-9, "the restart did not end where the run ended"
import hyperspy.api as hs
sig = hs.load(f"{d}/big_fit.hspy")
maps = [x for x in sig if x.data.ndim == 2 and x.data.shape[1] == b["H"].shape[1]]
assert maps and np.array_equal(maps[0].data, b["H"][:]), "the .hspy loadings differ from /H"
print("large map OK")
PY
