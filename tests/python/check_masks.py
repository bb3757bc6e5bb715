"""Masks from Python (issue 15): SmoothNMF(navigation_mask=, signal_mask=) keeps the grid.
1. Weighted equals cropped: lambda_L = 0, mu = 0, no simplex: the masked fit's spectra and kept
   loadings equal the fit of the map without the masked pixels and channels (known G, 1e-9), and
   the masked loadings are NaN; with the identity G the masked channels' spectra are NaN.
2. The same masks through the program give the same result (the program reads them from a file).
3. With pixels_distributed, each rank passing its block (and its part of the mask): the same.
4. Bad masks raise ValueError or TypeError, the interpreter alive.
Run at 1 and at 3 ranks.  usage: mpiexec -n P python3 check_masks.py BUILD_DIR
"""
import os, subprocess, sys, tempfile

import numpy as np
from mpi4py import MPI

import smoothnmf

comm = MPI.COMM_WORLD
fails = 0


def check(ok, what):
    global fails
    if not ok:
        fails += 1
        print(f"[rank {comm.rank}] FAIL {what}", flush=True)


def rel(a, b):
    return np.max(np.abs(a - b)) / np.max(np.abs(b))


rng = np.random.default_rng(3)
n, ny, nx, k, m = 30, 8, 9, 3, 4
p = ny * nx
E = np.arange(n)
G = np.stack([np.exp(-0.5 * ((E - 6 * j) / 4.0) ** 2) + 0.01 for j in range(m)], 1)
Wt = rng.uniform(0.2, 1.0, (m, k))
Ht = rng.dirichlet(np.ones(k), p).T
X = rng.poisson(50 * G @ Wt @ Ht).astype(float) + 0.1
nav = np.zeros(p, bool); nav[[0, 1, 10, 33, 34, 50, 71]] = True
sig = np.zeros(n, bool); sig[[0, 1, 2, 17]] = True
W0, H0 = rng.uniform(0.5, 1.5, (m, k)), rng.uniform(0.2, 1.0, (k, p))
common = dict(n_components=k, lambda_L=0.0, mu=0.0, force_simplex=False, tol=1e-5, max_iter=300, verbose=0, init="custom")

Xm = X.copy(); Xm[:, nav] = np.nan; Xm[sig, :] = np.nan       # never read
masked = smoothnmf.SmoothNMF(G=G, navigation_mask=nav, signal_mask=sig, **common)
GWm = masked.fit_transform(Xm, W=W0, H=H0)
crop = smoothnmf.SmoothNMF(G=G[~sig], **common)
crop.fit_transform(X[~sig][:, ~nav], W=W0, H=H0[:, ~nav])
check(masked.n_iter_ == crop.n_iter_ and masked.n_iter_ > 3, f"n_iter {masked.n_iter_} against {crop.n_iter_}")
check(rel(masked.W_, crop.W_) <= 1e-9, f"W differs from the cropped fit: {rel(masked.W_, crop.W_)}")
check(rel(masked.H_[:, ~nav], crop.H_) <= 1e-9, "kept H differs from the cropped fit")
check(np.isnan(masked.H_[:, nav]).all(), "the masked loadings are not NaN")
check(np.isfinite(GWm).all(), "with a known G the spectra are computed at every channel")

ident = smoothnmf.SmoothNMF(navigation_mask=nav, signal_mask=sig, n_components=k, lambda_L=1.0, max_iter=60, verbose=0, random_state=2)
GWi = ident.fit_transform(Xm)
check(np.isnan(GWi[sig]).all() and np.isfinite(GWi[~sig]).all(), "identity G: NaN exactly at the masked channels")
check(np.isfinite(ident.H_).all(), "lambda_L > 0: every pixel has loadings")

# the program on the same map and masks (files), rank 0 writes them
build = sys.argv[1]
tmp = comm.bcast(tempfile.mkdtemp() if comm.rank == 0 else None)
if comm.rank == 0:
    import h5py
    with h5py.File(f"{tmp}/map.h5", "w") as f:
        f["X"] = X.T.reshape(ny, nx, n)
        f["nav"] = nav.reshape(ny, nx)
        f["sig"] = sig
    mpiexec = os.environ.get("MPIEXEC", "mpiexec")
    # a job of its own: none of this rank's MPI environment (a singleton inside mpiexec fails)
    env = {key: v for key, v in os.environ.items() if not key.startswith(("OMPI_", "PMIX_", "ORTE_", "OPAL_", "HYDRA_", "PMI_"))}
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    r = subprocess.run([mpiexec, "-n", "1", f"{build}/smoothnmf", "-i", f"{tmp}/map.h5", "-o", f"{tmp}/out.h5", "-nmf_n_components", "3", "-nmf_lambda_L", "1",
                        "-nmf_max_iter", "60", "-nmf_random_state", "2", "-nmf_verbose", "0", "-navigation_mask", f"{tmp}/map.h5:/nav",
                        "-signal_mask", f"{tmp}/map.h5:/sig"], capture_output=True, text=True, env=env)
    check(r.returncode == 0, "the program failed: " + r.stderr)
    if r.returncode == 0:
        with h5py.File(f"{tmp}/out.h5") as f:
            img = smoothnmf.SmoothNMF(navigation_mask=nav.reshape(ny, nx), signal_mask=sig, n_components=k, lambda_L=1.0, max_iter=60, verbose=0,
                                      random_state=2, shape_2d=(ny, nx), comm=MPI.COMM_SELF)
            GWp = img.fit_transform(Xm)
            a, b = f["GW"][()], GWp
            check(np.array_equal(np.isnan(a), np.isnan(b)) and np.nanmax(np.abs(a - b)) / np.nanmax(b) <= 1e-9, "the program and Python differ")

# pixels_distributed: each rank its block of pixels and of the mask
if comm.size > 1:
    cuts = np.linspace(0, p, comm.size + 1).astype(int)
    lo, hi = cuts[comm.rank], cuts[comm.rank + 1]
    dist = smoothnmf.SmoothNMF(G=G, navigation_mask=nav[lo:hi], signal_mask=sig, comm=comm, pixels_distributed=True, **common)
    dist.fit_transform(Xm[:, lo:hi], W=W0, H=H0[:, lo:hi])
    check(rel(dist.W_, masked.W_) <= 1e-9, "pixels_distributed W differs")
    whole = smoothnmf.SmoothNMF(G=G, navigation_mask=nav, signal_mask=sig, comm=comm, **common)
    whole.fit_transform(Xm, W=W0, H=H0)
    check(rel(whole.W_, masked.W_) <= 1e-9, "every rank the whole map: W differs")

# bad masks
for kw, exc in ((dict(navigation_mask=np.zeros(p - 1, bool)), ValueError), (dict(navigation_mask=np.full(p, 2.0)), ValueError),
                (dict(signal_mask=np.zeros(n + 1, bool)), ValueError), (dict(navigation_mask=np.array(["a"] * p)), TypeError),
                (dict(navigation_mask=np.ones(p, bool)), ValueError), (dict(signal_mask=np.ones(n, bool)), ValueError)):
    try:
        smoothnmf.SmoothNMF(n_components=k, max_iter=5, verbose=0, **kw).fit(X)
        check(False, f"{kw} was accepted")
    except exc as e:
        check(len(str(e).splitlines()) == 1, f"not one line: {e}")
    except Exception as e:
        check(False, f"{kw}: {type(e).__name__} instead of {exc.__name__}: {e}")

fails = comm.allreduce(fails)
if comm.rank == 0:
    print("masks from Python:", "OK" if not fails else f"{fails} failures")
sys.exit(1 if fails else 0)
