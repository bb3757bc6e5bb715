/*
  smoothnmf I/O: parallel HDF5 reading and writing of maps and results.  Every rank reads
  and writes only its own block of pixels (a hyperslab); nothing is gathered on one rank.

  A dataset is named "FILE:DATASET"; without ":DATASET" the input map is the "data" dataset
  of the single group under /Experiments (a HyperSpy .hspy file), else /X.

  HyperSpy files (.hspy) are read as they are: any integer or floating type, chunked and
  compressed or not, with their calibrated axes (the axis-0, axis-1, ... groups beside the
  data), which are kept for the outputs: the result file's /axes and a .hspy file that
  hyperspy.api.load opens as the decomposition factors and loadings.
*/
#ifndef SMOOTHNMF_IO_H
#define SMOOTHNMF_IO_H

#include <smoothnmf.h>
#include <signal.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- map layouts and axes */

/* How the channels lie in the dataset: pixels_first is HyperSpy's order, (ny, nx, n) or (p, n);
   channels_first is a 2-D (n, p) dataset (espm's orientation without hspy_comp). */
typedef enum { NMF_LAYOUT_PIXELS_FIRST = 0, NMF_LAYOUT_CHANNELS_FIRST = 1 } NMFLayout;
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
  PetscInt  ndims;   /* 3 or 2 */
  PetscInt  dims[3];
  NMFAxis   axes[3];
  PetscBool has_axes; /* the axes came from the file (axis-i groups); else uncalibrated ones */
  char      dtype[16]; /* the stored type: uint8, int16, float32, ... (numpy's names) */
} NMFMapInfo;

/*@ NMFIOGetMapInfo - the shape, axes and title of an input map.  Collective.
  Input:  comm, spec - "FILE[:DATASET]"
          layout     - NMF_LAYOUT_PIXELS_FIRST or NMF_LAYOUT_CHANNELS_FIRST (a 2-D (n, p) dataset)
  Output: info       - dims and axes in pixel-major order, the resolved dataset, the title
  Errors (one message naming the file and dataset): no such file, not HDF5, truncated; several
  signals under /Experiments and no DATASET; not numbers; not 2-D or 3-D; a channel axis of
  length 1; axis-i groups that contradict the data (sizes, or navigation axes that are not
  the leading ones, e.g. an image stack). @*/
PetscErrorCode NMFIOGetMapInfo(MPI_Comm comm, const char spec[], NMFLayout layout, NMFMapInfo *info);

/*@ NMFIOReadMapLayout - NMFIOReadMap for either layout: reads the rank's own pixels (a
    hyperslab of the dataset; collective where HDF5 allows it, else independent) into X, a
    global vector of da, converting any integer or floating type to double.  A channels_first
    dataset is transposed in memory, one rank block at a time.  Collective. @*/
PetscErrorCode NMFIOReadMapLayout(MPI_Comm comm, const char spec[], NMFLayout layout, DM da, Vec X);

/*@ NMFIOGetMapShape - the shape of an input map.  Collective.
  Input:  comm, spec  - "FILE[:DATASET]"
  Output: ndims       - 3 for (ny, nx, n), 2 for (p, n)
          dims        - the dataset's dimensions (ndims of them)
          dataset     - the resolved dataset path (at least 256 characters), or NULL @*/
PetscErrorCode NMFIOGetMapShape(MPI_Comm comm, const char spec[], PetscInt *ndims, PetscInt dims[3], char dataset[]);

/*@ NMFIOReadMap - reads the rank's own pixels of a pixel-major map into X, a global vector of
    da (from NMFCreateDataDM), converting any integer or floating type to double.  Collective.
    A 3-D (ny, nx, n) or 2-D (p, n) dataset is read with the pixel order i nx + j. @*/
PetscErrorCode NMFIOReadMap(MPI_Comm comm, const char spec[], DM da, Vec X);

/*@ NMFIOWriteMap - writes X (a global vector of da) as a pixel-major dataset (ny, nx, n), or
    (p, n) for a 1-D da, into a new file or a new dataset of an existing file.  Collective. @*/
PetscErrorCode NMFIOWriteMap(MPI_Comm comm, const char path[], const char dataset[], DM da, Vec X, PetscBool create_file);

/*@ NMFIOReadMatrix - reads a small 2-D dataset (W, G, a mask) whole on every rank, row-major.  Collective.
  Output: rows, cols, and *values, allocated with PetscMalloc1 (free with PetscFree). @*/
PetscErrorCode NMFIOReadMatrix(MPI_Comm comm, const char spec[], PetscInt *rows, PetscInt *cols, PetscReal **values);

/*@ NMFIOReadAbundance - reads an H-shaped dataset, (k, ny, nx) or (k, p), into H, a global vector
    (H's object name, e.g. "the initial H", names it in error messages)
    of the abundance DM of nmf (k values per pixel); each rank reads its own block.  Collective. @*/
PetscErrorCode NMFIOReadAbundance(NMF nmf, const char spec[], Vec H);

/*@ NMFIOWriteResult - writes the result file of a solved nmf: /W, /H, /GW, /losses/NAME and the
    attributes of the interface (n_iter, stop_reason, const_KL, reconstruction_err, n_ranks, the
    timings and every parameter under espm's name); with NMFSetScree also /scree, the leading
    singular values of X, with the attribute sum_of_squares (||X||_F^2).  The file is written
    under a temporary name and renamed when complete; on error nothing is left at path.  Collective.
  Input: input_spec   - the input map, recorded as an attribute
         read_seconds - time spent reading the input @*/
PetscErrorCode NMFIOWriteResult(NMF nmf, const char path[], const char input_spec[], PetscReal read_seconds);

/*@ NMFIOWriteResultWithAxes - NMFIOWriteResult plus the input's axes: the group /axes holds one
    group per axis of the input map in pixel-major order (axis-0, axis-1[, axis-2]; the last is
    the channel axis of /GW, the others the image or pixel axes of /H) with the attributes name,
    units, scale, offset, size and navigate, as in a .hspy file.  Collective.
  Input: map - the input's NMFIOGetMapInfo (its spec is recorded as the attribute input) @*/
PetscErrorCode NMFIOWriteResultWithAxes(NMF nmf, const char path[], const NMFMapInfo *map, PetscReal read_seconds);

/*@ NMFIOWriteHspy - writes a solved nmf as a HyperSpy file that hyperspy.api.load opens into two
    signals, in this order, as HyperSpy's get_decomposition_factors() and
    get_decomposition_loadings() would give them:
      /Experiments/GW: the k spectra, data (k, n): axis-0 "Decomposition component index"
                       (navigation), axis-1 the input's channel axis (signal);
      /Experiments/H:  the k abundance maps, data (k, ny, nx) or (k, p): axis-0 the component
                       index (navigation), then the input's image (or pixel) axes (signal).
    Each signal's metadata/SmoothNMF holds the run's attributes (as in the result file), its
    losses (metadata/SmoothNMF/losses/NAME) and, when computed, the scree.  Written under a
    temporary name and renamed when complete.  Collective. @*/
PetscErrorCode NMFIOWriteHspy(NMF nmf, const char path[], const NMFMapInfo *map, PetscReal read_seconds);

/*@ NMFIOWriteHspyMap - writes X (a global vector of da, as from NMFCreateDataDM) as the single
    signal of a new .hspy file: /Experiments/<title>/data of shape (ny, nx, n), or (p, n) for a
    1-D da, with map's axes, title and signal_type.  Each rank writes its own block (collective,
    also when compressed).  Collective.
  Input: dtype - the stored type: uint8, uint16, uint32, int16, int32, float32 or float64;
                 integer types need integer values within their range
         chunk - chunk shape in pixels (rows, columns; or pixels, 1-D), each chunk holding every
                 channel; {0, 0} for a contiguous dataset
         gzip  - deflate level 0 (none) to 9; needs a chunked dataset @*/
PetscErrorCode NMFIOWriteHspyMap(MPI_Comm comm, const char path[], const NMFMapInfo *map, DM da, Vec X, const char dtype[], const PetscInt chunk[2], PetscInt gzip);

/*@ NMFIOWriteAbundance - writes an H-shaped vector (daH has k dof per pixel, like the abundance
    DM) as (k, ny, nx), or (k, p) for a 1-D daH, into a new dataset of an existing file (parent
    groups are created).  Each rank writes its own block.  Collective. @*/
PetscErrorCode NMFIOWriteAbundance(MPI_Comm comm, const char path[], const char dataset[], DM daH, Vec H);

/*@ NMFIOWriteMatrix - writes a small replicated row-major matrix (rows x cols) into a new dataset
    of an existing file (parent groups are created); rank 0 writes.  Collective. @*/
PetscErrorCode NMFIOWriteMatrix(MPI_Comm comm, const char path[], const char dataset[], PetscInt rows, PetscInt cols, const PetscReal values[]);

/* ---------------------------------------------------------------- checkpoints and restarts */

/*@ NMFIOSetCheckpoint - checkpoints of NMFSolve: at the end of an iteration, the state the next
    iteration needs (W, H, the iteration count, the losses, the step parameters gamma, the losses
    the stopping rules compare), the parameters and the input's fingerprint (shape, stored type,
    sum, sum of squares and an order-independent hash of its values) go to path, each rank writing
    its own block of H, under a temporary name renamed when complete: a crash while writing leaves
    the previous checkpoint whole.  Installs a monitor (NMFMonitorSet).  Collective.
  Input: path    - the checkpoint file
         every   - write one every `every` iterations (0: not by count)
         seconds - write one when `seconds` seconds passed since the last (0: not by time)
         stop    - a flag a signal handler sets to the signal's number, or NULL: at the end of the
                   iteration in which any rank saw it set, every rank writes a checkpoint and
                   NMFSolve stops with the reason NMF_INTERRUPTED (see NMFIOGetCheckpointStatus)
         map     - the input (its stored type joins the fingerprint), or NULL
  Call before NMFSetUp: the fingerprint is taken before the data is prepared.  No checkpoint is
  written at the iteration that a stopping rule ends (the result follows). @*/
PetscErrorCode NMFIOSetCheckpoint(NMF nmf, const char path[], PetscInt every, PetscReal seconds, const volatile sig_atomic_t *stop, const NMFMapInfo *map);

/*@ NMFIOGetCheckpointStatus - after NMFSolve: the signal number (the value of *stop) that
    interrupted it (0: none), and the iteration of the last checkpoint written (0: none).  Not collective. @*/
PetscErrorCode NMFIOGetCheckpointStatus(NMF nmf, int *signal, PetscInt *last);

/*@ NMFIOWriteCheckpoint - writes a checkpoint of the state at the end of the current iteration;
    call it from a monitor on every rank (NMFIOSetCheckpoint or NMFIOSetRestart must have come
    before NMFSetUp, for the fingerprint).  Collective. @*/
PetscErrorCode NMFIOWriteCheckpoint(NMF nmf, const char path[]);

/*@ NMFIOSetRestart - resume from a checkpoint: NMFSetUp prepares X, then reads W, H and the
    iteration state from path instead of initializing, and NMFSolve continues with the next
    iteration.  At the rank count of the checkpoint the finished run is bit for bit the
    uninterrupted one; at another, equal up to rounding.  Refused with one line: no such file, a
    directory, not HDF5, truncated or damaged (the state's hash is checked), not a checkpoint,
    another format version (here: now; the rest in NMFSetUp), another input (shape, stored type
    or values), other parameters (all must agree but max_iter, which may grow beyond the
    checkpoint's iteration, and the printing options), another random_state or init when given.
    Collective.
  Input: path - the checkpoint;  map - the input (its stored type is compared), or NULL @*/
PetscErrorCode NMFIOSetRestart(NMF nmf, const char path[], const NMFMapInfo *map);

#ifdef __cplusplus
}
#endif
#endif
