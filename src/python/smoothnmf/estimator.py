"""smoothnmf.SmoothNMF: espm's SmoothNMF estimator, computed by the C library in this process.

The parameters that the C library has (n_components, lambda_L, mu, ..., espm's names) are read
from its parameter table: their defaults, their help and their checks are the library's, and
described there once.  The parameters below are the ones only the estimator has.
"""
import inspect
import numbers
import warnings

import numpy as np
import scipy.sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_array, check_is_fitted

from . import _core

try:  # scikit-learn >= 1.6
    from sklearn.utils.validation import validate_data as _sk_validate_data
except ImportError:  # Debian 12's scikit-learn 1.2
    _sk_validate_data = None

#: the parameters of the library's table (espm's names), in its order
LIBRARY_PARAMS = _core.param_table()

#: the parameters only the estimator has: name, default, help
ESTIMATOR_PARAMS = [
    ("G", None, "known G (n, m): an array, or a callable returning one (espm's G); None: the identity, never stored"),
    ("shape_2d", None, "the image shape (ny, nx) of the pixels (the Laplacian acts on it); None: a list of pixels"),
    ("true_D", None, "ground-truth spectra (n, k): adds ang_pI, mse_pI and true_KL_loss to get_losses()"),
    ("true_H", None, "ground-truth maps (k, p), with true_D"),
    ("fixed_H", None, "mask (k, p) of H: entries >= 0 are held at that value"),
    ("fixed_W", None, "mask (m, k) of W: entries >= 0 are held at that value"),
    ("navigation_mask", None, "pixels (p,) left out of the data term, True = excluded (HyperSpy's navigation_mask); "
                              "the Laplacian fills them in with lambda_L > 0, else their loadings are NaN"),
    ("signal_mask", None, "channels (n,) left out of the data term, True = excluded (HyperSpy's signal_mask); "
                          "with the identity G the spectra are NaN there"),
    ("hspy_comp", False, "HyperSpy's orientation: X is (pixels, channels), fit_transform returns the loadings "
                         "H^T and components_ the spectra (GW)^T"),
    ("comm", None, "an mpi4py communicator: the ranks that factorize one map together (default MPI.COMM_SELF)"),
    ("pixels_distributed", False, "with comm: each rank passes its own consecutive block of pixels (in image order, "
                                  "ranks in order) and gets H for those pixels; False: every rank passes the whole map"),
]

_LIBRARY_NAMES = [p["name"] for p in LIBRARY_PARAMS]
_DEFAULTS = {p["name"]: p["default"] for p in LIBRARY_PARAMS}
_DEFAULTS.update({name: default for name, default, _ in ESTIMATOR_PARAMS})
_PARAM_ORDER = _LIBRARY_NAMES + [name for name, _, _ in ESTIMATOR_PARAMS]


def _param_doc():
    lines = []
    for p in LIBRARY_PARAMS:
        lines.append(f"    {p['name']} : {p['kind']}, default={p['default']!r}\n        {p['help']}")
    for name, default, help_ in ESTIMATOR_PARAMS:
        lines.append(f"    {name} : default={default!r}\n        {help_}")
    return "\n".join(lines)


# ---------------------------------------------------------------- checks of Python types

def _mask(m, name, total, r0, mine):
    """A mask as float 0/1 values for the library: booleans or 0/1 numbers, one per pixel (all p,
    or this rank's when pixels_distributed) or per channel."""
    a = np.asarray(m)
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold booleans or 0/1 numbers, not {a.dtype}")
    a = a.reshape(-1).astype(np.float64)
    if a.size == total and mine != total:
        a = a[r0:r0 + mine]  # the whole mask given: this rank's pixels
    if a.size != mine:
        raise ValueError(f"{name} has {a.size} values, expected {total} (one per {'channel' if name == 'signal_mask' else 'pixel'})")
    bad = np.flatnonzero((a != 0) & (a != 1))
    if bad.size:
        raise ValueError(f"{name} has the value {a[bad[0]]!r} at {bad[0] + r0}: a mask holds True (excluded) or False")
    return np.ascontiguousarray(a)

def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, (bool, np.bool_))


def _is_real(v):
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def _library_value(p, v):
    """The value of a library parameter as the binding takes it; TypeError naming it otherwise."""
    name, kind = p["name"], p["kind"]
    if kind == "int":
        if not _is_int(v):
            raise TypeError(f"{name} must be an integer, not {type(v).__name__}")
        return int(v)
    if kind == "real":
        if not _is_real(v):
            raise TypeError(f"{name} must be a number, not {type(v).__name__}")
        return float(v)
    if kind == "reals":
        a = np.asarray(v, dtype=object).ravel() if not _is_real(v) else np.array([v], dtype=object)
        if a.size == 0 or not all(_is_real(x) for x in a):
            raise TypeError(f"{name} must be a number or a sequence of numbers, not {v!r}")
        return [float(x) for x in a]
    if kind == "bool":
        if not isinstance(v, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, not {v!r}")
        return bool(v)
    if kind == "init":
        if v is None:
            return "default"
        if not isinstance(v, str):
            raise TypeError(f"{name} must be None or a string, not {type(v).__name__}")
        return v
    if kind == "seed":
        if isinstance(v, np.random.RandomState):
            return int(v.randint(np.iinfo(np.int32).max))
        if isinstance(v, np.random.Generator):
            return int(v.integers(np.iinfo(np.int32).max))
        if not _is_int(v):
            raise TypeError(f"{name} must be None, an integer or a numpy RandomState, not {type(v).__name__}")
        return int(v)
    if kind == "type":
        if not isinstance(v, str):
            raise TypeError(f"{name} must be a string (one of {', '.join(_core.registered_types())}), not {type(v).__name__}")
        return v
    raise TypeError(f"{name}: unknown kind {kind}")


def _matrix(v, name):
    """A small replicated matrix (G, W, masks, truths) as a float64 2-D array."""
    try:
        a = np.asarray(v, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a 2-D array of numbers, not {type(v).__name__}") from None
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array, not {a.ndim}-D of shape {a.shape}")
    return a


def _comm_of(comm):
    from mpi4py import MPI
    if comm is None:
        return MPI.COMM_SELF
    if isinstance(comm, MPI.Comm):
        return comm
    if hasattr(comm, "tompi4py"):  # a petsc4py PETSc.Comm
        return comm.tompi4py()
    raise TypeError(f"comm must be an mpi4py communicator, not {type(comm).__name__}")


class SmoothNMF(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):  # no set_output wrapping: transform exists with hspy_comp only
    # the docstring is completed below from the parameter table
    """espm's SmoothNMF on the smoothnmf C library (doc/python.md).

    X (n channels x p pixels) ~ G W H with espm's generalized KL loss, Laplacian smoothness
    (lambda_L) and log sparsity (mu) penalties on H, and each pixel's abundances on the simplex
    (force_simplex).  X is (n, p), or (p, n) with hspy_comp=True.  Fitted attributes as espm's:
    W_, H_, G_, components_, n_components_, n_iter_, const_KL_, losses_, reconstruction_err_,
    and get_losses(); also stop_reason_, fit_seconds_, init_seconds_, seed_ (the random_state
    used), scree_ (with scree > 0), norm_factor_ (with normalize).

    Parameters
    ----------
"""

    def __init__(self, **params):
        unknown = set(params) - set(_PARAM_ORDER)
        if unknown:
            raise TypeError(f"SmoothNMF() got an unexpected keyword argument '{sorted(unknown)[0]}'")
        for name in _PARAM_ORDER:
            setattr(self, name, params.get(name, _DEFAULTS[name]))

    def _more_tags(self):
        return {"requires_positive_X": True, "X_types": ["2darray"]}

    def __sklearn_tags__(self):  # scikit-learn >= 1.6
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        return tags

    # ------------------------------------------------------------ input

    def _validate_X(self, X, reset):
        kw = dict(dtype="numeric", force_all_finite=False, accept_sparse=False, ensure_2d=True)
        if self.hspy_comp:
            X = _sk_validate_data(self, X, reset=reset, **kw) if _sk_validate_data else self._validate_data(X, reset=reset, **kw)
        else:  # samples are the channels: sklearn's n_features_in_ is the pixels
            X = check_array(X, **kw)
            if reset:
                self.n_features_in_ = X.shape[1]
        if X.dtype == np.bool_:
            X = X.view(np.uint8)
        elif X.dtype.kind == "f" and X.dtype.itemsize not in (4, 8):
            X = X.astype(np.float64)
        elif X.dtype.kind not in "uif":
            raise TypeError(f"X has dtype {X.dtype}: expected an integer or float dtype")
        if not X.dtype.isnative:
            X = X.astype(X.dtype.newbyteorder("="))
        return X

    def _pixel_layout(self, X, comm):
        """(pixel_axis, the rank's first pixel, the map's pixels)"""
        axis = 0 if self.hspy_comp else 1
        mine = X.shape[axis]
        if not self.pixels_distributed or comm.Get_size() == 1:
            return axis, 0, mine
        from mpi4py import MPI
        r0 = comm.exscan(mine, op=MPI.SUM) or 0
        return axis, r0, comm.allreduce(mine, op=MPI.SUM)

    def _new_solver(self, comm, **overrides):
        """A library object with this estimator's parameters (the library's setters check them)."""
        s = _core.NMF(comm)
        for p in LIBRARY_PARAMS:
            name = p["name"]
            v = overrides.get(name, getattr(self, name))
            if v is None and p["kind"] in ("seed", "reals"):
                continue  # the library's default: drawn seed, the type's gamma
            s.setParam(name, _library_value(p, v))
        return s

    def _set_shape(self, s, p, shape_2d):
        if shape_2d is None:
            return
        try:
            ny, nx = shape_2d
        except (TypeError, ValueError):
            raise ValueError(f"shape_2d must be a pair (ny, nx), not {shape_2d!r}") from None
        if not (_is_int(ny) and _is_int(nx)):
            raise TypeError(f"shape_2d must be a pair of integers, not {shape_2d!r}")
        if int(ny) * int(nx) != p:
            hint = (" (HyperSpy's EDS decomposition leaves out vacuum pixels by default: give it navigation_mask=None,"
                    " or use smoothnmf.decomposition)") if p < int(ny) * int(nx) else ""
            raise ValueError(f"shape_2d = {tuple(shape_2d)} has {int(ny) * int(nx)} pixels but X has {p}{hint}")
        s.setImageShape(int(ny), int(nx))

    def _check_params(self):
        for name in ("hspy_comp", "pixels_distributed"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, not {getattr(self, name)!r}")
        for p in LIBRARY_PARAMS:  # the Python types; the values are the library's to check
            v = getattr(self, p["name"])
            if not (v is None and p["kind"] in ("seed", "reals")):
                _library_value(p, v)

    # ------------------------------------------------------------ fit

    def select_k(self, X, k_range, resamples=10, threshold=0.8, resampling="poisson", noise=0.03, min_improvement=0.0):
        """Chooses n_components by stability (NMFk, doc/select_k.md), then fits the suggested k.

        For each k of k_range = (kmin, kmax), the fit of X and `resamples` fits of resampled copies
        of X (resampling "poisson": the counts drawn again; "uniform": X (1 + noise u)), with this
        estimator's parameters; the spectra matched into k groups.  The suggestion is the largest k
        whose minimum silhouette reaches `threshold` and whose relative error still falls (by more
        than the fraction min_improvement).  Sets select_k_ (a dict of arrays: k, silhouette_min,
        silhouette_mean, rel_error, loss, and suggested_k) and the fitted attributes of the
        suggested k (n_components_; the parameter n_components is left as it is); returns self."""
        try:
            kmin, kmax = k_range
        except (TypeError, ValueError):
            raise ValueError(f"k_range must be a pair (kmin, kmax), not {k_range!r}") from None
        if not (_is_int(kmin) and _is_int(kmax) and _is_int(resamples)):
            raise TypeError("k_range and resamples must be integers")
        self._select = (int(kmin), int(kmax), int(resamples), float(threshold), str(resampling), float(noise), float(min_improvement))
        try:
            self.fit_transform(X)
        finally:
            del self._select
        return self

    def fit_transform(self, X, y=None, W=None, H=None):
        """Learns W and H of X (n, p), or (p, n) with hspy_comp; returns GW (n, k), or the loadings
        H^T (p, k) with hspy_comp.  W (m, k) and H (k, p) are optional starting values."""
        self._check_params()
        comm = _comm_of(self.comm)
        X = self._validate_X(X, reset=True)
        axis, r0, p = self._pixel_layout(X, comm)
        p_mine = X.shape[axis]
        n = X.shape[1 - axis]

        s = self._new_solver(comm)
        self._set_shape(s, p, self.shape_2d)
        s.setDataArray(X, axis, p, r0)
        G = self.G() if callable(self.G) else self.G
        if G is not None:
            s.setG(_matrix(G, "G"))
        if W is not None:
            s.setInitialW(_matrix(W, "W"))
        if H is not None:
            s.setInitialH(np.ascontiguousarray(_matrix(H, "H").T), r0)
        if W is not None or H is not None:
            s.setParam("init", "custom")
        if self.fixed_W is not None:
            s.setFixedW(_matrix(self.fixed_W, "fixed_W"))
        if self.fixed_H is not None:
            s.setFixedH(np.ascontiguousarray(_matrix(self.fixed_H, "fixed_H").T), r0)
        if self.navigation_mask is not None:
            s.setNavigationMask(_mask(self.navigation_mask, "navigation_mask", p, r0, p_mine), r0)
        if self.signal_mask is not None:
            s.setSignalMask([bool(v) for v in _mask(self.signal_mask, "signal_mask", n, 0, n)])
        if (self.true_D is None) != (self.true_H is None):
            raise ValueError("a ground truth needs both true_D and true_H")
        if self.true_D is not None:
            D, T = _matrix(self.true_D, "true_D"), _matrix(self.true_H, "true_H")
            if D.shape[1] == self.n_components and T.shape[0] == self.n_components:
                s.setTruth(D, np.ascontiguousarray(T.T), r0)
            else:  # as espm
                warnings.warn("The chosen number of components does not match the number of components of the "
                              "provided truth. The ground truth will be ignored.")
        select = getattr(self, "_select", None)
        if select is not None:
            s.selectK(*select)
            if s.interrupted():
                s.raiseInterrupt()
            self.select_k_ = s.getSelectKTable()
        s.solve()
        self._keep_results(s, X, r0, p_mine, n, G)
        if s.interrupted():
            s.raiseInterrupt()  # KeyboardInterrupt, the fitted attributes those of the last iteration
        if self.hspy_comp:
            return self.H_.T.copy()
        return self.G_ @ self.W_

    def fit(self, X, y=None, **params):
        """Learns W and H of X; returns self."""
        self.fit_transform(X, **params)
        return self

    def _keep_results(self, s, X, r0, p_mine, n, G):
        self.W_ = s.getW()
        self.H_ = np.ascontiguousarray(s.getH(r0, r0 + p_mine).T)
        self.G_ = _matrix(G, "G") if G is not None else scipy.sparse.identity(n, format="dia")
        GW = s.getGW()
        self.n_components_ = self.H_.shape[0]
        self.components_ = GW.T.copy() if self.hspy_comp else self.H_
        self.n_iter_ = s.getIterationNumber()
        self.stop_reason_ = s.getConvergedReason()
        table, names = s.getLosses()
        self._loss_table, self._loss_names = table, names
        self.losses_ = table[:, 0].tolist() if table.size else []
        self.const_KL_ = None if self.l2 else s.getConstKL()
        self.reconstruction_err_ = s.getReconstructionError()
        self.init_seconds_, self.fit_seconds_ = s.getTimes()
        self.seed_ = s.getParam("random_state")
        if self.normalize:
            self.norm_factor_ = s.getNormFactor()
        if self.scree:
            self.scree_, self.scree_sum_squares_ = s.getScree()
        self._X_fit = X  # a reference, for loss(X=None); not a copy

    # ------------------------------------------------------------ using a fit

    def _solver_from_fit(self, comm):
        """An object holding the fitted W (and G) and the parameters, for NMFTransformCreate."""
        s = self._new_solver(comm, random_state=self.seed_)
        if not isinstance(self.G_, scipy.sparse.spmatrix):
            s.setG(self.G_)
        s.setInitialW(self.W_)
        return s

    def abundances(self, X, shape_2d=None):
        """H (k, p') of a new map X (the fitted orientation) with the learned W held: the same
        regularizers; shape_2d the new map's image shape (default: the fitted one if the pixel
        count matches)."""
        check_is_fitted(self)
        comm = _comm_of(self.comm)
        X = self._validate_X(X, reset=False)
        axis, r0, p = self._pixel_layout(X, comm)
        if shape_2d is None and self.shape_2d is not None and int(np.prod(self.shape_2d)) == p:
            shape_2d = self.shape_2d
        t = self._solver_from_fit(comm).transformCreate()
        self._set_shape(t, p, shape_2d)
        t.setDataArray(X, axis, p, r0)
        t.solve()
        H = np.ascontiguousarray(t.getH(r0, r0 + X.shape[axis]).T)
        if t.interrupted():
            t.raiseInterrupt()
        return H

    @available_if(lambda self: self.hspy_comp)
    def transform(self, X):
        """The loadings H^T (p', k) of new pixels X (p', n) with the learned W held (hspy_comp;
        abundances() in either orientation)."""
        return self.abundances(X).T.copy()

    def inverse_transform(self, W):
        """G W H (n, p), as espm."""
        check_is_fitted(self)
        return self.G_ @ np.asarray(W) @ self.H_

    def loss(self, W, H, average=True, X=None):
        """espm's loss(W, H): the full loss (data term + const_KL + penalties) of X (default: the
        fitted X, prepared as in the fit), divided by n p when average."""
        check_is_fitted(self)
        comm = _comm_of(self.comm)
        X = self._X_fit if X is None else self._validate_X(X, reset=False)
        axis, r0, p = self._pixel_layout(X, comm)
        s = self._new_solver(comm, random_state=self.seed_, init="random", scree=0)
        self._set_shape(s, p, self.shape_2d)
        s.setDataArray(X, axis, p, r0)
        if not isinstance(self.G_, scipy.sparse.spmatrix):
            s.setG(self.G_)
        Hm = _matrix(H, "H")
        full = s.computeLoss(_matrix(W, "W"), np.ascontiguousarray(Hm.T), r0)[0]
        n = X.shape[1 - axis]
        return full if average else full * n * p

    def get_losses(self):
        """espm's table of the iterations: a structured array, one field per loss column."""
        check_is_fitted(self)
        dt = np.dtype([(name, "float64") for name in self._loss_names])
        out = np.zeros(self._loss_table.shape[0], dtype=dt)
        for j, name in enumerate(self._loss_names):
            out[name] = self._loss_table[:, j]
        return out


SmoothNMF.__init__.__signature__ = inspect.Signature(
    [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    + [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=_DEFAULTS[name]) for name in _PARAM_ORDER])
SmoothNMF.__doc__ += _param_doc() + "\n"
