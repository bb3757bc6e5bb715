"""smoothnmf: espm's SmoothNMF (regularized NMF of hyperspectral maps) on a distributed C++
solver, in this Python process, on one rank or many (doc/python.md).

    from smoothnmf import SmoothNMF
    est = SmoothNMF(n_components=3, lambda_L=1.0, shape_2d=(ny, nx), hspy_comp=True)
    s.decomposition(algorithm=est, return_info=True)     # a HyperSpy signal

smoothnmf.NMF is the C library's object itself, in slepc4py's manner, for applications on
petsc4py; smoothnmf.Error is raised for a library error that is not a bad argument.
"""
from mpi4py import MPI  # noqa: F401  (MPI first, then PETSc, as petsc4py asks)
from petsc4py import PETSc  # noqa: F401  (initializes PETSc, which the library uses)

import signal as _signal
import threading as _threading

# PETSc's signal handler (installed by petsc4py's PetscInitialize) takes SIGINT from Python:
# give Ctrl-C back to Python, so that it stops a fit with a KeyboardInterrupt
if _threading.current_thread() is _threading.main_thread() and _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
    _signal.signal(_signal.SIGINT, _signal.default_int_handler)

from . import _core
from ._core import NMF, Error
from .estimator import SmoothNMF
from .hyperspy import decomposition, shape_2d_of

__version__ = _core.version
__all__ = ["SmoothNMF", "NMF", "Error", "decomposition", "shape_2d_of", "__version__"]
