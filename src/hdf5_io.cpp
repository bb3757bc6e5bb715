/* Parallel HDF5 I/O of maps, matrices, abundances and the result file: each rank reads and
   writes its own pixel block as a hyperslab. */
#include "io_impl.h"
#include <cstdio>
#include <string>
#include <vector>

const char *const NMFLayouts[] = {"pixels_first", "channels_first", "NMFLayout", "NMF_LAYOUT_", nullptr};

/* ------------------------------------------------------------------ maps */

PetscErrorCode NMFIOGetMapShape(MPI_Comm comm, const char spec[], PetscInt *ndims, PetscInt dims[3], char dataset[])
try {
  NMFMapInfo info;

  PetscFunctionBegin;
  PetscCall(NMFIOGetMapInfo(comm, spec, NMF_LAYOUT_PIXELS_FIRST, &info));
  *ndims = info.ndims;
  for (PetscInt i = 0; i < info.ndims; i++) dims[i] = info.dims[i];
  if (dataset) PetscCall(PetscStrncpy(dataset, info.dataset, 256));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

PetscErrorCode NMFIOReadMap(MPI_Comm comm, const char spec[], DM da, Vec X)
{
  PetscFunctionBegin;
  PetscCall(NMFIOReadMapLayout(comm, spec, NMF_LAYOUT_PIXELS_FIRST, da, X));
  PetscFunctionReturn(0);
}

/* Selects the block's pixels x all n channels of a channels-first (n, p) dataset; the pixel
   order is i nx + j.  The selection comes back channel-major: buf[i pl + q]. */
static void SelectPixelsChannelsFirst(hid_t space, const hsize_t dims[], const NMFIOBlock &b)
{
  if (b.dim == 2) {
    hsize_t start[2] = {0, (hsize_t)(b.ys * b.M + b.xs)}, stride[2] = {1, (hsize_t)b.M}, count[2] = {1, (hsize_t)b.ym}, block[2] = {dims[0], (hsize_t)b.xm};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, stride, count, block);
  } else {
    hsize_t start[2] = {0, (hsize_t)b.xs}, count[2] = {dims[0], (hsize_t)b.xm};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
  }
}

/* Reads the selection into buf in the memory type mtype: collectively, and where HDF5 refuses the
   collective read on any rank, every rank reads its block again with independent transfer. */
static PetscErrorCode ReadSelectionAs(MPI_Comm comm, hid_t dset, hid_t mspace, hid_t fspace, hid_t mtype, void *buf, bool *ok)
{
  PetscFunctionBegin;
  hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  herr_t st = H5Dread(dset, mtype, mspace, fspace, dxpl, buf);
  PetscCall(NMFIOAllOK_Private(comm, st >= 0, ok));
  if (!*ok) {
    H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_INDEPENDENT);
    st = H5Dread(dset, mtype, mspace, fspace, dxpl, buf);
    PetscCall(NMFIOAllOK_Private(comm, st >= 0, ok));
  }
  H5D_mpio_actual_io_mode_t mode   = H5D_MPIO_NO_COLLECTIVE;
  uint32_t                  lcause = 0, gcause = 0;
  H5Pget_mpio_actual_io_mode(dxpl, &mode);
  H5Pget_mpio_no_collective_cause(dxpl, &lcause, &gcause);
  PetscCall(PetscInfo(NULL, "map read with %s transfer (HDF5 no-collective causes 0x%x, global 0x%x)\n", mode == H5D_MPIO_NO_COLLECTIVE ? "independent" : "collective", (unsigned)lcause, (unsigned)gcause));
  H5Pclose(dxpl);
  PetscFunctionReturn(0);
}

/* Reads the selection into buf (room for nloc doubles) and converts it to double.  Parallel
   HDF5 1.10 does collective transfers, also of chunked, compressed datasets, only without type
   conversion: the values are read in the file's own (native) type and converted in place
   afterwards. */
static PetscErrorCode ReadSelection(MPI_Comm comm, hid_t dset, hid_t mspace, hid_t fspace, hsize_t nloc, double *buf, bool *ok)
{
  PetscFunctionBegin;
  hid_t      ftype  = H5Dget_type(dset);
  hid_t      ntype  = H5Tget_native_type(ftype, H5T_DIR_ASCEND);
  const bool direct = ntype < 0 || H5Tget_size(ntype) > sizeof(double) || H5Tequal(ntype, H5T_NATIVE_DOUBLE) > 0;
  PetscCall(ReadSelectionAs(comm, dset, mspace, fspace, direct ? H5T_NATIVE_DOUBLE : ntype, buf, ok));
  if (*ok && !direct) *ok = H5Tconvert(ntype, H5T_NATIVE_DOUBLE, nloc, buf, NULL, H5P_DEFAULT) >= 0; /* in place: buf has room for the doubles */
  PetscCall(NMFIOAllOK_Private(comm, *ok, ok));
  if (ntype >= 0) H5Tclose(ntype);
  H5Tclose(ftype);
  PetscFunctionReturn(0);
}

/* The rank's pixels of the map's dataset as a file selection, after checking that the dataset
   fits the layout it was distributed for (file and dataset closed on failure). */
static PetscErrorCode SelectRankPixels(MPI_Comm comm, const char spec[], NMFLayout layout, const NMFIOBlock &b, hid_t file, hid_t dset, const std::string &dpath, hsize_t d[8], hid_t *fspace)
{
  PetscFunctionBegin;
  const int  nd = NMFIOGetDims_Private(dset, d);
  const bool cf = layout == NMF_LAYOUT_CHANNELS_FIRST;
  bool       fits;
  if (cf) fits = nd == 2 && (PetscInt)d[0] == b.dof && (PetscInt)d[1] == b.M * b.N;
  else fits = (nd == 3 && (PetscInt)d[2] == b.dof && (PetscInt)(d[0] * d[1]) == b.M * b.N && (b.dim == 1 || ((PetscInt)d[0] == b.N && (PetscInt)d[1] == b.M))) || (nd == 2 && (PetscInt)d[1] == b.dof && (PetscInt)d[0] == b.M * b.N);
  if (!fits) NMFIOCloseAll_Private(dset, file);
  PetscCheck(fits, comm, PETSC_ERR_FILE_UNEXPECTED, "the map '%s' (dataset %s, %s) does not match the layout it was distributed for (%" PetscInt_FMT " pixels x %" PetscInt_FMT " channels)", spec, dpath.c_str(), NMFLayouts[layout], b.M * b.N, b.dof);
  *fspace = H5Dget_space(dset);
  if (cf) SelectPixelsChannelsFirst(*fspace, d, b);
  else NMFIOSelectPixels_Private(*fspace, nd, d, b);
  PetscFunctionReturn(0);
}

/* Reads the rank's block of the map into dst, pixel-major (a channels_first dataset is read into a
   buffer and transposed in memory): read(dset, mspace, fspace, nloc, buf, &ok) reads the selection
   of nloc values into buf, in values of sz bytes. */
template <typename ReadFn>
static PetscErrorCode ReadRankBlock(MPI_Comm comm, const char spec[], NMFLayout layout, DM da, size_t sz, char *dst, ReadFn read)
{
  hid_t       file, dset;
  std::string dpath;
  hsize_t     d[8];
  NMFIOBlock  b;
  bool        ok;

  PetscFunctionBegin;
  PetscCall(NMFIOGetBlock_Private(da, &b));
  PetscCall(NMFIOOpenDataset_Private(comm, spec, &file, &dset, &dpath));
  const bool cf     = layout == NMF_LAYOUT_CHANNELS_FIRST;
  hid_t      fspace = -1;
  PetscCall(SelectRankPixels(comm, spec, layout, b, file, dset, dpath, d, &fspace));
  const PetscInt pl     = b.xm * b.ym;
  hsize_t        nloc   = (hsize_t)pl * b.dof;
  hid_t          mspace = H5Screate_simple(1, &nloc, NULL);
  if (cf) {
    std::vector<char> buf(nloc * sz); /* channel-major: value i pl + q */
    PetscCall(read(dset, mspace, fspace, nloc, buf.data(), &ok));
    if (ok)
      for (PetscInt q = 0; q < pl; q++)
        for (PetscInt i = 0; i < b.dof; i++) memcpy(dst + ((size_t)q * b.dof + i) * sz, buf.data() + ((size_t)i * pl + q) * sz, sz);
  } else PetscCall(read(dset, mspace, fspace, nloc, dst, &ok));
  H5Sclose(mspace);
  H5Sclose(fspace);
  NMFIOCloseAll_Private(dset, file);
  PetscCheck(ok, comm, PETSC_ERR_FILE_READ, "reading the map '%s' (dataset %s) failed: the file is truncated or damaged", spec, dpath.c_str());
  PetscFunctionReturn(0);
}

PetscErrorCode NMFIOReadMapLayout(MPI_Comm comm, const char spec[], NMFLayout layout, DM da, Vec X)
try {
  PetscScalar *x;
  NMFIOBlock   b;
  PetscInt     nloc;

  PetscFunctionBegin;
  PetscCall(NMFInitializePackage());
  PetscCall(NMFPhaseBegin_Private(NMF_PHASE_READ));
  PetscCall(NMFIOGetBlock_Private(da, &b));
  PetscCall(VecGetLocalSize(X, &nloc));
  PetscCheck((size_t)nloc == (size_t)b.xm * b.ym * b.dof, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "the vector for the map holds %" PetscInt_FMT " values on this rank, expected n p_local = %" PetscInt_FMT " x %" PetscInt_FMT ": create it with NMFCreateDataVec()", nloc, b.dof, b.xm * b.ym);
  PetscCall(VecGetArray(X, &x));
  PetscErrorCode ierr = ReadRankBlock(comm, spec, layout, da, sizeof(double), (char *)x, [&](hid_t dset, hid_t mspace, hid_t fspace, hsize_t nloc, char *buf, bool *ok) { return ReadSelection(comm, dset, mspace, fspace, nloc, (double *)buf, ok); });
  PetscCall(VecRestoreArray(X, &x));
  PetscCall(ierr);
  PetscCall(NMFPhaseEnd_Private(NMF_PHASE_READ));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

PetscErrorCode NMFIOChooseDataType(MPI_Comm comm, const char spec[], const char request[], NMFDataType *type)
{
  hid_t       file, dset;
  std::string dpath;

  PetscFunctionBegin;
  PetscCheck(!strcmp(request, "native") || !strcmp(request, "float32") || !strcmp(request, "float64"), comm, PETSC_ERR_ARG_WRONG, "-nmf_data_type %s: expected native, float32 or float64", request);
  if (!strcmp(request, "float64")) *type = NMF_DATA_FLOAT64;
  else if (!strcmp(request, "float32")) *type = NMF_DATA_FLOAT32;
  else {
    PetscCall(NMFIOOpenDataset_Private(comm, spec, &file, &dset, &dpath));
    hid_t ftype = H5Dget_type(dset), ntype = H5Tget_native_type(ftype, H5T_DIR_ASCEND);
    *type       = NMF_DATA_FLOAT64;
    if (H5Tequal(ntype, H5T_NATIVE_UINT8) > 0) *type = NMF_DATA_UINT8;
    else if (H5Tequal(ntype, H5T_NATIVE_UINT16) > 0) *type = NMF_DATA_UINT16;
    else if (H5Tequal(ntype, H5T_NATIVE_FLOAT) > 0) *type = NMF_DATA_FLOAT32;
    H5Tclose(ntype);
    H5Tclose(ftype);
    NMFIOCloseAll_Private(dset, file);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMFIOReadMapCompact(MPI_Comm comm, const char spec[], NMFLayout layout, DM da, NMFDataType type, void **array)
try {
  NMFIOBlock   b;
  char        *buf;
  const hid_t  mtypes[] = {H5T_NATIVE_DOUBLE, H5T_NATIVE_FLOAT, H5T_NATIVE_UINT16, H5T_NATIVE_UINT8};
  const size_t sizes[]  = {sizeof(double), sizeof(float), sizeof(uint16_t), sizeof(uint8_t)};

  PetscFunctionBegin;
  PetscCall(NMFInitializePackage());
  PetscCall(NMFPhaseBegin_Private(NMF_PHASE_READ));
  PetscCall(NMFIOGetBlock_Private(da, &b));
  PetscCall(PetscMalloc(PetscMax((size_t)b.xm * b.ym * b.dof * sizes[type], 1), &buf));
  PetscErrorCode ierr = ReadRankBlock(comm, spec, layout, da, sizes[type], buf, [&](hid_t dset, hid_t mspace, hid_t fspace, hsize_t, char *to, bool *ok) { return ReadSelectionAs(comm, dset, mspace, fspace, mtypes[type], to, ok); });
  if (ierr) PetscCall(PetscFree(buf));
  PetscCall(ierr);
  *array = buf;
  PetscCall(NMFPhaseEnd_Private(NMF_PHASE_READ));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

PetscErrorCode NMFIOReadMapAs(MPI_Comm comm, const char spec[], NMFLayout layout, DM da, const char request[], NMFDataType *type, void **array)
{
  PetscFunctionBegin;
  *array = NULL;
  PetscCall(NMFIOChooseDataType(comm, spec, request, type));
  PetscCall(NMFIOReadMapCompact(comm, spec, layout, da, *type, array));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFIOWriteMap(MPI_Comm comm, const char path[], const char dataset[], DM da, const PetscReal x[], PetscBool create_file)
try {
  hid_t              file;
  NMFIOBlock         b;
  bool               ok;

  PetscFunctionBegin;
  PetscCall(NMFIOGetBlock_Private(da, &b));
  if (create_file) PetscCall(NMFIOCreateFile_Private(comm, path, &file));
  else PetscCall(NMFIOOpenFile_Private(comm, path, H5F_ACC_RDWR, &file));
  hsize_t   d[3];
  const int nd = NMFIOMapShape_Private(b, d);
  hid_t fspace = H5Screate_simple(nd, d, NULL);
  hid_t lcpl   = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t dset = H5Dcreate2(file, dataset, H5T_IEEE_F64LE, fspace, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Pclose(lcpl);
  if (dset < 0) {
    H5Sclose(fspace);
    H5Fclose(file);
  }
  PetscCheck(dset >= 0, comm, PETSC_ERR_FILE_WRITE, "cannot create the dataset '%s' in '%s'", dataset, path);
  NMFIOSelectPixels_Private(fspace, nd, d, b);
  hsize_t nloc   = (hsize_t)b.xm * b.ym * b.dof;
  hid_t   mspace = H5Screate_simple(1, &nloc, NULL);
  hid_t   dxpl   = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  herr_t st = H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, x);
  H5Pclose(dxpl);
  H5Sclose(mspace);
  H5Sclose(fspace);
  H5Dclose(dset);
  herr_t cl = H5Fclose(file);
  PetscCall(NMFIOAllOK_Private(comm, st >= 0 && cl >= 0, &ok));
  PetscCheck(ok, comm, PETSC_ERR_FILE_WRITE, "writing '%s:%s' failed", path, dataset);
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* ------------------------------------------------------------------ small matrices, abundances */

PetscErrorCode NMFIOReadMatrix(MPI_Comm comm, const char spec[], PetscInt *rows, PetscInt *cols, PetscReal **values)
try {
  hid_t       file, dset;
  std::string dpath;
  hsize_t     d[8];
  bool        ok;

  PetscFunctionBegin;
  PetscCall(NMFIOOpenDataset_Private(comm, spec, &file, &dset, &dpath));
  int nd = NMFIOGetDims_Private(dset, d);
  if (nd != 2) NMFIOCloseAll_Private(dset, file);
  PetscCheck(nd == 2, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' has %d dimensions: expected a 2-D matrix", spec, nd);
  *rows = (PetscInt)d[0];
  *cols = (PetscInt)d[1];
  PetscCall(PetscMalloc1(PetscMax(d[0] * d[1], 1), values));
  herr_t st = H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *values);
  NMFIOCloseAll_Private(dset, file);
  PetscCall(NMFIOAllOK_Private(comm, st >= 0, &ok));
  PetscCheck(ok, comm, PETSC_ERR_FILE_READ, "reading '%s' failed: the file is truncated or damaged", spec);
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

PetscErrorCode NMFIOReadAbundance(NMF nmf, const char spec[], Vec H)
try {
  hid_t       file, dset;
  std::string dpath;
  hsize_t     d[8];
  const PetscInt k = nmf->k, pl = nmf->p_local;
  bool        ok;

  PetscFunctionBegin;
  PetscCall(NMFIOOpenDataset_Private(nmf->comm, spec, &file, &dset, &dpath));
  int  nd   = NMFIOGetDims_Private(dset, d);
  bool fits = (nd == 2 && (PetscInt)d[0] == k && (PetscInt)d[1] == nmf->p) || (nd == 3 && nmf->has_shape && (PetscInt)d[0] == k && (PetscInt)d[1] == nmf->ny && (PetscInt)d[2] == nmf->nx);
  if (!fits) NMFIOCloseAll_Private(dset, file);
  std::string got = "(";
  for (int i = 0; i < nd; i++) got += std::to_string((long long)d[i]) + (i + 1 < nd ? ", " : ")");
  const char *what = NULL;
  PetscCall(PetscObjectGetName((PetscObject)H, &what));
  if (nmf->has_shape) PetscCheck(fits, nmf->comm, PETSC_ERR_ARG_SIZ, "%s '%s' has shape %s, expected (%" PetscInt_FMT ", %" PetscInt_FMT ", %" PetscInt_FMT ") or (%" PetscInt_FMT ", %" PetscInt_FMT ")", what, spec, got.c_str(), k, nmf->ny, nmf->nx, k, nmf->p);
  else PetscCheck(fits, nmf->comm, PETSC_ERR_ARG_SIZ, "%s '%s' has shape %s, expected (%" PetscInt_FMT ", %" PetscInt_FMT ")", what, spec, got.c_str(), k, nmf->p);
  hid_t fspace = H5Dget_space(dset);
  if (nd == 3) {
    hsize_t start[3] = {0, (hsize_t)nmf->ys, (hsize_t)nmf->xs}, count[3] = {(hsize_t)k, (hsize_t)nmf->ym, (hsize_t)nmf->xm};
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
  } else {
    const PetscInt nxr = nmf->has_shape ? nmf->nx : nmf->p;
    hsize_t start[2] = {0, (hsize_t)(nmf->ys * nxr + nmf->xs)}, stride[2] = {1, (hsize_t)nxr}, count[2] = {(hsize_t)k, (hsize_t)nmf->ym}, block[2] = {1, (hsize_t)nmf->xm};
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, stride, count, block);
  }
  std::vector<double> buf(k * pl); /* component-major, as in the file */
  hsize_t             nloc   = (hsize_t)(k * pl);
  hid_t               mspace = H5Screate_simple(1, &nloc, NULL);
  hid_t               dxpl   = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  herr_t st = H5Dread(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, buf.data());
  H5Pclose(dxpl);
  H5Sclose(mspace);
  H5Sclose(fspace);
  NMFIOCloseAll_Private(dset, file);
  PetscCall(NMFIOAllOK_Private(nmf->comm, st >= 0, &ok));
  PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_READ, "reading '%s' failed: the file is truncated or damaged", spec);
  PetscScalar *h;
  PetscCall(VecGetArray(H, &h));
  for (PetscInt c = 0; c < k; c++)
    for (PetscInt q = 0; q < pl; q++) h[q * k + c] = buf[c * pl + q];
  PetscCall(VecRestoreArray(H, &h));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* ------------------------------------------------------------------ small writers */

PetscErrorCode NMFIOWriteAbundance(MPI_Comm comm, const char path[], const char dataset[], DM daH, Vec H)
try {
  hid_t  file;
  herr_t st;
  bool   ok;

  PetscFunctionBegin;
  PetscCall(NMFIOOpenFile_Private(comm, path, H5F_ACC_RDWR, &file));
  PetscErrorCode ierr = NMFIOWriteComponentMajor_Private(file, dataset, daH, H, &st);
  herr_t         cl   = H5Fclose(file);
  PetscCall(ierr);
  PetscCall(NMFIOAllOK_Private(comm, st >= 0 && cl >= 0, &ok));
  PetscCheck(ok, comm, PETSC_ERR_FILE_WRITE, "writing '%s:%s' failed", path, dataset);
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

PetscErrorCode NMFIOWriteMatrix(MPI_Comm comm, const char path[], const char dataset[], PetscInt rows, PetscInt cols, const PetscReal values[])
try {
  hid_t       file;
  PetscMPIInt rank;
  bool        ok;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(NMFIOOpenFile_Private(comm, path, H5F_ACC_RDWR, &file));
  hsize_t d[2] = {(hsize_t)rows, (hsize_t)cols};
  herr_t  st   = NMFIOWriteSmall_Private(file, dataset, 2, d, values, rank);
  herr_t  cl   = H5Fclose(file);
  PetscCall(NMFIOAllOK_Private(comm, st >= 0 && cl >= 0, &ok));
  PetscCheck(ok, comm, PETSC_ERR_FILE_WRITE, "writing '%s:%s' failed", path, dataset);
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* ------------------------------------------------------------------ the result file */

struct ResultCtx {
  NMF               nmf;
  const char       *input;
  const NMFMapInfo *map; /* or NULL: no /axes */
  double            read_seconds;
};

static void WriteAxisGroup(hid_t loc, const char *name, const NMFAxis &a)
{
  hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  NMFIOAttrUTF8_Private(g, "name", a.name);
  NMFIOAttrUTF8_Private(g, "units", a.units);
  NMFIOAttrDoubles_Private(g, "scale", &a.scale, 1);
  NMFIOAttrDoubles_Private(g, "offset", &a.offset, 1);
  NMFIOAttrInt_Private(g, "size", a.size);
  NMFIOAttrBoolEnum_Private(g, "navigate", a.navigate);
  H5Gclose(g);
}

static PetscErrorCode WriteResultBody(hid_t file, void *ctx_)
{
  const ResultCtx *ctx = (const ResultCtx *)ctx_;
  NMF              nmf = ctx->nmf;
  PetscMPIInt      rank;
  const PetscInt   k = nmf->k, n = nmf->n, m = nmf->G.empty() ? n : nmf->m;
  herr_t           st = 0, sh;
  bool             ok;
  double           t0 = MPI_Wtime();

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(nmf->comm, &rank));
  hsize_t dW[2] = {(hsize_t)m, (hsize_t)k}, dGW[2] = {(hsize_t)n, (hsize_t)k};
  st |= NMFIOWriteSmall_Private(file, "W", 2, dW, nmf->W.data(), rank);
  st |= NMFIOWriteSmall_Private(file, "GW", 2, dGW, nmf->GW.data(), rank);
  hid_t lg = H5Gcreate2(file, "losses", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  for (size_t j = 0; j < nmf->loss_names.size(); j++) {
    hsize_t dl = (hsize_t)nmf->n_iter;
    st |= NMFIOWriteSmall_Private(lg, nmf->loss_names[j].c_str(), 1, &dl, nmf->losses[j].data(), rank);
  }
  H5Gclose(lg);
  PetscCall(NMFIOWriteComponentMajor_Private(file, "H", nmf->daH, nmf->H, &sh)); /* (k, ny, nx) or (k, p) */
  st |= sh;
  if (nmf->scree_n > 0) { /* the leading singular values of X, and ||X||_F^2 */
    hsize_t ds = (hsize_t)nmf->scree_n;
    st |= NMFIOWriteSmall_Private(file, "scree", 1, &ds, nmf->scree.data(), rank);
    hid_t d = H5Dopen2(file, "scree", H5P_DEFAULT);
    if (d >= 0) {
      NMFIOAttrDoubles_Private(d, "sum_of_squares", &nmf->scree_sum_squares, 1);
      H5Dclose(d);
    }
  }
  if (ctx->map) {
    NMFAxis  axes[3];
    PetscInt na;
    NMFIOOutputAxes_Private(nmf, ctx->map, axes, &na);
    hid_t g = H5Gcreate2(file, "axes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    for (PetscInt i = 0; i < na; i++) WriteAxisGroup(g, ("axis-" + std::to_string(i)).c_str(), axes[i]);
    NMFIOAttrUTF8_Private(g, "title", ctx->map->title);
    NMFIOAttrUTF8_Private(g, "signal_type", ctx->map->signal_type);
    H5Gclose(g);
  }
  PetscCall(NMFIOAllOK_Private(nmf->comm, st >= 0, &ok));
  PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_WRITE, "writing the result datasets failed (disk full?)");

  /* attributes of /: the run and every parameter under espm's name */
  hid_t root = H5Gopen2(file, "/", H5P_DEFAULT);
  PetscErrorCode ierr = NMFIOWriteRunAttributes_Private(nmf, root, ctx->input, ctx->read_seconds, MPI_Wtime() - t0);
  H5Gclose(root);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFIOWriteResult(NMF nmf, const char path[], const char input_spec[], PetscReal read_seconds)
try {
  ResultCtx ctx = {nmf, input_spec, NULL, read_seconds};

  PetscFunctionBegin;
  PetscCheck(nmf->solved, nmf->comm, PETSC_ERR_ORDER, "NMFIOWriteResult needs a solved NMF");
  PetscCall(NMFIOWriteAtomic_Private(nmf->comm, path, WriteResultBody, &ctx));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

PetscErrorCode NMFIOWriteResultWithAxes(NMF nmf, const char path[], const NMFMapInfo *map, PetscReal read_seconds)
try {
  ResultCtx ctx = {nmf, map->spec, map, read_seconds};

  PetscFunctionBegin;
  PetscCheck(nmf->solved, nmf->comm, PETSC_ERR_ORDER, "NMFIOWriteResultWithAxes needs a solved NMF");
  PetscCall(NMFIOWriteAtomic_Private(nmf->comm, path, WriteResultBody, &ctx));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS
