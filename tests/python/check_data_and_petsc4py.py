"""The data paths of smoothnmf from Python.
1. numpy arrays of every integer and float dtype, C- or Fortran-ordered or strided views, in
   both orientations, give the float64 result (the counts are exact in each type).
2. A C-contiguous map is copied once, into the library's own storage: the peak memory of a fit
   grows by about X's size (float64) or by X's uint16 size (uint16 kept compact), not twice.
3. The lower-level class in slepc4py's manner: options with a prefix from PETSc's database, the
   data as a petsc4py Mat with PETSc's row ownership, H back as a Mat on those rows: the
   estimator's result.
Run at 1 and at 3 ranks.  usage: mpiexec -n P python3 check_data_and_petsc4py.py
"""
import resource
import sys

import numpy as np
from mpi4py import MPI
from petsc4py import PETSc

import smoothnmf

comm = MPI.COMM_WORLD
fails = 0


def check(ok, what):
    global fails
    if not ok:
        fails += 1
        print(f"[rank {comm.rank}] FAIL {what}", flush=True)


rng = np.random.default_rng(5)
ny, nx, n, k = 9, 8, 30, 3
counts = rng.poisson(4.0, size=(ny * nx, n))
params = dict(n_components=k, max_iter=15, lambda_L=0.5, mu=0.1, shape_2d=(ny, nx), random_state=2, verbose=0, comm=comm)
ref = smoothnmf.SmoothNMF(**params, hspy_comp=True).fit(counts.astype(np.float64))

# 1. dtypes, orders, strides, orientations
for dtype in (np.uint8, np.uint16, np.uint32, np.uint64, np.int8, np.int16, np.int32, np.int64, np.float32, np.float64):
    Xd = counts.astype(dtype)
    variants = {"C": Xd, "F": np.asfortranarray(Xd), "strided": np.repeat(Xd, 2, axis=0)[::2]}
    for name, X in variants.items():
        for hspy in (True, False):
            est = smoothnmf.SmoothNMF(**params, hspy_comp=hspy).fit(X if hspy else X.T)
            d = np.abs(est.W_ - ref.W_).max() / np.abs(ref.W_).max()
            check(d <= 1e-12 and np.abs(est.H_ - ref.H_).max() <= 1e-12,
                  f"{np.dtype(dtype).name} {name} hspy_comp={hspy}: W differs by {d:.3g}")
est = smoothnmf.SmoothNMF(**params, hspy_comp=True).fit(counts > 3)  # a boolean map, as uint8
check(est.n_iter_ == 15, "a boolean map")


# 2. one copy: the peak memory of a fit over the memory before it
def rss_now():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


p_big, n_big = 6000, 2000
for dtype in (np.uint16, np.float64):  # the smaller first: the peak only grows
    X = np.empty((p_big, n_big), dtype=dtype)
    for i in range(0, p_big, 500):
        X[i:i + 500] = rng.poisson(2.0, size=(500, n_big))
    before = rss_now()
    if peak() > before + X.nbytes // 8:
        print(f"note: the peak before the fit ({peak() / 1e6:.0f} MB) is above the memory now ({before / 1e6:.0f} MB)")
    smoothnmf.SmoothNMF(n_components=4, max_iter=2, init="random", random_state=0, verbose=0, hspy_comp=True).fit(X)
    grown = peak() - before
    if comm.rank == 0:
        print(f"{np.dtype(dtype).name} X of {X.nbytes / 1e6:.0f} MB: the fit's peak is {grown / 1e6:.0f} MB above the memory before it")
    check(grown <= 1.2 * X.nbytes + 40e6, f"{np.dtype(dtype).name}: the fit grew the memory by {grown / 1e6:.0f} MB for an X of {X.nbytes / 1e6:.0f} MB")
    del X

# 3. the lower-level class: petsc4py Mat in, Mat out, options with a prefix
A = PETSc.Mat().createDense((ny * nx, n), comm=comm)
A.setUp()
r0, r1 = A.getOwnershipRange()
A.setValues(range(r0, r1), range(n), counts[r0:r1].astype(np.float64).ravel())
A.assemble()
opts = PETSc.Options()
for name, value in dict(n_components=k, max_iter=15, lambda_L=0.5, mu=0.1, random_state=2, verbose=0).items():
    opts.setValue(f"-app_nmf_{name}", value)
nmf = smoothnmf.NMF(comm)
nmf.setOptionsPrefix("app_")
nmf.setFromOptions()
check(nmf.getOptionsPrefix() == "app_" and nmf.getParam("lambda_L") == 0.5, "options from the database with the prefix")
check(nmf.getType() == "log_surrogate", f"type {nmf.getType()}")
nmf.setImageShape(ny, nx)
nmf.setDataMat(A)
nmf.solve()
H = nmf.getHMat()
h0, h1 = H.getOwnershipRange()
check((h0, h1) == (r0, r1), f"H's rows {h0, h1} are not X's {r0, r1}")
Hrows = H.getDenseArray()
check(np.abs(Hrows - ref.H_[:, r0:r1].T).max() <= 1e-12, "H from the Mat path differs from the estimator's")
check(np.abs(nmf.getW() - ref.W_).max() <= 1e-12 * np.abs(ref.W_).max(), "W from the Mat path")
check(nmf.getIterationNumber() == 15 and nmf.getConvergedReason() == "max_iter", "iterations and reason")
try:
    nmf.setParam("tol", -1.0)
    check(False, "a bad value through setParam")
except ValueError as e:
    check("tol" in str(e), f"setParam's error {e}")
nmf.destroy()
for name in list(opts.getAll()):
    if name.startswith("app_nmf_"):
        opts.delValue("-" + name)

fails = comm.allreduce(fails, op=MPI.MAX)
if comm.rank == 0:
    print(f"data types, memory and petsc4py at {comm.size} rank(s): {fails} failure(s)")
sys.exit(1 if fails else 0)
