"""Checks what the example application printed against the program's result file.

usage: check_example.py APP_OUTPUT APP_RESULT.h5 PROGRAM_RESULT.h5 NP [EXAMPLE OPTIONS...]
  - stop reason, iterations, final loss and W (printed at full precision) are the program's;
  - the checksum sum_r (r + 1) H[r, c] of the H Mat the example got back (rows owned like its X)
    is that of the program's /H, to 1e-12 relative: a misplaced row would change it;
  - with -app_uneven at NP > 1, rank 0 owned half of the rows (not the solver's even split).
Exit status 0 when every check passes; each failure is printed."""
import re
import sys

import h5py
import numpy as np

out_path, app_h5, prog_h5, nranks = sys.argv[1:5]
opts = sys.argv[5:]
nranks = int(nranks)
text = open(out_path).read()
fails = []


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


with h5py.File(prog_h5, "r") as f:
    n_iter = int(f.attrs["n_iter"])
    reason = f.attrs["stop_reason"]
    reason = reason.decode() if isinstance(reason, bytes) else str(reason)
    full = f["losses/full_loss"][()]
    W = f["W"][()]
    H = f["H"][()]
k = W.shape[1]
Hp = H.reshape(k, -1)  # (k, ny, nx) or (k, p): pixel r = i nx + j
p = Hp.shape[1]

m = re.search(r"^stop reason: (\S+) \(", text, re.M)
if not m or m.group(1) != reason:
    fails.append(f"stop reason printed {m.group(1) if m else None}, program {reason}")
m = re.search(r"^iterations: (\d+)$", text, re.M)
if not m or int(m.group(1)) != n_iter:
    fails.append(f"iterations printed {m.group(1) if m else None}, program {n_iter}")
m = re.search(r"^final loss: (\S+)$", text, re.M)
if not m or rel(float(m.group(1)), full[-1]) > 1e-12:
    fails.append(f"final loss printed {m.group(1) if m else None}, program {full[-1]!r}")
m = re.search(r"^W \((\d+) x (\d+)\):\n((?:.*\n){%d})" % W.shape[0], text, re.M)
if not m:
    fails.append("W not printed")
else:
    Wp = np.array([[float(v) for v in line.split()] for line in m.group(3).splitlines()])
    if Wp.shape != W.shape or rel(Wp, W) > 1e-12:
        fails.append(f"printed W differs from the program's (shape {Wp.shape}, {W.shape})")
if "H rows owned like X: yes" not in text:
    fails.append("the example's H Mat is not owned like its X")
m = re.search(r"^H checksum:(.*)$", text, re.M)
expected = (np.arange(1, p + 1)[None, :] * Hp).sum(axis=1)
if not m:
    fails.append("H checksum not printed")
else:
    got = np.array([float(v) for v in m.group(1).split()])
    if got.shape != expected.shape or rel(got, expected) > 1e-12:
        fails.append(f"H checksum {got} (the example's rows), expected {expected} (program's /H)")
if "-app_uneven" in opts and nranks > 1:
    half = p // 2
    if f"rank 0 owns rows 0 to {half - 1}\n" not in text:
        fails.append(f"rank 0 did not own the first {half} rows (uneven ownership)")
    if half == (p + nranks - 1) // nranks:
        fails.append("the uneven ownership equals the even split: the test would prove nothing")

with h5py.File(app_h5, "r") as f:
    if f["H"].shape != H.shape:
        fails.append(f"/H shape {f['H'].shape} in the example's result, {H.shape} in the program's")

for msg in fails:
    print("FAIL", msg)
print("MISMATCH" if fails else f"MATCH: printed result, H checksum (p = {p}, k = {k}) and ownership")
sys.exit(1 if fails else 0)
