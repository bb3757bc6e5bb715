"""The baseline of the read section of scripts/benchmark.sh: one h5py process reads the whole
dataset of a .hspy map (/Experiments/<title>/data) with f[...][()], timed; then, untimed, the
checksum that smoothnmf_read_timing prints (value c of pixel g = i nx + j times
(1 + g mod 7)(1 + c mod 5)), to check that both read the same values.
usage: h5py_read.py MAP.hspy   ->   H5PY read_s=... read_cpu_s=... checksum=..."""
import sys, time
import h5py
import numpy as np
path = sys.argv[1]
with h5py.File(path, "r") as f:
    name = list(f["Experiments"])[0]
    d = f["/Experiments/%s/data" % name]
    t = time.time(); c = time.process_time()
    a = d[()]
    t = time.time() - t; c = time.process_time() - c
ny, nx, n = a.shape
wc = (1 + np.arange(n) % 5).astype(np.float64)
s = 0.0
for i0 in range(0, ny, 16):
    blk = a[i0:i0 + 16].astype(np.float64) @ wc
    g = (np.arange(i0, min(i0 + 16, ny))[:, None] * nx + np.arange(nx)[None, :])
    s += float(np.sum(blk * (1 + g % 7)))
print("H5PY read_s=%.4f read_cpu_s=%.4f checksum=%.17g" % (t, c, s))
