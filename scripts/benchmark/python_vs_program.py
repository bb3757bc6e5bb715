"""The Python package against the program on one map, in one run (scripts/benchmark.sh, section
"python"): the program's fit (init_seconds + fit_seconds of its result: set-up and iterations,
the map already read) against the wall time of SmoothNMF.fit() in this process on the same map in
memory (validation, the copy into the library, set-up, iterations), same options, 1 rank.  The
runs alternate; the fastest of each is compared against the target fit(Python) <= 1.1 fit(program).
usage: python3 python_vs_program.py BUILD MAP [--iters N] [--repeat R]
"""
import argparse
import os
import subprocess
import tempfile
import time

import h5py
import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("build")
ap.add_argument("map")
ap.add_argument("--iters", type=int, default=30)
ap.add_argument("--repeat", type=int, default=3)
a = ap.parse_args()

import sys  # noqa: E402
sys.path.insert(0, os.path.join(a.build, "python"))
import smoothnmf  # noqa: E402

params = dict(n_components=4, lambda_L=1.0, mu=0.2, no_stop_criterion=True, random_state=1, max_iter=a.iters, init="nndsvda")
opts = []
for name, value in params.items():
    opts += [f"-nmf_{name}", str(value).lower() if isinstance(value, bool) else str(value)]

with h5py.File(a.map, "r") as f:  # the map as the program reads it: (ny, nx, n) as stored
    found = []
    f.visititems(lambda name, obj: found.append(obj) if isinstance(obj, h5py.Dataset) and obj.ndim == 3 else None)
    X3 = found[0][...]
ny, nx, n = X3.shape
X = X3.reshape(ny * nx, n)

prog, py = [], []
with tempfile.TemporaryDirectory() as tmp:
    for r in range(a.repeat):
        out = os.path.join(tmp, f"r{r}.h5")
        subprocess.run([os.path.join(a.build, "smoothnmf"), "-i", a.map, "-o", out, "-nmf_verbose", "0"] + opts, check=True)
        with h5py.File(out, "r") as f:
            prog.append(float(f.attrs["init_seconds"]) + float(f.attrs["fit_seconds"]))
            W_prog = f["W"][()]
        est = smoothnmf.SmoothNMF(**params, verbose=0, hspy_comp=True, shape_2d=(ny, nx))
        t0 = time.perf_counter()
        est.fit(X)
        py.append(time.perf_counter() - t0)
same = np.abs(est.W_ - W_prog).max() / np.abs(W_prog).max()
best_prog, best_py = min(prog), min(py)
ok = best_py <= 1.1 * best_prog
print(f"map {os.path.basename(a.map)} ({ny} x {nx} x {n}, {X.dtype}), k 4, {a.iters} iterations, fastest of {a.repeat} alternating runs")
print(f"  program: set-up + iterations {best_prog:.3f} s   (runs: {' '.join(f'{t:.3f}' for t in prog)})")
print(f"  Python SmoothNMF.fit(): {best_py:.3f} s   (runs: {' '.join(f'{t:.3f}' for t in py)})")
print(f"  ratio Python / program {best_py / best_prog:.3f} (target <= 1.1): {'yes' if ok else 'NO'}; W agrees to {same:.2g}")
print(f"RESULT label=python_vs_program t_program_s={best_prog:.4f} t_python_s={best_py:.4f} ratio={best_py / best_prog:.4f} ok={int(ok)}")
