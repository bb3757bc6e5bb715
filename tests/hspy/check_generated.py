"""Checks of run_generated.sh: the generator's .hspy (type, chunks, gzip, axes, truth), the
program's .hspy output as HyperSpy loads it, the HDF5 result's /axes and /scree.
usage: check_generated.py MAP.hspy RESULT.h5 RESULT.hspy RANDOM_INIT.h5 NP"""
import sys
import warnings

import h5py
import numpy as np

warnings.filterwarnings("ignore")
import hyperspy.api as hs  # noqa: E402

from hspy_checks import check, check_output_hspy, close  # noqa: E402

map_path, result, result_hspy, random_init, nranks = sys.argv[1:6]
SIG = "/Experiments/Synthetic EDX map"

# the generated map: the stored type, chunks, gzip, calibrated axes and the ground truth
with h5py.File(map_path, "r") as f:
    d = f[SIG + "/data"]
    check(d.dtype == np.uint16, "map dtype %s, expected uint16" % d.dtype)
    check(d.chunks == (8, 8, 64), "map chunks %s, expected (8, 8, 64)" % (d.chunks,))
    check(d.compression == "gzip", "map compression %s, expected gzip" % d.compression)
    X = d[...].astype(np.float64)
    D, T = f["truth/spectra"][...], f["truth/maps"][...]
check(X.shape == (24, 20, 64), "map shape %s" % (X.shape,))
check(D.shape == (64, 3) and T.shape == (3, 24, 20), "truth shapes %s %s" % (D.shape, T.shape))
close(D.sum(0), 1.0, 1e-12, "true spectra sum to 1")
close(T.sum(0), 1.0, 1e-12, "true maps on the simplex")
check(X.max() > 0 and np.all(X == np.round(X)), "counts are integers")
mean_counts = X.sum(2).mean()
check(300 < mean_counts < 500, "mean counts per pixel %g, expected about 400" % mean_counts)
s = hs.load(map_path)
check(s.data.shape == (24, 20, 64) and s.data.dtype == np.uint16, "HyperSpy loads the map: %s %s" % (s.data.shape, s.data.dtype))
am = s.axes_manager
check(am.navigation_dimension == 2 and am.signal_dimension == 1, "the map is a spectrum image")
e = am.signal_axes[0]
check((e.name, e.units, e.size) == ("Energy", "keV", 64), "energy axis %s %s %d" % (e.name, e.units, e.size))
close(e.scale, 0.02, 1e-15, "energy scale")
close(e.offset, 0.25, 1e-15, "energy offset")
for a, name in zip(am.navigation_axes, ("x", "y")):
    check(a.name == name and a.units == "nm", "navigation axis %s %s" % (a.name, a.units))
    close(a.scale, 1.5, 1e-15, "pixel size")

# the result: the HyperSpy output against the HDF5 result and the input's axes
check_output_hspy(result, result_hspy, s, "Synthetic EDX map", "EDS_TEM")
with h5py.File(result, "r") as r:
    check(int(r.attrs["n_ranks"]) == int(nranks), "n_ranks")
    S, total = r["scree"][...], float(r["scree"].attrs["sum_of_squares"])
    GW = r["GW"][...]
    for i, (name, units) in enumerate([("y", "nm"), ("x", "nm"), ("Energy", "keV")]):
        a = r["axes/axis-%d" % i].attrs
        check(a["name"] == name and a["units"] == units, "/axes/axis-%d: %s %s" % (i, a["name"], a["units"]))

# the scree: numpy's SVD of X as (pixels, channels), and ||X||_F^2
Sref = np.linalg.svd(X.reshape(-1, 64), compute_uv=False)
check(S.shape == (8,), "/scree has 8 values")
close(S, Sref[:8], 1e-9 * Sref[0], "scree = numpy's singular values")
close(total, (X ** 2).sum(), 1e-12 * total, "sum_of_squares = ||X||_F^2")
with h5py.File(random_init, "r") as r:
    check(r.attrs["init"] == b"random" or r.attrs["init"] == "random", "second run used init random")
    close(r["scree"][...], S, 1e-12 * S[0], "the scree does not depend on the initialization")

# the solution found the three phases (cosine similarity of each true spectrum to its best match)
Dn = D / np.linalg.norm(D, axis=0)
Gn = GW / np.linalg.norm(GW, axis=0)
best = (Dn.T @ Gn).max(1)
check(np.all(best > 0.95), "each true spectrum matched by a learned one: cosines %s" % best)
print("generated map checks passed (np=%s): scree %s" % (nranks, np.array2string(S[:4], precision=4)))
