#!/bin/bash
# The masks through the program (doc/masks.md), at NP ranks against 1 rank:
# - a generated map: a particle of two phases (a disc) in vacuum with a few stray counts, and a
#   detector artefact (a spike at two channels in every pixel); the signal axis calibrated in keV;
# - -navigation_mask vacuum: the mask is exactly the vacuum pixels; with -signal_mask on the
#   artefact's energy range, the k = 2 fit finds the two phases (spectral angles below 15 degrees
#   on the unmasked channels; measured 9.6), which the unmasked fit does not (47: the vacuum and the artefact take
#   their share), and no component is the vacuum: every component's mean abundance over the
#   particle is at least 0.3;
# - the same masks from files (an h5py bool dataset of the navigation shape, 0/1 channels) give
#   the same result; the result file holds /masks/navigation and /masks/signal, GW is NaN at the
#   masked channels, the .hspy output opens in HyperSpy;
# - NP ranks agree with 1 rank (1e-9); scripts/report.py draws the masks;
# - -transform from the masked fit with the same signal mask holds its W (NaN rows included);
#   without the mask it is refused in one line;
# - a checkpoint written with the masks restarts with them, and is refused (one line) with other
#   masks or none.
# usage: masks.sh BUILD_DIR NP
set -eu
build=$1; np=$2
src=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
run() { local n=$1; shift; timeout -k 5 300 "${MPIEXEC:-mpiexec}" -n "$n" --oversubscribe "$build/smoothnmf" "$@"; }
/usr/bin/python3 - <<'PY'
import h5py, numpy as np
ny, nx, n = 24, 24, 64
E = 0.2 + 0.1 * np.arange(n)                         # keV
g = lambda c, w: np.exp(-0.5 * ((E - c) / w) ** 2)
S = np.stack([0.05 + g(1.5, 0.15) + 0.6 * g(4.0, 0.2), 0.05 + g(2.6, 0.15) + 0.8 * g(5.2, 0.2)], 1)  # (n, 2)
i, j = np.mgrid[0:ny, 0:nx]
r = np.hypot(i - 11.5, j - 11.5)
disc = r < 11                                        # two thirds of the pixels: the median total is a particle pixel's
h0 = np.clip(0.5 + 0.45 * np.sin(0.35 * i) * np.cos(0.3 * j), 0, 1)
H = np.stack([h0, 1 - h0]) * disc                    # (2, ny, nx)
rng = np.random.default_rng(5)
lam = 30 * np.einsum("nc,cyx->yxn", S, H) + 0.01      # vacuum: a few stray counts
X = rng.poisson(lam).astype(np.float64)
X[:, :, 40:42] += 20                                 # a detector artefact at 4.2-4.3 keV
with h5py.File("map.hspy", "w") as f:
    f.attrs["file_format"] = "HyperSpy"; f.attrs["file_format_version"] = "3.1"
    e = f.create_group("Experiments/map")
    e.create_dataset("data", data=X)
    for a, (name, size, scale, off, units, nav) in enumerate([("y", ny, 1.0, 0.0, "nm", True), ("x", nx, 1.0, 0.0, "nm", True), ("Energy", n, 0.1, 0.2, "keV", False)]):
        ax = e.create_group(f"axis-{a}")
        ax.attrs.update(name=name, size=size, scale=scale, offset=off, units=units, navigate=nav)
    e.create_group("metadata/General").attrs["title"] = "masks test"
with h5py.File("masks.h5", "w") as f:
    f["vacuum"] = ~disc                                # h5py bool
    m = np.zeros(n); m[(E >= 4.15) & (E <= 4.35)] = 1
    f["artefact"] = m
np.save("truth.npy", S); np.save("disc.npy", disc)
PY
opts=(-i map.hspy -nmf_n_components 2 -nmf_lambda_L 2 -nmf_max_iter 400 -nmf_random_state 1 -nmf_verbose 0)
run "$np" "${opts[@]}" -o helper.h5 -o_hspy helper.hspy -navigation_mask vacuum:0.2 -signal_mask 4.15:4.35
run 1 "${opts[@]}" -o helper1.h5 -navigation_mask vacuum:0.2 -signal_mask 4.15:4.35
run "$np" "${opts[@]}" -o files.h5 -navigation_mask masks.h5:vacuum -signal_mask masks.h5:artefact
run "$np" "${opts[@]}" -o plain.h5
/usr/bin/python3 - <<'PY'
import h5py, numpy as np
S, disc = np.load("truth.npy"), np.load("disc.npy")
f, f1, ff, fp = (h5py.File(x, "r") for x in ("helper.h5", "helper1.h5", "files.h5", "plain.h5"))
nav = f["masks/navigation"][()].reshape(disc.shape).astype(bool)
assert np.array_equal(nav, ~disc), "the vacuum mask is not the vacuum: %d pixels differ" % (nav != ~disc).sum()
sig = f["masks/signal"][()].astype(bool)
assert sig.sum() == 2 and sig[40] and sig[41], np.flatnonzero(sig)
GW = f["GW"][()]
assert np.isnan(GW[sig]).all() and np.isfinite(GW[~sig]).all(), "GW must be NaN exactly at the masked channels"
assert np.isfinite(f["H"][()]).all(), "with lambda_L > 0 every pixel has abundances"
def angles(G):
    a = []
    for c in range(2):
        t = S[~sig, c] / np.linalg.norm(S[~sig, c])
        a.append(min(np.degrees(np.arccos(np.clip(G[~sig, d] @ t / np.linalg.norm(G[~sig, d]), -1, 1))) for d in range(2)))
    return max(a)
am, ap = angles(GW), angles(fp["GW"][()])
print("largest spectral angle: masked %.2f deg, unmasked %.2f deg" % (am, ap))
assert am < 15, am                                  # measured 9.6 degrees (the unmasked fit: 47)
assert ap > 2 * am, "the masks should matter on this map"
H = f["H"][()].reshape(2, -1)
assert H[:, disc.ravel()].mean(axis=1).min() >= 0.3, "a component sits in the vacuum"
for name, g in (("1 rank", f1), ("the mask files", ff)):
    for d in ("W", "H", "GW"):
        a, b = f[d][()], g[d][()]
        assert np.array_equal(np.isnan(a), np.isnan(b)), (name, d)
        err = np.nanmax(np.abs(a - b)) / np.nanmax(np.abs(b))
        assert err <= 1e-9, (name, d, err)
    assert f.attrs["n_iter"] == g.attrs["n_iter"], name
import hyperspy.api as hs
fac, load = hs.load("helper.hspy")
assert fac.data.shape == (2, 64) and load.data.shape == (2, 24, 24)
# the masks travel with the signals, in their original_metadata
assert np.array_equal(np.asarray(fac.original_metadata.masks.signal).astype(bool), sig)
assert np.array_equal(np.asarray(load.original_metadata.masks.navigation).reshape(disc.shape).astype(bool), ~disc)
assert np.isnan(fac.data[:, sig]).all()
print("masks OK")
PY
# -transform from the masked fit: with the same signal mask the learned W is held (NaN rows
# included), without it the NaN spectra are refused in one line
run "$np" "${opts[@]}" -o transformed.h5 -transform helper.h5 -signal_mask 4.15:4.35
/usr/bin/python3 -c 'import h5py, numpy as np; a, b = h5py.File("helper.h5"), h5py.File("transformed.h5"); assert np.array_equal(a["W"][()], b["W"][()], equal_nan=True); assert np.isfinite(b["H"][()]).all()'
set +e
run "$np" "${opts[@]}" -o refused_t.h5 -transform helper.h5 >out.txt 2>err.txt
rc=$?
set -e
[ $rc -ne 0 ] && [ "$(grep -c 'smoothnmf: error' err.txt)" = 1 ] && grep -q "same -signal_mask" err.txt && [ ! -e refused_t.h5 ] || { echo "FAIL: -transform of a masked fit without its mask:"; cat err.txt; exit 1; }
# the report draws the masks (the excluded pixels outlined, the channels shaded): a PNG of its size
/usr/bin/python3 "$src/scripts/report.py" helper.h5 -o report.png >/dev/null
/usr/bin/python3 -c 'import matplotlib.image as m, sys; a = m.imread(sys.argv[1]); assert a.shape[:2] == (1000, 1600), a.shape' report.png
# checkpoints: the masks are part of what a restart must match
run "$np" "${opts[@]}" -nmf_max_iter 30 -o ck_run.h5 -checkpoint ck.h5 -checkpoint_every 10 -navigation_mask vacuum:0.2 -signal_mask 4.15:4.35
run "$np" "${opts[@]}" -nmf_max_iter 30 -o restarted.h5 -restart ck.h5 -navigation_mask vacuum:0.2 -signal_mask 4.15:4.35
for other in "-signal_mask 4.15:4.25" "-navigation_mask vacuum:0.2" ""; do
  set +e
  run "$np" "${opts[@]}" -nmf_max_iter 30 -o refused.h5 -restart ck.h5 $other -navigation_mask vacuum:0.2 >out.txt 2>err.txt
  rc=$?
  set -e
  [ "$other" = "-navigation_mask vacuum:0.2" ] && other="(no signal mask)"
  [ $rc -ne 0 ] || { echo "FAIL: a restart with $other was accepted"; exit 1; }
  [ "$(grep -c 'smoothnmf: error' err.txt)" = 1 ] || { echo "FAIL: not one error line with $other:"; cat err.txt; exit 1; }
  grep -q "masks" err.txt || { echo "FAIL: the error does not name the masks:"; cat err.txt; exit 1; }
  [ ! -e refused.h5 ] || { echo "FAIL: an output was left"; exit 1; }
done
echo PASS
