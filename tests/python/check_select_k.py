"""The rank selection from Python (issue 14): SmoothNMF.select_k(X, (kmin, kmax), ...).
1. On a two-phase map (Poisson counts) it suggests 2, sets select_k_ (the table) and the fitted
   attributes of k = 2, and leaves the parameter n_components as it was.
2. The fit it leaves is the plain fit with n_components = 2 (same W, H).
3. The table is the same at 1 rank (COMM_SELF on rank 0) and on the whole communicator (1e-9).
4. Bad settings raise ValueError or TypeError, the interpreter alive.
Run at 1 and at 3 ranks.  usage: mpiexec -n P python3 check_select_k.py
"""
import sys

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


ny, nx, n = 12, 14, 40
e = np.arange(n) / n
S = np.stack([0.2 * np.exp(-3 * e) + np.exp(-0.5 * (e - mu) ** 2 / 0.003) for mu in (0.25, 0.7)], 1)
S /= S.sum(0)
y, x = np.mgrid[0:ny, 0:nx]
a = 1 / (1 + np.exp(-(x - 0.4 * nx - 0.3 * y)))
H = np.stack([1 - a, a]).reshape(2, -1)
X = np.random.default_rng(4).poisson(60 * S @ H).astype(np.float64)  # (n, p)
opts = dict(shape_2d=(ny, nx), tol=1e-7, max_iter=2000, random_state=3, verbose=0)


def select(c):
    est = smoothnmf.SmoothNMF(n_components=5, comm=c, **opts)
    est.select_k(X, (1, 3), resamples=4)
    return est


est = select(comm)
t = est.select_k_
check(t["suggested_k"] == 2, f"suggested {t['suggested_k']}, expected 2")
check(list(t["k"]) == [1, 2, 3], f"k {t['k']}")
check(t["silhouette_min"][1] >= 0.8 > t["silhouette_min"][2], f"silhouette_min {t['silhouette_min']}")
check(est.n_components_ == 2 and est.W_.shape == (n, 2) and est.H_.shape == (2, ny * nx), "fitted attributes of k = 2")
check(est.n_components == 5, "the parameter n_components is left as given")
plain = smoothnmf.SmoothNMF(n_components=2, comm=comm, **opts).fit(X)
check(np.array_equal(plain.W_, est.W_) and np.array_equal(plain.H_, est.H_), "the fit left is the plain fit at k = 2")
# the rows whose fits stopped at the same iterations (at a k where the fits do not settle, one may
# stop an iteration apart: the rounding of the reductions at the stopping threshold) are the same
names = ("silhouette_min", "silhouette_mean", "rel_error", "loss")
table = np.stack([t[name] for name in names])
serial, serial_it = np.zeros_like(table), np.zeros_like(t["n_iter"])
if comm.rank == 0:
    s = select(MPI.COMM_SELF).select_k_
    serial, serial_it = np.stack([s[name] for name in names]), s["n_iter"]
comm.Bcast(serial, root=0)
comm.Bcast(serial_it, root=0)
same = np.all(t["n_iter"] == serial_it, axis=1)
check(same[:2].all(), f"the fits up to the suggested k stopped at the same iterations: {t['n_iter']} {serial_it}")
dev = np.abs(table - serial) / np.maximum(1, np.abs(serial))
stable = t["k"] <= t["suggested_k"]
check(np.max(dev[:, stable]) < 1e-9, f"the table at 1 rank, k up to the suggestion: {dev}")
# past the suggestion the fits land in different local minima, whose rounding grows over the
# iterations: 1e-6 there (measured 5e-9)
check(np.max(dev[:, same & ~stable], initial=0) < 1e-6, f"the table at 1 rank, past the suggestion: {dev}")
if comm.rank == 0 and not same.all():
    print("rows whose fits stopped an iteration apart at 1 rank:", t["k"][~same])

for k_range, resamples, kind in [((3, 1), 4, ValueError), ((0, 2), 4, ValueError), ("two", 4, ValueError), ((1, 2), 1, ValueError),
                                 ((1, 2.5), 4, TypeError), ((1, n + 1), 4, ValueError)]:
    try:
        smoothnmf.SmoothNMF(comm=comm, **opts).select_k(X, k_range, resamples=resamples)
        check(False, f"select_k({k_range!r}, resamples={resamples}) ran")
    except kind as err:
        if comm.rank == 0:
            print(f"select_k({k_range!r}, resamples={resamples}): {type(err).__name__}: {err}")
    except Exception as err:  # noqa: BLE001
        check(False, f"select_k({k_range!r}): {type(err).__name__} {err}, expected {kind.__name__}")
check(smoothnmf.SmoothNMF(n_components=2, comm=comm, **opts).fit(X).n_components_ == 2, "the interpreter goes on")
if comm.rank == 0:
    print("check_select_k:", "PASS" if fails == 0 else f"{fails} failures")
sys.exit(1 if comm.allreduce(fails) else 0)
