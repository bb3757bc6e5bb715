"""Writes the inputs of run_input_types.sh into DIR with HyperSpy itself: one small counts map
(10 x 12 pixels x 32 channels, two phases, Poisson) saved as uint8, uint16, uint32, int16,
int32, int64, float32 and float64 signals (chunked, gzip as HyperSpy saves), as a (p, n)
signal (pixels.hspy), and as a channels_first (n, p) dataset /X of a plain HDF5 file (cf.h5)."""
import sys
import warnings

import h5py
import numpy as np

warnings.filterwarnings("ignore")
import hyperspy.api as hs  # noqa: E402

out = sys.argv[1]
rng = np.random.default_rng(7)
ny, nx, n = 10, 12, 32
e = np.arange(n)
spectra = np.stack([np.exp(-0.5 * ((e - 8) / 1.5) ** 2) + 0.1, np.exp(-0.5 * ((e - 22) / 2.0) ** 2) + 0.05])
yy, xx = np.mgrid[0:ny, 0:nx]
a = 1 / (1 + np.exp(-(xx - 6) / 2.0))
maps = np.stack([a, 1 - a])
counts = rng.poisson(40 * np.einsum("kyx,kn->yxn", maps, spectra / spectra.sum(1, keepdims=True)))
assert counts.max() < 127


def calibrate(s, nav):
    for ax, (name, units, scale, offset) in zip(s.axes_manager.navigation_axes, nav):
        ax.name, ax.units, ax.scale, ax.offset = name, units, scale, offset
    sig = s.axes_manager.signal_axes[0]
    sig.name, sig.units, sig.scale, sig.offset = "Energy", "eV", 5.0, 100.0


for t in ("uint8", "uint16", "uint32", "int16", "int32", "int64", "float32", "float64"):
    s = hs.signals.Signal1D(counts.astype(t))
    s.metadata.General.title = "counts " + t
    calibrate(s, [("x", "µm", 0.25, 1.0), ("y", "µm", 0.5, -2.0)])
    s.save("%s/%s.hspy" % (out, t), chunks=(4, 6, n))
s = hs.signals.Signal1D(counts.reshape(ny * nx, n).astype("float64"))
s.metadata.General.title = "pixels"
calibrate(s, [("pixel", "", 1.0, 0.0)])
s.save("%s/pixels.hspy" % out, chunks=(40, n))
with h5py.File("%s/cf.h5" % out, "w") as f:
    f["X"] = counts.reshape(ny * nx, n).T.astype("float64")
