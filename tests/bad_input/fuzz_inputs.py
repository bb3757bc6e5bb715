#!/usr/bin/python3
"""Fuzz test of the inputs (issue 16): damaged copies of every kind of input file, each run
at 2 ranks under a time limit.

Every case must either run to a valid result (exit 0, a result file whose /W and /H have the
expected shapes and finite nonnegative values) or fail the way the command-line contract says:
a non-zero exit, exactly one line starting with "smoothnmf: error", no PETSc traceback, no
output file (nor a temporary one) left, and no rank still running.  A run past the time limit
is a hang; a failed run without our line (a crash) fails the test.

The inputs (all small, written here): the map as a HyperSpy .hspy file (written by HyperSpy,
gzip chunks), as a 3-D /X (uint16, gzip chunks), as a 2-D (p, n) float64 dataset, as a 2-D
(n, p) float32 dataset read with -layout channels_first; a G; initial W and H; a ground truth;
the fixed_W and fixed_H masks; a checkpoint written by the program; the navigation mask (an
h5py bool dataset) and the signal mask (0/1 numbers).  Half of the cases damage
the .hspy map, the others one of the other inputs.  The damage, drawn from a seeded generator:
bit flips in the file's metadata (every byte outside the raw data of its datasets, located
with h5py), bit flips anywhere, bytes overwritten in the first 4 KiB, a truncation.  At least
a third of the cases are metadata flips.

usage: fuzz_inputs.py BUILD_DIR [--seed S] [--cases N] [--first I] [--np P] [--limit SECONDS]
                      [--workdir DIR] [--keep]
  Runs cases I .. I+N-1 of the sequence drawn from seed S.  Case i draws everything from
  (S, i) alone, so "--seed S --first i --cases 1" replays case i of any larger run; a failing
  case prints that command line and keeps its damaged file.
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

NY, NX, N, K = 8, 10, 24, 2
P = NY * NX

# the input kinds: (name, file, how the program is told to read it); the even cases damage the
# .hspy map, the odd ones the others in turn
MAP = "map.hspy"
KINDS = [
    ("hspy_map", MAP, lambda f: ["-i", f]),
    ("x3_map", "map_x3.h5", lambda f: ["-i", f + ":/X"]),
    ("pixels_map", "map_pn.h5", lambda f: ["-i", f + ":/X", "-shape_2d", f"{NY},{NX}"]),
    ("channels_first_map", "map_np.h5", lambda f: ["-i", f + ":/X", "-layout", "channels_first", "-shape_2d", f"{NY},{NX}"]),
    ("G", "g.h5", lambda f: ["-i", "@BASE@/" + MAP, "-G", f + ":/G"]),
    ("initial_values", "init.h5", lambda f: ["-i", "@BASE@/" + MAP, "-init_W", f + ":/W", "-init_H", f + ":/H"]),
    ("truth", "truth.h5", lambda f: ["-i", "@BASE@/" + MAP, "-true_D", f + ":/D", "-true_H", f + ":/H"]),
    ("masks", "masks.h5", lambda f: ["-i", "@BASE@/" + MAP, "-fixed_W", f + ":/fixed_W", "-fixed_H", f + ":/fixed_H"]),
    ("checkpoint", "ckpt.h5", lambda f: ["-i", "@BASE@/" + MAP, "-restart", f]),
    ("nav_signal_masks", "nav_masks.h5", lambda f: ["-i", "@BASE@/" + MAP, "-navigation_mask", f + ":/navigation", "-signal_mask", f + ":/signal"]),
]
# the damage of case i is DAMAGES[i % 20]: 8 in 20 metadata flips, 4 flips anywhere, 5 overwritten
# heads, 3 truncations, so any 20 consecutive cases hold each in that share
DAMAGES = ["metadata_flips"] * 8 + ["flips_anywhere"] * 4 + ["head_overwrite"] * 5 + ["truncation"] * 3
# the options of every run; the checkpoint is written with the same ones (its restart must agree)
COMMON = ["-nmf_n_components", str(K), "-nmf_max_iter", "6", "-nmf_no_stop_criterion", "-nmf_random_state", "0", "-nmf_verbose", "0"]


def make_inputs(base, build, mpiexec):
    """Writes the undamaged inputs into base; the map is two smooth components, Poisson counts."""
    import hyperspy.api as hs  # noqa: imported here: slow, and only the set-up needs it

    g = np.random.default_rng(16)
    e = np.linspace(0.0, 1.0, N)
    W = np.stack([np.exp(-((e - 0.3) / 0.08) ** 2) + 0.1, np.exp(-((e - 0.7) / 0.1) ** 2) + 0.1], axis=1)
    W *= 40.0 / W.sum(axis=0)
    yy, xx = np.mgrid[0:NY, 0:NX]
    h0 = 0.5 + 0.4 * np.sin(xx / 3.0) * np.cos(yy / 4.0)
    H = np.stack([h0, 1.0 - h0])  # (k, ny, nx), on the simplex
    X = g.poisson(np.einsum("nk,kyx->yxn", W, H)).astype(np.uint16)  # (ny, nx, n)

    s = hs.signals.Signal1D(X)
    s.metadata.General.title = "fuzz map"
    for ax, (name, units, scale) in zip(s.axes_manager._axes, [("y", "nm", 2.0), ("x", "nm", 2.0), ("Energy", "keV", 0.01)]):
        ax.name, ax.units, ax.scale = name, units, scale
    s.save(os.path.join(base, MAP), overwrite=True, compression="gzip", chunks=(4, 4, N))
    with h5py.File(os.path.join(base, "map_x3.h5"), "w") as f:
        f.create_dataset("X", data=X, chunks=(4, 5, N), compression="gzip", shuffle=True)
    with h5py.File(os.path.join(base, "map_pn.h5"), "w") as f:
        f["X"] = X.reshape(P, N).astype(np.float64)
    with h5py.File(os.path.join(base, "map_np.h5"), "w") as f:
        f["X"] = np.ascontiguousarray(X.reshape(P, N).T.astype(np.float32))
    with h5py.File(os.path.join(base, "g.h5"), "w") as f:
        f["G"] = np.abs(np.stack([e + 0.1, 1.1 - e, np.full(N, 0.5)], axis=1))
    with h5py.File(os.path.join(base, "init.h5"), "w") as f:
        f["W"] = W * 0.8 + 0.5
        f["H"] = np.full((K, NY, NX), 0.5)
    with h5py.File(os.path.join(base, "truth.h5"), "w") as f:
        f["D"] = W
        f["H"] = H
    with h5py.File(os.path.join(base, "masks.h5"), "w") as f:
        fw = -np.ones((N, K))
        fw[3, 0] = W[3, 0]
        fh = -np.ones((K, NY, NX))
        fh[:, 2, 3] = [0.25, 0.75]
        f["fixed_W"] = fw
        f["fixed_H"] = fh
    with h5py.File(os.path.join(base, "nav_masks.h5"), "w") as f:
        nav = np.zeros((NY, NX), bool)
        nav[0:2, 0:3] = True
        sig = np.zeros(N)
        sig[[0, 1, 7]] = 1
        f["navigation"] = nav
        f["signal"] = sig
    # a real checkpoint: iteration 4 of 6, at 2 ranks
    ck = os.path.join(base, "ckpt.h5")
    cmd = mpiexec + ["-n", "2", "--oversubscribe", os.path.join(build, "smoothnmf"), "-i", os.path.join(base, MAP),
                     "-o", os.path.join(base, "ckpt_result.h5"), "-o_overwrite", "-checkpoint", ck, "-checkpoint_every", "2"] + COMMON
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, timeout=120)
    assert os.path.isfile(ck), "the program wrote no checkpoint"


def data_ranges(path):
    """The byte ranges of the raw data of every dataset of an HDF5 file (chunks or contiguous)."""
    ranges = []

    def visit(_, obj):
        if not isinstance(obj, h5py.Dataset):
            return
        dsid = obj.id
        if obj.chunks is None:
            off = dsid.get_offset()
            if off is not None:
                ranges.append((off, off + dsid.get_storage_size()))
        else:
            for j in range(dsid.get_num_chunks()):
                c = dsid.get_chunk_info(j)
                ranges.append((c.byte_offset, c.byte_offset + c.size))

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return sorted(ranges)


def metadata_offsets(size, ranges):
    """Every byte offset outside the raw data ranges, as a list of [start, end) spans."""
    spans, pos = [], 0
    for a, b in ranges:
        if a > pos:
            spans.append((pos, a))
        pos = max(pos, b)
    if pos < size:
        spans.append((pos, size))
    return spans


def damage(src, dst, rng, how, meta_spans):
    """Writes a damaged copy of src to dst; returns a description of the damage."""
    data = bytearray(open(src, "rb").read())
    size = len(data)
    if how == "truncation":
        cut = rng.randrange(1, size)
        del data[cut:]
        what = f"truncated to {cut} of {size} bytes"
    elif how == "head_overwrite":
        m = rng.randint(1, 16)
        offs = sorted(rng.randrange(0, min(4096, size)) for _ in range(m))
        for o in offs:
            data[o] = rng.randrange(256)
        what = f"{m} bytes overwritten at {offs}"
    else:
        m = rng.randint(1, 8)
        offs = []
        for _ in range(m):
            if how == "metadata_flips":
                a, b = meta_spans[rng.choices(range(len(meta_spans)), weights=[b - a for a, b in meta_spans])[0]]
                o = rng.randrange(a, b)
            else:
                o = rng.randrange(size)
            bit = rng.randrange(8)
            data[o] ^= 1 << bit
            offs.append(f"{o}.{bit}")
        what = f"{m} bits flipped at {offs}"
    with open(dst, "wb") as f:
        f.write(data)
    return what


def check_result(out):
    """Why a result file is not valid, or None."""
    try:
        with h5py.File(out, "r") as f:
            W, H = f["W"][...], f["H"][...]
            # NaN is the defined result where a mask leaves nothing to determine: the spectra at
            # masked channels (identity G), the maps at masked pixels (lambda_L = 0)
            sig = f["masks/signal"][...].astype(bool) if "masks/signal" in f else np.zeros(W.shape[0], bool)
            nav = f["masks/navigation"][...].reshape(-1).astype(bool) if "masks/navigation" in f else np.zeros(P, bool)
            lam = float(f.attrs.get("lambda_L", 1.0))
    except Exception as exc:  # noqa: any reason the file cannot be read is a finding
        return f"the result {out} cannot be read: {exc}"
    if W.shape[1] != K or H.shape[0] != K or H.size != K * P:
        return f"the result has /W {W.shape} and /H {H.shape}: expected k = {K} and {P} pixels"
    Hp = H.reshape(K, P)
    if W.shape[0] == sig.size and not np.all(np.isnan(W[sig])):
        return "the result has spectra at masked channels (expected NaN there)"
    if lam == 0 and not np.all(np.isnan(Hp[:, nav])):
        return "the result has maps at masked pixels with lambda_L = 0 (expected NaN there)"
    Wk = W[~sig] if W.shape[0] == sig.size else W
    Hk = Hp if lam != 0 else Hp[:, ~nav]
    if not (np.all(np.isfinite(Wk)) and np.all(np.isfinite(Hk)) and Wk.min() >= 0 and Hk.min() >= 0):
        return "the result has non-finite or negative values"
    return None


def survivors(tag):
    """Pids of processes whose command line holds tag (ranks of a case still running)."""
    r = subprocess.run(["pgrep", "-f", tag], capture_output=True, text=True)
    return [int(x) for x in r.stdout.split() if int(x) != os.getpid()]


def run_case(i, args, base, work, mpiexec):
    """Runs case i; returns (outcome, message, damage kind, input kind)."""
    rng = random.Random(f"{args.seed}:{i}")
    kind, fname, opts = KINDS[0] if i % 2 == 0 else KINDS[1 + (i // 2) % (len(KINDS) - 1)]
    how = DAMAGES[i % len(DAMAGES)]
    src = os.path.join(base, fname)
    case = os.path.join(work, f"case{i:04d}")
    os.makedirs(case)
    bad = os.path.join(case, "damaged_" + fname)
    what = damage(src, bad, rng, how, metadata_offsets(os.path.getsize(src), data_ranges(src)))
    out, out_hspy = os.path.join(case, "out.h5"), os.path.join(case, "out.hspy")
    prog = [os.path.join(args.build, "smoothnmf")] + [a.replace("@BASE@", base) for a in opts(bad)]
    prog += COMMON + ["-o", out, "-o_hspy", out_hspy, "-metadata_timeout", "10"]
    cmd = mpiexec + ["-n", str(args.np), "--oversubscribe"] + prog
    replay = f"{sys.argv[0]} {args.build} --seed {args.seed} --first {i} --cases 1"
    head = f"case {i} ({kind}, {how}: {what})"
    t0 = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        log, _ = p.communicate(timeout=args.limit)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        log, _ = p.communicate()
        rc = None
    elapsed = time.time() - t0
    # ranks that outlive the launcher (Open MPI does not always end them): give them 10 s
    for _ in range(100):
        if not survivors(case):
            break
        time.sleep(0.1)
    left = survivors(case)
    for pid in left:
        os.kill(pid, signal.SIGKILL)

    problems = []
    lines = [ln for ln in log.splitlines() if ln.startswith("smoothnmf: error")]
    if rc is None:
        problems.append(f"no exit within {args.limit} s: a hang")
    if left:
        problems.append(f"ranks still running after the launcher returned: {left}")
    if "PETSC ERROR" in log:
        problems.append("a PETSc traceback was printed")
    if rc == 0:
        outcome = "ran"
        why = check_result(out)
        if why:
            problems.append(why)
        if lines:
            problems.append("exit 0 with an error line")
    elif rc is not None:
        outcome = "refused"
        if len(lines) != 1:
            problems.append(f"exit status {rc} with {len(lines)} lines starting 'smoothnmf: error' (expected 1)")
        leftovers = [f for f in os.listdir(case) if f.startswith("out.")]
        if leftovers:
            problems.append(f"a failed run left output files: {leftovers}")
    else:
        outcome = "hang"
    if problems:
        msg = f"FAIL {head} after {elapsed:.1f} s: " + "; ".join(problems)
        msg += f"\n  command: {' '.join(cmd)}\n  replay: {replay}\n  output:\n    " + "\n    ".join(log.splitlines()[-30:])
        return "failed", msg, how, kind
    if not args.keep:
        shutil.rmtree(case)
    return outcome, (lines[0] if lines else "ran"), how, kind


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("build")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--first", type=int, default=0)
    ap.add_argument("--np", type=int, default=2)
    ap.add_argument("--limit", type=float, default=60.0, help="seconds a case may run (a hang past it)")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--keep", action="store_true", help="keep every case's files, not only the failing ones")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    mpiexec = [os.environ.get("MPIEXEC", "mpiexec")]

    work = args.workdir or tempfile.mkdtemp(prefix="fuzz_inputs.")
    base = os.path.join(work, "inputs")
    os.makedirs(base, exist_ok=True)
    make_inputs(base, args.build, mpiexec)

    counts, by_damage, failures = {}, {}, []
    for i in range(args.first, args.first + args.cases):
        outcome, msg, how, kind = run_case(i, args, base, work, mpiexec)
        counts[outcome] = counts.get(outcome, 0) + 1
        by_damage[how] = by_damage.get(how, 0) + 1
        if outcome == "failed":
            failures.append(msg)
            print(msg, flush=True)
        else:
            print(f"case {i} {kind} {how}: {outcome}: {msg}", flush=True)
    print(f"\n{args.cases} damaged inputs (seed {args.seed}, cases {args.first}..{args.first + args.cases - 1}, {args.np} ranks): "
          + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) + "; damage: " + ", ".join(f"{v} {k}" for k, v in sorted(by_damage.items())))
    if failures:
        print(f"FAIL: {len(failures)} case(s) broke the contract (files kept under {work})")
        return 1
    if not args.workdir and not args.keep:
        shutil.rmtree(work)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
