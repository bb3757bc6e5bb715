/*
  smoothnmf I/O: parallel HDF5 reading and writing of maps and results.  Every rank reads
  and writes only its own block of pixels (a hyperslab); nothing is gathered on one rank.

  A dataset is named "FILE:DATASET"; without ":DATASET" the input map is the "data" dataset
  of the single group under /Experiments (a HyperSpy .hspy file), else /X.

  HyperSpy files (.hspy) are read as they are: any integer or floating type, chunked and
  compressed or not, with their calibrated axes (the axis-0, axis-1, ... groups beside the
  data), which are kept for the outputs: the result file's /axes and a .hspy file that
  hyperspy.api.load opens as the decomposition factors and loadings.

  This header is the table of contents; the manual pages sit above the definitions in src/io/
  (PETSc's manner, see smoothnmf.h).  Every function returns a PetscErrorCode; no C++ exception
  crosses this interface.
*/
#ifndef SMOOTHNMF_IO_H
#define SMOOTHNMF_IO_H

#include <smoothnmf.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- map layouts and axes */

/* How the channels lie in the dataset: pixels_first is HyperSpy's order, (ny, nx, n) or (p, n);
   channels_first is a 2-D (n, p) dataset (espm's orientation without hspy_comp). */
typedef enum { NMF_LAYOUT_PIXELS_FIRST   = 0,
               NMF_LAYOUT_CHANNELS_FIRST = 1 } NMFLayout;
extern const char *const NMFLayouts[];

/* One axis of a map, as HyperSpy stores it (the axis-i group of a .hspy signal): the
   coordinate of index j is offset + j scale, in units.  Empty strings mean undefined. */
typedef struct {
  char      name[128];
  char      units[64];
  PetscReal scale, offset;
  PetscInt  size;
  PetscBool navigate; /* a navigation (pixel) axis; false for the signal (channel) axis */
} NMFAxis;

/* What NMFIOGetMapInfo learns about an input map.  Whatever the layout in the file, dims and
   axes are in pixel-major order: (ny, nx, n) or (p, n); the last axis is the channel axis. */
typedef struct {
  char      spec[PETSC_MAX_PATH_LEN]; /* FILE[:DATASET] as given */
  char      dataset[256];             /* the resolved dataset path */
  char      title[256];               /* metadata/General/title of a HyperSpy signal, else the dataset's name */
  char      signal_type[64];          /* metadata/Signal/signal_type, or "" */
  NMFLayout layout;
  PetscInt  ndims; /* 3 or 2 */
  PetscInt  dims[3];
  NMFAxis   axes[3];
  PetscBool has_axes;  /* the axes came from the file (axis-i groups); else uncalibrated ones */
  char      dtype[16]; /* the stored type: uint8, int16, float32, ... (numpy's names) */
} NMFMapInfo;

PetscErrorCode NMFIOGetMapInfo(MPI_Comm comm, const char spec[], NMFLayout layout, NMFMapInfo *info);

PetscErrorCode NMFIOReadMapLayout(MPI_Comm comm, const char spec[], NMFLayout layout, DM da, Vec X);

PetscErrorCode NMFIOChooseDataType(MPI_Comm comm, const char spec[], const char request[], NMFDataType *type);

PetscErrorCode NMFIOReadMapCompact(MPI_Comm comm, const char spec[], NMFLayout layout, DM da, NMFDataType type, void **array);

PetscErrorCode NMFIOReadMapAs(MPI_Comm comm, const char spec[], NMFLayout layout, DM da, const char request[], NMFDataType *type, void **array);

PetscErrorCode NMFIOGetMapShape(MPI_Comm comm, const char spec[], PetscInt *ndims, PetscInt dims[3], char dataset[]);

PetscErrorCode NMFIOReadMap(MPI_Comm comm, const char spec[], DM da, Vec X);

PetscErrorCode NMFIOWriteMap(MPI_Comm comm, const char path[], const char dataset[], DM da, const PetscReal x[], PetscBool create_file);

PetscErrorCode NMFIOReadMatrix(MPI_Comm comm, const char spec[], PetscInt *rows, PetscInt *cols, PetscReal **values);

PetscErrorCode NMFIOReadAbundance(NMF nmf, const char spec[], Vec H);

PetscErrorCode NMFIOWriteResult(NMF nmf, const char path[], const char input_spec[], PetscReal read_seconds);

PetscErrorCode NMFIOWriteResultWithAxes(NMF nmf, const char path[], const NMFMapInfo *map, PetscReal read_seconds);

PetscErrorCode NMFIOWriteHspy(NMF nmf, const char path[], const NMFMapInfo *map, PetscReal read_seconds);

PetscErrorCode NMFIOWriteHspyMap(MPI_Comm comm, const char path[], const NMFMapInfo *map, DM da, NMFDataType xtype, const void *x, const char dtype[], const PetscInt chunk[2], PetscInt gzip);

PetscErrorCode NMFIOWriteAbundance(MPI_Comm comm, const char path[], const char dataset[], DM daH, Vec H);

PetscErrorCode NMFIOWriteMatrix(MPI_Comm comm, const char path[], const char dataset[], PetscInt rows, PetscInt cols, const PetscReal values[]);

/* ---------------------------------------------------------------- masks (mask_io.cpp) */

PetscErrorCode NMFIOReadNavigationMask(NMF nmf, const char spec[], Vec *mask);

PetscErrorCode NMFIOReadSignalMask(MPI_Comm comm, const char spec[], PetscInt n, PetscBool **excluded);

PetscErrorCode NMFIOSignalMaskFromRanges(MPI_Comm comm, const char ranges[], const NMFAxis *axis, PetscBool **excluded);

/* ---------------------------------------------------------------- checkpoints and restarts */

PetscErrorCode NMFIOSetCheckpoint(NMF nmf, const char path[], PetscInt every, PetscReal seconds, const volatile int *stop, const NMFMapInfo *map);

PetscErrorCode NMFIOGetCheckpointStatus(NMF nmf, int *signal, PetscInt *last);

PetscErrorCode NMFIOWriteCheckpoint(NMF nmf, const char path[]);

PetscErrorCode NMFIOSetRestart(NMF nmf, const char path[], const NMFMapInfo *map);

#ifdef __cplusplus
}
#endif
#endif
