#!/usr/bin/python3
"""How often -nmf_select_k finds the true number of phases (issue 14): generated maps
(smoothnmf_demo_map: k phases with three peaks each on a shared decaying background, smooth
abundances on the simplex, Poisson counts) for every true k of --ks and --seeds maps each, the
program with -nmf_select_k KMIN:KMAX; prints one line per map and the share found; target: 90%.

usage: select_k_accuracy.py BUILD [--ks 2,3,4,5,6] [--seeds 1,2,3] [--range 1:8] [--resamples 5]
         [--size 32] [--channels 128] [--counts 200] [--ranks 1] [--min-share 0.9] [extra program options...]
exits 1 when the share found is below --min-share (the test suite runs a few maps this way).
"""
import argparse, os, subprocess, sys, tempfile

import h5py

ap = argparse.ArgumentParser()
ap.add_argument("build")
ap.add_argument("--ks", default="2,3,4,5,6")
ap.add_argument("--seeds", default="1,2,3")
ap.add_argument("--range", default="1:8")
ap.add_argument("--resamples", type=int, default=5)
ap.add_argument("--size", type=int, default=32)
ap.add_argument("--channels", type=int, default=128)
ap.add_argument("--counts", type=float, default=200)
ap.add_argument("--ranks", type=int, default=1)
ap.add_argument("--min-share", type=float, default=0.9)
a, extra = ap.parse_known_args()
tmp = tempfile.mkdtemp()
mpiexec = os.environ.get("MPIEXEC", "mpiexec")
found = total = 0
print(f"{'true k':>6} {'seed':>5} {'suggested':>9}   silhouette_min by k")
for k in [int(v) for v in a.ks.split(",")]:
    for seed in [int(v) for v in a.seeds.split(",")]:
        m, out = f"{tmp}/map.hspy", f"{tmp}/out.h5"
        subprocess.run([mpiexec, "-n", str(a.ranks), f"{a.build}/smoothnmf_demo_map", "-o", m, "-ny", str(a.size), "-nx", str(a.size), "-n", str(a.channels),
                        "-k", str(k), "-counts", str(a.counts), "-seed", str(100 * k + seed)], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([mpiexec, "-n", str(a.ranks), f"{a.build}/smoothnmf", "-i", m, "-o", out, "-o_overwrite", "-nmf_select_k", a.range,
                        "-nmf_select_k_resamples", str(a.resamples), "-nmf_verbose", "0", "-nmf_random_state", str(seed)] + extra, check=True, stdout=subprocess.DEVNULL)
        with h5py.File(out, "r") as f:
            g = f["select_k"]
            s = int(g.attrs["suggested_k"])
            sil = " ".join(f"{v:5.2f}" for v in g["silhouette_min"][:])
        found += s == k
        total += 1
        print(f"{k:>6} {seed:>5} {s:>9}   {sil}", flush=True)
share = found / total
print(f"select_k found the true k on {found} of {total} maps ({100 * share:.0f}%); target 90%: {'yes' if share >= 0.9 else 'NO'}")
sys.exit(0 if share >= a.min_share else 1)
