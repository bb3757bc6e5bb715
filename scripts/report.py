#!/usr/bin/python3
"""Turns a smoothnmf result file into one PNG: the k abundance maps (/H) on the input's
navigation axes, the k spectra (/GW) on its energy axis (with units when known), the loss
curve (/losses), when the run computed it (-nmf_scree N) the scree plot of X, and when it chose k
(-nmf_select_k KMIN:KMAX) the selection curves: the minimum and mean silhouettes and the relative
error by k, with the threshold and the suggested k.  The masks
of the fit (/masks, -navigation_mask and -signal_mask) are drawn: the excluded pixels outlined in
red on each map, the excluded channels shaded on the spectra.

usage: scripts/report.py RESULT.h5 [-o REPORT.png] [--dpi 100]

The picture is always 16 x 10 inches (1600 x 1000 pixels at the default 100 dpi).
Needs h5py and matplotlib (Debian: python3-h5py python3-matplotlib).
"""
import argparse
import math
import sys

import h5py
import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FIG_INCHES = (16.0, 10.0)
MAX_MAP_COLUMNS = 6


def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def read_axis(f, i, size, default_name):
    """/axes/axis-i of the result (the input's axes), or an uncalibrated axis."""
    axis = {"name": default_name, "units": "", "scale": 1.0, "offset": 0.0, "size": size}
    path = "axes/axis-%d" % i
    if path in f:
        a = f[path].attrs
        if text(a.get("name", "")):
            axis["name"] = text(a["name"])
        axis["units"] = text(a.get("units", ""))
        axis["scale"] = float(a.get("scale", 1.0))
        axis["offset"] = float(a.get("offset", 0.0))
    return axis


def label(axis):
    return "%s (%s)" % (axis["name"], axis["units"]) if axis["units"] else axis["name"]


def coordinates(axis):
    return axis["offset"] + axis["scale"] * np.arange(axis["size"])


def load(path):
    with h5py.File(path, "r") as f:
        for name in ("H", "GW", "losses"):
            if name not in f:
                raise ValueError("'%s' has no /%s: is it a smoothnmf result file?" % (path, name))
        r = {
            "H": f["H"][...],
            "GW": f["GW"][...],
            "losses": {k: f["losses"][k][...] for k in f["losses"]},
            "attrs": {k: f.attrs[k] for k in f.attrs},
            "scree": f["scree"][...] if "scree" in f else None,
            "sum_of_squares": float(f["scree"].attrs.get("sum_of_squares", 0.0)) if "scree" in f else 0.0,
            "title": text(f["axes"].attrs.get("title", "")) if "axes" in f else "",
            "nav_mask": f["masks/navigation"][...].astype(bool) if "masks/navigation" in f else None,
            "signal_mask": f["masks/signal"][...].astype(bool) if "masks/signal" in f else None,
            "select_k": None,
        }
        if "select_k/k" in f:
            g = f["select_k"]
            r["select_k"] = {name: g[name][...] for name in ("k", "silhouette_min", "silhouette_mean", "rel_error")}
            r["select_k"]["suggested"] = int(g.attrs["suggested_k"])
            r["select_k"]["threshold"] = float(g.attrs["threshold"])
        if r["nav_mask"] is not None:
            r["nav_mask"] = r["nav_mask"].reshape(r["H"].shape[1:])
        H, n = r["H"], r["GW"].shape[0]
        if H.ndim == 3:
            r["nav"] = [read_axis(f, 0, H.shape[1], "y"), read_axis(f, 1, H.shape[2], "x")]
            r["signal"] = read_axis(f, 2, n, "channel")
        else:
            r["nav"] = [read_axis(f, 0, H.shape[1], "pixel")]
            r["signal"] = read_axis(f, 1, n, "channel")
    return r


def plot_maps(fig, spec, r):
    H = r["H"]
    k = H.shape[0]
    ncols = min(k, MAX_MAP_COLUMNS)
    nrows = int(math.ceil(k / ncols))
    grid = spec.subgridspec(nrows, ncols, wspace=0.35, hspace=0.35)
    for c in range(k):
        ax = fig.add_subplot(grid[c // ncols, c % ncols])
        if H.ndim == 3:
            y, x = r["nav"]
            extent = [x["offset"] - 0.5 * x["scale"], x["offset"] + (x["size"] - 0.5) * x["scale"],
                      y["offset"] + (y["size"] - 0.5) * y["scale"], y["offset"] - 0.5 * y["scale"]]
            im = ax.imshow(H[c], extent=extent, cmap="viridis", interpolation="nearest", vmin=0)
            if r["nav_mask"] is not None and r["nav_mask"].any():  # the excluded pixels, outlined
                ax.contour(r["nav_mask"].astype(float), levels=[0.5], colors="red", linewidths=0.8,
                           extent=[extent[0], extent[1], extent[3], extent[2]], origin="upper")
            fig.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
            ax.set_xlabel(label(x), fontsize=8)
            ax.set_ylabel(label(y), fontsize=8)
        else:
            ax.plot(coordinates(r["nav"][0]), H[c], lw=0.8)
            ax.set_xlabel(label(r["nav"][0]), fontsize=8)
        ax.set_title("map %d" % c, fontsize=10)
        ax.tick_params(labelsize=7)


def plot_spectra(ax, r):
    GW, sig = r["GW"], r["signal"]
    e = coordinates(sig)
    for c in range(GW.shape[1]):
        ax.plot(e, GW[:, c], lw=0.9, label="spectrum %d" % c)
    if r["signal_mask"] is not None and r["signal_mask"].any():  # the excluded channels, shaded
        half = 0.5 * abs(sig["scale"])
        for i in np.flatnonzero(r["signal_mask"]):
            ax.axvspan(e[i] - half, e[i] + half, color="0.85", lw=0, zorder=0)
        ax.plot([], [], color="0.85", lw=6, label="masked channels")
    ax.set_xlabel(label(sig))
    ax.set_ylabel("intensity")
    ax.set_title("spectra (GW)")
    ax.legend(fontsize=8)


def plot_losses(ax, r):
    losses = r["losses"]
    it = np.arange(1, len(losses["full_loss"]) + 1)
    for name in ("full_loss", "KL_div_loss"):
        if name in losses and len(losses[name]):
            ax.plot(it, losses[name], lw=1.2, label=name)
    values = np.concatenate([losses[n] for n in ("full_loss", "KL_div_loss") if n in losses])
    if values.size and np.all(values > 0):
        ax.set_yscale("log")
    a = r["attrs"]
    ax.set_title("losses (%s after %s iterations)" % (text(a.get("stop_reason", "?")), text(a.get("n_iter", "?"))))
    ax.set_xlabel("iteration")
    ax.legend(fontsize=8)


def plot_scree(ax, r):
    S, total = r["scree"], r["sum_of_squares"]
    idx = np.arange(len(S))
    if total > 0:
        ax.semilogy(idx, S ** 2 / total, "o-", ms=4)
        ax.set_ylabel("explained variance ratio")
    else:
        ax.semilogy(idx, S, "o-", ms=4)
        ax.set_ylabel("singular value")
    k = r["H"].shape[0]
    ax.axvline(k - 0.5, color="gray", ls="--", lw=0.8)
    ax.set_xlabel("component index (n_components = %d)" % k)
    ax.set_title("scree of X")


def plot_select_k(ax, r):
    t = r["select_k"]
    ax.plot(t["k"], t["silhouette_min"], "o-", ms=4, label="silhouette (min)")
    ax.plot(t["k"], t["silhouette_mean"], "s--", ms=3, lw=0.9, label="silhouette (mean)")
    ax.axhline(t["threshold"], color="gray", ls=":", lw=0.8)
    ax.axvline(t["suggested"], color="red", ls="--", lw=0.8, label="suggested k = %d" % t["suggested"])
    ax.set_ylim(min(-0.2, float(np.min(t["silhouette_min"])) - 0.05), 1.05)
    ax.set_xlabel("n_components")
    ax.set_ylabel("silhouette")
    err = ax.twinx()
    err.plot(t["k"], t["rel_error"], "^-", color="C2", ms=4, lw=0.9, label="relative error")
    err.set_ylabel("relative error", color="C2")
    err.tick_params(axis="y", labelcolor="C2", labelsize=7)
    lines = ax.get_legend_handles_labels()
    more = err.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], fontsize=7, loc="lower left")
    ax.set_title("choosing k by stability (select_k)")


def report(path, out, dpi):
    r = load(path)
    fig = plt.figure(figsize=FIG_INCHES, dpi=dpi)
    outer = fig.add_gridspec(2, 1, height_ratios=[1.15, 1.0], hspace=0.3, left=0.05, right=0.98, top=0.91, bottom=0.07)
    plot_maps(fig, outer[0], r)
    panels = ["maps", "spectra", "losses"]
    if r["scree"] is not None and len(r["scree"]) > 0:
        panels.append("scree")
    if r["select_k"] is not None:
        panels.append("select_k")
    bottom = outer[1].subgridspec(1, len(panels) - 1, width_ratios=[2] + [1] * (len(panels) - 2), wspace=0.3)
    draw = {"spectra": plot_spectra, "losses": plot_losses, "scree": plot_scree, "select_k": plot_select_k}
    for j, name in enumerate(panels[1:]):
        draw[name](fig.add_subplot(bottom[j]), r)
    a = r["attrs"]
    title = "smoothnmf: %s, k = %s" % (r["title"] or text(a.get("input", path)), text(a.get("n_components", r["H"].shape[0])))
    if "reconstruction_err" in a:
        title += ", reconstruction error %.6g" % float(a["reconstruction_err"])
    fig.suptitle(title, fontsize=13)
    fig.savefig(out, dpi=dpi)  # a fixed size: no tight bounding box
    plt.close(fig)
    return panels


def main(argv):
    p = argparse.ArgumentParser(description="One PNG from a smoothnmf result file: maps, spectra, losses (and the scree).")
    p.add_argument("result", help="the result file written by smoothnmf -o")
    p.add_argument("-o", "--output", help="the PNG to write (default: RESULT with .png)")
    p.add_argument("--dpi", type=int, default=100, help="pixels per inch (the figure is 16 x 10 inches)")
    args = p.parse_args(argv)
    out = args.output or (args.result.rsplit(".", 1)[0] + ".png")
    try:
        panels = report(args.result, out, args.dpi)
    except (OSError, ValueError, KeyError) as e:
        print("report.py: error: %s" % e, file=sys.stderr)
        return 1
    print("wrote %s (%s)" % (out, ", ".join(panels)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
