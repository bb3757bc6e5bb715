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


def decomposition(signal, return_info=True, **params):
    """signal.decomposition with SmoothNMF(**params, hspy_comp=True), shape_2d taken from the
    signal's navigation axes unless given; returns the fitted estimator (return_info=True)."""
    from .estimator import SmoothNMF
    params.setdefault("shape_2d", shape_2d_of(signal))
    params["hspy_comp"] = True
    est = SmoothNMF(**params)
    return signal.decomposition(algorithm=est, return_info=return_info)
