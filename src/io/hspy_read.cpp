/* HyperSpy input: an input map's shape in pixel-major order, its calibrated axes (the axis-i
   groups beside a .hspy signal's data), its title, and the checks that make a map unusable;
   the axes the outputs carry. */
#include <smoothnmf/private/ioimpl.h>
#include <cmath>
#include <cstring>

static void DefaultAxis(NMFAxis *a, PetscInt size, PetscBool navigate)
{
  memset(a, 0, sizeof(*a));
  a->scale    = 1.0;
  a->offset   = 0.0;
  a->size     = size;
  a->navigate = navigate;
}

static void CopyString(char *dst, size_t len, const std::string &s)
{
  strncpy(dst, s.c_str(), len - 1);
  dst[len - 1] = 0;
}

/* HyperSpy writes None as the string "_None_" */
static bool ReadText(hid_t obj, const char *name, std::string *v)
{
  return NMFIOReadAttrString_Private(obj, name, v) && *v != "_None_";
}

/* An attribute that is there but cannot be read as what it should be (a damaged file) */
static bool Unreadable(hid_t obj, const char *name, bool read)
{
  return !read && obj >= 0 && H5Aexists(obj, name) > 0;
}

/* Reads the group axis-i of a signal group.  *why says how it contradicts a data dimension of
   the given size; *has_nav whether it says navigate; *uniform whether it is a uniform axis;
   *unreadable lists the attributes that are there but cannot be read (or the group itself): the
   caller then uses the default axis (the index as coordinate) and warns. */
static void ReadAxis(hid_t sig, int i, hsize_t size, NMFAxis *a, std::string *why, bool *has_nav, bool *uniform, std::string *unreadable)
{
  const std::string gname = "axis-" + std::to_string(i);
  hid_t             g     = H5Gopen2(sig, gname.c_str(), H5P_DEFAULT);
  std::string       s, bad;
  double            v;
  bool              b    = true;
  auto              mark = [&](const char *attr) { bad += std::string(bad.empty() ? "" : ", ") + attr; };
  auto              note = [&](const char *attr, bool read) {
    if (Unreadable(g, attr, read)) mark(attr);
    return read;
  };

  DefaultAxis(a, (PetscInt)size, PETSC_TRUE);
  *has_nav = false;
  *uniform = true;
  if (g < 0) {
    unreadable->assign("the group cannot be opened");
    return;
  }
  if (note("name", NMFIOReadAttrString_Private(g, "name", &s)) && s != "_None_") CopyString(a->name, sizeof(a->name), s);
  if (note("units", NMFIOReadAttrString_Private(g, "units", &s)) && s != "_None_") CopyString(a->units, sizeof(a->units), s);
  if (note("_type", NMFIOReadAttrString_Private(g, "_type", &s))) *uniform = s == "_None_" || s == "UniformDataAxis";
  if (*uniform && note("scale", NMFIOReadAttrDouble_Private(g, "scale", &v))) {
    if (std::isfinite(v) && v != 0)
      a->scale = v;
    else
      mark("scale");
  }
  if (*uniform && note("offset", NMFIOReadAttrDouble_Private(g, "offset", &v))) {
    if (std::isfinite(v))
      a->offset = v;
    else
      mark("offset");
  }
  *has_nav = note("navigate", NMFIOReadAttrBool_Private(g, "navigate", &b));
  if (*has_nav) a->navigate = b ? PETSC_TRUE : PETSC_FALSE;
  if (note("size", NMFIOReadAttrDouble_Private(g, "size", &v)) && v != (double)size) why->assign(gname + " says size " + std::to_string((long long)v) + " but the data has " + std::to_string((unsigned long long)size) + " along that dimension");
  H5Gclose(g);
  if (!bad.empty()) {
    unreadable->assign("its attribute" + std::string(bad.find(',') == std::string::npos ? " " : "s ") + bad + " cannot be read");
    NMFAxis read = *a; /* the name and a navigate flag that were read stay; units and calibration go */
    DefaultAxis(a, (PetscInt)size, *has_nav && !b ? PETSC_FALSE : PETSC_TRUE);
    memcpy(a->name, read.name, sizeof(a->name));
    *uniform = true;
  }
}

/* title and signal_type from the signal group's metadata, when there is one */
static void ReadSignalMetadata(hid_t sig, NMFMapInfo *info)
{
  std::string s;
  if (H5Lexists(sig, "metadata", H5P_DEFAULT) <= 0) return;
  if (H5Lexists(sig, "metadata/General", H5P_DEFAULT) > 0) {
    hid_t g = H5Gopen2(sig, "metadata/General", H5P_DEFAULT);
    if (g >= 0 && ReadText(g, "title", &s) && !s.empty()) CopyString(info->title, sizeof(info->title), s);
    if (g >= 0) H5Gclose(g);
  }
  if (H5Lexists(sig, "metadata/Signal", H5P_DEFAULT) > 0) {
    hid_t g = H5Gopen2(sig, "metadata/Signal", H5P_DEFAULT);
    if (g >= 0 && ReadText(g, "signal_type", &s)) CopyString(info->signal_type, sizeof(info->signal_type), s);
    if (g >= 0) H5Gclose(g);
  }
}

static std::string AxisLabel(const NMFAxis &a)
{
  return a.name[0] ? std::string(" '") + a.name + "'" : std::string();
}

/*@
   NMFIOGetMapInfo - Gets the shape, axes and title of an input map.

   Collective

   Input Parameters:
+  comm   - the communicator that will read the map
.  spec   - "FILE[:DATASET]"; without DATASET the data of the single signal under /Experiments
            (a HyperSpy file), else /X
-  layout - NMF_LAYOUT_PIXELS_FIRST ((ny, nx, n) or (p, n)) or NMF_LAYOUT_CHANNELS_FIRST (a 2-D
            (n, p) dataset)

   Output Parameter:
.  info - dims and axes in pixel-major order, the resolved dataset, the title

   Notes:
   Errors (one message naming the file and dataset): no such file, not HDF5, truncated; several
   signals under /Experiments and no DATASET; not numbers; not 2-D or 3-D; a channel axis of
   length 1; axis-i groups that contradict the data (sizes, or navigation axes that are not the
   leading ones, e.g. an image stack).

   Options Database Key (program):
.  -layout <pixels_first,channels_first>

   Level: intermediate
@*/
PetscErrorCode NMFIOGetMapInfo(MPI_Comm comm, const char spec[], NMFLayout layout, NMFMapInfo *info)
try {
  hid_t       file, dset;
  std::string dpath, fname, given;
  hsize_t     d[8];
  PetscMPIInt rank;

  PetscFunctionBegin;
  NMFIOReadGuard guard(comm, spec); /* a crash or no answer inside HDF5: one line (read_guard.cpp) */
  PetscCheck(layout == NMF_LAYOUT_PIXELS_FIRST || layout == NMF_LAYOUT_CHANNELS_FIRST, comm, PETSC_ERR_ARG_OUTOFRANGE, "unknown map layout %d", (int)layout);
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(PetscMemzero(info, sizeof(*info)));
  PetscCall(PetscStrncpy(info->spec, spec, sizeof(info->spec)));
  info->layout = layout;
  NMFIOSplitSpec_Private(spec, fname, given);
  PetscCall(NMFIOOpenDataset_Private(comm, spec, &file, &dset, &dpath));
  CopyString(info->dataset, sizeof(info->dataset), dpath);
  NMFIOTypeName_Private(dset, info->dtype, sizeof(info->dtype));
  const int  nd = NMFIOGetDims_Private(dset, d);
  const bool cf = layout == NMF_LAYOUT_CHANNELS_FIRST;
  if (cf ? nd != 2 : (nd != 2 && nd != 3)) NMFIOCloseAll_Private(dset, file);
  PetscCheck(!cf || nd == 2, comm, PETSC_ERR_FILE_UNEXPECTED, "-layout channels_first reads a 2-D (channels, pixels) dataset, but '%s' (dataset %s) has %d dimensions", fname.c_str(), dpath.c_str(), nd);
  PetscCheck(cf || nd == 2 || nd == 3, comm, PETSC_ERR_FILE_UNEXPECTED, "the map '%s' (dataset %s) has %d dimensions: expected 3 (ny, nx, channels) or 2 (pixels, channels)", fname.c_str(), dpath.c_str(), nd);
  bool empty = false;
  for (int i = 0; i < nd; i++) empty = empty || d[i] == 0;
  if (empty) NMFIOCloseAll_Private(dset, file);
  PetscCheck(!empty, comm, PETSC_ERR_FILE_UNEXPECTED, "the map '%s' (dataset %s) has a dimension of size 0", fname.c_str(), dpath.c_str());

  /* file order -> pixel-major order: pixel-major axis i is the file's axis perm[i] */
  const int perm[3] = {cf ? 1 : 0, cf ? 0 : 1, 2};
  info->ndims       = nd;
  for (int i = 0; i < nd; i++) info->dims[i] = (PetscInt)d[perm[i]];

  /* a HyperSpy signal: the dataset "data" of a group with axis-0, axis-1, ... */
  const size_t      slash  = dpath.rfind('/');
  const std::string parent = slash == 0 ? "/" : dpath.substr(0, slash), base = dpath.substr(slash + 1);
  hid_t             sig  = H5Gopen2(file, parent.c_str(), H5P_DEFAULT);
  bool              hspy = base == "data" && sig >= 0;
  for (int i = 0; hspy && i < nd; i++) hspy = H5Lexists(sig, ("axis-" + std::to_string(i)).c_str(), H5P_DEFAULT) > 0;
  NMFAxis     fax[3];
  std::string why, unreadable[3];
  bool        all_nav = true, uniform[3] = {true, true, true};
  for (int i = 0; hspy && i < nd; i++) {
    bool has_nav;
    ReadAxis(sig, i, d[i], &fax[i], &why, &has_nav, &uniform[i], &unreadable[i]);
    all_nav = all_nav && has_nav;
  }
  CopyString(info->title, sizeof(info->title), base == "data" && slash > 0 ? parent.substr(parent.rfind('/') + 1) : base);
  if (sig >= 0) ReadSignalMetadata(sig, info);
  if (sig >= 0) H5Gclose(sig);
  NMFIOCloseAll_Private(dset, file);
  PetscCheck(why.empty(), comm, PETSC_ERR_FILE_UNEXPECTED, "the map '%s' (dataset %s) has inconsistent axes: %s", fname.c_str(), dpath.c_str(), why.c_str());

  info->has_axes = hspy ? PETSC_TRUE : PETSC_FALSE;
  for (int i = 0; i < nd; i++) {
    if (hspy)
      info->axes[i] = fax[perm[i]];
    else
      DefaultAxis(&info->axes[i], info->dims[i], PETSC_TRUE);
  }
  if (hspy && all_nav && !cf) { /* a spectrum image: navigation axes first, one signal axis last */
    bool spectra = !fax[nd - 1].navigate;
    for (int i = 0; i < nd - 1; i++) spectra = spectra && fax[i].navigate;
    std::string flags;
    for (int i = 0; i < nd; i++) flags += std::string(i ? ", " : "") + (fax[i].navigate ? "navigation" : "signal");
    PetscCheck(spectra, comm, PETSC_ERR_FILE_UNEXPECTED, "the HyperSpy signal in '%s' (dataset %s) is not a spectrum image: its axes are (%s), expected navigation axes then one signal (channel) axis (in HyperSpy: s.as_signal1D(...) then save)", fname.c_str(), dpath.c_str(), flags.c_str());
  }
  for (int i = 0; i < nd; i++) info->axes[i].navigate = i < nd - 1 ? PETSC_TRUE : PETSC_FALSE; /* as the solver reads the map */
  const NMFAxis &ch = info->axes[nd - 1];
  PetscCheck(ch.size >= 2, comm, PETSC_ERR_FILE_UNEXPECTED, "the map '%s' (dataset %s) has a signal axis%s of length %" PetscInt_FMT ": expected at least 2 channels", fname.c_str(), dpath.c_str(), AxisLabel(ch).c_str(), ch.size);
  for (int i = 0; i < nd; i++)
    if (!unreadable[perm[i]].empty() && rank == 0) { /* a damaged axis is optional: the data alone say the shape */
      PetscCall(PetscFPrintf(PETSC_COMM_SELF, PETSC_STDERR, "warning: axis-%d of '%s' is damaged (%s): the outputs use its index as coordinate\n", perm[i], fname.c_str(), unreadable[perm[i]].c_str()));
    }
  for (int i = 0; i < nd; i++)
    if (!uniform[perm[i]] && rank == 0) {
      PetscCall(PetscFPrintf(PETSC_COMM_SELF, PETSC_STDERR, "warning: axis-%d%s of '%s' is not uniform: the outputs use its index as coordinate\n", perm[i], AxisLabel(info->axes[i]).c_str(), fname.c_str()));
    }
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

void NMFIOOutputAxes_Private(NMF nmf, const NMFMapInfo *map, NMFAxis axes[3], PetscInt *naxes)
{
  const PetscInt nd = map ? map->ndims : 0;
  NMFAxis        sig;

  if (map && map->dims[nd - 1] == nmf->n)
    sig = map->axes[nd - 1];
  else
    DefaultAxis(&sig, nmf->n, PETSC_FALSE);
  sig.navigate = PETSC_FALSE;
  if (nmf->has_shape) {
    const bool same = map && nd == 3 && map->dims[0] == nmf->ny && map->dims[1] == nmf->nx;
    if (same) {
      axes[0] = map->axes[0];
      axes[1] = map->axes[1];
    } else {
      DefaultAxis(&axes[0], nmf->ny, PETSC_TRUE);
      DefaultAxis(&axes[1], nmf->nx, PETSC_TRUE);
    }
    axes[2] = sig;
    *naxes  = 3;
  } else {
    if (map && nd == 2 && map->dims[0] == nmf->p)
      axes[0] = map->axes[0];
    else
      DefaultAxis(&axes[0], nmf->p, PETSC_TRUE);
    axes[1] = sig;
    *naxes  = 2;
  }
}
