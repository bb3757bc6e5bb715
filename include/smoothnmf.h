/*
  smoothnmf: regularized nonnegative matrix factorization of hyperspectral maps,
  X (n channels x p pixels) ~ G W H, distributed over MPI ranks with PETSc.

  The object follows the PETSc/SLEPc manner (SLEPc's EPS is the model):

    NMF nmf;
    NMFCreate(comm, &nmf);
    NMFSetOptionsPrefix(nmf, "app_");  optional: the options become -app_nmf_...
    NMFSetFromOptions(nmf);            -nmf_n_components, -nmf_lambda_L, ... (listed by -help)
    NMFSetDataMat(nmf, X);             X: the application's Mat, pixels x channels, any row ownership
      or NMFSetData(nmf, da, X);       X: a Vec on a DMDA with n channels per pixel
    NMFSolve(nmf);
    NMFGetConvergedReason(nmf, &reason); NMFGetHMat(nmf, &H); NMFGetWMat(nmf, &W); NMFGetLosses(...);
    NMFDestroy(&nmf);

  The algorithm is espm's SmoothNMF (doc/algorithm.md).  Every function returns a PetscErrorCode:
  call it inside PetscCall().  No C++ exception crosses this interface: an allocation failure
  inside the library is returned as PETSC_ERR_MEM.  NMF is a PETSc object: PetscObjectSetName(),
  PetscObjectGetComm(), PetscObjectReference() work on it.

  This header is the table of contents; each function's manual page sits above its definition
  (src/nmf/interface/, src/io/), in PETSc's manner: Collective (every rank of the object's
  communicator calls it), Logically Collective (every rank calls it with the same values), Not
  Collective.  Option keys are written without a prefix: with NMFSetOptionsPrefix(nmf, "app_"),
  -nmf_tol is -app_nmf_tol.  The I/O (HDF5 maps, results, HyperSpy, checkpoints) is in
  smoothnmf_io.h; the object's definition, for new NMF types, in smoothnmf/private/nmfimpl.h.
*/
#ifndef SMOOTHNMF_H
#define SMOOTHNMF_H

#include <petscdmda.h>
#include <petscmat.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _p_NMF *NMF;

/* The NMF types, espm's algo: multiplicative log-surrogate or quadratic-surrogate H steps, or
   projected gradient steps on H and W; NMFRegister() adds others. */
typedef const char *NMFType;
#define NMFLOGSURROGATE      "log_surrogate"
#define NMFL2SURROGATE       "l2_surrogate"
#define NMFPROJECTEDGRADIENT "projected_gradient"

/* Initializations: NMF_INIT_DEFAULT is espm's None (nndsvda when k <= min(n, p), else random). */
typedef enum { NMF_INIT_DEFAULT = 0,
               NMF_INIT_RANDOM,
               NMF_INIT_NNDSVD,
               NMF_INIT_NNDSVDA,
               NMF_INIT_NNDSVDAR,
               NMF_INIT_CUSTOM } NMFInitType;
extern const char *const NMFInitTypes[];

/* Why the iteration stopped; the names are espm's stop reasons (NMFConvergedReasonName). */
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
typedef enum { NMF_DATA_FLOAT64 = 0,
               NMF_DATA_FLOAT32,
               NMF_DATA_UINT16,
               NMF_DATA_UINT8 } NMFDataType;
extern const char *const NMFDataTypes[];

/* The element types of an application's array given to NMFSetDataArray() (numpy's dtypes). */
typedef enum { NMF_ARRAY_FLOAT64 = 0,
               NMF_ARRAY_FLOAT32,
               NMF_ARRAY_UINT8,
               NMF_ARRAY_UINT16,
               NMF_ARRAY_UINT32,
               NMF_ARRAY_UINT64,
               NMF_ARRAY_INT8,
               NMF_ARRAY_INT16,
               NMF_ARRAY_INT32,
               NMF_ARRAY_INT64 } NMFArrayType;

/* The first columns of the losses table, in espm's get_losses() order; with a ground truth
   ang_p0.., mse_p0.. and true_KL_loss follow (see NMFGetLossName). */
#define NMF_LOSS_COLUMNS 7
extern const char *const NMFLossNames[NMF_LOSS_COLUMNS];

/* ================================================================ package and types (nmfregis.cpp, nmfbasic.cpp) */
PetscErrorCode NMFInitializePackage(void);
PetscErrorCode NMFRegister(const char name[], PetscErrorCode (*create)(NMF));

/* ================================================================ create, type, destroy (nmfbasic.cpp) */
PetscErrorCode NMFCreate(MPI_Comm comm, NMF *nmf);
PetscErrorCode NMFSetType(NMF nmf, NMFType type);
PetscErrorCode NMFGetType(NMF nmf, NMFType *type);
PetscErrorCode NMFReset(NMF nmf);
PetscErrorCode NMFDestroy(NMF *nmf);
PetscErrorCode NMFSetOptionsPrefix(NMF nmf, const char prefix[]);
PetscErrorCode NMFGetOptionsPrefix(NMF nmf, const char *prefix[]);

/* ================================================================ options and view (nmfopts.cpp, nmfview.cpp) */
PetscErrorCode NMFSetFromOptions(NMF nmf);
PetscErrorCode NMFView(NMF nmf, PetscViewer viewer);
PetscErrorCode NMFViewFromOptions(NMF nmf, PetscObject obj, const char name[]);

/* ================================================================ data and layout (nmfdata.cpp, nmfmatdata.cpp) */
PetscErrorCode NMFCreateDataDM(MPI_Comm comm, PetscInt n, PetscInt ny, PetscInt nx, const PetscInt ly[], const PetscInt lx[], DM *da);
PetscErrorCode NMFCheckSizes(MPI_Comm comm, PetscInt n, PetscInt ny, PetscInt nx, PetscInt k);
PetscErrorCode NMFDataDMGetChannels(DM da, PetscInt *n);
PetscErrorCode NMFCreateDataVec(DM da, Vec *X);
PetscErrorCode NMFSetData(NMF nmf, DM da, Vec X);
PetscErrorCode NMFSetDataCompact(NMF nmf, DM da, NMFDataType type, void *array);
PetscErrorCode NMFSetImageShape(NMF nmf, PetscInt ny, PetscInt nx);
PetscErrorCode NMFGetImageShape(NMF nmf, PetscInt *ny, PetscInt *nx);
PetscErrorCode NMFSetDataMat(NMF nmf, Mat X);
PetscErrorCode NMFSetDataArray(NMF nmf, PetscInt p, PetscInt n, PetscInt r0, PetscInt r1, NMFArrayType type, const void *x, PetscInt64 pixel_stride, PetscInt64 channel_stride);
PetscErrorCode NMFGetDataSizes(NMF nmf, PetscInt *n, PetscInt *p);
PetscErrorCode NMFGetAbundanceDM(NMF nmf, DM *daH);
PetscErrorCode NMFSetG(NMF nmf, PetscInt n, PetscInt m, const PetscReal G[]);
PetscErrorCode NMFSetGMat(NMF nmf, Mat G);
PetscErrorCode NMFGetG(NMF nmf, PetscInt *n, PetscInt *m, const PetscReal **G);
PetscErrorCode NMFSetInitialW(NMF nmf, PetscInt m, PetscInt k, const PetscReal W[]);
PetscErrorCode NMFSetInitialH(NMF nmf, Vec H);
PetscErrorCode NMFSetFixedW(NMF nmf, PetscInt m, PetscInt k, const PetscReal mask[]);
PetscErrorCode NMFSetFixedH(NMF nmf, Vec mask);
PetscErrorCode NMFSetHoldW(NMF nmf, PetscBool hold);
PetscErrorCode NMFGetHoldW(NMF nmf, PetscBool *hold);
PetscErrorCode NMFSetTruth(NMF nmf, PetscInt n, PetscInt k, const PetscReal true_D[], Vec true_H);

/* ================================================================ masks (nmfmask.cpp) */
PetscErrorCode NMFSetNavigationMask(NMF nmf, Vec mask);
PetscErrorCode NMFGetNavigationMask(NMF nmf, Vec *mask);
PetscErrorCode NMFSetNavigationMaskArray(NMF nmf, PetscInt r0, PetscInt r1, const PetscReal mask[]);
PetscErrorCode NMFSetSignalMask(NMF nmf, PetscInt n, const PetscBool excluded[]);
PetscErrorCode NMFGetSignalMask(NMF nmf, PetscInt *n, const char **excluded);
PetscErrorCode NMFCreateVacuumMask(NMF nmf, PetscReal fraction, Vec *mask);

/* ================================================================ parameters, espm's names (nmfparams.cpp)
   Each is described once, in the parameter table; each setter checks its value (an impossible one
   is refused with a line naming the parameter).  Setters are Logically Collective, getters Not
   Collective; call the setters before NMFSetUp()/NMFSolve(). */
PetscErrorCode NMFSetNComponents(NMF nmf, PetscInt k);
PetscErrorCode NMFGetNComponents(NMF nmf, PetscInt *k);
PetscErrorCode NMFSetLambdaL(NMF nmf, PetscReal lambda_L);
PetscErrorCode NMFGetLambdaL(NMF nmf, PetscReal *lambda_L);
PetscErrorCode NMFSetMu(NMF nmf, PetscInt nmu, const PetscReal mu[]);
PetscErrorCode NMFGetMu(NMF nmf, PetscInt *nmu, const PetscReal **mu);
PetscErrorCode NMFSetEpsilonReg(NMF nmf, PetscReal epsilon_reg);
PetscErrorCode NMFGetEpsilonReg(NMF nmf, PetscReal *epsilon_reg);
PetscErrorCode NMFSetForceSimplex(NMF nmf, PetscBool force_simplex);
PetscErrorCode NMFGetForceSimplex(NMF nmf, PetscBool *force_simplex);
PetscErrorCode NMFSetDicotomyTol(NMF nmf, PetscReal dicotomy_tol);
PetscErrorCode NMFGetDicotomyTol(NMF nmf, PetscReal *dicotomy_tol);
PetscErrorCode NMFSetGammas(NMF nmf, PetscInt ngamma, const PetscReal gamma[]);
PetscErrorCode NMFGetGammas(NMF nmf, PetscInt *ngamma, const PetscReal **gamma);
PetscErrorCode NMFSetGamma(NMF nmf, PetscReal gamma);
PetscErrorCode NMFGetGamma(NMF nmf, PetscReal *gamma);
PetscErrorCode NMFSetLinesearch(NMF nmf, PetscBool linesearch);
PetscErrorCode NMFGetLinesearch(NMF nmf, PetscBool *linesearch);
PetscErrorCode NMFSetL2(NMF nmf, PetscBool l2);
PetscErrorCode NMFGetL2(NMF nmf, PetscBool *l2);
PetscErrorCode NMFSetNormalize(NMF nmf, PetscBool normalize);
PetscErrorCode NMFGetNormalize(NMF nmf, PetscBool *normalize);
PetscErrorCode NMFSetNoStopCriterion(NMF nmf, PetscBool no_stop_criterion);
PetscErrorCode NMFGetNoStopCriterion(NMF nmf, PetscBool *no_stop_criterion);
PetscErrorCode NMFSetDebug(NMF nmf, PetscBool debug);
PetscErrorCode NMFGetDebug(NMF nmf, PetscBool *debug);
PetscErrorCode NMFSetInitType(NMF nmf, NMFInitType init);
PetscErrorCode NMFGetInitType(NMF nmf, NMFInitType *init);
PetscErrorCode NMFSetTolerance(NMF nmf, PetscReal tol);
PetscErrorCode NMFGetTolerance(NMF nmf, PetscReal *tol);
PetscErrorCode NMFSetMaxIter(NMF nmf, PetscInt max_iter);
PetscErrorCode NMFGetMaxIter(NMF nmf, PetscInt *max_iter);
PetscErrorCode NMFSetRandomState(NMF nmf, PetscInt64 seed);
PetscErrorCode NMFGetRandomState(NMF nmf, PetscInt64 *seed);
PetscErrorCode NMFSetLogShift(NMF nmf, PetscReal log_shift);
PetscErrorCode NMFGetLogShift(NMF nmf, PetscReal *log_shift);
PetscErrorCode NMFSetEvalPrint(NMF nmf, PetscInt eval_print);
PetscErrorCode NMFGetEvalPrint(NMF nmf, PetscInt *eval_print);
PetscErrorCode NMFSetVerbose(NMF nmf, PetscInt verbose);
PetscErrorCode NMFGetVerbose(NMF nmf, PetscInt *verbose);
PetscErrorCode NMFSetScree(NMF nmf, PetscInt N);
PetscErrorCode NMFGetScreeSize(NMF nmf, PetscInt *N);

/* ================================================================ set-up, solve, stopping rules (nmfsetup.cpp, nmfsolve.cpp) */
PetscErrorCode NMFSetUp(NMF nmf);
PetscErrorCode NMFSolve(NMF nmf);
PetscErrorCode NMFConvergedDefault(NMF nmf, PetscInt it, PetscReal loss, PetscReal rel_W, PetscReal rel_H, NMFConvergedReason *reason, void *ctx);
PetscErrorCode NMFSetConvergenceTest(NMF nmf, PetscErrorCode (*converged)(NMF, PetscInt, PetscReal, PetscReal, PetscReal, NMFConvergedReason *, void *), void *ctx, PetscErrorCode (*destroy)(void **));

/* ================================================================ monitors (nmfmon.cpp)
   A monitor is called on every rank at the end of each iteration, after the stopping rules. */
typedef PetscErrorCode (*NMFMonitorFn)(NMF nmf, PetscInt it, void *ctx);
typedef PetscErrorCode (*NMFMonitorDestroyFn)(void **ctx);
PetscErrorCode NMFMonitorSet(NMF nmf, NMFMonitorFn monitor, void *ctx, NMFMonitorDestroyFn destroy);
PetscErrorCode NMFMonitorDefault(NMF nmf, PetscInt it, void *ctx);
PetscErrorCode NMFMonitorCancel(NMF nmf);
PetscErrorCode NMFInterrupt(NMF nmf);

/* ================================================================ results (nmfresults.cpp, nmfmatdata.cpp) */
PetscErrorCode NMFGetW(NMF nmf, PetscInt *m, PetscInt *k, const PetscReal **W);
PetscErrorCode NMFGetGW(NMF nmf, PetscInt *n, PetscInt *k, const PetscReal **GW);
PetscErrorCode NMFGetWMat(NMF nmf, Mat *W);
PetscErrorCode NMFGetGWMat(NMF nmf, Mat *GW);
PetscErrorCode NMFGetH(NMF nmf, Vec *H);
PetscErrorCode NMFGetHMat(NMF nmf, Mat *H);
PetscErrorCode NMFGetHArray(NMF nmf, PetscInt r0, PetscInt r1, PetscReal h[]);
PetscErrorCode NMFCreateAbundanceVecFromArray(NMF nmf, PetscInt r0, PetscInt r1, const PetscReal h[], Vec *H);
PetscErrorCode NMFGetLosses(NMF nmf, PetscInt *n_iter, PetscInt *ncolumns, const PetscReal **table);
PetscErrorCode NMFGetLossName(NMF nmf, PetscInt j, const char **name);
PetscErrorCode NMFGetIterationNumber(NMF nmf, PetscInt *n_iter);
PetscErrorCode NMFGetConvergedReason(NMF nmf, NMFConvergedReason *reason);
const char    *NMFConvergedReasonName(NMFConvergedReason reason);
PetscErrorCode NMFGetConstKL(NMF nmf, PetscReal *const_KL);
PetscErrorCode NMFGetReconstructionError(NMF nmf, PetscReal *err);
PetscErrorCode NMFGetTimes(NMF nmf, PetscReal *init_seconds, PetscReal *fit_seconds);
PetscErrorCode NMFGetScree(NMF nmf, PetscInt *N, const PetscReal **S, PetscReal *sum_squares);

/* ================================================================ how many components: rank selection by stability, NMFk (nmfselectk.cpp)
   For each k of a range, the fit of X and R fits of resampled copies of X with the object's
   options; the R k spectra matched into k groups; the suggestion is the largest k whose minimum
   silhouette reaches the threshold and whose relative error still improves (doc/select_k.md). */
typedef enum { NMF_RESAMPLE_POISSON = 0, /* each count drawn again, Poisson(X) */
               NMF_RESAMPLE_UNIFORM      /* NMFk's bootstrap by noise: X (1 + noise u), u uniform in [-1, 1) */
} NMFResampleType;
extern const char *const NMFResampleTypes[];
PetscErrorCode           NMFSetSelectKRange(NMF nmf, PetscInt kmin, PetscInt kmax);
PetscErrorCode           NMFGetSelectKRange(NMF nmf, PetscInt *kmin, PetscInt *kmax);
PetscErrorCode           NMFSetSelectKResamples(NMF nmf, PetscInt R);
PetscErrorCode           NMFGetSelectKResamples(NMF nmf, PetscInt *R);
PetscErrorCode           NMFSetSelectKThreshold(NMF nmf, PetscReal threshold);
PetscErrorCode           NMFGetSelectKThreshold(NMF nmf, PetscReal *threshold);
PetscErrorCode           NMFSetSelectKMinImprovement(NMF nmf, PetscReal fraction);
PetscErrorCode           NMFGetSelectKMinImprovement(NMF nmf, PetscReal *fraction);
PetscErrorCode           NMFSetSelectKResampling(NMF nmf, NMFResampleType type, PetscReal noise);
PetscErrorCode           NMFGetSelectKResampling(NMF nmf, NMFResampleType *type, PetscReal *noise);
PetscErrorCode           NMFSelectK(NMF nmf);
PetscErrorCode           NMFGetSelectKTable(NMF nmf, PetscInt *nk, const PetscInt **k, const PetscReal **silhouette_min, const PetscReal **silhouette_mean, const PetscReal **rel_error, const PetscReal **loss);
PetscErrorCode           NMFGetSelectKSuggestion(NMF nmf, PetscInt *k);
PetscErrorCode           NMFSelectKView(NMF nmf, PetscViewer viewer);

/* ================================================================ using a fit (nmftransform.cpp) */
PetscErrorCode NMFComputeLoss(NMF nmf, const PetscReal W[], Vec H, PetscReal losses[4]);
PetscErrorCode NMFInverseTransform(NMF nmf, Vec Y);
PetscErrorCode NMFTransform(NMF nmf, DM da, Vec X, Vec *H);
PetscErrorCode NMFTransformCreate(NMF nmf, NMF *t);

#ifdef __cplusplus
}
#endif
#endif
