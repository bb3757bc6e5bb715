/* Private interfaces between the HDF5 files of the library: hdf5_util.cpp (file specs, opening
   and creating files, attributes, writing under a temporary name), hdf5_io.cpp (maps, matrices,
   abundances, the result file) and hspy_io.cpp (HyperSpy axes, .hspy input and output). */
#ifndef SMOOTHNMF_IO_IMPL_H
#define SMOOTHNMF_IO_IMPL_H

#include <smoothnmf_io.h>
#include <smoothnmf/private/nmfimpl.h>
#include <hdf5.h>
#include <string>
#include <vector>

/* ---------------------------------------------------------------- files and datasets */

/* "FILE[:DATASET]" -> FILE and "/DATASET" (empty when absent) */
void NMFIOSplitSpec_Private(const char spec[], std::string &file, std::string &dset);
/* all ranks fail together when any rank's local step failed */
PetscErrorCode NMFIOAllOK_Private(MPI_Comm comm, bool ok, bool *all);
/* does every component of an absolute path exist? */
bool NMFIOPathExists_Private(hid_t file, const std::string &path);
/* opens an existing file with MPI-IO on comm; one clear error for missing, directory, unreadable,
   not-HDF5 and truncated files */
PetscErrorCode NMFIOOpenFile_Private(MPI_Comm comm, const std::string &path, unsigned flags, hid_t *file);
/* the errors of a failed open, each printed as "PREFIX 'PATH': TEXT" (permission denied is common) */
struct NMFIOOpenErrors {
  const char *prefix, *missing, *directory, *not_hdf5, *damaged;
};
/* opens an HDF5 file collectively (MPI-IO), one clear error per kind of bad file, every rank alike */
PetscErrorCode NMFIOOpenFileChecked_Private(MPI_Comm comm, const char path[], unsigned flags, const NMFIOOpenErrors &e, hid_t *file);
PetscErrorCode NMFIOCreateFile_Private(MPI_Comm comm, const std::string &path, hid_t *file);
/* the dataset named by spec, or the default (/Experiments/<the one group>/data, else /X);
   checks that it holds numbers */
PetscErrorCode NMFIOOpenDataset_Private(MPI_Comm comm, const char spec[], hid_t *file, hid_t *dset, std::string *dpath, bool allow_bool = false); /* allow_bool: also an enum (h5py bool), for masks */
int            NMFIOGetDims_Private(hid_t dset, hsize_t dims[8]);
std::string    NMFIOShapeText_Private(int nd, const hsize_t dims[]); /* "(d0, d1, ...)", for the messages */
/* numpy's name of a dataset's stored type (uint16, float32, ...), or "other" */
void NMFIOTypeName_Private(hid_t dset, char name[], size_t len);
void NMFIOCloseAll_Private(hid_t dset, hid_t file);

/* ---------------------------------------------------------------- blocks */

/* the owned block of a DMDA: pixels (rows ys..ys+ym, columns xs..xs+xm), or 1-D xs..xs+xm
   (then N = 1, ys = 0, ym = 1) */
struct NMFIOBlock {
  PetscInt dim, M, N, dof, xs, ys, xm, ym;
};
PetscErrorCode NMFIOGetBlock_Private(DM da, NMFIOBlock *b);
/* the pixel-major shape of the whole map the block belongs to: (ny, nx, dof) for an image, else
   (p, dof); returns the number of dimensions */
int NMFIOMapShape_Private(const NMFIOBlock &b, hsize_t d[3]);
/* selects the block's pixels x all `inner` values of a pixel-major dataset space: 3-D
   (ny, nx, inner) or 2-D (p, inner); the pixel order is i nx + j in both */
void NMFIOSelectPixels_Private(hid_t space, int nd, const hsize_t dims[], const NMFIOBlock &b);
/* the memory space of the block's values (pixel-major) for the selection of
   NMFIOSelectPixels_Private: of the file's rank, shaped like the selection, where that is one box
   (HDF5 then maps a chunked dataset's chunks box by box; against a 1-D memory space it maps them
   value by value, which is slower than the I/O), else 1-D */
hid_t NMFIOCreateBlockMemSpace_Private(int nd, const hsize_t dims[], const NMFIOBlock &b);

/* ---------------------------------------------------------------- attributes */

void NMFIOAttrDoubles_Private(hid_t obj, const char *name, const double *v, hsize_t len);
void NMFIOAttrInt_Private(hid_t obj, const char *name, long long v);
void NMFIOAttrString_Private(hid_t obj, const char *name, const std::string &v); /* fixed length */
void NMFIOAttrBool_Private(hid_t obj, const char *name, PetscBool v);            /* uint8 */
void NMFIOAttrUTF8_Private(hid_t obj, const char *name, const std::string &v);   /* variable-length UTF-8, as h5py */
void NMFIOAttrBoolEnum_Private(hid_t obj, const char *name, bool v);             /* h5py's bool (enum of int8) */
/* attribute readers: false when the attribute is absent or of another kind */
bool NMFIOReadAttrString_Private(hid_t obj, const char *name, std::string *v);
bool NMFIOReadAttrDouble_Private(hid_t obj, const char *name, double *v);
bool NMFIOReadAttrBool_Private(hid_t obj, const char *name, bool *v);

/* ---------------------------------------------------------------- writing */

/* a small replicated dataset, written by rank 0 alone (creation is collective) */
herr_t NMFIOWriteSmall_Private(hid_t loc, const char *name, int nd, const hsize_t *dims, const double *v, PetscMPIInt rank);
/* v (dof values per owned pixel of da) as a component-major dataset (dof, ny, nx), or (dof, p)
   for a 1-D da, each rank its own block; *st < 0 when HDF5 failed */
PetscErrorCode NMFIOWriteComponentMajor_Private(hid_t loc, const char *name, DM da, Vec v, herr_t *st);
/* reads a component-major dataset (dof, ny, nx) or (dof, p) of loc into v (dof values per owned
   pixel of da), each rank its own block; *st < 0 when it is missing, of another shape, or HDF5
   failed (on this rank: agree with NMFIOAllOK_Private) */
PetscErrorCode NMFIOReadComponentMajor_Private(hid_t loc, const char *name, DM da, Vec v, herr_t *st);
/* the attributes of a run: n_iter, stop_reason, timings, input and every parameter (espm's names) */
PetscErrorCode NMFIOWriteRunAttributes_Private(NMF nmf, hid_t obj, const char *input, double read_seconds, double write_seconds);
/* creates path under a temporary name, lets body fill it, and renames it when complete; on any
   error nothing is left at path (nor at the temporary name).  Collective. */
PetscErrorCode NMFIOWriteAtomic_Private(MPI_Comm comm, const char path[], size_t estimate, PetscErrorCode (*body)(hid_t file, void *ctx), void *ctx); /* estimate: the bytes of data, checked against the free space first */

/* ---------------------------------------------------------------- checkpoints (checkpoint_*.cpp) */

#define NMF_CHECKPOINT_FORMAT  "smoothnmf checkpoint"
#define NMF_CHECKPOINT_VERSION 1

/* a parameter a restart must share with its checkpoint: its values (stored as /parameters/NAME)
   and how to show it (the attribute "text" of that dataset) */
struct NMFCheckpointParam {
  std::string         name, text;
  std::vector<double> values;
};
/* every such parameter of nmf (the hashes of G, masks and ground truth are collective).  Collective. */
PetscErrorCode NMFCheckpointParams_Private(NMF nmf, std::vector<NMFCheckpointParam> &params);
/* an order-independent hash of the iteration state: W, H, the losses and the scalars.  Collective. */
PetscErrorCode NMFCheckpointStateHash_Private(NMF nmf, uint64_t *hash);
/* the names of the losses columns, joined with commas */
std::string NMFCheckpointLossNames_Private(NMF nmf);
/* /select_k of a rank selection: settings, the table when complete, with fits the fits done (checkpoint_write.cpp) */
herr_t NMFIOWriteSelectKGroup_Private(hid_t file, NMF nmf, bool fits, PetscMPIInt rank);
void   NMFIOAttrU64_Private(hid_t obj, const char *name, uint64_t v);
bool   NMFIOReadAttrU64_Private(hid_t obj, const char *name, uint64_t *v);

/* ---------------------------------------------------------------- axes (hspy_io.cpp) */

/* the axes of the output: the image (or pixel) axes of H, then the channel axis of GW, from
   the input's axes where their sizes fit the solved nmf, else uncalibrated ones */
void NMFIOOutputAxes_Private(NMF nmf, const NMFMapInfo *map, NMFAxis axes[3], PetscInt *naxes);

/* the bytes of data an output of this NMF holds: H (k p), W, G W, the losses (the estimate of
   NMFIOWriteAtomic_Private's check of the free space) */
static inline size_t NMFIOOutputBytes_Private(NMF nmf, int copies_of_H)
{
  const size_t k = (size_t)nmf->k, p = (size_t)nmf->p, n = (size_t)nmf->n, m = nmf->G.empty() ? n : (size_t)nmf->m;
  return 8 * ((size_t)copies_of_H * k * p + m * k + n * k + (size_t)(nmf->n_iter + 1) * (7 + 2 * k + 1));
}

/* why a write failed, when the file system tells (a full disk): ": no space left on device (...)"
   or ""; collective */
std::string NMFIOWriteFailureReason_Private(MPI_Comm comm, const char path[]);
std::string NMFIOWriteFailureReason_Private(MPI_Comm comm, hid_t file);

/* read_guard.cpp: while reading an input's metadata, a crash or a read without answer inside
   HDF5 (a damaged file) ends the job with one line naming the file and the item being read */
struct NMFIOReadGuard {
  NMFIOReadGuard(MPI_Comm comm, const char spec[]);
  ~NMFIOReadGuard();
  NMFIOReadGuard(const NMFIOReadGuard &)            = delete;
  NMFIOReadGuard &operator=(const NMFIOReadGuard &) = delete;
};
void NMFIOReadGuardItem_Private(const char *object, const char *attribute); /* what is being read: DATASET or OBJECT@ATTRIBUTE */

#endif
