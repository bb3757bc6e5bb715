#!/usr/bin/python3
"""The cost of the rank selection (issue 14): the program with -nmf_select_k KMIN:KMAX on the
real map at 1 rank, every fit a fixed number of iterations (-nmf_no_stop_criterion), against the
single fits it stands for, each a plain program run on the same map at that k with the same
options (set-up + iterations, from the result's init_seconds and fit_seconds):
  - against the fits the selection does, (1 + R) per k (the fit of X and R resampled copies);
    target: at most 1.05 x their sum;
  - against R single fits per k (the issue's count), for information.
The selection's time is /select_k@seconds (its fits, the copies and the clustering, not the read
nor the final fit of the suggested k).

usage: select_k_cost.py BUILD REAL_MAP [--range 2:5] [--resamples 4] [--iters 30]
"""
import argparse, os, subprocess, tempfile

import h5py

ap = argparse.ArgumentParser()
ap.add_argument("build")
ap.add_argument("real_map")
ap.add_argument("--range", default="2:5")
ap.add_argument("--resamples", type=int, default=4)
ap.add_argument("--iters", type=int, default=30)
a = ap.parse_args()
tmp = tempfile.mkdtemp()
mpiexec = os.environ.get("MPIEXEC", "mpiexec")
common = ["-nmf_max_iter", str(a.iters), "-nmf_no_stop_criterion", "-nmf_verbose", "0", "-nmf_random_state", "1", "-o_overwrite"]
prog = [mpiexec, "-n", "1", f"{a.build}/smoothnmf", "-i", a.real_map]
out = f"{tmp}/sel.h5"
subprocess.run(prog + ["-o", out, "-nmf_select_k", a.range, "-nmf_select_k_resamples", str(a.resamples)] + common, check=True, stdout=subprocess.DEVNULL)
with h5py.File(out, "r") as f:
    selection = float(f["select_k"].attrs["seconds"])
    ks = [int(k) for k in f["select_k/k"][:]]
single = {}
for k in ks:
    o = f"{tmp}/k{k}.h5"
    subprocess.run(prog + ["-o", o, "-nmf_n_components", str(k)] + common, check=True, stdout=subprocess.DEVNULL)
    with h5py.File(o, "r") as f:
        single[k] = float(f.attrs["init_seconds"]) + float(f.attrs["fit_seconds"])
R = a.resamples
done = sum((R + 1) * single[k] for k in ks)
issue = sum(R * single[k] for k in ks)
print(f"select_k {a.range}, R = {R}, {a.iters} iterations per fit, on {os.path.basename(a.real_map)}: {selection:.2f} s")
print("single fits (set-up + iterations): " + ", ".join(f"k {k} {single[k]:.3f} s" for k in ks))
print(f"selection / its {len(ks) * (R + 1)} single fits ((1 + R) per k): {selection / done:.3f} (target <= 1.05: {'yes' if selection <= 1.05 * done else 'NO'})")
print(f"selection / R x (number of k) = {len(ks) * R} single fits: {selection / issue:.3f} (the fit of X per k is the extra 1/R)")
