"""Ctrl-C (SIGINT) during a fit stops it after the current iteration, on every rank together,
with a KeyboardInterrupt, the fitted attributes those of the last iteration, and the
interpreter goes on; verbose prints espm's progress lines through Python's sys.stdout (what a
notebook shows), verbose=0 prints nothing; other Python threads run during a fit, and one that
calls into the library meanwhile gets smoothnmf.Error.  Run at 1 and at 3 ranks (SIGINT on rank 0
only).
usage: mpiexec -n P python3 check_interrupt_and_output.py
"""
import contextlib
import io
import os
import signal
import sys
import threading
import time

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


rng = np.random.default_rng(0)
ny, nx, n = 40, 40, 200
X = rng.poisson(3.0, size=(ny * nx, n)).astype(np.uint16)
params = dict(n_components=3, lambda_L=1.0, shape_2d=(ny, nx), hspy_comp=True, comm=comm, random_state=0)

# 1. Ctrl-C on rank 0, one second into a fit of a million iterations
est = smoothnmf.SmoothNMF(**params, max_iter=1000000, no_stop_criterion=True, verbose=0)
if comm.rank == 0:
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGINT)).start()
t0 = time.time()
try:
    est.fit(X)
    check(False, "the fit was not interrupted")
except KeyboardInterrupt:
    pass
seconds = time.time() - t0
check(seconds < 30, f"the interrupted fit took {seconds:.1f} s")
check(getattr(est, "stop_reason_", None) == "interrupted", f"stop_reason_ {getattr(est, 'stop_reason_', None)}")
check(0 < est.n_iter_ < 1000000, f"n_iter_ {est.n_iter_}")
check(np.all(np.isfinite(est.W_)) and np.all(np.isfinite(est.H_)), "the last iterate is finite")
check(len(est.losses_) == est.n_iter_, "losses_ has one value per iteration done")
iters = comm.allgather(est.n_iter_)
check(len(set(iters)) == 1, f"the ranks stopped after different iterations {iters}")

# 2. the interpreter and the library go on: a normal fit, espm's progress lines on sys.stdout (as espm,
#    none at the last iteration, which ends the loop first)
out = io.StringIO()
with contextlib.redirect_stdout(out):
    est = smoothnmf.SmoothNMF(**params, max_iter=20, no_stop_criterion=True, eval_print=5, verbose=1).fit(X)
text = out.getvalue()
if comm.rank == 0:
    lines = [line for line in text.splitlines() if line.startswith("It ")]
    check([line.split(":")[0] for line in lines] == ["It 5 / 20", "It 10 / 20", "It 15 / 20"],
          f"progress lines {lines}")
    check("loss" in text and "it/s" in text, f"espm's progress line: {text!r}")
else:
    check(text == "", f"rank {comm.rank} printed {text!r}: only rank 0 prints")
out = io.StringIO()
with contextlib.redirect_stdout(out):
    smoothnmf.SmoothNMF(**params, max_iter=20, verbose=0).fit(X)
check(out.getvalue() == "", f"verbose=0 printed {out.getvalue()!r}")

# 3. threads: the fit runs without the GIL (another Python thread goes on meanwhile), and a second
#    thread calling into the library during it gets smoothnmf.Error (PETSc is not thread-safe)
ticks, stop = [0], threading.Event()


def tick():
    while not stop.is_set():
        ticks[0] += 1
        time.sleep(0.001)


ticker = threading.Thread(target=tick)
ticker.start()
before = ticks[0]
alone = dict(params, comm=MPI.COMM_SELF, verbose=0)
t0 = time.time()
smoothnmf.SmoothNMF(**alone, max_iter=150, no_stop_criterion=True).fit(X)
spent = time.time() - t0
stop.set()
ticker.join()
check(ticks[0] - before >= 10, f"another thread ticked {ticks[0] - before} times during a {spent:.2f} s fit")
errors = []


def second():
    time.sleep(0.2)
    try:
        smoothnmf.SmoothNMF(**alone, max_iter=2).fit(X)
        errors.append(None)
    except smoothnmf.Error as e:
        errors.append(str(e))


other = threading.Thread(target=second)
other.start()
smoothnmf.SmoothNMF(**alone, max_iter=300, no_stop_criterion=True).fit(X)
other.join()
check(len(errors) == 1 and errors[0] and "thread" in errors[0], f"a second thread's fit during a fit: {errors}")

fails = comm.allreduce(fails, op=MPI.MAX)
if comm.rank == 0:
    print(f"interrupt and output at {comm.size} rank(s): {fails} failure(s)")
sys.exit(1 if fails else 0)
