"""Checks of run_input_types.sh: every input type gives the same factorization, channels_first
gives the pixels_first result, the axes of the inputs are kept, HyperSpy loads the outputs.
usage: check_input_types.py DIR"""
import sys
import warnings

import h5py
import numpy as np

warnings.filterwarnings("ignore")
import hyperspy.api as hs  # noqa: E402

from hspy_checks import check, check_output_hspy, close  # noqa: E402

d = sys.argv[1]


def result(name):
    with h5py.File("%s/out_%s.h5" % (d, name), "r") as f:
        return {k: f[k][...] for k in ("W", "H", "GW")}, f["losses/full_loss"][...], dict(f.attrs), f


ref, ref_loss, _, _ = result("float64")
check(ref["H"].shape == (2, 10, 12), "H shape %s" % (ref["H"].shape,))
for name in ("uint8", "uint16", "uint32", "int16", "int32", "int64", "float32", "float64_again", "cf_image"):
    r, loss, attrs, _ = result(name)
    for k in ("W", "H", "GW"):
        close(r[k], ref[k], 1e-12 * np.abs(ref[k]).max(), "%s: %s as with float64 input" % (name, k))
    close(loss, ref_loss, 1e-12 * np.abs(ref_loss).max(), "%s: losses" % name)
with h5py.File("%s/out_uint8.h5" % d, "r") as f:
    ax = [dict(f["axes/axis-%d" % i].attrs) for i in range(3)]
    check(ax[0]["name"] == "y" and ax[0]["units"] == "µm" and ax[0]["scale"] == 0.5 and ax[0]["offset"] == -2.0, "/axes/axis-0 %s" % ax[0])
    check(ax[1]["name"] == "x" and ax[1]["scale"] == 0.25 and ax[1]["offset"] == 1.0, "/axes/axis-1 %s" % ax[1])
    check(ax[2]["name"] == "Energy" and ax[2]["units"] == "eV" and ax[2]["scale"] == 5.0 and ax[2]["offset"] == 100.0, "/axes/axis-2 %s" % ax[2])
    check(f["axes"].attrs["title"] == "counts uint8", "/axes title")

px, px_loss, _, _ = result("pixels")
cf, cf_loss, _, _ = result("cf_pixels")
check(px["H"].shape == (2, 120), "pixels: H shape %s" % (px["H"].shape,))
for k in ("W", "H", "GW"):
    close(cf[k], px[k], 1e-12 * np.abs(px[k]).max(), "channels_first (n, p) = pixels_first (p, n): " + k)

check_output_hspy("%s/out_float64_again.h5" % d, "%s/out_float64.hspy" % d, hs.load("%s/float64.hspy" % d), "counts float64", "")
check_output_hspy("%s/out_pixels.h5" % d, "%s/out_pixels.hspy" % d, hs.load("%s/pixels.hspy" % d), "pixels", "")
print("input type checks passed")
