"""Assertions shared by the HyperSpy tests: the program's .hspy output, as hyperspy.api.load
opens it, against the HDF5 result file and the input signal's axes."""
import sys

import h5py
import numpy as np
import hyperspy.api as hs


def fail(msg):
    print("FAILED: %s" % msg, file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def close(a, b, tol, msg):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape and b.shape != ():
        fail("%s: shapes %s and %s" % (msg, a.shape, b.shape))
    err = np.max(np.abs(a - b)) if a.size else 0.0
    if not err <= tol:
        fail("%s: max difference %g > %g" % (msg, err, tol))


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def defined(v):
    """HyperSpy's undefined name or units (t.Undefined) and an empty string mean the same"""
    return "" if str(v) == "<undefined>" else str(v)


def same_axis(a, b, what):
    """a HyperSpy axis of the output against the input's"""
    check(defined(a.name) == defined(b.name), "%s: name %r, expected %r" % (what, a.name, b.name))
    check(defined(a.units) == defined(b.units), "%s: units %r, expected %r" % (what, a.units, b.units))
    check(a.size == b.size, "%s: size %d, expected %d" % (what, a.size, b.size))
    close(a.scale, b.scale, 1e-14 * abs(b.scale), what + ": scale")
    close(a.offset, b.offset, 1e-14 * max(1.0, abs(b.offset)), what + ": offset")


def check_output_hspy(result_h5, result_hspy, signal, title, signal_type):
    """The .hspy output loads as [factors, loadings], like HyperSpy's get_decomposition_factors()
    and get_decomposition_loadings() of the input signal, with the HDF5 result's values."""
    out = hs.load(result_hspy)
    check(isinstance(out, list) and len(out) == 2, "hs.load gives two signals, got %r" % (out,))
    factors, loadings = out
    with h5py.File(result_h5, "r") as r:
        GW, H = r["GW"][...], r["H"][...]
        losses = {k: r["losses"][k][...] for k in r["losses"]}
        attrs = dict(r.attrs)
        scree = r["scree"][...] if "scree" in r else None
    n, k = GW.shape
    am_in = signal.axes_manager
    # the factors: (k | n), the component index then the input's signal axis
    check(factors.data.shape == (k, n), "factors data shape %s, expected %s" % (factors.data.shape, (k, n)))
    fam = factors.axes_manager
    check(fam.navigation_dimension == 1 and fam.signal_dimension == 1, "factors are k spectra")
    check(fam.navigation_axes[0].name == "Decomposition component index" and fam.navigation_axes[0].size == k, "factors' navigation axis")
    same_axis(fam.signal_axes[0], am_in.signal_axes[0], "factors' signal axis")
    check(factors.metadata.General.title == "Decomposition factors of " + title, "factors' title %r" % factors.metadata.General.title)
    check(factors.metadata.Signal.signal_type == signal_type, "factors' signal_type %r" % factors.metadata.Signal.signal_type)
    close(factors.data, GW.T, 0.0, "factors = /GW transposed")
    # the loadings: (k | nx, ny), the component index then the input's navigation axes as signal axes
    check(loadings.data.shape == H.shape, "loadings data shape %s, expected %s" % (loadings.data.shape, H.shape))
    lam = loadings.axes_manager
    check(lam.navigation_dimension == 1 and lam.signal_dimension == H.ndim - 1, "loadings are k maps")
    check(lam.navigation_axes[0].name == "Decomposition component index" and lam.navigation_axes[0].size == k, "loadings' navigation axis")
    for i, (a, b) in enumerate(zip(lam.signal_axes, am_in.navigation_axes)):
        same_axis(a, b, "loadings' signal axis %d" % i)
    check(loadings.metadata.General.title == "Decomposition loadings of " + title, "loadings' title")
    close(loadings.data, H, 0.0, "loadings = /H")
    # the run in the metadata of both
    for sig in (factors, loadings):
        md = sig.metadata.SmoothNMF
        check(int(md.n_iter) == int(attrs["n_iter"]) and int(md.n_components) == k, "metadata n_iter, n_components")
        check(text(md.stop_reason) == text(attrs["stop_reason"]), "metadata stop_reason")
        close(md.lambda_L, attrs["lambda_L"], 0.0, "metadata lambda_L")
        close(md.reconstruction_err, attrs["reconstruction_err"], 0.0, "metadata reconstruction_err")
        for name, v in losses.items():
            close(md.losses[name], v, 0.0, "metadata losses/" + name)
        if scree is not None:
            close(md.scree, scree, 0.0, "metadata scree")
    return factors, loadings
