"""espm's reference cases (tests/data/reference) through smoothnmf.SmoothNMF, as the program's
reference tests check them: the same n_iter and stop reason, every loss within 1e-9 (a term far
below the full loss against 1e-6 of it), W, H, GW within 1e-7 (max abs diff / max abs).

Each case runs in both orientations (hspy_comp: X (p, n), a C-ordered array; espm's: X (n, p),
the transposed view, not copied), on comm = MPI.COMM_WORLD: every rank the whole map, and with
more than one rank also pixels_distributed (each rank its own block of pixels, its own H).
usage: mpiexec -n P python3 check_reference_cases.py CASE.h5...
"""
import sys

import h5py
import numpy as np
from mpi4py import MPI

import smoothnmf

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
fails = 0


def fail(msg):
    global fails
    fails += 1
    print(f"[rank {rank}] FAIL {msg}", flush=True)


def max_rel(a, b):
    ref = np.abs(b).max()
    d = np.abs(np.asarray(a) - b).max()
    return d / ref if ref > 0 else d


def params_of(f):
    a = f.attrs
    p = dict(n_components=int(a["n_components"]), algo=str(a["algo"]), lambda_L=float(a["lambda_L"]),
             epsilon_reg=float(a["epsilon_reg"]), dicotomy_tol=float(a["dicotomy_tol"]),
             log_shift=float(a["log_shift"]), max_iter=int(a["max_iter"]), tol=float(a["tol"]), verbose=0)
    mu = np.atleast_1d(a["mu"]).astype(float)
    p["mu"] = float(mu[0]) if mu.size == 1 else mu.tolist()
    for name in ("force_simplex", "normalize", "l2", "linesearch", "no_stop_criterion"):
        p[name] = bool(a[name])
    if "gamma" in a:
        g = np.atleast_1d(a["gamma"]).astype(float)
        p["gamma"] = float(g[0]) if g.size == 1 else g.tolist()
    if "shape_2d" in a:
        p["shape_2d"] = tuple(int(v) for v in a["shape_2d"])
    return p


def run(path, hspy, distributed):
    global fails
    with h5py.File(path, "r") as f:
        X = f["X"][()]
        n = X.shape[-1]
        Xp = X.reshape(-1, n)  # (p, n)
        p_all = Xp.shape[0]
        params = params_of(f)
        k = params["n_components"]
        W0 = f["init/W"][()]
        H0 = f["init/H"][()].reshape(k, -1)
        G = f["G"][()] if "G" in f else None
        truth = (f["true/D"][()], f["true/H"][()].reshape(k, -1)) if "true" in f else None
        exp = f["expected"]
        eW, eH, eGW = exp["W"][()], exp["H"][()].reshape(k, -1), exp["GW"][()]
        elosses = {name: exp["losses"][name][()] for name in exp["losses"]}
        e_iter, e_reason = int(exp.attrs["n_iter"]), str(exp.attrs["stop_reason"])
        e_const = exp.attrs.get("const_KL")
    r0, r1 = 0, p_all
    if distributed:
        r0, r1 = rank * p_all // size, (rank + 1) * p_all // size
    Xmine = Xp[r0:r1]
    Xin = Xmine if hspy else Xmine.T  # espm's (n, p): a transposed view
    est = smoothnmf.SmoothNMF(**params, G=G, hspy_comp=hspy, comm=comm, pixels_distributed=distributed,
                              true_D=truth[0] if truth else None, true_H=truth[1][:, r0:r1] if truth else None)
    out = est.fit_transform(Xin, W=W0, H=H0[:, r0:r1])
    tag = f"{path.split('/')[-1]} hspy_comp={hspy} pixels_distributed={distributed}"
    if est.n_iter_ != e_iter or est.stop_reason_ != e_reason:
        fail(f"{tag}: n_iter {est.n_iter_} stop {est.stop_reason_}, expected {e_iter} {e_reason}")
    table = est.get_losses()
    full = elosses["full_loss"]
    for name, ref in elosses.items():
        got = table[name]
        if got.shape != ref.shape:
            fail(f"{tag}: losses {name} has {got.shape}, expected {ref.shape}")
            continue
        den = np.maximum(np.abs(ref), 1e-6 * np.abs(full[: ref.size]))
        d = np.abs(got - ref)
        rel = np.max(np.where(den > 0, d / np.where(den > 0, den, 1), d))
        if not rel <= 1e-9:
            fail(f"{tag}: losses {name} rel {rel:.3g}")
    if not np.allclose(est.losses_, table["full_loss"]):
        fail(f"{tag}: losses_ is not the full_loss column")
    for name, got, ref in (("W", est.W_, eW), ("H", est.H_, eH[:, r0:r1]), ("GW", est.G_ @ est.W_, eGW)):
        if got.shape != ref.shape or not max_rel(got, ref) <= 1e-7:
            fail(f"{tag}: {name} shape {got.shape} vs {ref.shape}, rel {max_rel(got, ref) if got.shape == ref.shape else 'n/a'}")
    # what fit_transform returns and the attributes espm's users read
    expected_out = est.H_.T if hspy else est.G_ @ est.W_
    if not np.array_equal(out, expected_out):
        fail(f"{tag}: fit_transform returned something else than {'H_.T' if hspy else 'G_ W_'}")
    comp = (est.G_ @ est.W_).T if hspy else est.H_
    if not np.allclose(est.components_, comp, rtol=0, atol=0):
        fail(f"{tag}: components_")
    if e_const is not None and not abs(est.const_KL_ - e_const) <= 1e-9 * abs(e_const):
        fail(f"{tag}: const_KL_ {est.const_KL_} vs {e_const}")
    if not abs(est.reconstruction_err_ - exp_attr(path, "reconstruction_err")) <= 1e-9 * abs(exp_attr(path, "reconstruction_err")):
        fail(f"{tag}: reconstruction_err_ {est.reconstruction_err_}")
    if est.n_components_ != k or est.n_features_in_ != (n if hspy else r1 - r0):
        fail(f"{tag}: n_components_ {est.n_components_} n_features_in_ {est.n_features_in_}")


def exp_attr(path, name):
    with h5py.File(path, "r") as f:
        return float(f["expected"].attrs[name])


cases = sys.argv[1:]
assert cases, "give the reference cases"
count = 0
for path in cases:
    for hspy in (True, False):
        for distributed in ((False, True) if size > 1 else (False,)):
            run(path, hspy, distributed)
            count += 1
total = comm.allreduce(fails)
if rank == 0:
    print(f"{count} runs of {len(cases)} reference cases at {size} rank(s): {total} failure(s)")
sys.exit(1 if total else 0)
