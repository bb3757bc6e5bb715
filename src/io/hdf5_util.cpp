/* Helpers of the HDF5 readers and writers: file specs, opening and creating files with MPI-IO,
   agreement of all ranks, attributes, block writes, and writing under a temporary name. */
#include <smoothnmf/private/ioimpl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <fcntl.h>
#include <cerrno>
#include <unistd.h>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <vector>

/* ------------------------------------------------------------------ files and datasets */

void NMFIOSplitSpec_Private(const char spec[], std::string &file, std::string &dset)
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

PetscErrorCode NMFIOAllOK_Private(MPI_Comm comm, bool ok, bool *all)
{
  int v = ok ? 1 : 0;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_INT, MPI_MIN, comm));
  *all = v == 1;
  PetscFunctionReturn(0);
}

/* H5Lexists needs the parents to exist: test each component */
bool NMFIOPathExists_Private(hid_t file, const std::string &path)
{
  size_t pos = 0;
  while (true) {
    pos                = path.find('/', pos + 1);
    std::string prefix = path.substr(0, pos);
    if (prefix.size() > 1 && H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

PetscErrorCode NMFIOOpenFileChecked_Private(MPI_Comm comm, const char path[], unsigned flags, const NMFIOOpenErrors &e, hid_t *file)
{
  PetscMPIInt rank;
  int         state = 0; /* 0 ok, 1 missing, 2 directory, 3 unreadable, 4 not HDF5 */

  PetscFunctionBegin;
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  if (rank == 0) {
    struct stat st;
    if (stat(path, &st) != 0)
      state = 1;
    else if (S_ISDIR(st.st_mode))
      state = 2;
    else if (access(path, R_OK) != 0)
      state = 3;
    else if (H5Fis_hdf5(path) <= 0)
      state = 4;
  }
  PetscCallMPI(MPI_Bcast(&state, 1, MPI_INT, 0, comm));
  PetscCheck(state != 1, comm, PETSC_ERR_FILE_OPEN, "%s '%s': %s", e.prefix, path, e.missing);
  PetscCheck(state != 2, comm, PETSC_ERR_FILE_OPEN, "%s '%s': %s", e.prefix, path, e.directory);
  PetscCheck(state != 3, comm, PETSC_ERR_FILE_OPEN, "%s '%s': permission denied", e.prefix, path);
  PetscCheck(state != 4, comm, PETSC_ERR_FILE_OPEN, "%s '%s': %s", e.prefix, path, e.not_hdf5);
  hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
  H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL);
  *file = H5Fopen(path, flags, fapl);
  H5Pclose(fapl);
  bool ok;
  PetscCall(NMFIOAllOK_Private(comm, *file >= 0, &ok));
  if (!ok && *file >= 0) H5Fclose(*file);
  PetscCheck(ok, comm, PETSC_ERR_FILE_OPEN, "%s '%s': %s", e.prefix, path, e.damaged);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFIOOpenFile_Private(MPI_Comm comm, const std::string &path, unsigned flags, hid_t *file)
{
  const NMFIOOpenErrors e = {"cannot open", "no such file", "it is a directory, expected an HDF5 file", "it is not an HDF5 file (expected HDF5, e.g. a HyperSpy .hspy file)", "the HDF5 file is truncated or damaged"};

  PetscFunctionBegin;
  PetscCall(NMFIOOpenFileChecked_Private(comm, path.c_str(), flags, e, file));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFIOCreateFile_Private(MPI_Comm comm, const std::string &path, hid_t *file)
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

static herr_t CollectName(hid_t, const char *name, const H5L_info_t *, void *data)
{
  ((std::vector<std::string> *)data)->push_back(name);
  return 0;
}

PetscErrorCode NMFIOOpenDataset_Private(MPI_Comm comm, const char spec[], hid_t *file, hid_t *dset, std::string *dpath, bool allow_bool)
{
  std::string fname, given;

  PetscFunctionBegin;
  NMFIOSplitSpec_Private(spec, fname, given);
  NMFIOReadGuardItem_Private(given.empty() ? "the file's structure" : given.c_str(), NULL);
  PetscCall(NMFIOOpenFile_Private(comm, fname, H5F_ACC_RDONLY, file));
  if (!given.empty()) {
    *dpath      = given;
    bool exists = NMFIOPathExists_Private(*file, given);
    if (!exists) H5Fclose(*file);
    PetscCheck(exists, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' has no dataset '%s'", fname.c_str(), given.c_str());
  } else if (NMFIOPathExists_Private(*file, "/Experiments")) {
    std::vector<std::string> names;
    hid_t                    g = H5Gopen2(*file, "/Experiments", H5P_DEFAULT);
    H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, NULL, CollectName, &names);
    H5Gclose(g);
    std::string list;
    for (size_t i = 0; i < names.size() && i < 4; i++) list += (i ? ", " : "") + names[i];
    if (names.size() > 4) list += ", ...";
    if (names.size() != 1) H5Fclose(*file);
    PetscCheck(names.size() != 0, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' has no signal under /Experiments: expected one HyperSpy signal, or name the dataset with %s:DATASET", fname.c_str(), fname.c_str());
    PetscCheck(names.size() == 1, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' holds %zu signals under /Experiments (%s): name one with %s:/Experiments/NAME/data", fname.c_str(), names.size(), list.c_str(), fname.c_str());
    *dpath      = "/Experiments/" + names[0] + "/data";
    bool exists = NMFIOPathExists_Private(*file, *dpath);
    if (!exists) H5Fclose(*file);
    PetscCheck(exists, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' has no dataset '%s': the HyperSpy signal has no data", fname.c_str(), dpath->c_str());
  } else {
    *dpath      = "/X";
    bool exists = NMFIOPathExists_Private(*file, *dpath);
    if (!exists) H5Fclose(*file);
    PetscCheck(exists, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' has neither /Experiments/<signal>/data nor /X: name the dataset with %s:DATASET", fname.c_str(), fname.c_str());
  }
  *dset = H5Dopen2(*file, dpath->c_str(), H5P_DEFAULT);
  if (*dset < 0) H5Fclose(*file);
  PetscCheck(*dset >= 0, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s:%s' is not a dataset", fname.c_str(), dpath->c_str());
  hid_t       type = H5Dget_type(*dset);
  H5T_class_t cls  = H5Tget_class(type);
  H5Tclose(type);
  const bool numbers = cls == H5T_INTEGER || cls == H5T_FLOAT || (allow_bool && cls == H5T_ENUM);
  if (!numbers) NMFIOCloseAll_Private(*dset, *file);
  PetscCheck(numbers, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s:%s' does not hold numbers (integer or floating point%s)", fname.c_str(), dpath->c_str(), allow_bool ? ", or booleans" : "");
  PetscFunctionReturn(0);
}

std::string NMFIOShapeText_Private(int nd, const hsize_t dims[])
{
  std::string t = "(";
  for (int i = 0; i < nd; i++) t += std::to_string((long long)dims[i]) + (i + 1 < nd ? ", " : ")");
  return t;
}

int NMFIOGetDims_Private(hid_t dset, hsize_t dims[8])
{
  hid_t space = H5Dget_space(dset);
  int   nd    = H5Sget_simple_extent_ndims(space);
  if (nd > 8 || nd < 0)
    nd = -1;
  else
    H5Sget_simple_extent_dims(space, dims, NULL);
  H5Sclose(space);
  return nd;
}

void NMFIOTypeName_Private(hid_t dset, char name[], size_t len)
{
  hid_t       t    = H5Dget_type(dset);
  H5T_class_t cls  = H5Tget_class(t);
  size_t      size = H5Tget_size(t);
  std::string s    = "other";
  if (cls == H5T_FLOAT)
    s = "float" + std::to_string(8 * size);
  else if (cls == H5T_INTEGER)
    s = std::string(H5Tget_sign(t) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(8 * size);
  H5Tclose(t);
  snprintf(name, len, "%s", s.c_str());
}

void NMFIOCloseAll_Private(hid_t dset, hid_t file)
{
  if (dset >= 0) H5Dclose(dset);
  if (file >= 0) H5Fclose(file);
}

/* ------------------------------------------------------------------ blocks */

PetscErrorCode NMFIOGetBlock_Private(DM da, NMFIOBlock *b)
{
  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(da, &b->dim, &b->M, &b->N, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PetscCall(NMFDataDMGetChannels(da, &b->dof)); /* a data DMDA's channels, else the DMDA's dof */
  PetscCall(DMDAGetCorners(da, &b->xs, &b->ys, NULL, &b->xm, &b->ym, NULL));
  if (b->dim == 1) {
    b->N  = 1;
    b->ys = 0;
    b->ym = 1;
  }
  PetscFunctionReturn(0);
}

int NMFIOMapShape_Private(const NMFIOBlock &b, hsize_t d[3])
{
  if (b.dim == 2) {
    d[0] = b.N;
    d[1] = b.M;
    d[2] = b.dof;
    return 3;
  }
  d[0] = b.M;
  d[1] = b.dof;
  return 2;
}

void NMFIOSelectPixels_Private(hid_t space, int nd, const hsize_t dims[], const NMFIOBlock &b)
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

hid_t NMFIOCreateBlockMemSpace_Private(int nd, const hsize_t dims[], const NMFIOBlock &b)
{
  const hsize_t pl = (hsize_t)b.xm * (hsize_t)b.ym, n = dims[nd - 1];
  if (nd == 3 && b.dim == 2) {
    const hsize_t box[3] = {(hsize_t)b.ym, (hsize_t)b.xm, n};
    return H5Screate_simple(3, box, NULL);
  }
  if (nd == 2 && (b.dim == 1 || b.xm == b.M)) { /* (p, n): the block is a range of pixels */
    const hsize_t box[2] = {pl, n};
    return H5Screate_simple(2, box, NULL);
  }
  const hsize_t nloc = pl * n;
  return H5Screate_simple(1, &nloc, NULL);
}

/* ------------------------------------------------------------------ attributes */

void NMFIOAttrDoubles_Private(hid_t obj, const char *name, const double *v, hsize_t len)
{
  hid_t space = len == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &len, NULL);
  hid_t a     = H5Acreate2(obj, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_DOUBLE, v);
  H5Aclose(a);
  H5Sclose(space);
}

void NMFIOAttrInt_Private(hid_t obj, const char *name, long long v)
{
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t a     = H5Acreate2(obj, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_LLONG, &v);
  H5Aclose(a);
  H5Sclose(space);
}

void NMFIOAttrString_Private(hid_t obj, const char *name, const std::string &v)
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

void NMFIOAttrBool_Private(hid_t obj, const char *name, PetscBool v)
{
  hid_t   space = H5Screate(H5S_SCALAR);
  hid_t   a     = H5Acreate2(obj, name, H5T_STD_U8LE, space, H5P_DEFAULT, H5P_DEFAULT);
  uint8_t b     = v ? 1 : 0;
  H5Awrite(a, H5T_NATIVE_UINT8, &b);
  H5Aclose(a);
  H5Sclose(space);
}

void NMFIOAttrUTF8_Private(hid_t obj, const char *name, const std::string &v)
{
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  hid_t       space = H5Screate(H5S_SCALAR);
  hid_t       a     = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  const char *p     = v.c_str();
  H5Awrite(a, type, &p);
  H5Aclose(a);
  H5Sclose(space);
  H5Tclose(type);
}

void NMFIOAttrBoolEnum_Private(hid_t obj, const char *name, bool v)
{
  hid_t  type = H5Tenum_create(H5T_STD_I8LE);
  int8_t f = 0, t = 1, b = v ? 1 : 0;
  H5Tenum_insert(type, "FALSE", &f);
  H5Tenum_insert(type, "TRUE", &t);
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t a     = H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, type, &b);
  H5Aclose(a);
  H5Sclose(space);
  H5Tclose(type);
}

void NMFIOAttrU64_Private(hid_t obj, const char *name, uint64_t v)
{
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t a     = H5Acreate2(obj, name, H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_UINT64, &v);
  H5Aclose(a);
  H5Sclose(space);
}

/* opens a scalar (one-element) attribute, or returns -1 */
static hid_t OpenScalarAttr(hid_t obj, const char *name, hid_t *ftype)
{
  char where[256] = "";
  if (H5Iget_name(obj, where, sizeof where) < 0) where[0] = 0;
  NMFIOReadGuardItem_Private(where, name); /* what a crash inside HDF5 would name */
  if (H5Aexists(obj, name) <= 0) return -1;
  hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  if (a < 0) return -1;
  hid_t    space = H5Aget_space(a);
  hssize_t np    = H5Sget_simple_extent_npoints(space);
  H5Sclose(space);
  if (np != 1) {
    H5Aclose(a);
    return -1;
  }
  *ftype = H5Aget_type(a);
  return a;
}

bool NMFIOReadAttrString_Private(hid_t obj, const char *name, std::string *v)
{
  hid_t ft, a = OpenScalarAttr(obj, name, &ft);
  bool  ok = false;
  if (a < 0) return false;
  if (H5Tget_class(ft) == H5T_STRING) {
    hid_t mt = H5Tcopy(H5T_C_S1);
    H5Tset_cset(mt, H5Tget_cset(ft));
    if (H5Tis_variable_str(ft) > 0) {
      char *p = NULL;
      H5Tset_size(mt, H5T_VARIABLE);
      if (H5Aread(a, mt, &p) >= 0 && p) {
        *v = p;
        ok = true;
      }
      if (p) H5free_memory(p);
    } else {
      size_t n = H5Tget_size(ft);
      if (n == 0 || n > ((size_t)1 << 20)) { /* no string attribute of ours or HyperSpy's is larger: a damaged size */
        H5Tclose(mt);
        H5Tclose(ft);
        H5Aclose(a);
        return false;
      }
      std::vector<char> buf(n + 1, 0);
      H5Tset_size(mt, n);
      H5Tset_strpad(mt, H5Tget_strpad(ft));
      if (H5Aread(a, mt, buf.data()) >= 0) {
        *v = std::string(buf.data(), strnlen(buf.data(), n));
        while (!v->empty() && v->back() == ' ') v->pop_back();
        ok = true;
      }
    }
    H5Tclose(mt);
  }
  H5Tclose(ft);
  H5Aclose(a);
  return ok;
}

bool NMFIOReadAttrDouble_Private(hid_t obj, const char *name, double *v)
{
  hid_t ft, a = OpenScalarAttr(obj, name, &ft);
  bool  ok = false;
  if (a < 0) return false;
  H5T_class_t cls = H5Tget_class(ft);
  if (cls == H5T_INTEGER || cls == H5T_FLOAT) ok = H5Aread(a, H5T_NATIVE_DOUBLE, v) >= 0;
  H5Tclose(ft);
  H5Aclose(a);
  return ok;
}

bool NMFIOReadAttrU64_Private(hid_t obj, const char *name, uint64_t *v)
{
  hid_t ft, a = OpenScalarAttr(obj, name, &ft);
  bool  ok = false;
  if (a < 0) return false;
  if (H5Tget_class(ft) == H5T_INTEGER && H5Tget_size(ft) == 8 && H5Tget_sign(ft) == H5T_SGN_NONE) ok = H5Aread(a, H5T_NATIVE_UINT64, v) >= 0;
  H5Tclose(ft);
  H5Aclose(a);
  return ok;
}

/* h5py writes numpy bools as an enum of int8 (FALSE, TRUE); integers are accepted too */
bool NMFIOReadAttrBool_Private(hid_t obj, const char *name, bool *v)
{
  hid_t ft, a = OpenScalarAttr(obj, name, &ft);
  bool  ok = false;
  if (a < 0) return false;
  H5T_class_t cls = H5Tget_class(ft);
  if ((cls == H5T_ENUM || cls == H5T_INTEGER) && H5Tget_size(ft) <= 8) {
    hid_t         mt     = H5Tget_native_type(ft, H5T_DIR_DEFAULT);
    unsigned char buf[8] = {0};
    if (H5Aread(a, mt, buf) >= 0) {
      *v = false;
      for (unsigned char c : buf) *v = *v || c != 0;
      ok = true;
    }
    H5Tclose(mt);
  }
  H5Tclose(ft);
  H5Aclose(a);
  return ok;
}

/* ------------------------------------------------------------------ writing */

herr_t NMFIOWriteSmall_Private(hid_t loc, const char *name, int nd, const hsize_t *dims, const double *v, PetscMPIInt rank)
{
  hid_t space = H5Screate_simple(nd, dims, NULL);
  hid_t lcpl  = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t  dset = H5Dcreate2(loc, name, H5T_IEEE_F64LE, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  herr_t st   = dset < 0 ? -1 : 0;
  H5Pclose(lcpl);
  if (dset >= 0 && rank == 0) st = H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
  if (dset >= 0) H5Dclose(dset);
  H5Sclose(space);
  return st;
}

PetscErrorCode NMFIOWriteComponentMajor_Private(hid_t loc, const char *name, DM da, Vec v, herr_t *st)
{
  PetscInt dim, M, N, dof, xs, ys, xm, ym;
  hsize_t  d[3];
  int      nd;

  PetscFunctionBegin;
  PetscCall(DMDAGetInfo(da, &dim, &M, &N, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  PetscCall(DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL));
  if (dim == 2) {
    nd   = 3;
    d[0] = dof;
    d[1] = N;
    d[2] = M;
  } else {
    nd   = 2;
    d[0] = dof;
    d[1] = M;
    ys   = 0;
    ym   = 1;
  }
  const PetscInt pl     = xm * ym;
  hid_t          fspace = H5Screate_simple(nd, d, NULL);
  hid_t          lcpl   = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t dset = H5Dcreate2(loc, name, H5T_IEEE_F64LE, fspace, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Pclose(lcpl);
  if (nd == 3) {
    hsize_t start[3] = {0, (hsize_t)ys, (hsize_t)xs}, count[3] = {(hsize_t)dof, (hsize_t)ym, (hsize_t)xm};
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
  } else {
    hsize_t start[2] = {0, (hsize_t)xs}, count[2] = {(hsize_t)dof, (hsize_t)xm};
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
  }
  std::vector<double> buf(dof * pl); /* component-major, as in the file */
  const PetscScalar  *h;
  PetscCall(VecGetArrayRead(v, &h));
  for (PetscInt c = 0; c < dof; c++)
    for (PetscInt q = 0; q < pl; q++) buf[c * pl + q] = h[q * dof + c];
  PetscCall(VecRestoreArrayRead(v, &h));
  hsize_t nloc   = (hsize_t)(dof * pl);
  hid_t   mspace = H5Screate_simple(1, &nloc, NULL);
  hid_t   dxpl   = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  *st = dset < 0 ? -1 : H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, buf.data());
  H5Pclose(dxpl);
  H5Sclose(mspace);
  H5Sclose(fspace);
  if (dset >= 0) H5Dclose(dset);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFIOReadComponentMajor_Private(hid_t loc, const char *name, DM da, Vec v, herr_t *st)
{
  NMFIOBlock b;
  hsize_t    d[8];

  PetscFunctionBegin;
  PetscCall(NMFIOGetBlock_Private(da, &b));
  *st                      = -1;
  hid_t               dset = H5Lexists(loc, name, H5P_DEFAULT) > 0 ? H5Dopen2(loc, name, H5P_DEFAULT) : -1;
  int                 nd   = dset >= 0 ? NMFIOGetDims_Private(dset, d) : -1;
  bool                fits = b.dim == 2 ? (nd == 3 && (PetscInt)d[0] == b.dof && (PetscInt)d[1] == b.N && (PetscInt)d[2] == b.M) : (nd == 2 && (PetscInt)d[0] == b.dof && (PetscInt)d[1] == b.M);
  const PetscInt      pl   = b.xm * b.ym;
  std::vector<double> buf(b.dof * pl); /* component-major, as in the file */
  hid_t               fspace = -1, mspace = -1, dxpl = -1;
  if (fits) {
    fspace = H5Dget_space(dset);
    if (nd == 3) {
      hsize_t start[3] = {0, (hsize_t)b.ys, (hsize_t)b.xs}, count[3] = {(hsize_t)b.dof, (hsize_t)b.ym, (hsize_t)b.xm};
      H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
    } else {
      hsize_t start[2] = {0, (hsize_t)b.xs}, count[2] = {(hsize_t)b.dof, (hsize_t)b.xm};
      H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
    }
    hsize_t nloc = (hsize_t)(b.dof * pl);
    mspace       = H5Screate_simple(1, &nloc, NULL);
    dxpl         = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  }
  bool all_fit;
  PetscCall(NMFIOAllOK_Private(PetscObjectComm((PetscObject)da), fits, &all_fit)); /* the read is collective */
  if (all_fit) *st = H5Dread(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, buf.data());
  if (dxpl >= 0) H5Pclose(dxpl);
  if (mspace >= 0) H5Sclose(mspace);
  if (fspace >= 0) H5Sclose(fspace);
  if (dset >= 0) H5Dclose(dset);
  if (*st >= 0) {
    PetscScalar *h;
    PetscCall(VecGetArray(v, &h));
    for (PetscInt c = 0; c < b.dof; c++)
      for (PetscInt q = 0; q < pl; q++) h[q * b.dof + c] = buf[c * pl + q];
    PetscCall(VecRestoreArray(v, &h));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMFIOWriteRunAttributes_Private(NMF nmf, hid_t obj, const char *input, double read_seconds, double write_seconds)
{
  PetscMPIInt size;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_size(nmf->comm, &size));
  NMFIOAttrInt_Private(obj, "n_iter", nmf->n_iter);
  NMFIOAttrString_Private(obj, "stop_reason", NMFConvergedReasonName(nmf->reason));
  NMFIOAttrDoubles_Private(obj, "const_KL", &nmf->const_KL, 1);
  NMFIOAttrDoubles_Private(obj, "reconstruction_err", &nmf->reconstruction_err, 1);
  NMFIOAttrInt_Private(obj, "n_ranks", size);
  NMFIOAttrDoubles_Private(obj, "fit_seconds", &nmf->fit_seconds, 1);
  NMFIOAttrDoubles_Private(obj, "init_seconds", &nmf->init_seconds, 1);
  NMFIOAttrDoubles_Private(obj, "read_seconds", &read_seconds, 1);
  NMFIOAttrDoubles_Private(obj, "write_seconds", &write_seconds, 1);
  NMFIOAttrString_Private(obj, "input", input ? input : "");
  std::vector<double> values;
  std::string         text;
  for (PetscInt i = 0; i < NMFParamCount; i++) { /* the parameters, from the table: the values the solve used */
    const NMFParamInfo *p = &NMFParamTable[i];
    if (!(p->flags & NMF_PARAM_RESULT)) continue;
    NMFParamValues_Private(nmf, p, true, values, text);
    if ((p->flags & NMF_PARAM_IF_NONZERO) && values.size() == 1 && values[0] == 0) continue;
    switch (p->kind) {
    case NMF_PARAM_INT:
    case NMF_PARAM_SEED: NMFIOAttrInt_Private(obj, p->name, (long long)values[0]); break;
    case NMF_PARAM_REAL:
    case NMF_PARAM_REALS: NMFIOAttrDoubles_Private(obj, p->name, values.data(), values.size()); break;
    case NMF_PARAM_BOOL: NMFIOAttrBool_Private(obj, p->name, values[0] != 0 ? PETSC_TRUE : PETSC_FALSE); break;
    case NMF_PARAM_INIT:
    case NMF_PARAM_TYPE: NMFIOAttrString_Private(obj, p->name, text.c_str()); break;
    }
  }
  if (nmf->has_shape) {
    hsize_t   two   = 2;
    long long sh[2] = {nmf->ny, nmf->nx};
    hid_t     space = H5Screate_simple(1, &two, NULL);
    hid_t     a     = H5Acreate2(obj, "shape_2d", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_LLONG, sh);
    H5Aclose(a);
    H5Sclose(space);
  }
  PetscFunctionReturn(0);
}

/* Why writing PATH failed, when its file system tells (issue 16): ": no space left on device
   (DIR has N KiB free)" when less than 1 MiB is free there, else "".  Collective: rank 0 looks,
   every rank gets the same text (the checks that use it are collective). */
std::string NMFIOWriteFailureReason_Private(MPI_Comm comm, const char path[])
{
  PetscMPIInt rank                           = 0;
  char        text[PETSC_MAX_PATH_LEN + 128] = "";
  MPI_Comm_rank(comm, &rank);
  if (rank == 0) {
    std::string  dir(path ? path : ".");
    const size_t slash = dir.find_last_of('/');
    dir                = slash == std::string::npos ? "." : slash == 0 ? "/"
                                                                       : dir.substr(0, slash);
    struct statvfs v;
    if (statvfs(dir.c_str(), &v) == 0) {
      const double avail = (double)v.f_bavail * (double)v.f_frsize;
      if (avail < 1048576.0) snprintf(text, sizeof text, ": no space left on device (%s has %.0f KiB free)", dir.c_str(), avail / 1024);
    }
  }
  MPI_Bcast(text, (int)sizeof text, MPI_CHAR, 0, comm);
  return text;
}

/* the same for an open file (the temporary name of an output being written) */
std::string NMFIOWriteFailureReason_Private(MPI_Comm comm, hid_t file)
{
  char name[PETSC_MAX_PATH_LEN] = "";
  if (H5Fget_name(file, name, sizeof name) < 0) name[0] = 0;
  return NMFIOWriteFailureReason_Private(comm, name);
}

/* fsync of a closed file, so that a crash after the rename finds it complete */
static bool SyncFile(const char *path)
{
  int fd = open(path, O_RDONLY);
  if (fd < 0) return false;
  bool ok = fsync(fd) == 0 || errno == EINVAL || errno == EROFS; /* some file systems cannot sync */
  close(fd);
  return ok;
}

PetscErrorCode NMFIOWriteAtomic_Private(MPI_Comm comm, const char path[], size_t estimate, PetscErrorCode (*body)(hid_t file, void *ctx), void *ctx)
{
  PetscMPIInt rank;
  long long   tag = (long long)getpid();
  hid_t       file;
  int         renamed = 0;

  PetscFunctionBegin;
  PetscCall(NMFInitializePackage());
  PetscCall(NMFPhaseBegin_Private(NMF_PHASE_WRITE));
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCallMPI(MPI_Bcast(&tag, 1, MPI_LONG_LONG, 0, comm));
  const std::string tmp = std::string(path) + ".tmp" + std::to_string(tag);
  /* room for it, checked before anything is written: a write that fails on a full disk inside
     parallel HDF5 (MPI-IO) can leave HDF5 in a state that crashes at MPI_Finalize */
  double room[2] = {0, 0}; /* the free bytes of the file system, known */
  if (rank == 0) {
    std::string  dir(path);
    const size_t slash = dir.find_last_of('/');
    dir                = slash == std::string::npos ? "." : slash == 0 ? "/"
                                                                       : dir.substr(0, slash);
    struct statvfs v;
    if (statvfs(dir.c_str(), &v) == 0) room[0] = (double)v.f_bavail * (double)v.f_frsize, room[1] = 1;
  }
  PetscCallMPI(MPI_Bcast(room, 2, MPI_DOUBLE, 0, comm));
  const double need = (double)estimate + 65536.0; /* the data, and HDF5's structures and the attributes */
  PetscCheck(room[1] == 0 || room[0] >= need, comm, PETSC_ERR_FILE_WRITE, "cannot write '%s': no space left on device (it needs about %.0f KiB, its file system has %.0f KiB free); nothing was written", path, need / 1024, room[0] / 1024);
  PetscCall(NMFIOCreateFile_Private(comm, tmp, &file));
  PetscErrorCode ierr;
  try {
    ierr = body(file, ctx);
  } catch (...) { /* the temporary file is removed below all the same */
    ierr = NMFExceptionError_Private(PETSC_FUNCTION_NAME, __FILE__, __LINE__);
  }
  herr_t cl = H5Fclose(file);
  bool   ok = false;
  if (!ierr) PetscCall(NMFIOAllOK_Private(comm, cl >= 0, &ok));
  if (!ierr && rank == 0 && ok) ok = SyncFile(tmp.c_str()); /* on disk before it takes the name */
  if (!ierr && rank == 0) renamed = (ok && rename(tmp.c_str(), path) == 0) ? 1 : 0;
  if (rank == 0 && !renamed) unlink(tmp.c_str()); /* never leave a half-written file */
  PetscCall(ierr);
  PetscCallMPI(MPI_Bcast(&renamed, 1, MPI_INT, 0, comm));
  const std::string why = renamed ? "" : NMFIOWriteFailureReason_Private(comm, path);
  PetscCheck(renamed, comm, PETSC_ERR_FILE_WRITE, "cannot complete the output file '%s'%s", path, why.empty() ? " (closing it or renaming it from its temporary name failed)" : why.c_str());
  PetscCall(NMFPhaseEnd_Private(NMF_PHASE_WRITE));
  PetscFunctionReturn(0);
}
