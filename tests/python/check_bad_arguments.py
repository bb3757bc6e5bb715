"""Bad arguments to smoothnmf.SmoothNMF raise the named exception, with a message naming the
parameter (the library's checks where the library has them), on every rank together, and the
interpreter goes on: a good fit afterwards works.  Run at 1 and at 3 ranks (comm = COMM_WORLD).
usage: mpiexec -n P python3 check_bad_arguments.py
"""
import sys

import numpy as np
from mpi4py import MPI
from sklearn.exceptions import NotFittedError

import smoothnmf

comm = MPI.COMM_WORLD
rng = np.random.default_rng(3)
n, ny, nx, k = 12, 6, 5, 2
X = rng.poisson(5.0, size=(ny * nx, n)).astype(np.float64)  # (pixels, channels): hspy_comp
base = dict(n_components=k, max_iter=5, verbose=0, hspy_comp=True, shape_2d=(ny, nx), comm=comm, random_state=1)


def X_with(value):
    Y = X.copy()
    Y[7, 3] = value
    return Y


fitted = smoothnmf.SmoothNMF(**base).fit(X)

# (what, the estimator's changed parameters, the fit's X, fit_transform's keywords, exception, words of the message)
cases = [
    ("negative n_components", dict(n_components=-1), X, {}, ValueError, "n_components"),
    ("n_components not an integer", dict(n_components=2.5), X, {}, TypeError, "n_components"),
    ("shape_2d of other pixels", dict(shape_2d=(7, 7)), X, {}, ValueError, "shape_2d"),
    ("shape_2d not a pair", dict(shape_2d=(30,)), X, {}, ValueError, "shape_2d"),
    ("NaN in X", {}, X_with(np.nan), {}, ValueError, "NaN"),
    ("inf in X", {}, X_with(np.inf), {}, ValueError, "inf"),
    ("negative X", {}, X_with(-1.0), {}, ValueError, ">= 0"),
    ("all-zero X", {}, np.zeros_like(X), {}, ValueError, "no counts"),
    ("constant X", {}, np.full_like(X, 4.0), {}, ValueError, "constant"),
    ("G of the wrong shape", dict(G=np.ones((n + 1, 3))), X, {}, ValueError, "G has"),
    ("G negative", dict(G=-np.ones((n, 3))), X, {}, ValueError, "G has a negative"),
    ("unknown algo", dict(algo="gradient_descent"), X, {}, ValueError, "gradient_descent"),
    ("algo not a string", dict(algo=3), X, {}, TypeError, "algo"),
    ("negative lambda_L", dict(lambda_L=-1.0), X, {}, ValueError, "lambda_L"),
    ("mu with too many values", dict(mu=[0.1, 0.2, 0.3]), X, {}, ValueError, "mu"),
    ("negative mu", dict(mu=-0.5), X, {}, ValueError, "mu"),
    ("tol a string", dict(tol="small"), X, {}, TypeError, "tol"),
    ("max_iter 0", dict(max_iter=0), X, {}, ValueError, "max_iter"),
    ("log_shift 0", dict(log_shift=0.0), X, {}, ValueError, "log_shift"),
    ("n_components * log_shift >= 1", dict(log_shift=0.6), X, {}, ValueError, "log_shift"),
    ("epsilon_reg 0", dict(epsilon_reg=0.0), X, {}, ValueError, "epsilon_reg"),
    ("dicotomy_tol negative", dict(dicotomy_tol=-1e-3), X, {}, ValueError, "dicotomy_tol"),
    ("unknown init", dict(init="svd"), X, {}, ValueError, "init"),
    ("three gammas", dict(gamma=[1.0, 2.0, 3.0]), X, {}, ValueError, "gamma"),
    ("linesearch with the l2 loss", dict(linesearch=True, l2=True), X, {}, ValueError, "linesearch"),
    ("hspy_comp not a bool", dict(hspy_comp="yes"), X, {}, TypeError, "hspy_comp"),
    ("random_state a string", dict(random_state="seed"), X, {}, TypeError, "random_state"),
    ("comm not a communicator", dict(comm="world"), X, {}, TypeError, "comm"),
    ("true_D without true_H", dict(true_D=np.ones((n, k))), X, {}, ValueError, "true_H"),
    ("fixed_W of the wrong shape", dict(fixed_W=np.zeros((n, k + 1))), X, {}, ValueError, "fixed_W"),
    ("initial W of the wrong shape", {}, X, dict(W=np.ones((n + 2, k))), ValueError, "initial W"),
    ("initial H of the wrong shape", {}, X, dict(H=np.ones((k + 1, ny * nx))), ValueError, "H must have"),
    ("X 1-D", {}, X[:, 0], {}, ValueError, "2D array"),
    ("X empty", dict(shape_2d=None), X[:0], {}, ValueError, "0 sample"),
    ("X complex", {}, X.astype(np.complex128), {}, ValueError, "Complex"),
    ("X of strings", {}, np.full(X.shape, "a"), {}, ValueError, "a"),
    ("unknown parameter", None, X, {}, TypeError, "colour"),
]
fails = 0


def expect_raise(what, call, exc, words):
    """1 when call() raises exc with words in its message, else 0; a line either way (rank 0)"""
    try:
        call()
        ok, msg = False, "no exception"
    except exc as e:
        ok, msg = words in str(e), f"{type(e).__name__}: {e}"
    except Exception as e:  # noqa: BLE001
        ok, msg = False, f"{type(e).__name__} instead of {exc.__name__}: {e}"
    if comm.rank == 0:
        print(f"{'ok  ' if ok else 'FAIL'} {what}: {msg}")
    return 0 if ok else 1


for what, changes, data, kw, exc, words in cases:
    if changes is None:
        call = lambda: smoothnmf.SmoothNMF(colour="red")  # noqa: E731
    else:
        call = lambda: smoothnmf.SmoothNMF(**{**base, **changes}).fit_transform(data, **kw)  # noqa: E731
    fails += expect_raise(what, call, exc, words)

# a fitted estimator: new data of other channels, before fit
for what, call, exc, words in [
    ("transform of other channels", lambda: fitted.transform(X[:, :-1]), ValueError, "features"),
    ("transform before fit", lambda: smoothnmf.SmoothNMF(**base).transform(X), NotFittedError, "not fitted"),
    ("loss with W of the wrong shape", lambda: fitted.loss(np.ones((n + 1, k)), fitted.H_), ValueError, "W"),
]:
    fails += expect_raise(what, call, exc, words)

# the interpreter and the library are still fine: the same fit as before
again = smoothnmf.SmoothNMF(**base).fit(X)
if not np.array_equal(again.W_, fitted.W_):
    fails += 1
    print("FAIL a fit after the errors differs from the one before")
fails = comm.allreduce(fails, op=MPI.MAX)
if comm.rank == 0:
    print(f"{len(cases) + 3} bad arguments at {comm.size} rank(s): {fails} failure(s)")
sys.exit(1 if fails else 0)
