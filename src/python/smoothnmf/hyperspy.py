"""HyperSpy helpers: the image shape of a spectrum image, and its decomposition by SmoothNMF."""


def shape_2d_of(signal):
    """The (ny, nx) image shape of a HyperSpy signal's navigation axes (2-D navigation), or None
    for a 1-D navigation (a line of pixels: no Laplacian image)."""
    shape = signal.axes_manager.navigation_shape  # HyperSpy's order: (nx, ny)
    if len(shape) == 2:
        return (shape[1], shape[0])
    if len(shape) <= 1:
        return None
    raise ValueError(f"the signal has {len(shape)} navigation dimensions: SmoothNMF takes a line or an image of pixels")


def decomposition(signal, return_info=True, normalize_poissonian_noise=False, navigation_mask=None, **params):
    """signal.decomposition with SmoothNMF(**params, hspy_comp=True), shape_2d taken from the
    signal's navigation axes unless given; returns the fitted estimator (return_info=True).
    HyperSpy decomposes float data only: integer counts are converted in place with
    signal.change_dtype("float64"), as HyperSpy asks (the program reads them as they are).
    HyperSpy's Poisson-noise rescaling (on by default for EDS signals, a PCA preprocessing) is
    off unless asked: the KL loss is the Poisson model already.  Every pixel is kept (HyperSpy's
    EDS signals leave out vacuum pixels by default, which breaks the image the Laplacian needs)
    unless a navigation_mask is given."""
    import numpy as np
    from .estimator import SmoothNMF
    if not np.issubdtype(signal.data.dtype, np.floating):
        signal.change_dtype("float64")
    params.setdefault("shape_2d", shape_2d_of(signal))
    params["hspy_comp"] = True
    est = SmoothNMF(**params)
    signal.decomposition(algorithm=est, return_info=return_info, normalize_poissonian_noise=normalize_poissonian_noise,
                         navigation_mask=navigation_mask)
    return est if return_info else None  # (HyperSpy 1.7's EDS_TEM.decomposition returns nothing)
