/* HyperSpy output (hspy format 3.1, as HyperSpy 1.7 writes it): a solved nmf as two signals,
   the decomposition factors (GW) and loadings (H), and a map as a single signal. */
#include <smoothnmf/private/ioimpl.h>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

static const char HSPY_FORMAT_VERSION[] = "3.1";

static void WriteFileAttributes(hid_t file)
{
  hid_t root = H5Gopen2(file, "/", H5P_DEFAULT);
  NMFIOAttrUTF8_Private(root, "file_format", "HyperSpy");
  NMFIOAttrUTF8_Private(root, "file_format_version", HSPY_FORMAT_VERSION);
  H5Gclose(root);
}

static hid_t CreateGroup(hid_t loc, const std::string &name)
{
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t g = H5Gcreate2(loc, name.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Pclose(lcpl);
  return g;
}

/* axis-i of a signal: a uniform axis; undefined names and units are left out, as HyperSpy does */
static void WriteAxis(hid_t sig, int i, const NMFAxis &a)
{
  hid_t g = CreateGroup(sig, "axis-" + std::to_string(i));
  NMFIOAttrUTF8_Private(g, "_type", "UniformDataAxis");
  if (a.name[0]) NMFIOAttrUTF8_Private(g, "name", a.name);
  if (a.units[0]) NMFIOAttrUTF8_Private(g, "units", a.units);
  NMFIOAttrDoubles_Private(g, "scale", &a.scale, 1);
  NMFIOAttrDoubles_Private(g, "offset", &a.offset, 1);
  NMFIOAttrInt_Private(g, "size", a.size);
  NMFIOAttrBoolEnum_Private(g, "navigate", a.navigate);
  NMFIOAttrBoolEnum_Private(g, "is_binned", false);
  H5Gclose(g);
}

/* /Experiments/<name>: its axes (numpy order of the data), metadata/General/title,
   metadata/Signal/signal_type and an empty original_metadata.  Returns the open group. */
static hid_t CreateSignal(hid_t file, std::string name, const std::string &title, const std::string &signal_type, const NMFAxis *axes, int naxes)
{
  for (char &c : name)
    if (c == '/') c = '_';
  if (name.empty()) name = "__unnamed__";
  hid_t sig = CreateGroup(file, "/Experiments/" + name);
  for (int i = 0; i < naxes; i++) WriteAxis(sig, i, axes[i]);
  hid_t g = CreateGroup(sig, "metadata/General");
  NMFIOAttrUTF8_Private(g, "title", title);
  H5Gclose(g);
  g = CreateGroup(sig, "metadata/Signal");
  NMFIOAttrUTF8_Private(g, "signal_type", signal_type);
  H5Gclose(g);
  g = CreateGroup(sig, "original_metadata");
  H5Gclose(g);
  return sig;
}

static void ComponentAxis(NMFAxis *a, PetscInt k)
{
  memset(a, 0, sizeof(*a));
  strcpy(a->name, "Decomposition component index");
  a->scale    = 1.0;
  a->offset   = 0.0;
  a->size     = k;
  a->navigate = PETSC_TRUE;
}

/* ------------------------------------------------------------------ results */

struct HspyCtx {
  NMF               nmf;
  const NMFMapInfo *map;
  double            read_seconds;
};

/* metadata/SmoothNMF of a signal: the run's attributes, losses/NAME and the scree */
static PetscErrorCode WriteRunMetadata(NMF nmf, hid_t sig, const char *input, double read_seconds, double write_seconds, PetscMPIInt rank, herr_t *st)
{
  PetscFunctionBegin;
  hid_t g = CreateGroup(sig, "metadata/SmoothNMF");
  *st     = g < 0 ? -1 : 0;
  if (g < 0) PetscFunctionReturn(0);
  PetscErrorCode ierr = NMFIOWriteRunAttributes_Private(nmf, g, input, read_seconds, write_seconds);
  for (size_t j = 0; j < nmf->loss_names.size(); j++) {
    hsize_t dl = (hsize_t)nmf->n_iter;
    *st |= NMFIOWriteSmall_Private(g, ("losses/" + nmf->loss_names[j]).c_str(), 1, &dl, nmf->losses[j].data(), rank);
  }
  if (!nmf->scree.empty()) {
    hsize_t ds = nmf->scree.size();
    *st |= NMFIOWriteSmall_Private(g, "scree", 1, &ds, nmf->scree.data(), rank);
    NMFIOAttrDoubles_Private(g, "scree_sum_of_squares", &nmf->scree_sum_squares, 1);
  }
  H5Gclose(g);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

static PetscErrorCode WriteHspyBody(hid_t file, void *ctx_)
{
  const HspyCtx *ctx = (const HspyCtx *)ctx_;
  NMF            nmf = ctx->nmf;
  const PetscInt k = nmf->k, n = nmf->n;
  PetscMPIInt    rank;
  NMFAxis        axes[3], comp, sax[3];
  PetscInt       na;
  herr_t         st = 0, sh = 0;
  bool           ok;
  const double   t0 = MPI_Wtime();

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(nmf->comm, &rank));
  NMFIOOutputAxes_Private(nmf, ctx->map, axes, &na);
  ComponentAxis(&comp, k);
  const std::string title = ctx->map ? ctx->map->title : "", input = ctx->map ? ctx->map->spec : "";
  WriteFileAttributes(file);

  /* the factors: data (k, n), the component index (navigation) then the channel axis (signal) */
  sax[0]                 = comp;
  sax[1]                 = axes[na - 1];
  hid_t               gw = CreateSignal(file, "GW", "Decomposition factors of " + title, ctx->map ? ctx->map->signal_type : "", sax, 2);
  std::vector<double> F(k * n);
  for (PetscInt c = 0; c < k; c++)
    for (PetscInt i = 0; i < n; i++) F[c * n + i] = nmf->GW[i * k + c];
  hsize_t dF[2] = {(hsize_t)k, (hsize_t)n};
  st |= gw < 0 ? -1 : NMFIOWriteSmall_Private(gw, "data", 2, dF, F.data(), rank);

  /* the loadings: data (k, ny, nx) or (k, p), the component index then the image axes (signal) */
  sax[0] = comp;
  for (PetscInt i = 0; i < na - 1; i++) {
    sax[i + 1]          = axes[i];
    sax[i + 1].navigate = PETSC_FALSE;
  }
  hid_t h = CreateSignal(file, "H", "Decomposition loadings of " + title, "", sax, (int)na);
  if (h >= 0) PetscCall(NMFIOWriteComponentMajor_Private(h, "data", nmf->daH, nmf->H, &sh));
  st |= h < 0 ? -1 : sh;

  /* the masks of the fit (1 = excluded), where HyperSpy keeps what it does not interpret: the
     factors' original_metadata/masks/signal, the loadings' original_metadata/masks/navigation */
  if (gw >= 0 && !nmf->signal_mask.empty()) {
    hid_t               g = CreateGroup(gw, "original_metadata/masks");
    std::vector<double> sm(nmf->signal_mask.begin(), nmf->signal_mask.end());
    hsize_t             dn = (hsize_t)sm.size();
    st |= g < 0 ? -1 : NMFIOWriteSmall_Private(g, "signal", 1, &dn, sm.data(), rank);
    if (g >= 0) H5Gclose(g);
  }
  if (h >= 0 && nmf->nav_mask) {
    hid_t g = CreateGroup(h, "original_metadata/masks");
    if (g >= 0) PetscCall(NMFIOWriteComponentMajor_Private(g, "navigation", nmf->daX, nmf->nav_mask, &sh));
    st |= g < 0 ? -1 : sh;
    if (g >= 0) H5Gclose(g);
  }

  const double write_seconds = MPI_Wtime() - t0;
  herr_t       sm;
  if (gw >= 0) PetscCall(WriteRunMetadata(nmf, gw, input.c_str(), ctx->read_seconds, write_seconds, rank, &sm));
  st |= gw < 0 ? 0 : sm;
  if (h >= 0) PetscCall(WriteRunMetadata(nmf, h, input.c_str(), ctx->read_seconds, write_seconds, rank, &sm));
  st |= h < 0 ? 0 : sm;
  if (gw >= 0) H5Gclose(gw);
  if (h >= 0) H5Gclose(h);
  PetscCall(NMFIOAllOK_Private(nmf->comm, st >= 0, &ok));
  const std::string why = ok ? "" : NMFIOWriteFailureReason_Private(nmf->comm, file);
  PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_WRITE, "writing the HyperSpy signals failed%s", why.empty() ? " (disk full?)" : why.c_str());
  PetscFunctionReturn(0);
}

/*@
   NMFIOWriteHspy - Writes a solved object as a HyperSpy file that hyperspy.api.load opens into
   two signals, in this order, as HyperSpy's get_decomposition_factors() and
   get_decomposition_loadings() would give them:
     /Experiments/GW: the k spectra, data (k, n): axis-0 "Decomposition component index"
                      (navigation), axis-1 the input's channel axis (signal);
     /Experiments/H:  the k abundance maps, data (k, ny, nx) or (k, p): axis-0 the component
                      index (navigation), then the input's image (or pixel) axes (signal).
   Each signal's metadata/SmoothNMF holds the run's attributes (as in the result file), its
   losses (metadata/SmoothNMF/losses/NAME) and, when computed, the scree.

   Collective

   Input Parameters:
+  nmf          - a solved object
.  path         - the .hspy file to write (under a temporary name, renamed when complete)
.  map          - the input's NMFIOGetMapInfo()
-  read_seconds - the time spent reading the input

   Options Database Key (program):
.  -o_hspy FILE

   Level: intermediate
@*/
PetscErrorCode NMFIOWriteHspy(NMF nmf, const char path[], const NMFMapInfo *map, PetscReal read_seconds)
try {
  HspyCtx ctx = {nmf, map, read_seconds};

  PetscFunctionBegin;
  PetscCheck(nmf->solved, nmf->comm, PETSC_ERR_ORDER, "NMFIOWriteHspy needs a solved NMF");
  PetscCall(NMFIOWriteAtomic_Private(nmf->comm, path, NMFIOOutputBytes_Private(nmf, 1), WriteHspyBody, &ctx));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* ------------------------------------------------------------------ maps */

struct DType {
  const char *name;
  hid_t       file, mem;
  double      lo, hi; /* integer range; lo > hi for floating types */
  size_t      size;
};

static bool LookupDType(const char *name, DType *t)
{
  const DType table[] = {
    {"uint8", H5T_STD_U8LE, H5T_NATIVE_UINT8, 0, 255, 1},
    {"uint16", H5T_STD_U16LE, H5T_NATIVE_UINT16, 0, 65535, 2},
    {"uint32", H5T_STD_U32LE, H5T_NATIVE_UINT32, 0, 4294967295.0, 4},
    {"int16", H5T_STD_I16LE, H5T_NATIVE_INT16, -32768, 32767, 2},
    {"int32", H5T_STD_I32LE, H5T_NATIVE_INT32, -2147483648.0, 2147483647.0, 4},
    {"float32", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 1, 0, 4},
    {"float64", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 1, 0, 8},
  };
  for (const DType &d : table)
    if (!strcmp(d.name, name)) {
      *t = d;
      return true;
    }
  return false;
}

/* the local values (len of them, of type T) in the stored type; *bad is the first local index
   that does not fit, or -1 */
template <typename T>
static void ConvertValues(const DType &t, const T *x, size_t len, std::vector<unsigned char> &buf, PetscInt64 *bad)
{
  *bad = -1;
  buf.resize(PetscMax(len, (size_t)1) * t.size);
  for (size_t e = 0; e < len; e++) {
    const double v      = (double)x[e];
    const bool   is_int = t.lo <= t.hi;
    if (is_int && !(v >= t.lo && v <= t.hi && v == std::floor(v))) {
      if (*bad < 0) *bad = (PetscInt64)e;
      continue;
    }
    unsigned char *p = buf.data() + e * t.size;
    if (t.mem == H5T_NATIVE_UINT8)
      *(uint8_t *)p = (uint8_t)v;
    else if (t.mem == H5T_NATIVE_UINT16)
      *(uint16_t *)p = (uint16_t)v;
    else if (t.mem == H5T_NATIVE_UINT32)
      *(uint32_t *)p = (uint32_t)v;
    else if (t.mem == H5T_NATIVE_INT16)
      *(int16_t *)p = (int16_t)v;
    else if (t.mem == H5T_NATIVE_INT32)
      *(int32_t *)p = (int32_t)v;
    else if (t.mem == H5T_NATIVE_FLOAT)
      *(float *)p = (float)v;
    else
      *(double *)p = v;
  }
}

/* the HDF5 memory type of an in-memory map type */
static hid_t MemType(NMFDataType xtype)
{
  switch (xtype) {
  case NMF_DATA_FLOAT32: return H5T_NATIVE_FLOAT;
  case NMF_DATA_UINT16: return H5T_NATIVE_UINT16;
  case NMF_DATA_UINT8: return H5T_NATIVE_UINT8;
  default: return H5T_NATIVE_DOUBLE;
  }
}

/*@
   NMFIOWriteHspyMap - Writes a map as the single signal of a new .hspy file:
   /Experiments/<title>/data of shape (ny, nx, n), or (p, n) for a 1-D da, with the axes, title
   and signal_type of map.  Each rank writes its own block (collectively, also when compressed).

   Collective

   Input Parameters:
+  comm  - the communicator of da
.  path  - the file to write
.  map   - its axes, title and signal type
.  da    - the DMDA (NMFCreateDataDM())
.  xtype - the type of x in memory (NMF_DATA_FLOAT64, _FLOAT32, _UINT16, _UINT8)
.  x     - the rank's pixels, n values each (n p_local, pixel-major, a 64-bit size)
.  dtype - the stored type: uint8, uint16, uint32, int16, int32, float32 or float64; integer
           types need integer values within their range (converted and checked in slabs of
           pixels: no second copy of x)
.  chunk - the chunk shape in pixels (rows, columns; or pixels, 1-D), each chunk holding every
           channel; {0, 0} for a contiguous dataset
-  gzip  - the deflate level, 0 (none) to 9; needs a chunked dataset

   Level: advanced
@*/
PetscErrorCode NMFIOWriteHspyMap(MPI_Comm comm, const char path[], const NMFMapInfo *map, DM da, NMFDataType xtype, const void *x, const char dtype[], const PetscInt chunk[2], PetscInt gzip)
try {
  NMFIOBlock b;
  DType      t;
  PetscInt64 bad = -1;
  bool       ok;
  hid_t      file;

  PetscFunctionBegin;
  PetscCheck(LookupDType(dtype, &t), comm, PETSC_ERR_ARG_WRONG, "unknown dtype '%s': expected uint8, uint16, uint32, int16, int32, float32 or float64", dtype);
  PetscCheck(gzip >= 0 && gzip <= 9, comm, PETSC_ERR_ARG_OUTOFRANGE, "gzip level %" PetscInt_FMT ": expected 0 (none) to 9", gzip);
  const bool chunked = chunk && chunk[0] > 0;
  PetscCheck(!gzip || chunked, comm, PETSC_ERR_ARG_WRONG, "a gzip-compressed dataset must be chunked: give a chunk shape");
  PetscCall(NMFIOGetBlock_Private(da, &b));

  /* the values in the stored type, checked on every rank (written as they are when x has it) */
  std::vector<unsigned char> buf;
  const size_t               len    = (size_t)b.xm * b.ym * b.dof;
  const bool                 direct = H5Tequal(MemType(xtype), t.mem) > 0;
  double                     badv   = 0;
  if (!direct) {
    auto convert = [&](auto xv) {
      ConvertValues(t, xv, len, buf, &bad);
      if (bad >= 0) badv = (double)xv[bad];
    };
    switch (xtype) {
    case NMF_DATA_FLOAT32: convert((const float *)x); break;
    case NMF_DATA_UINT16: convert((const uint16_t *)x); break;
    case NMF_DATA_UINT8: convert((const uint8_t *)x); break;
    default: convert((const double *)x); break;
    }
  }
  PetscCall(NMFIOAllOK_Private(comm, bad < 0, &ok));
  if (!ok) {
    double v = bad >= 0 ? badv : -HUGE_VAL;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_DOUBLE, MPI_MAX, comm));
    SETERRQ(comm, PETSC_ERR_ARG_OUTOFRANGE, "the map holds the value %g, which %s cannot store exactly: choose a wider type (e.g. uint32 or float64)", v, dtype);
  }

  /* the signal: (ny, nx, n) or (p, n) with the map's axes where they fit */
  hsize_t   d[3];
  const int nd = NMFIOMapShape_Private(b, d);
  NMFAxis   axes[3];
  bool      fits = map && map->ndims == nd;
  for (int i = 0; fits && i < nd; i++) fits = map->axes[i].size == (PetscInt)d[i];
  for (int i = 0; i < nd; i++) {
    if (fits)
      axes[i] = map->axes[i];
    else {
      memset(&axes[i], 0, sizeof(axes[i]));
      axes[i].scale = 1.0;
      axes[i].size  = (PetscInt)d[i];
    }
    axes[i].navigate = i < nd - 1 ? PETSC_TRUE : PETSC_FALSE;
  }
  PetscCall(NMFIOCreateFile_Private(comm, path, &file));
  WriteFileAttributes(file);
  const std::string title = map && map->title[0] ? map->title : "map";
  hid_t             sig   = CreateSignal(file, title, title, map ? map->signal_type : "", axes, nd);

  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);
  if (chunked) {
    hsize_t c[3];
    if (nd == 3) {
      c[0] = PetscMin(chunk[0], (PetscInt)d[0]);
      c[1] = PetscMin(PetscMax(chunk[1], 1), (PetscInt)d[1]);
      c[2] = d[2];
    } else {
      c[0] = PetscMin(chunk[0], (PetscInt)d[0]);
      c[1] = d[1];
    }
    H5Pset_chunk(dcpl, nd, c);
    if (gzip) H5Pset_deflate(dcpl, (unsigned)gzip);
  }
  hid_t fspace = H5Screate_simple(nd, d, NULL);
  hid_t dset   = sig < 0 ? -1 : H5Dcreate2(sig, "data", t.file, fspace, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  H5Pclose(dcpl);
  NMFIOSelectPixels_Private(fspace, nd, d, b);
  hid_t mspace = NMFIOCreateBlockMemSpace_Private(nd, d, b);
  hid_t dxpl   = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE); /* also what parallel HDF5 needs to write compressed chunks */
  herr_t st = dset < 0 ? -1 : H5Dwrite(dset, t.mem, mspace, fspace, dxpl, direct ? x : (const void *)buf.data());
  H5Pclose(dxpl);
  H5Sclose(mspace);
  H5Sclose(fspace);
  if (dset >= 0) H5Dclose(dset);
  if (sig >= 0) H5Gclose(sig);
  herr_t cl = H5Fclose(file);
  PetscCall(NMFIOAllOK_Private(comm, st >= 0 && cl >= 0, &ok));
  PetscCheck(ok, comm, PETSC_ERR_FILE_WRITE, "writing the map into '%s' failed", path);
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS
