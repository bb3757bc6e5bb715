/*
  smoothnmf I/O: parallel HDF5 reading and writing of maps and results.  Every rank reads
  and writes only its own block of pixels (a hyperslab); nothing is gathered on one rank.

  A dataset is named "FILE:DATASET"; without ":DATASET" the input map is the "data" dataset
  of the single group under /Experiments (a HyperSpy .hspy file), else /X.

  HyperSpy files (.hspy) are read as they are: any integer or floating type, chunked and
  compressed or not, with their calibrated axes (the axis-0, axis-1, ... groups beside the
  data), which are kept for the outputs: the result file's /axes and a .hspy file that
  hyperspy.api.load opens as the decomposition factors and loadings.

  The manual pages follow PETSc's (see smoothnmf.h).  Every function returns a PetscErrorCode;
  no C++ exception crosses this interface.
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
.  -nmf_layout <pixels_first,channels_first>

   Level: intermediate
@*/
PetscErrorCode NMFIOGetMapInfo(MPI_Comm comm, const char spec[], NMFLayout layout, NMFMapInfo *info);

/*@
   NMFIOReadMapLayout - Reads the rank's own pixels of a map, in either layout, into a vector of
   the solver's distribution.

   Collective

   Input Parameters:
+  comm   - the communicator of da
.  spec   - "FILE[:DATASET]"
.  layout - NMF_LAYOUT_PIXELS_FIRST or NMF_LAYOUT_CHANNELS_FIRST
-  da     - a DMDA from NMFCreateDataDM() whose sizes fit the dataset

   Output Parameter:
.  X - a vector from NMFCreateDataVec(da), filled (any integer or floating type converted to
       double); a map of n p >= 2^31 values needs NMFIOReadMapCompact() instead

   Notes:
   Each rank reads a hyperslab of the dataset: collectively where parallel HDF5 allows it (the
   values in their stored type, converted afterwards), else independently.  A channels_first
   dataset is transposed in memory, one rank block at a time.  Logged as the event NMFIORead.

   Level: intermediate
@*/
PetscErrorCode NMFIOReadMapLayout(MPI_Comm comm, const char spec[], NMFLayout layout, DM da, Vec X);

/*@
   NMFIOChooseDataType - Chooses the in-memory type of a map for -nmf_data_type.

   Collective

   Input Parameters:
+  comm    - the communicator
.  spec    - "FILE[:DATASET]"
-  request - "float64", "float32", or "native" (the dataset's own type when it is uint8, uint16
             or float32, else float64)

   Output Parameter:
.  type - the NMFDataType to read the map into

   Level: intermediate
@*/
PetscErrorCode NMFIOChooseDataType(MPI_Comm comm, const char spec[], const char request[], NMFDataType *type);

/*@
   NMFIOReadMapCompact - Reads the rank's own pixels of a map (as NMFIOReadMapLayout) into an
   array of the given type, HDF5 converting the stored type, for NMFSetDataCompact.

   Collective

   Input Parameters:
+  comm   - the communicator
.  spec   - "FILE[:DATASET]"
.  layout - NMF_LAYOUT_PIXELS_FIRST or NMF_LAYOUT_CHANNELS_FIRST
.  da     - the data DMDA (from NMFCreateDataDM)
-  type   - the in-memory type

   Output Parameter:
.  array - the rank's pixels, pixel-major, allocated with PetscMalloc (NMFSetDataCompact takes it)

   Level: intermediate
@*/
PetscErrorCode NMFIOReadMapCompact(MPI_Comm comm, const char spec[], NMFLayout layout, DM da, NMFDataType type, void **array);

/*@
   NMFIOReadMapAs - Reads the rank's own pixels of a map in the in-memory type that -nmf_data_type
   asks for (NMFIOChooseDataType(), NMFIOReadMapCompact()), for NMFSetDataCompact().

   Collective

   Input Parameters:
+  comm    - the communicator of da
.  spec    - "FILE[:DATASET]"
.  layout  - NMF_LAYOUT_PIXELS_FIRST or NMF_LAYOUT_CHANNELS_FIRST
.  da      - the data DMDA (from NMFCreateDataDM)
-  request - "native", "float32" or "float64"

   Output Parameters:
+  type  - the type the map was read into
-  array - the rank's pixels, pixel-major, n p_local values (a 64-bit size: any size of map);
           NULL on failure

   Level: intermediate
@*/
PetscErrorCode NMFIOReadMapAs(MPI_Comm comm, const char spec[], NMFLayout layout, DM da, const char request[], NMFDataType *type, void **array);

/*@
   NMFIOGetMapShape - Gets the shape of a pixel-major input map.

   Collective

   Input Parameters:
+  comm - the communicator
-  spec - "FILE[:DATASET]"

   Output Parameters:
+  ndims   - 3 for (ny, nx, n), 2 for (p, n)
.  dims    - the dataset's dimensions (ndims of them)
-  dataset - the resolved dataset path (room for at least 256 characters), or NULL

   Level: intermediate
@*/
PetscErrorCode NMFIOGetMapShape(MPI_Comm comm, const char spec[], PetscInt *ndims, PetscInt dims[3], char dataset[]);

/*@
   NMFIOReadMap - Reads the rank's own pixels of a pixel-major map: NMFIOReadMapLayout() with
   NMF_LAYOUT_PIXELS_FIRST.  A 3-D (ny, nx, n) or 2-D (p, n) dataset is read with the pixel order
   i nx + j.

   Collective

   Input Parameters:
+  comm - the communicator of da
.  spec - "FILE[:DATASET]"
-  da   - a DMDA from NMFCreateDataDM()

   Output Parameter:
.  X - a global vector of da, filled

   Level: intermediate
@*/
PetscErrorCode NMFIOReadMap(MPI_Comm comm, const char spec[], DM da, Vec X);

/*@
   NMFIOWriteMap - Writes a map as a pixel-major dataset, (ny, nx, n), or (p, n) for a 1-D da;
   each rank writes its own block.

   Collective

   Input Parameters:
+  comm        - the communicator of da
.  path        - the file
.  dataset     - the new dataset's name
.  da          - the DMDA (NMFCreateDataDM())
.  x           - the rank's pixels, n values each (n p_local, pixel-major: the array of a
                 NMFCreateDataVec() vector, or any array of that 64-bit size)
-  create_file - PETSC_TRUE to create (truncate) the file, PETSC_FALSE to add to an existing one

   Level: intermediate
@*/
PetscErrorCode NMFIOWriteMap(MPI_Comm comm, const char path[], const char dataset[], DM da, const PetscReal x[], PetscBool create_file);

/*@
   NMFIOReadMatrix - Reads a small 2-D dataset (W, G, a mask) whole on every rank.

   Collective

   Input Parameters:
+  comm - the communicator
-  spec - "FILE:DATASET"

   Output Parameters:
+  rows, cols - its shape
-  values     - row-major values, allocated with PetscMalloc1() (free them with PetscFree())

   Level: intermediate
@*/
PetscErrorCode NMFIOReadMatrix(MPI_Comm comm, const char spec[], PetscInt *rows, PetscInt *cols, PetscReal **values);

/*@
   NMFIOReadAbundance - Reads an H-shaped dataset, (k, ny, nx) or (k, p), into a vector of the
   abundance DM; each rank reads its own block.

   Collective

   Input Parameters:
+  nmf  - the object (its data and n_components set)
-  spec - "FILE:DATASET"

   Output Parameter:
.  H - a global vector of the abundance DM (NMFGetAbundanceDM()), filled; its object name (e.g.
       "the initial H") names it in error messages

   Level: intermediate
@*/
PetscErrorCode NMFIOReadAbundance(NMF nmf, const char spec[], Vec H);

/*@
   NMFIOWriteResult - Writes the result file of a solved object: /W, /H, /GW, /losses/NAME and
   the attributes (n_iter, stop_reason, const_KL, reconstruction_err, n_ranks, the timings and
   every parameter under espm's name); with NMFSetScree() also /scree, the leading singular
   values of X, with the attribute sum_of_squares (||X||_F^2).

   Collective

   Input Parameters:
+  nmf          - a solved object
.  path         - the file to write
.  input_spec   - a description of the input, recorded as the attribute input
-  read_seconds - the time spent reading the input, recorded

   Notes:
   The file is written under a temporary name and renamed when complete; on error nothing is
   left at path.  Logged as the event NMFIOWrite.

   Level: beginner
@*/
PetscErrorCode NMFIOWriteResult(NMF nmf, const char path[], const char input_spec[], PetscReal read_seconds);

/*@
   NMFIOWriteResultWithAxes - NMFIOWriteResult() plus the input's axes: the group /axes holds one
   group per axis of the input map in pixel-major order (axis-0, axis-1[, axis-2]; the last is the
   channel axis of /GW, the others the image or pixel axes of /H) with the attributes name,
   units, scale, offset, size and navigate, as in a .hspy file.

   Collective

   Input Parameters:
+  nmf          - a solved object
.  path         - the file to write
.  map          - the input's NMFIOGetMapInfo() (its spec is recorded as the attribute input)
-  read_seconds - the time spent reading the input

   Level: intermediate
@*/
PetscErrorCode NMFIOWriteResultWithAxes(NMF nmf, const char path[], const NMFMapInfo *map, PetscReal read_seconds);

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
PetscErrorCode NMFIOWriteHspy(NMF nmf, const char path[], const NMFMapInfo *map, PetscReal read_seconds);

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
PetscErrorCode NMFIOWriteHspyMap(MPI_Comm comm, const char path[], const NMFMapInfo *map, DM da, NMFDataType xtype, const void *x, const char dtype[], const PetscInt chunk[2], PetscInt gzip);

/*@
   NMFIOWriteAbundance - Writes an H-shaped vector (daH has k dof per pixel, like the abundance
   DM) as (k, ny, nx), or (k, p) for a 1-D daH, into a new dataset of an existing file (parent
   groups are created); each rank writes its own block.

   Collective

   Input Parameters:
+  comm    - the communicator of daH
.  path    - an existing file
.  dataset - the new dataset's name
-  daH, H  - the DMDA and a global vector of it

   Level: advanced
@*/
PetscErrorCode NMFIOWriteAbundance(MPI_Comm comm, const char path[], const char dataset[], DM daH, Vec H);

/*@
   NMFIOWriteMatrix - Writes a small replicated matrix into a new dataset of an existing file
   (parent groups are created); rank 0 writes.

   Collective

   Input Parameters:
+  comm       - the communicator
.  path       - an existing file
.  dataset    - the new dataset's name
.  rows, cols - the shape
-  values     - row-major values, the same on every rank

   Level: advanced
@*/
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
