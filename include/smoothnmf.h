/*
  smoothnmf: regularized nonnegative matrix factorization of hyperspectral maps,
  X (n channels x p pixels) ~ G W H, distributed over MPI ranks with PETSc.

  The object follows the PETSc/SLEPc manner:

    NMF nmf;
    NMFCreate(comm, &nmf);
    NMFSetData(nmf, da, X);          X: a Vec on a DMDA with n channels per pixel
    NMFSetFromOptions(nmf);          -nmf_n_components, -nmf_lambda_L, ...
    NMFSolve(nmf);
    NMFGetW(nmf, ...); NMFGetH(nmf, &H); NMFGetLosses(nmf, ...);
    NMFDestroy(&nmf);

  The algorithm is espm's SmoothNMF (see README.md and the project's algorithm
  notes). Every function returns a PetscErrorCode; call it inside PetscCall().
*/
#ifndef SMOOTHNMF_H
#define SMOOTHNMF_H

#include <petscdmda.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _p_NMF *NMF;

/* Algorithms (espm's algo): multiplicative log-surrogate or quadratic-surrogate H steps, or
   projected gradient steps on H and W. */
typedef enum { NMF_ALGO_LOG_SURROGATE = 0, NMF_ALGO_L2_SURROGATE = 1, NMF_ALGO_PROJECTED_GRADIENT = 2 } NMFAlgo;
extern const char *const NMFAlgos[];

/* Initializations: NMF_INIT_DEFAULT is espm's None (nndsvda when k <= min(n, p), else random). */
typedef enum { NMF_INIT_DEFAULT = 0, NMF_INIT_RANDOM, NMF_INIT_NNDSVD, NMF_INIT_NNDSVDA, NMF_INIT_NNDSVDAR, NMF_INIT_CUSTOM } NMFInitType;
extern const char *const NMFInitTypes[];

/* Why the iteration stopped; the names are espm's stop reasons. */
typedef enum {
  NMF_INTERRUPTED                = -3, /* "interrupted": a monitor called NMFInterrupt (e.g. on a signal) */
  NMF_DIVERGED_NEGATIVE_DECREASE = -2, /* "negative_decrease" */
  NMF_DIVERGED_NAN               = -1, /* "nan" */
  NMF_CONVERGED_ITERATING        = 0,
  NMF_CONVERGED_REL_CHANGE_WH    = 1, /* "rel_change_WH" */
  NMF_CONVERGED_REL_CHANGE_LOSS  = 2, /* "rel_change_loss" */
  NMF_CONVERGED_MAX_ITER         = 3  /* "max_iter" */
} NMFConvergedReason;

/* How the map X is kept in memory (converted to double inside the passes over X). */
typedef enum { NMF_DATA_FLOAT64 = 0, NMF_DATA_FLOAT32, NMF_DATA_UINT16, NMF_DATA_UINT8 } NMFDataType;
extern const char *const NMFDataTypes[];

/* The first columns of the losses table, in espm's get_losses() order; with a ground truth
   ang_p0.., mse_p0.. and true_KL_loss follow (see NMFGetLossName). */
#define NMF_LOSS_COLUMNS 7
extern const char *const NMFLossNames[NMF_LOSS_COLUMNS];

/* ---------------------------------------------------------------- create / destroy */

/*@ NMFCreate - creates the solver object.  Collective.
  Input:  comm - the communicator holding the pixels
  Output: nmf  - the new object, with espm's default parameters @*/
PetscErrorCode NMFCreate(MPI_Comm comm, NMF *nmf);

/*@ NMFDestroy - frees the object and everything it holds.  Collective. @*/
PetscErrorCode NMFDestroy(NMF *nmf);

/*@ NMFSetOptionsPrefix - prefix for this object's options, before "nmf_" (e.g. "app_"). Logically collective. @*/
PetscErrorCode NMFSetOptionsPrefix(NMF nmf, const char prefix[]);

/*@ NMFSetFromOptions - reads every -nmf_ option (see NMFView and -help) and calls the setters.  Collective.
  Options: -nmf_n_components -nmf_algo -nmf_lambda_L -nmf_mu -nmf_epsilon_reg -nmf_force_simplex
           -nmf_dicotomy_tol -nmf_gamma -nmf_linesearch -nmf_l2 -nmf_normalize -nmf_no_stop_criterion
           -nmf_debug -nmf_init -nmf_tol -nmf_max_iter -nmf_random_state -nmf_log_shift
           -nmf_eval_print -nmf_verbose -nmf_view -nmf_scree @*/
PetscErrorCode NMFSetFromOptions(NMF nmf);

/*@ NMFView - prints the parameters and, after a solve, the result summary.  Collective. @*/
PetscErrorCode NMFView(NMF nmf, PetscViewer viewer);

/* ---------------------------------------------------------------- data and layout */

/*@ NMFCreateDataDM - creates the pixel distribution of a map.  Collective.
  Input:  comm   - communicator
          n      - number of channels (degrees of freedom per pixel)
          ny, nx - image shape; with ny = 0 the map has no image shape and nx is the number of
                   pixels p (a 1-D partition)
          ly, lx - optional ownership: pixel rows / columns (or pixels, 1-D: lx) per rank, or NULL
  Output: da     - a DMDA (2-D over the image, stencil width 1, or 1-D) with n dof per pixel.
  Options: -da_processors_x, -da_processors_y choose the rank grid. @*/
PetscErrorCode NMFCreateDataDM(MPI_Comm comm, PetscInt n, PetscInt ny, PetscInt nx, const PetscInt ly[], const PetscInt lx[], DM *da);

/*@ NMFSetData - gives the map X to the solver.  Collective.
  Input: da - a DMDA from NMFCreateDataDM (2-D: the image shape is the DMDA's; 1-D: no shape)
         X  - a global vector of da: each owned pixel holds its n channels, contiguous
  The solver keeps a reference; X is modified in place by the data preparation
  (zero rows/columns replaced by log_shift, normalization).  Its object name, if any,
  is used in error messages. @*/
PetscErrorCode NMFSetData(NMF nmf, DM da, Vec X);

/*@ NMFSetDataCompact - gives the map X in a compact type: array holds the owned pixels (row-major
    within the block, n channels each, as a global vector of da would) as double, float, uint16_t
    or uint8_t; the passes over X convert inside their loops.  The NMF takes the array (allocated
    with PetscMalloc) and frees it.  Collective.
    Option (program): -nmf_data_type native|float64|float32 @*/
PetscErrorCode NMFSetDataCompact(NMF nmf, DM da, NMFDataType type, void *array);

/*@ NMFGetAbundanceDM - the DMDA of H (k dof per pixel, same ownership as X).  Not collective
    after the first call. Valid after NMFSetData and once n_components is set. @*/
PetscErrorCode NMFGetAbundanceDM(NMF nmf, DM *daH);

/*@ NMFSetG - a known G (n x m, row-major, replicated on every rank); NULL means identity.  Logically collective. @*/
PetscErrorCode NMFSetG(NMF nmf, PetscInt n, PetscInt m, const PetscReal G[]);

/*@ NMFSetInitialW - initial W (m x k, row-major, same on every rank). Logically collective. @*/
PetscErrorCode NMFSetInitialW(NMF nmf, PetscInt m, PetscInt k, const PetscReal W[]);
/*@ NMFSetInitialH - initial H as a global vector of the abundance DM (k values per pixel).  Collective. @*/
PetscErrorCode NMFSetInitialH(NMF nmf, Vec H);
/*@ NMFSetFixedW - mask (m x k, row-major): entries >= 0 are held at that value. Logically collective. @*/
PetscErrorCode NMFSetFixedW(NMF nmf, PetscInt m, PetscInt k, const PetscReal mask[]);
/*@ NMFSetHoldW - with PETSC_TRUE, W keeps its initial value and only H steps run (the transform
    of a new map with learned spectra).  Logically collective.  Option (program): -nmf_transform RESULT.h5 @*/
PetscErrorCode NMFSetHoldW(NMF nmf, PetscBool hold);
/*@ NMFSetFixedH - mask as a vector of the abundance DM: entries >= 0 are held.  Collective. @*/
PetscErrorCode NMFSetFixedH(NMF nmf, Vec mask);

/*@ NMFSetTruth - a ground truth, true_D (n x k, row-major, replicated) and true_H (a vector of the
    abundance DM): each iteration then adds the spectral angles ang_pI (degrees), the map errors
    mse_pI (best one-to-one matching of components) and true_KL_loss to the losses table.
    Collective. Options (program): -nmf_true_D FILE:DATASET -nmf_true_H FILE:DATASET @*/
PetscErrorCode NMFSetTruth(NMF nmf, PetscInt n, PetscInt k, const PetscReal true_D[], Vec true_H);

/* ---------------------------------------------------------------- parameters (espm's names) */
PetscErrorCode NMFSetNComponents(NMF nmf, PetscInt k);
PetscErrorCode NMFGetNComponents(NMF nmf, PetscInt *k);
PetscErrorCode NMFSetAlgo(NMF nmf, NMFAlgo algo);
PetscErrorCode NMFSetLambdaL(NMF nmf, PetscReal lambda_L);
/*@ NMFSetMu - the log sparsity weight: nmu = 1 (scalar) or nmu = k (one per component). @*/
PetscErrorCode NMFSetMu(NMF nmf, PetscInt nmu, const PetscReal mu[]);
PetscErrorCode NMFSetEpsilonReg(NMF nmf, PetscReal epsilon_reg);
PetscErrorCode NMFSetForceSimplex(NMF nmf, PetscBool force_simplex);
PetscErrorCode NMFSetDicotomyTol(NMF nmf, PetscReal dicotomy_tol);
/*@ NMFSetGammas - the step parameters: one value, sigma_L of the surrogate algorithms (default 8),
    or two, gamma_H and gamma_W of projected_gradient (default: espm's Lipschitz bounds).
    Logically collective.  Option: -nmf_gamma g or -nmf_gamma gH,gW @*/
PetscErrorCode NMFSetGammas(NMF nmf, PetscInt ngamma, const PetscReal gamma[]);
/*@ NMFSetGamma - NMFSetGammas with one value. @*/
PetscErrorCode NMFSetGamma(NMF nmf, PetscReal gamma);
PetscErrorCode NMFSetLinesearch(NMF nmf, PetscBool linesearch);
PetscErrorCode NMFSetL2(NMF nmf, PetscBool l2);
PetscErrorCode NMFSetNormalize(NMF nmf, PetscBool normalize);
PetscErrorCode NMFSetNoStopCriterion(NMF nmf, PetscBool no_stop_criterion);
PetscErrorCode NMFSetInitType(NMF nmf, NMFInitType init);
PetscErrorCode NMFSetTolerance(NMF nmf, PetscReal tol);
PetscErrorCode NMFSetMaxIter(NMF nmf, PetscInt max_iter);
/*@ NMFSetRandomState - seed of the random initializations; draws are keyed by the seed and the
    global index of each entry, so results do not depend on the number of ranks. @*/
PetscErrorCode NMFSetRandomState(NMF nmf, PetscInt64 seed);
PetscErrorCode NMFSetLogShift(NMF nmf, PetscReal log_shift);
PetscErrorCode NMFSetEvalPrint(NMF nmf, PetscInt eval_print);
PetscErrorCode NMFSetVerbose(NMF nmf, PetscInt verbose);

/*@ NMFSetScree - also compute the N leading singular values of X during NMFSetUp (whatever the
    initialization), from the same distributed Gram-matrix SVD as the nndsvd family, like
    HyperSpy's scree plot: they help choosing n_components.  N = 0 (default) computes none;
    N must not exceed min(channels, pixels).  Option: -nmf_scree N.  Logically collective. @*/
PetscErrorCode NMFSetScree(NMF nmf, PetscInt N);
/*@ NMFGetScree - the singular values computed for NMFSetScree (of X as prepared for the fit:
    all-zero rows/columns set to log_shift, normalized with -nmf_normalize), in decreasing
    order, and ||X||_F^2 (the sum of all squared singular values; the explained variance ratio
    of component j is S[j]^2 / sum_squares).  Not collective; the array belongs to the object.
  Output: N (0 when none were asked for), S, sum_squares (each may be NULL) @*/
PetscErrorCode NMFGetScree(NMF nmf, PetscInt *N, const PetscReal **S, PetscReal *sum_squares);

/* ---------------------------------------------------------------- monitors */

/* A monitor is called on every rank at the end of each iteration of NMFSolve, after the stopping
   rules (NMFGetConvergedReason tells whether the iteration was the last); it may be collective. */
typedef PetscErrorCode (*NMFMonitorFn)(NMF nmf, PetscInt it, void *ctx);
typedef PetscErrorCode (*NMFMonitorDestroyFn)(void **ctx);

/*@ NMFMonitorSet - adds a monitor (at most 8), called in the order they were set.  Logically collective.
  Input: monitor - the function, called as monitor(nmf, it, ctx) with it the iterations done
         ctx     - its context, or NULL
         destroy - frees ctx when the monitors are cancelled or the NMF destroyed, or NULL @*/
PetscErrorCode NMFMonitorSet(NMF nmf, NMFMonitorFn monitor, void *ctx, NMFMonitorDestroyFn destroy);
/*@ NMFMonitorCancel - removes every monitor (destroying their contexts).  Logically collective. @*/
PetscErrorCode NMFMonitorCancel(NMF nmf);
/*@ NMFInterrupt - from a monitor, on every rank: NMFSolve ends after this iteration with the reason
    NMF_INTERRUPTED (the state is the one the monitor saw; the iteration can be resumed from a
    checkpoint written there, see NMFIOWriteCheckpoint).  An iteration that a stopping rule ends
    keeps its reason.  Collective. @*/
PetscErrorCode NMFInterrupt(NMF nmf);

/* ---------------------------------------------------------------- solve and results */

/*@ NMFSetUp - checks the parameters against the data, prepares X and initializes W, H.  Collective.
    Called by NMFSolve when needed. @*/
PetscErrorCode NMFSetUp(NMF nmf);
/*@ NMFSolve - runs the iterations until a stopping rule holds.  Collective. @*/
PetscErrorCode NMFSolve(NMF nmf);

/*@ NMFGetW - W (m x k, row-major, replicated, already divided by the normalization factor). Not collective.
    The array belongs to the object. @*/
PetscErrorCode NMFGetW(NMF nmf, PetscInt *m, PetscInt *k, const PetscReal **W);
/*@ NMFGetGW - D = G W (n x k, row-major, replicated): the component spectra. Not collective. @*/
PetscErrorCode NMFGetGW(NMF nmf, PetscInt *n, PetscInt *k, const PetscReal **GW);
/*@ NMFGetH - H as a global vector of the abundance DM (k values per pixel). Not collective; do not destroy. @*/
PetscErrorCode NMFGetH(NMF nmf, Vec *H);
/*@ NMFGetLosses - the per-iteration table: ncolumns columns of n_iter values, column j at
    table[j*n_iter + i], named NMFLossNames[j]. Not collective. @*/
PetscErrorCode NMFGetLosses(NMF nmf, PetscInt *n_iter, PetscInt *ncolumns, const PetscReal **table);
/*@ NMFGetLossName - the name of column j of the losses table. Not collective. @*/
PetscErrorCode NMFGetLossName(NMF nmf, PetscInt j, const char **name);
PetscErrorCode NMFGetIterationNumber(NMF nmf, PetscInt *n_iter);
PetscErrorCode NMFGetConvergedReason(NMF nmf, NMFConvergedReason *reason);
/*@ NMFConvergedReasonName - espm's stop_reason string for a reason. @*/
const char *NMFConvergedReasonName(NMFConvergedReason reason);
/*@ NMFGetConstKL - the constant of the KL loss, computed on the prepared X. @*/
PetscErrorCode NMFGetConstKL(NMF nmf, PetscReal *const_KL);
PetscErrorCode NMFGetReconstructionError(NMF nmf, PetscReal *err);
/*@ NMFGetTimes - seconds spent in set-up (preparation and initialization) and in the iterations. @*/
PetscErrorCode NMFGetTimes(NMF nmf, PetscReal *init_seconds, PetscReal *fit_seconds);
/*@ NMFGetRandomState - the seed actually used (drawn by rank 0 when none was set). @*/
PetscErrorCode NMFGetRandomState(NMF nmf, PetscInt64 *seed);

/*@ NMFComputeLoss - espm's loss(W, H) of the prepared data for any W (m x k, row-major, replicated)
    and H (a vector of the abundance DM).  Collective.
  Output: losses - full_loss, the data term (KL_div_loss or the l2 loss), log_reg_loss, Lapl_reg_loss,
                   each divided by n p @*/
PetscErrorCode NMFComputeLoss(NMF nmf, const PetscReal W[], Vec H, PetscReal losses[4]);

/*@ NMFInverseTransform - Y = G W H, distributed like X (a global vector of the data DM). Collective. @*/
PetscErrorCode NMFInverseTransform(NMF nmf, Vec Y);

/*@ NMFTransform - the abundances of a new map with the learned W held fixed (same regularizers and
    parameters; no normalization): H starts from |lstsq(G W, X)| and only the H steps change it.
    Collective.
  Input:  nmf - a solved NMF
          da, X - the new map (from NMFCreateDataDM, any number of pixels, same channels)
  Output: H   - a new vector on a DMDA of k values per pixel with the ownership of da (destroy it
                with VecDestroy; VecGetDM gives its DM) @*/
PetscErrorCode NMFTransform(NMF nmf, DM da, Vec X, Vec *H);

#ifdef __cplusplus
}
#endif
#endif
