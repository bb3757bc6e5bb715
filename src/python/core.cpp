/* smoothnmf._core: the NMF object for Python, in the manner of slepc4py (a class over the PETSc
   object, camelCase methods named after the C functions), on numpy arrays, mpi4py communicators
   and petsc4py Mats.  The estimator (smoothnmf/estimator.py) is written on top of it.

   Each call runs with an error handler that keeps the library's one-line message instead of
   printing a traceback; a PETSc error becomes a Python exception (ValueError for a bad argument,
   OSError for a file, MemoryError, else smoothnmf.Error) and never ends the interpreter.  The
   library's printing (the progress lines of verbose) goes to Python's sys.stdout, so a notebook
   shows it.  NMFSolve runs without the GIL (other Python threads go on); Ctrl-C during it stops
   the fit after the current iteration (every rank, together) and raises KeyboardInterrupt. */
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <mpi4py/mpi4py.h>
#include <petsc4py/petsc4py.h>
#include <slepcsys.h>
#include <smoothnmf.h>
#include <smoothnmf/private/nmfimpl.h>

#include <cmath>
#include <cstdarg>
#include <string>
#include <thread>
#include <vector>

namespace py = pybind11;

/* ---------------------------------------------------------------- errors and printing */

struct SolverError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

static std::string first_message; /* the first line of the error being raised */

static PetscErrorCode KeepMessage(MPI_Comm comm, int line, const char *fun, const char *file, PetscErrorCode n, PetscErrorType p, const char *mess, void *ctx)
{
  if (p != PETSC_ERROR_INITIAL || !first_message.empty()) return n;
  const char *text = mess;
  if (!text || !text[0] || !strcmp(text, " ")) PetscErrorMessage(n, &text, NULL);
  first_message = text ? text : "unknown error";
  return n;
}

static PetscErrorCode (*saved_vfprintf)(FILE *, const char[], va_list) = nullptr;

/* PETSc's printing to stdout, into Python's sys.stdout (a notebook's cell) */
static PetscErrorCode PythonVFPrintf(FILE *fd, const char format[], va_list args)
{
  if (fd != PETSC_STDOUT) return saved_vfprintf(fd, format, args);
  va_list copy;
  va_copy(copy, args);
  const int len = vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string text(len > 0 ? (size_t)len : 0, '\0');
  if (len > 0) vsnprintf(&text[0], (size_t)len + 1, format, args);
  py::gil_scoped_acquire gil;                             /* NMFSolve runs without the GIL */
  PyObject              *out = PySys_GetObject("stdout"); /* borrowed */
  if (out && out != Py_None) {
    PyObject *r = PyObject_CallMethod(out, "write", "s", text.c_str());
    if (!r) PyErr_Clear();
    Py_XDECREF(r);
  } else
    fputs(text.c_str(), stdout);
  return 0;
}

/* PETSc is not thread-safe, and NMFSolve runs without the GIL: a call from a second Python thread
   while one is inside the library is refused (the GIL guards these two) */
static std::thread::id library_owner;
static int             library_depth = 0;

/* the scope of one call into the library (the outermost one installs the handler and the printing) */
struct LibraryCall {
  LibraryCall()
  {
    if (library_depth > 0 && library_owner != std::this_thread::get_id()) throw SolverError("another Python thread is inside smoothnmf's library (PETSc is not thread-safe): one fit at a time per process");
    if (library_depth++ > 0) return;
    library_owner = std::this_thread::get_id();
    first_message.clear();
    PetscPushErrorHandler(KeepMessage, nullptr);
    saved_vfprintf = PetscVFPrintf;
    PetscVFPrintf  = PythonVFPrintf;
  }
  ~LibraryCall()
  {
    if (--library_depth > 0) return;
    PetscVFPrintf = saved_vfprintf;
    PetscPopErrorHandler();
  }
};

[[noreturn]] static void Raise(PetscErrorCode ierr)
{
  std::string msg = first_message.empty() ? "PETSc error " + std::to_string((int)ierr) : first_message;
  switch (ierr) {
  case PETSC_ERR_ARG_SIZ:
  case PETSC_ERR_ARG_WRONG:
  case PETSC_ERR_ARG_OUTOFRANGE:
  case PETSC_ERR_ARG_INCOMP:
  case PETSC_ERR_ARG_NULL:
  case PETSC_ERR_ARG_UNKNOWN_TYPE:
  case PETSC_ERR_ARG_NOTSAMECOMM:
  case PETSC_ERR_ARG_WRONGSTATE:
  case PETSC_ERR_ARG_TYPENOTSET: throw py::value_error(msg);
  case PETSC_ERR_FILE_OPEN:
  case PETSC_ERR_FILE_READ:
  case PETSC_ERR_FILE_WRITE:
  case PETSC_ERR_FILE_UNEXPECTED: PyErr_SetString(PyExc_OSError, msg.c_str()); throw py::error_already_set();
  case PETSC_ERR_MEM: PyErr_SetString(PyExc_MemoryError, msg.c_str()); throw py::error_already_set();
  default: throw SolverError(msg);
  }
}

#define CALL(expr)           \
  do {                       \
    PetscErrorCode ierr_;    \
    {                        \
      LibraryCall scope_;    \
      ierr_ = (expr);        \
    }                        \
    if (ierr_) Raise(ierr_); \
  } while (0)

/* ---------------------------------------------------------------- helpers */

static MPI_Comm CommOf(py::object comm)
{
  if (comm.is_none()) return PETSC_COMM_WORLD;
  MPI_Comm *c = PyMPIComm_Get(comm.ptr());
  if (!c) throw py::error_already_set();
  return *c;
}

using Doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;

static NMFArrayType ArrayTypeOf(const py::array &x)
{
  const py::dtype dt   = x.dtype();
  const char      kind = dt.kind();
  const ssize_t   size = dt.itemsize();
  if (kind == 'f' && size == 8) return NMF_ARRAY_FLOAT64;
  if (kind == 'f' && size == 4) return NMF_ARRAY_FLOAT32;
  if (kind == 'u' && size == 1) return NMF_ARRAY_UINT8;
  if (kind == 'u' && size == 2) return NMF_ARRAY_UINT16;
  if (kind == 'u' && size == 4) return NMF_ARRAY_UINT32;
  if (kind == 'u' && size == 8) return NMF_ARRAY_UINT64;
  if (kind == 'i' && size == 1) return NMF_ARRAY_INT8;
  if (kind == 'i' && size == 2) return NMF_ARRAY_INT16;
  if (kind == 'i' && size == 4) return NMF_ARRAY_INT32;
  if (kind == 'i' && size == 8) return NMF_ARRAY_INT64;
  throw py::type_error("the data has dtype " + py::str(py::object(dt)).cast<std::string>() + ": expected an integer or float dtype");
}

/* ---------------------------------------------------------------- Ctrl-C */

/* After each iteration: a pending Ctrl-C (Python's SIGINT handler raises KeyboardInterrupt) on
   any rank stops every rank after this iteration. */
struct InterruptState {
  bool      interrupted = false;
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
};

static PetscErrorCode MonitorSignals(NMF nmf, PetscInt it, void *ctx)
{
  auto *s    = (InterruptState *)ctx;
  int   mine = 0, any = 0;

  PetscFunctionBegin;
  {
    py::gil_scoped_acquire gil; /* NMFSolve runs without the GIL, so that other Python threads go on */
    if (PyErr_CheckSignals() < 0) {
      mine = 1;
      if (!s->type) PyErr_Fetch(&s->type, &s->value, &s->traceback);
      PyErr_Clear();
    }
  }
  PetscCallMPI(MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, PetscObjectComm((PetscObject)nmf)));
  if (any) {
    s->interrupted = true;
    PetscCall(NMFInterrupt(nmf));
  }
  PetscFunctionReturn(0);
}

/* ---------------------------------------------------------------- the object */

class PyNMF {
public:
  NMF            nmf = nullptr;
  InterruptState interrupt;

  explicit PyNMF(py::object comm)
  {
    CALL(NMFCreate(CommOf(comm), &nmf));
    AddSignalMonitor();
  }
  explicit PyNMF(NMF existing) : nmf(existing) { AddSignalMonitor(); }
  ~PyNMF()
  {
    ClearInterrupt();
    if (nmf) try {
        LibraryCall scope;
        NMFDestroy(&nmf);
      } catch (const SolverError &) { /* another thread is inside the library: leave it (never happens but in a garbage collection of such a moment) */
      }
  }
  NMF Get() const
  {
    if (!nmf) throw py::value_error("the NMF object was destroyed");
    return nmf;
  }
  void Destroy()
  {
    if (nmf) CALL(NMFDestroy(&nmf));
  }
  void ClearInterrupt()
  {
    Py_XDECREF(interrupt.type);
    Py_XDECREF(interrupt.value);
    Py_XDECREF(interrupt.traceback);
    interrupt = InterruptState();
  }

  MPI_Comm Comm() const { return PetscObjectComm((PetscObject)Get()); }
  int      Rank() const
  {
    int r;
    MPI_Comm_rank(Comm(), &r);
    return r;
  }
  int Size() const
  {
    int s;
    MPI_Comm_size(Comm(), &s);
    return s;
  }

  /* a parameter of the table, by espm's name: the setter checks it (ValueError naming it) */
  void SetParam(const std::string &name, py::object value)
  {
    const NMFParamInfo *p = NMFParamFind_Private(name.c_str());
    if (!p) throw py::value_error("unknown parameter '" + name + "'");
    NMF nmf = Get();
    switch (p->kind) {
    case NMF_PARAM_INT: CALL(((PetscErrorCode(*)(NMF, PetscInt))p->set)(nmf, value.cast<PetscInt>())); break;
    case NMF_PARAM_SEED: CALL(((PetscErrorCode(*)(NMF, PetscInt64))p->set)(nmf, value.cast<PetscInt64>())); break;
    case NMF_PARAM_REAL: CALL(((PetscErrorCode(*)(NMF, PetscReal))p->set)(nmf, value.cast<double>())); break;
    case NMF_PARAM_REALS: {
      std::vector<double> v = value.cast<std::vector<double>>();
      CALL(((PetscErrorCode(*)(NMF, PetscInt, const PetscReal[]))p->set)(nmf, (PetscInt)v.size(), v.data()));
    } break;
    case NMF_PARAM_BOOL: CALL(((PetscErrorCode(*)(NMF, PetscBool))p->set)(nmf, value.cast<bool>() ? PETSC_TRUE : PETSC_FALSE)); break;
    case NMF_PARAM_INIT: {
      const std::string v = value.cast<std::string>();
      for (int i = 0; i <= NMF_INIT_CUSTOM; i++)
        if (v == NMFInitTypes[i]) {
          CALL(((PetscErrorCode(*)(NMF, NMFInitType))p->set)(nmf, (NMFInitType)i));
          return;
        }
      throw py::value_error("init = '" + v + "': expected one of None, 'random', 'nndsvd', 'nndsvda', 'nndsvdar', 'custom'");
    }
    case NMF_PARAM_TYPE: CALL(NMFSetType(nmf, value.cast<std::string>().c_str())); break;
    }
  }

  py::object GetParam(const std::string &name)
  {
    const NMFParamInfo *p = NMFParamFind_Private(name.c_str());
    if (!p) throw py::value_error("unknown parameter '" + name + "'");
    std::vector<double> values;
    std::string         text;
    NMFParamValues_Private(Get(), p, false, values, text);
    switch (p->kind) {
    case NMF_PARAM_INT:
    case NMF_PARAM_SEED: return py::int_((long long)values[0]);
    case NMF_PARAM_REAL: return py::float_(values[0]);
    case NMF_PARAM_REALS: return py::cast(values);
    case NMF_PARAM_BOOL: return py::bool_(values[0] != 0);
    default: return py::str(text);
    }
  }

  /* X as a 2-D array: pixel_axis 0 for (pixels, channels), 1 for (channels, pixels); the rows
     r0.. of a map of p pixels (p = the pixels of x and r0 = 0: the whole map) */
  void SetDataArray(py::array x, int pixel_axis, PetscInt p, PetscInt r0)
  {
    if (x.ndim() != 2) throw py::value_error("the data must be a 2-D array, not " + std::to_string(x.ndim()) + "-D");
    if (pixel_axis != 0 && pixel_axis != 1) throw py::value_error("pixel_axis must be 0 or 1");
    const NMFArrayType type = ArrayTypeOf(x);
    const ssize_t      item = x.itemsize();
    if (x.strides(0) % item || x.strides(1) % item) throw py::value_error("the data array's strides are not multiples of its item size");
    if (!x.dtype().attr("isnative").cast<bool>()) throw py::value_error("the data array is not in the machine's byte order: convert it with astype()");
    const PetscInt64 ps = x.strides(pixel_axis) / item, cs = x.strides(1 - pixel_axis) / item;
    const PetscInt   rows = (PetscInt)x.shape(pixel_axis), n = (PetscInt)x.shape(1 - pixel_axis);
    CALL(NMFSetDataArray(Get(), p, n, r0, r0 + rows, type, x.data(), ps, cs));
  }

  void SetDataMat(py::object mat)
  {
    Mat A = PyPetscMat_Get(mat.ptr());
    if (!A && PyErr_Occurred()) throw py::error_already_set();
    CALL(NMFSetDataMat(Get(), A));
  }

  void SetImageShape(PetscInt ny, PetscInt nx) { CALL(NMFSetImageShape(Get(), ny, nx)); }

  static std::vector<double> RowMajor(Doubles a, PetscInt &rows, PetscInt &cols, const char *what)
  {
    if (a.ndim() != 2) throw py::value_error(std::string(what) + " must be a 2-D array");
    rows = (PetscInt)a.shape(0);
    cols = (PetscInt)a.shape(1);
    return std::vector<double>(a.data(), a.data() + a.size());
  }
  /* a replicated matrix (G, the initial W, the fixed_W mask) through its setter */
  void SetMatrix(PetscErrorCode (*setter)(NMF, PetscInt, PetscInt, const PetscReal[]), Doubles A, const char *what)
  {
    PetscInt r, c;
    auto     v = RowMajor(A, r, c, what);
    CALL(setter(Get(), r, c, v.data()));
  }
  void SetG(Doubles G) { SetMatrix(NMFSetG, G, "G"); }
  void SetInitialW(Doubles W) { SetMatrix(NMFSetInitialW, W, "W"); }
  void SetFixedW(Doubles W) { SetMatrix(NMFSetFixedW, W, "fixed_W"); }
  void SetHoldW(bool hold) { CALL(NMFSetHoldW(Get(), hold ? PETSC_TRUE : PETSC_FALSE)); }

  /* an abundance-like array (pixels r0.., k) as a Vec of the abundance DM */
  Vec AbundanceVec(Doubles h, PetscInt r0, const char *what)
  {
    PetscInt k;
    CALL(NMFGetNComponents(Get(), &k));
    if (h.ndim() != 2 || h.shape(1) != k) throw py::value_error(std::string(what) + " must have " + std::to_string((long long)k) + " components (n_components)");
    Vec H;
    CALL(NMFCreateAbundanceVecFromArray(Get(), r0, r0 + (PetscInt)h.shape(0), h.data(), &H));
    return H;
  }
  void SetAbundance(Doubles h, PetscInt r0, int which)
  {
    const char *what[] = {"H", "fixed_H"};
    Vec         H      = AbundanceVec(h, r0, what[which]);
    PetscObjectSetName((PetscObject)H, what[which]);
    PetscErrorCode ierr;
    {
      LibraryCall scope;
      ierr = which == 0 ? NMFSetInitialH(Get(), H) : NMFSetFixedH(Get(), H);
      VecDestroy(&H);
    }
    if (ierr) Raise(ierr);
  }
  /* the navigation mask of pixels r0 .. r0 + len - 1 (1 = excluded), the signal mask of the n channels */
  void SetNavigationMask(Doubles m, PetscInt r0)
  {
    if (m.ndim() != 1) throw py::value_error("navigation_mask must be one value per pixel");
    CALL(NMFSetNavigationMaskArray(Get(), r0, r0 + (PetscInt)m.shape(0), m.data()));
  }
  void SetSignalMask(std::vector<bool> excluded)
  {
    std::vector<PetscBool> e(excluded.size());
    for (size_t i = 0; i < e.size(); i++) e[i] = excluded[i] ? PETSC_TRUE : PETSC_FALSE;
    CALL(NMFSetSignalMask(Get(), (PetscInt)e.size(), e.data()));
  }
  void SetTruth(Doubles D, Doubles h, PetscInt r0)
  {
    PetscInt       r, c;
    auto           d = RowMajor(D, r, c, "true_D");
    Vec            H = AbundanceVec(h, r0, "true_H");
    PetscErrorCode ierr;
    {
      LibraryCall scope;
      ierr = NMFSetTruth(Get(), r, c, d.data(), H);
      VecDestroy(&H);
    }
    if (ierr) Raise(ierr);
  }

  void Solve()
  {
    ClearInterrupt();
    NMF            nmf = Get();
    PetscErrorCode ierr;
    {
      LibraryCall            scope;
      py::gil_scoped_release nogil; /* other Python threads run during the fit; the monitor takes the GIL back for Ctrl-C */
      ierr = NMFSolve(nmf);
    }
    if (ierr) Raise(ierr);
  }
  /* NMFSelectK with these settings; afterwards n_components is the suggestion (solve() fits it) */
  void SelectK(PetscInt kmin, PetscInt kmax, PetscInt R, PetscReal threshold, const std::string &resampling, PetscReal noise, PetscReal min_improvement)
  {
    NMFResampleType type;
    if (resampling == "poisson")
      type = NMF_RESAMPLE_POISSON;
    else if (resampling == "uniform")
      type = NMF_RESAMPLE_UNIFORM;
    else
      throw py::value_error("resampling must be 'poisson' or 'uniform', not '" + resampling + "'");
    CALL(NMFSetSelectKRange(Get(), kmin, kmax));
    CALL(NMFSetSelectKResamples(Get(), R));
    CALL(NMFSetSelectKThreshold(Get(), threshold));
    CALL(NMFSetSelectKResampling(Get(), type, noise));
    CALL(NMFSetSelectKMinImprovement(Get(), min_improvement));
    ClearInterrupt();
    NMF            nmf = Get();
    PetscErrorCode ierr;
    {
      LibraryCall            scope;
      py::gil_scoped_release nogil;
      ierr = NMFSelectK(nmf);
    }
    if (ierr) Raise(ierr);
  }
  /* the table of NMFSelectK: a dict of arrays, and suggested_k */
  py::dict GetSelectKTable()
  {
    PetscInt         nk, sk;
    const PetscInt  *k;
    const PetscReal *smin, *smean, *rel, *loss;
    CALL(NMFGetSelectKTable(Get(), &nk, &k, &smin, &smean, &rel, &loss));
    CALL(NMFGetSelectKSuggestion(Get(), &sk));
    auto col = [nk](const PetscReal *v) {
      py::array_t<double> a((ssize_t)nk);
      std::copy(v, v + nk, a.mutable_data());
      return a;
    };
    py::array_t<long long> ka((ssize_t)nk);
    for (PetscInt j = 0; j < nk; j++) ka.mutable_data()[j] = k[j];
    py::dict d;
    d["k"]               = ka;
    d["silhouette_min"]  = col(smin);
    d["silhouette_mean"] = col(smean);
    d["rel_error"]       = col(rel);
    d["loss"]            = col(loss);
    d["suggested_k"]     = py::int_((long long)sk);
    const auto &fits     = Get()->select.fits; /* the iterations of each fit, (k, 1 + R), when the selection ran here */
    if ((PetscInt)fits.size() == nk) {
      const PetscInt         R = Get()->select.R;
      py::array_t<long long> it({(ssize_t)nk, (ssize_t)(R + 1)});
      for (PetscInt j = 0; j < nk; j++)
        for (PetscInt r = 0; r <= R; r++) it.mutable_data()[j * (R + 1) + r] = r < (PetscInt)fits[j].n_iter.size() ? (long long)fits[j].n_iter[r] : -1;
      d["n_iter"] = it;
    }
    return d;
  }
  bool Interrupted() const { return interrupt.interrupted; }
  /* raises the KeyboardInterrupt kept by the monitor (every rank raises one) */
  void RaiseInterrupt()
  {
    if (interrupt.type) {
      PyErr_Restore(interrupt.type, interrupt.value, interrupt.traceback);
      interrupt.type = interrupt.value = interrupt.traceback = nullptr;
    } else
      PyErr_SetNone(PyExc_KeyboardInterrupt);
    interrupt.interrupted = false;
    throw py::error_already_set();
  }

  /* a replicated row-major matrix of the object (W, G W) as a new numpy array */
  static py::array_t<double> Matrix(PetscInt rows, PetscInt cols, const PetscReal *v)
  {
    py::array_t<double> a({(ssize_t)rows, (ssize_t)cols});
    std::copy(v, v + rows * cols, a.mutable_data());
    return a;
  }
  py::array_t<double> GetW()
  {
    PetscInt         m, k;
    const PetscReal *w;
    CALL(NMFGetW(Get(), &m, &k, &w));
    return Matrix(m, k, w);
  }
  py::array_t<double> GetGW()
  {
    PetscInt         n, k;
    const PetscReal *w;
    CALL(NMFGetGW(Get(), &n, &k, &w));
    return Matrix(n, k, w);
  }
  py::object GetG()
  {
    PetscInt         n, m;
    const PetscReal *g;
    CALL(NMFGetG(Get(), &n, &m, &g));
    if (!g) return py::none();
    return Matrix(n, m, g);
  }
  /* the abundances of pixels r0..r1-1 as a (pixels, k) array */
  py::array_t<double> GetH(PetscInt r0, PetscInt r1)
  {
    PetscInt k;
    CALL(NMFGetNComponents(Get(), &k));
    py::array_t<double> a({(ssize_t)PetscMax(r1 - r0, 0), (ssize_t)k});
    CALL(NMFGetHArray(Get(), r0, r1, a.mutable_data()));
    return a;
  }
  py::object GetHMat()
  {
    Mat H;
    CALL(NMFGetHMat(Get(), &H));
    return py::reinterpret_steal<py::object>(PyPetscMat_New(H));
  }
  py::object GetWMat()
  {
    Mat W;
    CALL(NMFGetWMat(Get(), &W));
    return py::reinterpret_steal<py::object>(PyPetscMat_New(W));
  }
  py::tuple GetLosses()
  {
    PetscInt         it, ncol;
    const PetscReal *t;
    CALL(NMFGetLosses(Get(), &it, &ncol, &t));
    py::array_t<double> a({(ssize_t)it, (ssize_t)ncol}); /* (iterations, columns); the library's is column by column */
    double             *d = a.mutable_data();
    for (PetscInt j = 0; j < ncol; j++)
      for (PetscInt i = 0; i < it; i++) d[i * ncol + j] = t[j * it + i];
    py::list names;
    for (PetscInt j = 0; j < ncol; j++) {
      const char *name;
      CALL(NMFGetLossName(Get(), j, &name));
      names.append(py::str(name));
    }
    return py::make_tuple(a, names);
  }
  PetscInt GetIterationNumber()
  {
    PetscInt it;
    CALL(NMFGetIterationNumber(Get(), &it));
    return it;
  }
  std::string GetConvergedReason()
  {
    NMFConvergedReason r;
    CALL(NMFGetConvergedReason(Get(), &r));
    return NMFConvergedReasonName(r);
  }
  double GetConstKL()
  {
    PetscReal c;
    CALL(NMFGetConstKL(Get(), &c));
    return c;
  }
  double GetReconstructionError()
  {
    PetscReal e;
    CALL(NMFGetReconstructionError(Get(), &e));
    return e;
  }
  py::tuple GetTimes()
  {
    PetscReal a, b;
    CALL(NMFGetTimes(Get(), &a, &b));
    return py::make_tuple(a, b);
  }
  double    GetNormFactor() { return Get()->norm_factor; }
  py::tuple GetDataSizes()
  {
    PetscInt n, p;
    CALL(NMFGetDataSizes(Get(), &n, &p));
    return py::make_tuple(n, p);
  }
  py::object GetScree()
  {
    PetscInt         N;
    const PetscReal *S;
    PetscReal        ss;
    CALL(NMFGetScree(Get(), &N, &S, &ss));
    py::array_t<double> a((ssize_t)N);
    std::copy(S, S + N, a.mutable_data());
    return py::make_tuple(a, ss);
  }
  /* espm's loss(W, H) of the prepared data: full, data term, log_reg, Lapl_reg (each / n p) */
  py::tuple ComputeLoss(Doubles W, Doubles h, PetscInt r0)
  {
    PetscInt r, c;
    auto     w = RowMajor(W, r, c, "W");
    CALL(NMFSetUp(Get()));
    const PetscInt m = Get()->G.empty() ? Get()->n : Get()->m, k = Get()->k;
    if (r != m || c != k) throw py::value_error("W has shape (" + std::to_string((long long)r) + ", " + std::to_string((long long)c) + "), expected (" + std::to_string((long long)m) + ", " + std::to_string((long long)k) + ")");
    Vec            H = AbundanceVec(h, r0, "H");
    PetscReal      l[4];
    PetscErrorCode ierr;
    {
      LibraryCall scope;
      ierr = NMFComputeLoss(Get(), w.data(), H, l);
      VecDestroy(&H);
    }
    if (ierr) Raise(ierr);
    return py::make_tuple(l[0], l[1], l[2], l[3]);
  }

  void        SetOptionsPrefix(const std::string &prefix) { CALL(NMFSetOptionsPrefix(Get(), prefix.c_str())); }
  std::string GetOptionsPrefix()
  {
    const char *p;
    CALL(NMFGetOptionsPrefix(Get(), &p));
    return p ? p : "";
  }
  void        SetFromOptions() { CALL(NMFSetFromOptions(Get())); }
  void        SetType(const std::string &t) { CALL(NMFSetType(Get(), t.c_str())); }
  std::string GetType()
  {
    NMFType t;
    CALL(NMFGetType(Get(), &t));
    return t ? t : "";
  }
  void SetUp() { CALL(NMFSetUp(Get())); }
  void Reset() { CALL(NMFReset(Get())); }
  void View() { CALL(NMFView(Get(), PETSC_VIEWER_STDOUT_(Comm()))); }

private:
  void AddSignalMonitor() { CALL(NMFMonitorSet(nmf, MonitorSignals, &interrupt, nullptr)); }
};

/* the transform object of a solved one (NMFTransformCreate) */
static PyNMF *TransformCreate(PyNMF &self)
{
  NMF t;
  CALL(NMFTransformCreate(self.Get(), &t));
  return new PyNMF(t);
}

/* the parameter table, for the estimator's signature, defaults and documentation */
static py::list ParamTable()
{
  const char *kinds[] = {"int", "seed", "real", "reals", "bool", "init", "type"};
  py::list    table;
  for (PetscInt i = 0; i < NMFParamCount; i++) {
    const NMFParamInfo *p = &NMFParamTable[i];
    py::dict            d;
    d["name"]    = p->name;
    d["kind"]    = kinds[p->kind];
    d["help"]    = p->help;
    d["lo"]      = p->lo;
    d["hi"]      = p->hi;
    d["lo_open"] = (bool)p->lo_open;
    d["nmax"]    = p->nmax;
    switch (p->kind) {
    case NMF_PARAM_INT: d["default"] = py::int_((long long)p->deflt); break;
    case NMF_PARAM_SEED: d["default"] = py::none(); break; /* drawn */
    case NMF_PARAM_REAL: d["default"] = py::float_(p->deflt); break;
    case NMF_PARAM_REALS: d["default"] = std::isnan(p->deflt) ? py::object(py::none()) : py::object(py::float_(p->deflt)); break;
    case NMF_PARAM_BOOL: d["default"] = py::bool_(p->deflt != 0); break;
    case NMF_PARAM_INIT: d["default"] = py::none(); break; /* NMF_INIT_DEFAULT, espm's None */
    case NMF_PARAM_TYPE: d["default"] = py::str(NMFLOGSURROGATE); break;
    }
    table.append(d);
  }
  return table;
}

static py::list RegisteredTypes()
{
  py::list     names;
  const char **array;
  int          n;
  CALL(NMFInitializePackage());
  CALL(PetscFunctionListGet(NMFList, &array, &n));
  for (int i = 0; i < n && array[i]; i++) names.append(py::str(array[i])); /* n counts a NULL at the end */
  PetscFree(array);
  return names;
}

PYBIND11_MODULE(_core, m)
{
  m.doc() = "smoothnmf's NMF object (the C library) for Python; see smoothnmf.SmoothNMF for the estimator";
  if (import_mpi4py() < 0) throw py::error_already_set();
  if (import_petsc4py() < 0) throw py::error_already_set();
  /* PETSc is initialized by petsc4py (imported first by the package); SLEPc on top of it */
  PetscBool initialized;
  PetscInitialized(&initialized);
  if (!initialized) throw SolverError("PETSc is not initialized: import petsc4py.PETSc first");
  CALL(SlepcInitializeNoArguments());
  CALL(NMFInitializePackage());
  py::register_exception<SolverError>(m, "Error", PyExc_RuntimeError);

  m.def("param_table", &ParamTable, "the NMF object's parameters: name, kind, default, help, bounds");
  m.def("registered_types", &RegisteredTypes, "the registered NMF types (espm's algo values)");
  m.attr("version") = py::str(SMOOTHNMF_PY_VERSION);

  py::class_<PyNMF>(m, "NMF", "The NMF object (a PETSc object of the C library), in slepc4py's manner.")
    .def(py::init<py::object>(), py::arg("comm") = py::none(), "create it on an mpi4py communicator (default: PETSc's world)")
    .def("destroy", &PyNMF::Destroy)
    .def("setOptionsPrefix", &PyNMF::SetOptionsPrefix)
    .def("getOptionsPrefix", &PyNMF::GetOptionsPrefix)
    .def("setFromOptions", &PyNMF::SetFromOptions)
    .def("setType", &PyNMF::SetType)
    .def("getType", &PyNMF::GetType)
    .def("setParam", &PyNMF::SetParam, py::arg("name"), py::arg("value"), "set a parameter of the table by espm's name (its setter checks it)")
    .def("getParam", &PyNMF::GetParam, py::arg("name"))
    .def("setImageShape", &PyNMF::SetImageShape, py::arg("ny"), py::arg("nx"))
    .def("setDataArray", &PyNMF::SetDataArray, py::arg("x"), py::arg("pixel_axis"), py::arg("p"), py::arg("r0") = 0,
         "X, a 2-D array of any integer or float dtype and any strides (copied once): its pixels r0.. of a map of p pixels, pixel_axis 0 for (pixels, channels)")
    .def("setDataMat", &PyNMF::SetDataMat, py::arg("X"), "X as a petsc4py Mat, pixels x channels, any row ownership")
    .def("setG", &PyNMF::SetG)
    .def("setInitialW", &PyNMF::SetInitialW)
    .def("setFixedW", &PyNMF::SetFixedW)
    .def("setHoldW", &PyNMF::SetHoldW)
    .def(
      "setInitialH", [](PyNMF &s, Doubles h, PetscInt r0) { s.SetAbundance(h, r0, 0); }, py::arg("H"), py::arg("r0") = 0, "H as (pixels r0.., k)")
    .def(
      "setFixedH", [](PyNMF &s, Doubles h, PetscInt r0) { s.SetAbundance(h, r0, 1); }, py::arg("mask"), py::arg("r0") = 0)
    .def("setNavigationMask", &PyNMF::SetNavigationMask, py::arg("mask"), py::arg("r0") = 0, "1 where pixels r0.. are excluded")
    .def("setSignalMask", &PyNMF::SetSignalMask, py::arg("excluded"))
    .def("setTruth", &PyNMF::SetTruth, py::arg("true_D"), py::arg("true_H"), py::arg("r0") = 0)
    .def("setUp", &PyNMF::SetUp)
    .def("solve", &PyNMF::Solve)
    .def("selectK", &PyNMF::SelectK, py::arg("kmin"), py::arg("kmax"), py::arg("resamples") = 10, py::arg("threshold") = 0.8, py::arg("resampling") = "poisson", py::arg("noise") = 0.03, py::arg("min_improvement") = 0.0,
         "choose n_components by stability (NMFSelectK); then n_components is the suggestion")
    .def("getSelectKTable", &PyNMF::GetSelectKTable, "the table of selectK: k, silhouette_min, silhouette_mean, rel_error, loss, suggested_k")
    .def("interrupted", &PyNMF::Interrupted)
    .def("raiseInterrupt", &PyNMF::RaiseInterrupt)
    .def("reset", &PyNMF::Reset)
    .def("view", &PyNMF::View)
    .def("getW", &PyNMF::GetW)
    .def("getGW", &PyNMF::GetGW)
    .def("getG", &PyNMF::GetG)
    .def("getH", &PyNMF::GetH, py::arg("r0"), py::arg("r1"), "the abundances of pixels r0..r1-1, (pixels, k)")
    .def("getHMat", &PyNMF::GetHMat, "H as a petsc4py dense Mat, pixels x k, the rows of the data given")
    .def("getWMat", &PyNMF::GetWMat)
    .def("getLosses", &PyNMF::GetLosses)
    .def("getIterationNumber", &PyNMF::GetIterationNumber)
    .def("getConvergedReason", &PyNMF::GetConvergedReason)
    .def("getConstKL", &PyNMF::GetConstKL)
    .def("getReconstructionError", &PyNMF::GetReconstructionError)
    .def("getTimes", &PyNMF::GetTimes)
    .def("getDataSizes", &PyNMF::GetDataSizes)
    .def("getNormFactor", &PyNMF::GetNormFactor, "normalize's factor k / (mean(X) n)")
    .def("getScree", &PyNMF::GetScree)
    .def("computeLoss", &PyNMF::ComputeLoss, py::arg("W"), py::arg("H"), py::arg("r0") = 0)
    .def("transformCreate", &TransformCreate, py::return_value_policy::take_ownership, "the object that finds H of a new map with this W held")
    .def("getComm", [](PyNMF &s) { return py::reinterpret_steal<py::object>(PyMPIComm_New(s.Comm())); })
    .def("getRank", &PyNMF::Rank)
    .def("getSize", &PyNMF::Size);
}
