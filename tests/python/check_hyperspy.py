"""HyperSpy's decomposition with smoothnmf.SmoothNMF(hspy_comp=True) on a spectrum image gives
the program's factors and loadings for the same map and options (1e-9), and
get_decomposition_loadings() shows the maps.
usage: python3 check_hyperspy.py MAP.hspy RESULT.h5 K MAX_ITER SEED [more SmoothNMF options as name=value]
"""
import sys

import h5py
import hyperspy.api as hs
import numpy as np

import smoothnmf

path, result, k, max_iter, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
extra = {}
for a in sys.argv[6:]:
    name, value = a.split("=")
    extra[name] = float(value)
s = hs.load(path)
s.change_dtype("float64")  # HyperSpy decomposes float data only
ny_nx = smoothnmf.shape_2d_of(s)
assert ny_nx == s.data.shape[:2], (ny_nx, s.data.shape)
est = smoothnmf.SmoothNMF(n_components=k, max_iter=max_iter, random_state=seed, hspy_comp=True, shape_2d=ny_nx,
                          verbose=0, **extra)
# HyperSpy's EDS signals rescale for Poisson noise and leave out vacuum pixels by default: neither,
# as the program
out = s.decomposition(algorithm=est, return_info=True, normalize_poissonian_noise=False, navigation_mask=None)
# (HyperSpy 1.7's EDS_TEM.decomposition drops the returned estimator: out is None there)
assert out is None or out is est, "decomposition(return_info=True) returns the estimator"
assert est.n_iter_ >= 1 and est.hspy_comp, "the estimator given is the one fitted"
with h5py.File(result, "r") as f:
    GW, H = f["GW"][()], f["H"][()]
factors = s.learning_results.factors  # (n, k)
loadings = s.learning_results.loadings  # (p, k)
fails = 0


def rel(a, b):
    return np.abs(a - b).max() / np.abs(b).max()


for name, got, ref in (("factors", factors, GW), ("loadings", loadings, H.reshape(k, -1).T)):
    r = rel(got, ref) if got.shape == ref.shape else np.inf
    print(f"{name}: shape {got.shape}, max abs diff / max abs {r:.3g}")
    if not r <= 1e-9:
        fails += 1
        print(f"FAIL {name} differs from the program's result")
maps = s.get_decomposition_loadings()
if maps.data.shape != (k,) + ny_nx or not np.allclose(maps.data, H.reshape((k,) + ny_nx), rtol=1e-9, atol=1e-12):
    fails += 1
    print(f"FAIL get_decomposition_loadings(): shape {maps.data.shape}, expected {(k,) + ny_nx}")
spectra = s.get_decomposition_factors()
if spectra.data.shape != (k, GW.shape[0]):
    fails += 1
    print(f"FAIL get_decomposition_factors(): shape {spectra.data.shape}")
# the helper does the same in one call
s2 = hs.load(path)
est2 = smoothnmf.decomposition(s2, n_components=k, max_iter=max_iter, random_state=seed, verbose=0, **extra)
if not isinstance(est2, smoothnmf.SmoothNMF) or not np.array_equal(s2.learning_results.factors, factors):
    fails += 1
    print("FAIL smoothnmf.decomposition differs from s.decomposition(algorithm=SmoothNMF(...))")
print(f"{fails} failure(s)")
sys.exit(1 if fails else 0)
