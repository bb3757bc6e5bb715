#!/usr/bin/env python3
"""Builds one reference case for smoothnmf by running espm's SmoothNMF itself.

Needs espm (the version whose SmoothNMF has force_simplex, e.g. commit 6926186) importable,
with numpy, scipy, scikit-learn and h5py.  The case file has the layout of
tests/data/reference/README.md: inputs (/X, /G, /init, /true), espm's parameters as attributes,
and espm's outputs under /expected.

usage: make_reference_case.py OUT.h5 NAME 'DESCRIPTION' [param=value ...] [shape=ny,nx] [n=40] [k=3]
       [seed=1] [G=m] [truth=1]
   e.g. make_reference_case.py a1.h5 a1_l2 'l2 loss' l2=True lambda_L=0 mu=0 max_iter=30
"""
import ast
import contextlib
import io
import json
import sys

import h5py
import numpy as np
from espm.estimators import SmoothNMF


# espm prints why it stopped; these are its messages and the stop_reason names
STOP_MESSAGES = [("max_iteration was reached", "max_iter"), ("relative change rel_A", "rel_change_WH"),
                 ("relative change < tol", "rel_change_loss"), ("presence of NaN", "nan"),
                 ("negative decrease", "negative_decrease")]


def synthetic(rng, ny, nx, n, k, m):
    """k smooth maps on the simplex, peaked spectra on a decaying background, Poisson counts."""
    yy, xx = np.mgrid[0:ny, 0:nx]
    maps = []
    for c in range(k):
        cy, cx = rng.uniform(0, ny), rng.uniform(0, nx)
        r = rng.uniform(0.25, 0.6) * (ny + nx) / 2
        maps.append(0.05 + np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r)))
    H = np.array(maps).reshape(k, -1)
    H /= H.sum(axis=0, keepdims=True)
    e = np.linspace(0, 1, n)
    if m:
        # a G of m smooth nonnegative columns (Gaussian peaks and two background shapes)
        cols = [np.exp(-0.5 * ((e - mu) / 0.03) ** 2) for mu in rng.uniform(0.05, 0.95, m - 2)]
        cols += [np.exp(-3 * e), 0.2 + 0 * e]
        G = np.array(cols).T
        W = rng.uniform(0.0, 1.0, (m, k))
        D = G @ W
    else:
        G = None
        D = np.array([0.3 * np.exp(-4 * e) + sum(np.exp(-0.5 * ((e - mu) / 0.02) ** 2) for mu in rng.uniform(0.05, 0.95, 3))
                      for _ in range(k)]).T
    D /= D.sum(axis=0, keepdims=True)
    X = rng.poisson(300 * D @ H).astype(float)
    return X, G, D, H


def main():
    out, name, description = sys.argv[1:4]
    params = dict(n_components=3, lambda_L=1.0, mu=0.0, epsilon_reg=1.0, algo="log_surrogate", force_simplex=True,
                  dicotomy_tol=1e-5, tol=1e-4, max_iter=30, log_shift=1e-14, normalize=False, l2=False,
                  linesearch=False, no_stop_criterion=True, gamma=None)
    shape, n, seed, m, truth = (10, 12), 40, 1, 0, False
    for arg in sys.argv[4:]:
        key, value = arg.split("=", 1)
        if key == "shape":
            shape = None if value == "none" else tuple(int(v) for v in value.split(","))
        elif key == "n":
            n = int(value)
        elif key == "seed":
            seed = int(value)
        elif key == "G":
            m = int(value)
        elif key == "truth":
            truth = bool(int(value))
        elif key == "k":
            params["n_components"] = int(value)
        elif key in ("algo",):
            params[key] = value
        else:
            params[key] = ast.literal_eval(value)
    k = params["n_components"]
    rng = np.random.default_rng(seed)
    ny, nx = shape if shape else (10, 12)
    X, G, D, H = synthetic(rng, ny, nx, n, k, m)
    W0 = rng.uniform(0.1, 1.0, (G.shape[1] if G is not None else n, k))
    H0 = rng.uniform(0.1, 1.0, (k, ny * nx))
    H0 /= H0.sum(axis=0, keepdims=True)
    mu = np.array(params["mu"]) if isinstance(params["mu"], (list, tuple)) else params["mu"]
    gamma = params["gamma"]
    est = SmoothNMF(n_components=k, lambda_L=params["lambda_L"], mu=mu, epsilon_reg=params["epsilon_reg"],
                    algo=params["algo"], force_simplex=params["force_simplex"], dicotomy_tol=params["dicotomy_tol"],
                    tol=params["tol"], max_iter=params["max_iter"], log_shift=params["log_shift"],
                    normalize=params["normalize"], l2=params["l2"], linesearch=params["linesearch"],
                    no_stop_criterion=params["no_stop_criterion"], G=G, shape_2d=shape,
                    gamma=list(gamma) if isinstance(gamma, (list, tuple)) else gamma,
                    true_D=D if truth else None, true_H=H if truth else None, verbose=0)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        GW = est.fit_transform(X, W=W0.copy(), H=H0.copy())
    stop = next(reason for text, reason in STOP_MESSAGES if text in printed.getvalue())
    losses = est.get_losses()
    hshape = (k, ny, nx) if shape else (k, ny * nx)
    with h5py.File(out, "w") as f:
        f["X"] = X.T.reshape(ny, nx, n) if shape else X.T
        if G is not None:
            f["G"] = G
        f["init/W"] = W0
        f["init/H"] = H0.reshape(hshape)
        if truth:
            f["true/D"] = D
            f["true/H"] = H.reshape(hshape)
        f["expected/W"] = est.W_
        f["expected/H"] = est.H_.reshape(hshape)
        f["expected/GW"] = GW
        for col in losses.dtype.names:
            f["expected/losses/" + col] = losses[col]
        e = f["expected"]
        e.attrs["n_iter"] = est.n_iter_
        e.attrs["stop_reason"] = stop
        if not params["l2"]:
            e.attrs["const_KL"] = est.const_KL_
        e.attrs["reconstruction_err"] = est.reconstruction_err_
        e.attrs["loss_names"] = json.dumps(list(losses.dtype.names))
        for key, value in params.items():
            if value is None:
                continue
            f.attrs[key] = np.array(value) if isinstance(value, (list, tuple)) else value
        if shape:
            f.attrs["shape_2d"] = np.array(shape)
        f.attrs["description"] = description
        f.attrs["name"] = name
        f.attrs["espm_version"] = "espm SmoothNMF with force_simplex (commit 6926186)"


if __name__ == "__main__":
    main()
