/*
  smoothnmf I/O: parallel HDF5 reading and writing of maps and results.  Every rank reads
  and writes only its own block of pixels (a hyperslab); nothing is gathered on one rank.

  A dataset is named "FILE:DATASET"; without ":DATASET" the input map is the "data" dataset
  of the single group under /Experiments (a HyperSpy .hspy file), else /X.
*/
#ifndef SMOOTHNMF_IO_H
#define SMOOTHNMF_IO_H

#include <smoothnmf.h>

#ifdef __cplusplus
extern "C" {
#endif

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
    of the abundance DM of nmf (k values per pixel); each rank reads its own block.  Collective. @*/
PetscErrorCode NMFIOReadAbundance(NMF nmf, const char spec[], Vec H);

/*@ NMFIOWriteResult - writes the result file of a solved nmf: /W, /H, /GW, /losses/NAME and the
    attributes of the interface (n_iter, stop_reason, const_KL, reconstruction_err, n_ranks, the
    timings and every parameter under espm's name).  The file is written under a temporary name
    and renamed when complete; on error nothing is left at path.  Collective.
  Input: input_spec   - the input map, recorded as an attribute
         read_seconds - time spent reading the input @*/
PetscErrorCode NMFIOWriteResult(NMF nmf, const char path[], const char input_spec[], PetscReal read_seconds);

#ifdef __cplusplus
}
#endif
#endif
