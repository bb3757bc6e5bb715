#!/usr/bin/env python3
"""scikit-learn's KL multiplicative updates on a map, per iteration: the baseline of the
benchmark (scripts/benchmark.sh).

    /usr/bin/python3 scripts/sklearn_kl_baseline.py MAP.hspy [--k 4] [--iters 10] [--repeat 2]

X (channels x pixels, float64) is loaded with HyperSpy (h5py as a fallback for a .hspy file)
and factorized by sklearn.decomposition.NMF(solver='mu', beta_loss='kullback-leibler',
init='nndsvda', tol=0).  The time of one iteration is (t(1 + iters) - t(1)) / iters, where t(m)
is the time of a fit with max_iter = m, the best of --repeat fits each: the initialization and
the set-up cancel out.  sklearn evaluates its loss every 10 iterations; that cost is part of its
iterations here.  Prints one line "SKLEARN key=value ..."; cpu_share is the CPU time over the
wall time of the fits (NumPy's BLAS may use several threads: above 1; below 1, other processes
took the cores).
"""
import argparse
import time
import warnings

import numpy as np


def load(path):
    try:
        import hyperspy.api as hs
        s = hs.load(path, lazy=False)
        data = np.asarray(s.data)
    except ImportError:
        import h5py
        with h5py.File(path, "r") as f:
            group = f["Experiments"][list(f["Experiments"].keys())[0]]
            data = group["data"][()]
    return data.reshape(-1, data.shape[-1]).T.astype(float)  # (channels, pixels)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("map")
    ap.add_argument("--k", type=int, default=4)
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()
    import sklearn
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    X = load(a.map)

    cpu = [0.0, 0.0]  # CPU and wall seconds of all the fits

    def fit(max_iter):
        best = np.inf
        for _ in range(a.repeat):
            model = NMF(n_components=a.k, solver="mu", beta_loss="kullback-leibler", init="nndsvda",
                        max_iter=max_iter, tol=0.0, random_state=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                t0, c0 = time.perf_counter(), time.process_time()
                model.fit(X)
                dt = time.perf_counter() - t0
                cpu[0] += time.process_time() - c0
                cpu[1] += dt
                best = min(best, dt)
        return best, model.n_iter_

    t1, _ = fit(1)
    tn, n_iter = fit(1 + a.iters)
    per_iter = (tn - t1) / a.iters
    print(f"SKLEARN version={sklearn.__version__} n={X.shape[0]} p={X.shape[1]} k={a.k} iters={a.iters} "
          f"n_iter={n_iter} fit1_s={t1:.4f} fit_s={tn:.4f} t_iter_s={per_iter:.6f} "
          f"cpu_share={cpu[0] / cpu[1]:.3f}", flush=True)


if __name__ == "__main__":
    main()
