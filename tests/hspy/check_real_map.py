"""Checks of run_real_map.sh: the runs at 1 and 3 ranks agree to 1e-9, and the .hspy outputs
load in HyperSpy with the real map's axes.  usage: check_real_map.py MAP DIR"""
import sys
import warnings

import h5py
import numpy as np

warnings.filterwarnings("ignore")
import hyperspy.api as hs  # noqa: E402

from hspy_checks import check, check_output_hspy, close  # noqa: E402

map_path, d = sys.argv[1:3]
with h5py.File("%s/np1.h5" % d, "r") as a, h5py.File("%s/np3.h5" % d, "r") as b:
    check(int(a.attrs["n_ranks"]) == 1 and int(b.attrs["n_ranks"]) == 3, "n_ranks 1 and 3")
    check(int(a.attrs["n_iter"]) == int(b.attrs["n_iter"]) == 20, "20 iterations at both rank counts")
    check(a["H"].shape == (4, 80, 80) and a["GW"].shape == (1917, 4), "shapes %s %s" % (a["H"].shape, a["GW"].shape))
    for k in ("W", "H", "GW", "scree"):
        x, y = a[k][...], b[k][...]
        close(y, x, 1e-9 * np.abs(x).max(), "%s at 3 ranks vs 1" % k)
    for k in a["losses"]:
        x, y = a["losses"][k][...], b["losses"][k][...]
        close(y, x, 1e-9 * max(np.abs(x).max(), 1e-300), "losses/%s at 3 ranks vs 1" % k)
    close(b.attrs["reconstruction_err"], a.attrs["reconstruction_err"], 1e-9 * a.attrs["reconstruction_err"], "reconstruction_err")
s = hs.load(map_path)
for np_ in (1, 3):
    f, l = check_output_hspy("%s/np%d.h5" % (d, np_), "%s/np%d.hspy" % (d, np_), s, s.metadata.General.title, s.metadata.Signal.signal_type)
e = f.axes_manager.signal_axes[0]
check(e.name == "Energy" and e.units == "keV" and abs(e.offset - 0.8315) < 1e-3, "energy axis of the real map: %s %s %g" % (e.name, e.units, e.offset))
print("real map: 1 and 3 ranks agree to 1e-9; HyperSpy loads both outputs")
