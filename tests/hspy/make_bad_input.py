"""Writes one bad input of run_bad_input.sh: CASE FILE with CASE one of
two_signals (two HyperSpy signals under /Experiments), four_d (a 4-D signal), signal_axis_1
(a spectrum image whose signal axis has length 1), unreadable (bytes that are not HDF5),
damaged_axes (a good map but for two axis attributes that cannot be read: the scale of the
signal axis stored as text, the offset of axis-0 NaN; run_damaged_axes.sh)."""
import sys

import h5py
import numpy as np

case, path = sys.argv[1:3]


def signal(f, name, shape, nav):
    g = f.create_group("Experiments/" + name)
    g["data"] = np.ones(shape, dtype="uint16")
    names = ["y", "x", "z", "w"][: len(shape) - 1] + ["Energy"]
    for i, size in enumerate(shape):
        a = g.create_group("axis-%d" % i).attrs
        a["name"], a["units"], a["scale"], a["offset"] = names[i], "keV" if names[i] == "Energy" else "nm", 0.01, 0.0
        a["size"], a["navigate"] = size, bool(i < nav)
    g.create_group("metadata/General").attrs["title"] = name
    g.create_group("original_metadata")


if case == "unreadable":
    with open(path, "wb") as f:
        f.write(b"this is not an HDF5 file\n" * 40)
    sys.exit(0)
with h5py.File(path, "w") as f:
    f.attrs["file_format"], f.attrs["file_format_version"] = "HyperSpy", "3.1"
    if case == "two_signals":
        signal(f, "EDX", (8, 8, 32), 2)
        signal(f, "HAADF", (8, 8, 32), 2)
    elif case == "four_d":
        signal(f, "EDX", (2, 6, 6, 32), 3)
    elif case == "signal_axis_1":
        signal(f, "EDX", (8, 8, 1), 2)
    elif case == "damaged_axes":
        signal(f, "EDX", (6, 8, 16), 2)
        g = f["Experiments/EDX"]
        g["data"][...] = np.random.default_rng(3).poisson(5.0, (6, 8, 16))
        g["axis-1"].attrs["scale"] = 2.0
        g["axis-2"].attrs["scale"] = "abc"
        g["axis-0"].attrs["offset"] = np.nan
    else:
        sys.exit("unknown case " + case)
