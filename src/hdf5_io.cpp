/* Parallel HDF5 I/O: each rank reads and writes its own pixel block as a hyperslab. */
#include <smoothnmf_io.h>
#include "nmf_impl.h"
#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdio>
#include <string>

/* ------------------------------------------------------------------ helpers */

static void SplitSpec(const char spec[], std::string &file, std::string &dset)
{
  std::string s(spec);
  size_t      colon = s.rfind(':');
  if (colon == std::string::npos) {
    file = s;
    dset.clear();
  } else {
    file = s.substr(0, colon);
    dset = s.substr(colon + 1);
    if (!dset.empty() && dset[0] != '/') dset = "/" + dset;
  }
}

/* All ranks fail together when any rank's local step failed. */
static PetscErrorCode AllOK(MPI_Comm comm, bool ok, bool *all)
{
  int v = ok ? 1 : 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MIN, comm));
  *all = v == 1;
  PetscFunctionReturn(0);
}

/* Does every component of an absolute path exist (H5Lexists needs the parents to exist)? */
static bool PathExists(hid_t file, const std::string &path)
{
  size_t pos = 0;
  while (true) {
    pos                = path.find('/', pos + 1);
    std::string prefix = path.substr(0, pos);
    if (prefix.size() > 1 && H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

static PetscErrorCode OpenFile(MPI_Comm comm, const std::string &path, unsigned flags, hid_t *file)
{
  PetscMPIInt rank;
  int         state = 0; /* 0 ok, 1 missing, 2 directory, 3 unreadable */

  PetscFunctionBegin;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) state = 1;
    else if (S_ISDIR(st.st_mode)) state = 2;
    else if (access(path.c_str(), R_OK) != 0) state = 3;
  }
  PetscCallMPI(MPI_Bcast(&state, 1, MPI_INT, 0, comm));
  PetscCheck(state != 1, comm, PETSC_ERR_FILE_OPEN, "cannot open '%s': no such file", path.c_str());
  PetscCheck(state != 2, comm, PETSC_ERR_FILE_OPEN, "cannot open '%s': it is a directory, expected an HDF5 file", path.c_str());
  PetscCheck(state != 3, comm, PETSC_ERR_FILE_OPEN, "cannot open '%s': permission denied", path.c_str());
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  *file = H5Fopen(path.c_str(), flags, fapl);
  H5Pclose(fapl);
  PetscCheck(*file >= 0, comm, PETSC_ERR_FILE_OPEN, "cannot open '%s' as an HDF5 file (not HDF5, truncated or damaged)", path.c_str());
  PetscFunctionReturn(0);
}

static herr_t CollectName(hid_t, const char *name, const H5L_info_t *, void *data)
{
  ((std::vector<std::string> *)data)->push_back(name);
  return 0;
}

/* The dataset named by the spec, or the default: /Experiments/<the one group>/data, else /X. */
static PetscErrorCode OpenDataset(MPI_Comm comm, const char spec[], hid_t *file, hid_t *dset, std::string *dpath)
{
  std::string fname, given;

  PetscFunctionBegin;
  SplitSpec(spec, fname, given);
  PetscCall(OpenFile(comm, fname, H5F_ACC_RDONLY, file));
  if (!given.empty()) {
    PetscCheck(PathExists(*file, given), comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' has no dataset '%s'", fname.c_str(), given.c_str());
    *dpath = given;
  } else if (PathExists(*file, "/Experiments")) {
    std::vector<std::string> names;
    hid_t                    g = H5Gopen2(*file, "/Experiments", H5P_DEFAULT);
    H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, CollectName, &names);
    H5Gclose(g);
    PetscCheck(names.size() == 1, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' holds %zu signals under /Experiments: name one with %s:/Experiments/NAME/data", fname.c_str(), names.size(), fname.c_str());
    *dpath = "/Experiments/" + names[0] + "/data";
    PetscCheck(PathExists(*file, *dpath), comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' has no dataset '%s'", fname.c_str(), dpath->c_str());
  } else {
    PetscCheck(PathExists(*file, "/X"), comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' has neither /Experiments/<signal>/data nor /X: name the dataset with %s:DATASET", fname.c_str(), fname.c_str());
    *dpath = "/X";
  }
  *dset = H5Dopen2(*file, dpath->c_str(), H5P_DEFAULT);
  PetscCheck(*dset >= 0, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s:%s' is not a dataset", fname.c_str(), dpath->c_str());
  hid_t       type = H5Dget_type(*dset);
  H5T_class_t cls  = H5Tget_class(type);
  H5Tclose(type);
  PetscCheck(cls == H5T_INTEGER || cls == H5T_FLOAT, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s:%s' does not hold numbers (integer or floating point)", fname.c_str(), dpath->c_str());
  PetscFunctionReturn(0);
}

static int GetDims(hid_t dset, hsize_t dims[8])
{
  hid_t space = H5Dget_space(dset);
  int   nd    = H5Sget_simple_extent_ndims(space);
  if (nd > 8 || nd < 0) nd = -1;
  else H5Sget_simple_extent_dims(space, dims, NULL);
  H5Sclose(space);
  return nd;
}

static PetscErrorCode CloseAll(hid_t dset, hid_t file)
{
  PetscFunctionBegin;
  if (dset >= 0) H5Dclose(dset);
  if (file >= 0) H5Fclose(file);
  PetscFunctionReturn(0);
}

/* The owned block of a DMDA: pixels (rows ys..ys+ym, columns xs..xs+xm), or 1-D xs..xs+xm. */
struct Block {
  PetscInt dim, M, N, dof, xs, ys, xm, ym;
};

static PetscErrorCode GetBlock(DM da, Block *b)
{
  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(da, &b->dim, &b->M, &b->N, NULL, NULL, NULL, NULL, &b->dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, &b->xs, &b->ys, NULL, &b->xm, &b->ym, NULL));
  if (b->dim == 1) {
    b->N  = 1;
    b->ys = 0;
    b->ym = 1;
  }
  PetscFunctionReturn(0);
}

/* Selects the block's pixels x all `inner` values of a pixel-major dataset space:
   3-D (ny, nx, inner) or 2-D (p, inner); the pixel order is i nx + j in both. */
static void SelectPixels(hid_t space, int nd, const hsize_t dims[], const Block &b)
{
  if (nd == 3 && b.dim == 2) {
    hsize_t start[3] = {(hsize_t)b.ys, (hsize_t)b.xs, 0}, count[3] = {(hsize_t)b.ym, (hsize_t)b.xm, dims[2]};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
  } else if (nd == 2 && b.dim == 2) {
    hsize_t start[2] = {(hsize_t)(b.ys * b.M + b.xs), 0}, stride[2] = {(hsize_t)b.M, 1}, count[2] = {(hsize_t)b.ym, 1}, block[2] = {(hsize_t)b.xm, dims[1]};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, stride, count, block);
  } else if (nd == 2) {
    hsize_t start[2] = {(hsize_t)b.xs, 0}, count[2] = {(hsize_t)b.xm, dims[1]};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
  } else { /* a 3-D image read as a pixel list: the range xs..xs+xm cut into image rows */
    const hsize_t nx = dims[1];
    hsize_t       q = (hsize_t)b.xs, end = (hsize_t)(b.xs + b.xm);
    H5Sselect_none(space);
    while (q < end) {
      hsize_t i = q / nx, j = q % nx, len = std::min<hsize_t>(nx - j, end - q);
      hsize_t start[3] = {i, j, 0}, count[3] = {1, len, dims[2]};
      H5Sselect_hyperslab(space, H5S_SELECT_OR, start, NULL, count, NULL);
      q += len;
    }
  }
}

/* ------------------------------------------------------------------ maps */

PetscErrorCode NMFIOGetMapShape(MPI_Comm comm, const char spec[], PetscInt *ndims, PetscInt dims[3], char dataset[])
{
  hid_t       file, dset;
  std::string dpath;
  hsize_t     d[8];

  PetscFunctionBegin;
  PetscCall(OpenDataset(comm, spec, &file, &dset, &dpath));
  int nd = GetDims(dset, d);
  PetscCall(CloseAll(dset, file));
  PetscCheck(nd == 2 || nd == 3, comm, PETSC_ERR_FILE_UNEXPECTED, "the map '%s' (dataset %s) has %d dimensions: expected 3 (ny, nx, channels) or 2 (pixels, channels)", spec, dpath.c_str(), nd);
  for (int i = 0; i < nd; i++) PetscCheck(d[i] > 0, comm, PETSC_ERR_FILE_UNEXPECTED, "the map '%s' (dataset %s) has a dimension of size 0", spec, dpath.c_str());
  *ndims = nd;
  for (int i = 0; i < nd; i++) dims[i] = (PetscInt)d[i];
  if (dataset) PetscCall(PetscStrncpy(dataset, dpath.c_str(), 256));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFIOReadMap(MPI_Comm comm, const char spec[], DM da, Vec X)
{
  hid_t        file, dset;
  std::string  dpath;
  hsize_t      d[8];
  Block        b;
  PetscScalar *x;
  bool         ok;

  PetscFunctionBegin;
  PetscCall(GetBlock(da, &b));
  PetscCall(OpenDataset(comm, spec, &file, &dset, &dpath));
  int nd = GetDims(dset, d);
  bool fits = (nd == 3 && (PetscInt)d[2] == b.dof && (PetscInt)(d[0] * d[1]) == b.M * b.N && (b.dim == 1 || ((PetscInt)d[0] == b.N && (PetscInt)d[1] == b.M))) || (nd == 2 && (PetscInt)d[1] == b.dof && (PetscInt)d[0] == b.M * b.N);
  if (!fits) PetscCall(CloseAll(dset, file));
  PetscCheck(fits, comm, PETSC_ERR_FILE_UNEXPECTED, "the map '%s' does not match the layout it was distributed for (%" PetscInt_FMT " pixels x %" PetscInt_FMT " channels)", spec, b.M * b.N, b.dof);
  hid_t   fspace = H5Dget_space(dset);
  SelectPixels(fspace, nd, d, b);
  hsize_t nloc   = (hsize_t)b.xm * b.ym * b.dof;
  hid_t   mspace = H5Screate_simple(1, &nloc, NULL);
  hid_t   dxpl   = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  PetscCall(VecGetArray(X, &x));
  herr_t st = H5Dread(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, x);
  PetscCall(VecRestoreArray(X, &x));
  H5Pclose(dxpl);
  H5Sclose(mspace);
  H5Sclose(fspace);
  PetscCall(CloseAll(dset, file));
  PetscCall(AllOK(comm, st >= 0, &ok));
  PetscCheck(ok, comm, PETSC_ERR_FILE_READ, "reading the map '%s' (dataset %s) failed: the file is truncated or damaged", spec, dpath.c_str());
  PetscFunctionReturn(0);
}

static PetscErrorCode CreateFile(MPI_Comm comm, const std::string &path, hid_t *file)
{
  PetscFunctionBegin;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  *file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  H5Pclose(fapl);
  PetscCheck(*file >= 0, comm, PETSC_ERR_FILE_OPEN, "cannot create the file '%s' (does its directory exist and is it writable?)", path.c_str());
  PetscFunctionReturn(0);
}

PetscErrorCode NMFIOWriteMap(MPI_Comm comm, const char path[], const char dataset[], DM da, Vec X, PetscBool create_file)
{
  hid_t              file;
  Block              b;
  const PetscScalar *x;
  bool               ok;

  PetscFunctionBegin;
  PetscCall(GetBlock(da, &b));
  if (create_file) PetscCall(CreateFile(comm, path, &file));
  else PetscCall(OpenFile(comm, path, H5F_ACC_RDWR, &file));
  hsize_t d[3];
  int     nd;
  if (b.dim == 2) {
    nd   = 3;
    d[0] = b.N;
    d[1] = b.M;
    d[2] = b.dof;
  } else {
    nd   = 2;
    d[0] = b.M;
    d[1] = b.dof;
  }
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
  SelectPixels(fspace, nd, d, b);
  hsize_t nloc   = (hsize_t)b.xm * b.ym * b.dof;
  hid_t   mspace = H5Screate_simple(1, &nloc, NULL);
  hid_t   dxpl   = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  PetscCall(VecGetArrayRead(X, &x));
  herr_t st = H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, x);
  PetscCall(VecRestoreArrayRead(X, &x));
  H5Pclose(dxpl);
  H5Sclose(mspace);
  H5Sclose(fspace);
  H5Dclose(dset);
  herr_t cl = H5Fclose(file);
  PetscCall(AllOK(comm, st >= 0 && cl >= 0, &ok));
  PetscCheck(ok, comm, PETSC_ERR_FILE_WRITE, "writing '%s:%s' failed", path, dataset);
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ small matrices, abundances */

PetscErrorCode NMFIOReadMatrix(MPI_Comm comm, const char spec[], PetscInt *rows, PetscInt *cols, PetscReal **values)
{
  hid_t       file, dset;
  std::string dpath;
  hsize_t     d[8];
  bool        ok;

  PetscFunctionBegin;
  PetscCall(OpenDataset(comm, spec, &file, &dset, &dpath));
  int nd = GetDims(dset, d);
  if (nd != 2) PetscCall(CloseAll(dset, file));
  PetscCheck(nd == 2, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' has %d dimensions: expected a 2-D matrix", spec, nd);
  *rows = (PetscInt)d[0];
  *cols = (PetscInt)d[1];
  PetscCall(PetscMalloc1(PetscMax(d[0] * d[1], 1), values));
  herr_t st = H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *values);
  PetscCall(CloseAll(dset, file));
  PetscCall(AllOK(comm, st >= 0, &ok));
  PetscCheck(ok, comm, PETSC_ERR_FILE_READ, "reading '%s' failed: the file is truncated or damaged", spec);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFIOReadAbundance(NMF nmf, const char spec[], Vec H)
{
  hid_t       file, dset;
  std::string dpath;
  hsize_t     d[8];
  const PetscInt k = nmf->k, pl = nmf->p_local;
  bool        ok;

  PetscFunctionBegin;
  PetscCall(OpenDataset(nmf->comm, spec, &file, &dset, &dpath));
  int  nd   = GetDims(dset, d);
  bool fits = (nd == 2 && (PetscInt)d[0] == k && (PetscInt)d[1] == nmf->p) || (nd == 3 && nmf->has_shape && (PetscInt)d[0] == k && (PetscInt)d[1] == nmf->ny && (PetscInt)d[2] == nmf->nx);
  if (!fits) PetscCall(CloseAll(dset, file));
  if (nmf->has_shape) PetscCheck(fits, nmf->comm, PETSC_ERR_ARG_SIZ, "'%s' does not fit H: expected shape (%" PetscInt_FMT ", %" PetscInt_FMT ", %" PetscInt_FMT ") or (%" PetscInt_FMT ", %" PetscInt_FMT ")", spec, k, nmf->ny, nmf->nx, k, nmf->p);
  else PetscCheck(fits, nmf->comm, PETSC_ERR_ARG_SIZ, "'%s' does not fit H: expected shape (%" PetscInt_FMT ", %" PetscInt_FMT ")", spec, k, nmf->p);
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
  PetscCall(CloseAll(dset, file));
  PetscCall(AllOK(nmf->comm, st >= 0, &ok));
  PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_READ, "reading '%s' failed: the file is truncated or damaged", spec);
  PetscScalar *h;
  PetscCall(VecGetArray(H, &h));
  for (PetscInt c = 0; c < k; c++)
    for (PetscInt q = 0; q < pl; q++) h[q * k + c] = buf[c * pl + q];
  PetscCall(VecRestoreArray(H, &h));
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ the result file */

static void AttrDoubles(hid_t obj, const char *name, const double *v, hsize_t len)
{
  hid_t space = len == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &len, NULL);
  hid_t a     = H5Acreate2(obj, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_DOUBLE, v);
  H5Aclose(a);
  H5Sclose(space);
}

static void AttrInt(hid_t obj, const char *name, long long v)
{
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t a     = H5Acreate2(obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_LLONG, &v);
  H5Aclose(a);
  H5Sclose(space);
}

static void AttrString(hid_t obj, const char *name, const std::string &v)
{
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, v.empty() ? 1 : v.size());
  H5Tset_strpad(type, H5T_STR_NULLPAD);
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t a     = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, type, v.empty() ? "" : v.c_str());
  H5Aclose(a);
  H5Sclose(space);
  H5Tclose(type);
}

static void AttrBool(hid_t obj, const char *name, PetscBool v)
{
  hid_t   space = H5Screate(H5S_SCALAR);
  hid_t   a     = H5Acreate2(obj, name, H5T_STD_U8LE, space, H5P_DEFAULT, H5P_DEFAULT);
  uint8_t b     = v ? 1 : 0;
  H5Awrite(a, H5T_NATIVE_UINT8, &b);
  H5Aclose(a);
  H5Sclose(space);
}

/* A small replicated dataset, written by rank 0 alone (creation is collective). */
static herr_t WriteSmall(hid_t loc, const char *name, int nd, const hsize_t *dims, const double *v, PetscMPIInt rank)
{
  hid_t  space = H5Screate_simple(nd, dims, NULL);
  hid_t  dset  = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st    = dset < 0 ? -1 : 0;
  if (dset >= 0 && rank == 0) st = H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
  if (dset >= 0) H5Dclose(dset);
  H5Sclose(space);
  return st;
}

static PetscErrorCode WriteResultBody(NMF nmf, hid_t file, const char input_spec[], PetscReal read_seconds)
{
  PetscMPIInt rank, size;
  const PetscInt k = nmf->k, n = nmf->n, m = nmf->G.empty() ? n : nmf->m, pl = nmf->p_local;
  herr_t      st = 0;
  bool        ok;
  double      t0 = MPI_Wtime();

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(nmf->comm, &rank));
  PetscCallMPI(MPI_Comm_size(nmf->comm, &size));
  hsize_t dW[2] = {(hsize_t)m, (hsize_t)k}, dGW[2] = {(hsize_t)n, (hsize_t)k};
  st |= WriteSmall(file, "W", 2, dW, nmf->W.data(), rank);
  st |= WriteSmall(file, "GW", 2, dGW, nmf->GW.data(), rank);
  hid_t lg = H5Gcreate2(file, "losses", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  for (size_t j = 0; j < nmf->loss_names.size(); j++) {
    hsize_t dl = (hsize_t)nmf->n_iter;
    st |= WriteSmall(lg, nmf->loss_names[j].c_str(), 1, &dl, nmf->losses[j].data(), rank);
  }
  H5Gclose(lg);

  /* H: (k, ny, nx) or (k, p), each rank its own block, component-major */
  hsize_t dH[3];
  int     nd;
  if (nmf->has_shape) {
    nd    = 3;
    dH[0] = k;
    dH[1] = nmf->ny;
    dH[2] = nmf->nx;
  } else {
    nd    = 2;
    dH[0] = k;
    dH[1] = nmf->p;
  }
  hid_t fspace = H5Screate_simple(nd, dH, NULL);
  hid_t dset   = H5Dcreate2(file, "H", H5T_IEEE_F64LE, fspace, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (nd == 3) {
    hsize_t start[3] = {0, (hsize_t)nmf->ys, (hsize_t)nmf->xs}, count[3] = {(hsize_t)k, (hsize_t)nmf->ym, (hsize_t)nmf->xm};
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
  } else {
    hsize_t start[2] = {0, (hsize_t)nmf->xs}, count[2] = {(hsize_t)k, (hsize_t)nmf->xm};
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
  }
  std::vector<double> buf(k * pl);
  const PetscScalar  *h;
  PetscCall(VecGetArrayRead(nmf->H, &h));
  for (PetscInt c = 0; c < k; c++)
    for (PetscInt q = 0; q < pl; q++) buf[c * pl + q] = h[q * k + c];
  PetscCall(VecRestoreArrayRead(nmf->H, &h));
  hsize_t nloc   = (hsize_t)(k * pl);
  hid_t   mspace = H5Screate_simple(1, &nloc, NULL);
  hid_t   dxpl   = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  st |= dset < 0 ? -1 : H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, buf.data());
  H5Pclose(dxpl);
  H5Sclose(mspace);
  H5Sclose(fspace);
  if (dset >= 0) H5Dclose(dset);
  PetscCall(AllOK(nmf->comm, st >= 0, &ok));
  PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_WRITE, "writing the result datasets failed (disk full?)");

  /* attributes of /: the run and every parameter under espm's name */
  const double write_seconds = MPI_Wtime() - t0;
  hid_t        root          = H5Gopen2(file, "/", H5P_DEFAULT);
  AttrInt(root, "n_iter", nmf->n_iter);
  AttrString(root, "stop_reason", NMFConvergedReasonName(nmf->reason));
  AttrDoubles(root, "const_KL", &nmf->const_KL, 1);
  AttrDoubles(root, "reconstruction_err", &nmf->reconstruction_err, 1);
  AttrInt(root, "n_ranks", size);
  AttrDoubles(root, "fit_seconds", &nmf->fit_seconds, 1);
  AttrDoubles(root, "init_seconds", &nmf->init_seconds, 1);
  double rs = read_seconds;
  AttrDoubles(root, "read_seconds", &rs, 1);
  AttrDoubles(root, "write_seconds", &write_seconds, 1);
  AttrString(root, "input", input_spec ? input_spec : "");
  AttrInt(root, "n_components", k);
  AttrString(root, "algo", NMFAlgos[nmf->algo]);
  AttrDoubles(root, "lambda_L", &nmf->lambda_L, 1);
  AttrDoubles(root, "mu", nmf->mu.data(), nmf->mu.size());
  AttrDoubles(root, "epsilon_reg", &nmf->epsilon_reg, 1);
  AttrBool(root, "force_simplex", nmf->force_simplex);
  AttrDoubles(root, "dicotomy_tol", &nmf->dicotomy_tol, 1);
  AttrDoubles(root, "gamma", nmf->gamma_initial.data(), nmf->gamma_initial.size());
  AttrBool(root, "linesearch", nmf->linesearch);
  AttrBool(root, "l2", nmf->l2);
  AttrBool(root, "normalize", nmf->normalize);
  AttrBool(root, "no_stop_criterion", nmf->no_stop_criterion);
  AttrString(root, "init", NMFInitTypes[nmf->init_used]);
  AttrDoubles(root, "tol", &nmf->tol, 1);
  AttrInt(root, "max_iter", nmf->max_iter);
  AttrInt(root, "random_state", nmf->random_state);
  AttrDoubles(root, "log_shift", &nmf->log_shift, 1);
  AttrInt(root, "eval_print", nmf->eval_print);
  AttrInt(root, "verbose", nmf->verbose);
  if (nmf->has_shape) {
    hsize_t   two = 2;
    long long sh[2] = {nmf->ny, nmf->nx};
    hid_t     space = H5Screate_simple(1, &two, NULL);
    hid_t     a     = H5Acreate2(root, "shape_2d", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_LLONG, sh);
    H5Aclose(a);
    H5Sclose(space);
  }
  H5Gclose(root);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFIOWriteResult(NMF nmf, const char path[], const char input_spec[], PetscReal read_seconds)
{
  PetscMPIInt rank;
  long long   tag = (long long)getpid();
  hid_t       file;
  int         renamed = 0;

  PetscFunctionBegin;
  PetscCheck(nmf->solved, nmf->comm, PETSC_ERR_ORDER, "NMFIOWriteResult needs a solved NMF");
  PetscCallMPI(MPI_Comm_rank(nmf->comm, &rank));
  PetscCallMPI(MPI_Bcast(&tag, 1, MPI_LONG_LONG, 0, nmf->comm));
  const std::string tmp = std::string(path) + ".tmp" + std::to_string(tag);
  PetscCall(CreateFile(nmf->comm, tmp, &file));
  PetscErrorCode ierr = WriteResultBody(nmf, file, input_spec, read_seconds);
  herr_t         cl   = H5Fclose(file);
  if (!ierr && rank == 0) renamed = (cl >= 0 && rename(tmp.c_str(), path) == 0) ? 1 : 0;
  if (rank == 0 && !renamed) unlink(tmp.c_str()); /* never leave a half-written file */
  PetscCall(ierr);
  PetscCallMPI(MPI_Bcast(&renamed, 1, MPI_INT, 0, nmf->comm));
  PetscCheck(renamed, nmf->comm, PETSC_ERR_FILE_WRITE, "cannot complete the output file '%s' (rename from its temporary name failed)", path);
  PetscFunctionReturn(0);
}
