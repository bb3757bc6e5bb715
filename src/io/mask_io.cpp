/* Masks in files (doc/masks.md): a navigation mask of the map's navigation shape, read in parallel
   (each rank its own pixels); a signal mask of n values, read whole on every rank; a signal mask
   from ranges of the calibrated signal axis; the vacuum mask from the counts.  Both masks store 1
   (or true) where the pixel or channel is excluded. */
#include <smoothnmf/private/nmfimpl.h>
#include <smoothnmf/private/ioimpl.h>
#include <smoothnmf_io.h>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

/* reads the selected values of dset as doubles: an enum (h5py's bool) through its 1-byte integer
   values, any other number converted by HDF5 */
static herr_t ReadAsDoubles(hid_t dset, hid_t mspace, hid_t fspace, hid_t dxpl, size_t count, double *v)
{
  hid_t  ft = H5Dget_type(dset);
  herr_t st;
  if (H5Tget_class(ft) == H5T_ENUM) { /* read as stored, the member values are integers (h5py: FALSE 0, TRUE 1) */
    hid_t             base = H5Tget_super(ft);
    const size_t      sz   = H5Tget_size(ft);
    const bool        sgn  = H5Tget_sign(base) == H5T_SGN_2;
    std::vector<char> raw(PetscMax(count, (size_t)1) * sz);
    st = (sz == 1 || sz == 2 || sz == 4 || sz == 8) ? H5Dread(dset, ft, mspace, fspace, dxpl, raw.data()) : -1;
    for (size_t e = 0; e < count && st >= 0; e++) {
      long long x = 0;
      if (sz == 1)
        x = sgn ? (long long)(signed char)raw[e] : (long long)(unsigned char)raw[e];
      else if (sz == 2)
        x = sgn ? (long long)((short *)raw.data())[e] : (long long)((unsigned short *)raw.data())[e];
      else if (sz == 4)
        x = sgn ? (long long)((int *)raw.data())[e] : (long long)((unsigned *)raw.data())[e];
      else
        x = ((long long *)raw.data())[e];
      v[e] = (double)x;
    }
    H5Tclose(base);
  } else
    st = H5Dread(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, v);
  H5Tclose(ft);
  return st;
}

/*@
   NMFIOReadNavigationMask - Reads a navigation mask, a dataset of the navigation shape (ny, nx) or
   (p) (also (1, ny, nx) or (1, p), as the result file's /masks/navigation), booleans or 0/1
   numbers, into a global vector of the data DM; each rank reads its own block.

   Collective

   Input Parameters:
+  nmf  - the object, its data set
-  spec - "FILE:DATASET"

   Output Parameter:
.  mask - a new vector (1 = excluded), for NMFSetNavigationMask()

   Level: intermediate

.seealso: NMFSetNavigationMask(), NMFIOReadSignalMask()
@*/
PetscErrorCode NMFIOReadNavigationMask(NMF nmf, const char spec[], Vec *mask)
try {
  hid_t       file, dset;
  std::string dpath;
  hsize_t     d[8];
  bool        ok;

  PetscFunctionBegin;
  PetscCheck(nmf->daX, nmf->comm, PETSC_ERR_ORDER, "set the data before reading its navigation mask");
  NMFIOReadGuard guard(nmf->comm, spec); /* a crash or no answer inside HDF5: one line (read_guard.cpp) */
  PetscCall(NMFIOOpenDataset_Private(nmf->comm, spec, &file, &dset, &dpath, true));
  int            nd   = NMFIOGetDims_Private(dset, d);
  int            lead = (nd >= 2 && d[0] == 1 && (nd == 3 || (nd == 2 && (PetscInt)d[1] == nmf->p))) ? 1 : 0; /* a leading axis of 1 */
  const hsize_t *s    = d + lead;
  const int      ns   = nd - lead;
  const bool     img  = nmf->has_shape && ns == 2 && (PetscInt)s[0] == nmf->ny && (PetscInt)s[1] == nmf->nx;
  const bool     flat = ns == 1 && (PetscInt)s[0] == nmf->p;
  if (!img && !flat) NMFIOCloseAll_Private(dset, file);
  const std::string got = NMFIOShapeText_Private(nd, d);
  if (nmf->has_shape)
    PetscCheck(img || flat, nmf->comm, PETSC_ERR_ARG_SIZ, "the navigation mask '%s' has shape %s, expected the navigation shape (%" PetscInt_FMT ", %" PetscInt_FMT ") or (%" PetscInt_FMT ")", spec, got.c_str(), nmf->ny, nmf->nx, nmf->p);
  else
    PetscCheck(img || flat, nmf->comm, PETSC_ERR_ARG_SIZ, "the navigation mask '%s' has shape %s, expected (%" PetscInt_FMT ") values, one per pixel", spec, got.c_str(), nmf->p);
  hid_t          fspace   = H5Dget_space(dset);
  const PetscInt nxr      = nmf->has_shape ? nmf->nx : nmf->p;
  hsize_t        start[3] = {0, 0, 0}, stride[3] = {1, 1, 1}, count[3] = {1, 1, 1}, block[3] = {1, 1, 1};
  if (img) { /* rows ys.., columns xs.. */
    start[lead] = (hsize_t)nmf->ys, start[lead + 1] = (hsize_t)nmf->xs;
    count[lead] = (hsize_t)nmf->ym, count[lead + 1] = (hsize_t)nmf->xm;
  } else { /* ym runs of xm pixels, nx apart */
    start[lead] = (hsize_t)(nmf->ys * nxr + nmf->xs), stride[lead] = (hsize_t)nxr, count[lead] = (hsize_t)nmf->ym, block[lead] = (hsize_t)nmf->xm;
  }
  H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, stride, count, block);
  std::vector<double> buf(PetscMax(nmf->p_local, (PetscInt)1));
  hsize_t             nloc   = (hsize_t)nmf->p_local;
  hid_t               mspace = H5Screate_simple(1, &nloc, NULL);
  hid_t               dxpl   = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  herr_t st = ReadAsDoubles(dset, mspace, fspace, dxpl, (size_t)nmf->p_local, buf.data());
  H5Pclose(dxpl);
  H5Sclose(mspace);
  H5Sclose(fspace);
  NMFIOCloseAll_Private(dset, file);
  PetscCall(NMFIOAllOK_Private(nmf->comm, st >= 0, &ok));
  PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_READ, "reading the navigation mask '%s' failed: it must hold booleans or numbers (the file may be damaged)", spec);
  PetscScalar *m;
  PetscCall(DMCreateGlobalVector(nmf->daX, mask));
  PetscCall(VecGetArray(*mask, &m));
  for (PetscInt q = 0; q < nmf->p_local; q++) m[q] = buf[q];
  PetscCall(VecRestoreArray(*mask, &m));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@C
   NMFIOReadSignalMask - Reads a signal mask, a dataset of n booleans or 0/1 numbers, whole on every
   rank.

   Collective

   Input Parameters:
+  comm - the communicator
.  spec - "FILE:DATASET"
-  n    - the channels of the data

   Output Parameter:
.  excluded - n flags (PETSC_TRUE = excluded), allocated with PetscMalloc1() (free with PetscFree())

   Level: intermediate

.seealso: NMFSetSignalMask(), NMFIOSignalMaskFromRanges()
@*/
PetscErrorCode NMFIOReadSignalMask(MPI_Comm comm, const char spec[], PetscInt n, PetscBool **excluded)
try {
  hid_t       file, dset;
  std::string dpath;
  hsize_t     d[8];
  bool        ok;

  PetscFunctionBegin;
  NMFIOReadGuard guard(comm, spec);
  PetscCall(NMFIOOpenDataset_Private(comm, spec, &file, &dset, &dpath, true));
  int        nd   = NMFIOGetDims_Private(dset, d);
  const bool fits = (nd == 1 && (PetscInt)d[0] == n) || (nd == 2 && d[0] == 1 && (PetscInt)d[1] == n);
  if (!fits) NMFIOCloseAll_Private(dset, file);
  const std::string got = NMFIOShapeText_Private(nd, d);
  PetscCheck(fits, comm, PETSC_ERR_ARG_SIZ, "the signal mask '%s' has shape %s, expected (%" PetscInt_FMT ") values, one per channel", spec, got.c_str(), n);
  std::vector<double> v(PetscMax(n, (PetscInt)1));
  herr_t              st = ReadAsDoubles(dset, H5S_ALL, H5S_ALL, H5P_DEFAULT, (size_t)n, v.data());
  NMFIOCloseAll_Private(dset, file);
  PetscCall(NMFIOAllOK_Private(comm, st >= 0, &ok));
  PetscCheck(ok, comm, PETSC_ERR_FILE_READ, "reading the signal mask '%s' failed: it must hold booleans or numbers (the file may be damaged)", spec);
  for (PetscInt i = 0; i < n; i++) PetscCheck(v[i] == 0 || v[i] == 1, comm, PETSC_ERR_ARG_OUTOFRANGE, "the signal mask '%s' has the value %s at channel %" PetscInt_FMT ": a mask holds 1 (excluded) or 0 (kept)", spec, std::isnan(v[i]) ? "NaN" : NMFNumberText_Private(v[i]).c_str(), i);
  PetscCall(PetscMalloc1(PetscMax(n, (PetscInt)1), excluded));
  for (PetscInt i = 0; i < n; i++) (*excluded)[i] = v[i] != 0 ? PETSC_TRUE : PETSC_FALSE;
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@C
   NMFIOSignalMaskFromRanges - A signal mask from ranges LO:HI[,LO:HI...] of the signal axis, in its
   calibrated units (keV for an EDX map), or channel indices for an uncalibrated axis: the channels
   whose coordinate offset + i scale lies in a range are excluded.

   Not Collective

   Input Parameters:
+  comm   - for the error
.  ranges - the text, e.g. "0:0.35" or "0:0.35,9.8:10.1"
-  axis   - the signal axis (NMFMapInfo's last axis)

   Output Parameter:
.  excluded - axis->size flags, allocated with PetscMalloc1()

   Notes:
   A range that holds no channel (outside the axis, or between two channels) is refused, naming
   the axis's extent.

   Level: intermediate
@*/
PetscErrorCode NMFIOSignalMaskFromRanges(MPI_Comm comm, const char ranges[], const NMFAxis *axis, PetscBool **excluded)
try {
  const PetscInt n = axis->size;
  std::string    text(ranges);
  const double   a0 = axis->offset, a1 = axis->offset + (n - 1) * axis->scale;
  const char    *units = axis->units[0] ? axis->units : "(channel index)";

  PetscFunctionBegin;
  PetscCall(PetscCalloc1(PetscMax(n, (PetscInt)1), excluded));
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t      comma = text.find(',', pos);
    std::string r     = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    char       *end;
    const char *s    = r.c_str();
    double      lo   = strtod(s, &end);
    bool        good = end != s && *end == ':';
    double      hi   = good ? strtod(end + 1, &end) : 0;
    good             = good && *end == 0 && std::isfinite(lo) && std::isfinite(hi) && lo <= hi;
    if (!good) PetscCall(PetscFree(*excluded));
    PetscCheck(good, comm, PETSC_ERR_ARG_WRONG, "the signal mask range '%s' is not LO:HI (two numbers, LO <= HI, in the signal axis's units %s)", r.c_str(), units);
    PetscInt hits = 0;
    for (PetscInt i = 0; i < n; i++) {
      const double x = axis->offset + i * axis->scale;
      if (x >= lo && x <= hi) (*excluded)[i] = PETSC_TRUE, hits++;
    }
    if (!hits) PetscCall(PetscFree(*excluded));
    PetscCheck(hits, comm, PETSC_ERR_ARG_OUTOFRANGE, "the signal mask range %s holds no channel: the signal axis%s%s runs from %s to %s %s", r.c_str(), axis->name[0] ? " " : "", axis->name, NMFNumberText_Private(PetscMin(a0, a1)).c_str(), NMFNumberText_Private(PetscMax(a0, a1)).c_str(), units);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS
