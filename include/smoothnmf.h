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

  The algorithm is espm's SmoothNMF (see README.md).  Every function returns a PetscErrorCode:
  call it inside PetscCall().  No C++ exception crosses this interface: an allocation failure
  inside the library is returned as PETSC_ERR_MEM.

  The manual pages below follow PETSc's: Collective (every rank of the object's communicator
  calls it), Logically Collective (every rank calls it with the same values), Not Collective.
  Option keys are written without a prefix: with NMFSetOptionsPrefix(nmf, "app_"), -nmf_tol is
  -app_nmf_tol.
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
typedef enum { NMF_INIT_DEFAULT = 0, NMF_INIT_RANDOM, NMF_INIT_NNDSVD, NMF_INIT_NNDSVDA, NMF_INIT_NNDSVDAR, NMF_INIT_CUSTOM } NMFInitType;
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
typedef enum { NMF_DATA_FLOAT64 = 0, NMF_DATA_FLOAT32, NMF_DATA_UINT16, NMF_DATA_UINT8 } NMFDataType;
extern const char *const NMFDataTypes[];

/* The first columns of the losses table, in espm's get_losses() order; with a ground truth
   ang_p0.., mse_p0.. and true_KL_loss follow (see NMFGetLossName). */
#define NMF_LOSS_COLUMNS 7
extern const char *const NMFLossNames[NMF_LOSS_COLUMNS];

/* ================================================================ package */

/*@
   NMFInitializePackage - Registers the NMF class and its log events (NMFSetUp, NMFHStep,
   NMFWStep, NMFLoss, NMFRedistribute, NMFIORead, NMFIOWrite), so that -log_view reports the
   solve phases.  Called by NMFCreate() and the I/O functions; calling it again does nothing.

   Not Collective

   Options Database Key:
.  -log_view - PETSc's performance summary, with the NMF events

   Level: developer
@*/
PetscErrorCode NMFInitializePackage(void);

/* ================================================================ create / destroy / options */

/*@
   NMFCreate - Creates the solver object, with espm's default parameters.

   Collective

   Input Parameter:
.  comm - the communicator over which the pixels are distributed

   Output Parameter:
.  nmf - the new object

   Level: beginner

.seealso: NMFSetFromOptions(), NMFSetDataMat(), NMFSetData(), NMFSolve(), NMFDestroy()
@*/
PetscErrorCode NMFCreate(MPI_Comm comm, NMF *nmf);

/*@
   NMFDestroy - Frees the object and everything it holds (the Mats of NMFGetHMat(),
   NMFGetWMat(), NMFGetGWMat() and the Vec of NMFGetH() included).

   Collective

   Input Parameter:
.  nmf - the object (set to NULL on return; NULL is accepted)

   Level: beginner
@*/
PetscErrorCode NMFDestroy(NMF *nmf);

/*@
   NMFSetOptionsPrefix - Sets the prefix of this object's options: with "app_" the options are
   -app_nmf_n_components, -app_nmf_tol, ...  Call it before NMFSetFromOptions().

   Logically Collective

   Input Parameters:
+  nmf    - the object
-  prefix - the prefix (copied), or NULL for none

   Level: intermediate
@*/
PetscErrorCode NMFSetOptionsPrefix(NMF nmf, const char prefix[]);

/*@
   NMFGetOptionsPrefix - Gets the prefix of this object's options.

   Not Collective

   Output Parameter:
.  prefix - the prefix ("" for none); it belongs to the object

   Level: intermediate
@*/
PetscErrorCode NMFGetOptionsPrefix(NMF nmf, const char *prefix[]);

/*@
   NMFSetFromOptions - Reads every -nmf_ option (with the object's prefix) and calls the
   corresponding setter, where the value is validated; a bad value is refused with one line
   naming the option.  -help lists the options with their current values.

   Collective

   Options Database Keys:
+  -nmf_n_components <k>      - number of components (NMFSetNComponents)
.  -nmf_algo <log_surrogate,l2_surrogate,projected_gradient> - NMFSetAlgo
.  -nmf_lambda_L <l>          - Laplacian smoothness weight (NMFSetLambdaL)
.  -nmf_mu <mu[,mu2,...]>     - log sparsity weight, one or k values (NMFSetMu)
.  -nmf_epsilon_reg <e>       - NMFSetEpsilonReg
.  -nmf_force_simplex <bool>  - NMFSetForceSimplex
.  -nmf_dicotomy_tol <t>      - NMFSetDicotomyTol
.  -nmf_gamma <g[,gW]>        - NMFSetGammas
.  -nmf_linesearch <bool>     - NMFSetLinesearch
.  -nmf_l2 <bool>             - NMFSetL2
.  -nmf_normalize <bool>      - NMFSetNormalize
.  -nmf_no_stop_criterion <bool> - NMFSetNoStopCriterion
.  -nmf_debug <bool>          - check the iterates at every step
.  -nmf_init <default,random,nndsvd,nndsvda,nndsvdar,custom> - NMFSetInitType
.  -nmf_tol <tol>             - NMFSetTolerance
.  -nmf_max_iter <it>         - NMFSetMaxIter
.  -nmf_random_state <seed>   - NMFSetRandomState
.  -nmf_log_shift <eps>       - NMFSetLogShift
.  -nmf_eval_print <it>       - NMFSetEvalPrint
.  -nmf_verbose <v>           - NMFSetVerbose
.  -nmf_scree <N>             - NMFSetScree
-  -nmf_view                  - NMFView() at the end of NMFSolve()

   Level: beginner
@*/
PetscErrorCode NMFSetFromOptions(NMF nmf);

/*@
   NMFView - Prints the parameters and, after a solve, the result summary (iterations, stop
   reason, reconstruction error, timings, scree).

   Collective

   Input Parameters:
+  nmf    - the object
-  viewer - an ASCII viewer, or NULL for PETSC_VIEWER_STDOUT of the object's communicator
            (other viewer types print nothing)

   Options Database Key:
.  -nmf_view - calls NMFView() at the end of NMFSolve()

   Level: beginner
@*/
PetscErrorCode NMFView(NMF nmf, PetscViewer viewer);
PetscErrorCode NMFViewFromOptions(NMF nmf, PetscObject obj, const char name[]);
PetscErrorCode NMFReset(NMF nmf);
PetscErrorCode NMFSetType(NMF nmf, NMFType type);
PetscErrorCode NMFGetType(NMF nmf, NMFType *type);
PetscErrorCode NMFRegister(const char name[], PetscErrorCode (*create)(NMF));
PetscErrorCode NMFSetDebug(NMF nmf, PetscBool debug);
PetscErrorCode NMFGetDebug(NMF nmf, PetscBool *debug);

/* ================================================================ data and layout */

/*@
   NMFCreateDataDM - Creates the solver's distribution of a map: a DMDA over the pixels (one
   degree of freedom per pixel, the pixel grid) with the number of channels n composed with it.

   Collective

   Input Parameters:
+  comm   - the communicator
.  n      - the number of channels
.  ny, nx - the image shape; with ny = 0 the map has no image shape and nx is the number of
            pixels p (a 1-D partition)
-  ly, lx - the ownership (pixel rows / columns per rank, or pixels per rank for 1-D: lx), or
            NULL for PETSc's choice

   Output Parameter:
.  da - a DMDA (2-D over the image, or 1-D) of the pixels; the pixel of image row i and column
        j is i nx + j, the pixel-major (HyperSpy) order

   Notes:
   Only the pixel grid goes through PETSc's sizes: a map may hold n p >= 2^31 values with a
   PETSc of 32-bit indices (the solver keeps each rank's n p_local values in 64-bit sizes, see
   NMFSetDataCompact()).  What must still fit PETSc's indices is checked where it is made: the
   number of pixels p, and the p k values of the abundances H.

   Options Database Keys:
+  -da_processors_x <px> - ranks along the image columns
-  -da_processors_y <py> - ranks along the image rows

   Level: intermediate

.seealso: NMFSetData(), NMFSetDataCompact(), NMFSetDataMat(), NMFDataDMGetChannels(), NMFCreateDataVec()
@*/
PetscErrorCode NMFCreateDataDM(MPI_Comm comm, PetscInt n, PetscInt ny, PetscInt nx, const PetscInt ly[], const PetscInt lx[], DM *da);

/*@
   NMFCheckSizes - Checks that a map fits what PETSc must index: the number of pixels p and the
   p k values of the abundances H below 2^31 with 32-bit indices (X itself, n p values, has no
   such limit).  The program calls it before reading the map.

   Collective

   Input Parameters:
+  comm   - the communicator
.  n      - the number of channels
.  ny, nx - the image shape (ny = 0: nx pixels, no shape)
-  k      - the number of components

   Notes:
   A map that does not fit is refused with one message naming the limit and the remedy.

   Level: intermediate
@*/
PetscErrorCode NMFCheckSizes(MPI_Comm comm, PetscInt n, PetscInt ny, PetscInt nx, PetscInt k);

/*@
   NMFDataDMGetChannels - Gets the number of channels of a data DMDA.

   Not Collective

   Input Parameter:
.  da - a DMDA from NMFCreateDataDM(), or an application's DMDA with n dof per pixel

   Output Parameter:
.  n - the number of channels (for an application's own DMDA: its dof)

   Level: intermediate
@*/
PetscErrorCode NMFDataDMGetChannels(DM da, PetscInt *n);

/*@
   NMFCreateDataVec - Creates a vector for the map on a data DMDA: each owned pixel's n channels,
   contiguous, in the order of the DMDA's pixels (the input of NMFSetData()).

   Collective

   Input Parameter:
.  da - a DMDA from NMFCreateDataDM()

   Output Parameter:
.  X - a vector of local size n p_local

   Notes:
   A Vec is indexed with PetscInt: with 32-bit indices a map of n p >= 2^31 values is refused
   with a message; give such a map with NMFSetDataCompact().

   Level: beginner

.seealso: NMFSetData(), NMFSetDataCompact()
@*/
PetscErrorCode NMFCreateDataVec(DM da, Vec *X);

/*@
   NMFSetData - Gives the map X to the solver as a vector of its owned pixels.

   Collective

   Input Parameters:
+  nmf - the object
.  da  - a DMDA from NMFCreateDataDM() (2-D: the image shape is the DMDA's; 1-D: no shape), or an
         application's DMDA with n dof per pixel
-  X   - a vector of local size n p_local (NMFCreateDataVec(), or a global vector of an n-dof
         DMDA): each owned pixel holds its n channels, contiguous

   Notes:
   The solver keeps a reference and reads X's array in place; X is modified in place by the
   data preparation (all-zero pixels and channels set to log_shift, normalization).  Its object
   name, if any, is used in error messages.

   Level: beginner

.seealso: NMFSetDataMat(), NMFSetDataCompact(), NMFCreateDataDM(), NMFCreateDataVec()
@*/
PetscErrorCode NMFSetData(NMF nmf, DM da, Vec X);

/*@
   NMFSetDataCompact - Gives the map X to the solver in a compact type.

   Collective

   Input Parameters:
+  nmf   - the object
.  da    - a DMDA from NMFCreateDataDM()
.  type  - NMF_DATA_FLOAT64, NMF_DATA_FLOAT32, NMF_DATA_UINT16 or NMF_DATA_UINT8
-  array - the owned pixels (in the order of the DMDA's pixels, n channels each, so n p_local
           values: a 64-bit size, any size of map) as double, float, uint16_t or uint8_t,
           allocated with PetscMalloc(); the object takes it and frees it.  The passes over X
           convert inside their loops.

   Options Database Key (program):
.  -nmf_data_type <native,float64,float32> - the storage type the program uses

   Level: advanced
@*/
PetscErrorCode NMFSetDataCompact(NMF nmf, DM da, NMFDataType type, void *array);

/*@
   NMFSetImageShape - Sets the image shape of the data given next with NMFSetDataMat(): row r
   of the data matrix is the pixel of image row r / nx and column r % nx (pixel-major order), and
   the Laplacian smoothness penalty acts on the ny x nx grid.  Without it the pixels form a list
   (no shape: the identity in place of the Laplacian).

   Logically Collective

   Input Parameters:
+  nmf    - the object
-  ny, nx - the image shape, both at least 2; ny = nx = 0 removes the shape

   Level: intermediate

.seealso: NMFSetDataMat(), NMFGetImageShape()
@*/
PetscErrorCode NMFSetImageShape(NMF nmf, PetscInt ny, PetscInt nx);

/*@
   NMFGetImageShape - Gets the image shape of the data.

   Not Collective

   Output Parameters:
+  ny - the number of image rows; 0 when the data have no image shape
-  nx - the number of image columns (the number of pixels when ny = 0).  Before any data is
        set, the values given to NMFSetImageShape().

   Level: intermediate
@*/
PetscErrorCode NMFGetImageShape(NMF nmf, PetscInt *ny, PetscInt *nx);

/*@
   NMFSetDataMat - Gives the map X to the solver as the application's own distributed matrix of
   pixels x channels, with whatever row ownership the application has.

   Collective

   Input Parameters:
+  nmf - the object
-  X   - an assembled Mat of p rows (pixels) and n columns (channels) on the object's
         communicator (a sequential Mat only on one rank): MATDENSE (MATSEQDENSE, MATMPIDENSE)
         is read through its array, any other type (MATAIJ, MATBAIJ, ...) through MatGetRow(),
         absent entries being zeros.  Row r is pixel r; with NMFSetImageShape() called before,
         the pixel of image row r / nx, column r % nx.

   Notes:
   Each rank sends its owned rows to the ranks that own them in the solver's layout (a
   NMFCreateDataDM() DMDA: a 1-D partition of the pixels, or PETSc's 2-D block partition of
   the image) with one MPI_Alltoallv of whole rows (counted in rows, so maps of n p >= 2^31 values pass); X is never gathered.  X is copied (it is not modified and may
   be destroyed after the call); peak memory is X plus two copies of the owned rows.  The row
   ownership of X is remembered for NMFGetHMat().  Mat's object name, if any, names the data in
   error messages (negative or non-finite entries are refused at NMFSetUp() with their pixel and
   channel).

   Level: beginner

.seealso: NMFSetImageShape(), NMFGetHMat(), NMFSetGMat(), NMFSetData()
@*/
PetscErrorCode NMFSetDataMat(NMF nmf, Mat X);

/*@
   NMFGetDataSizes - Gets the size of the data.

   Not Collective

   Output Parameters:
+  n - the number of channels (may be NULL)
-  p - the number of pixels (may be NULL)

   Level: intermediate
@*/
PetscErrorCode NMFGetDataSizes(NMF nmf, PetscInt *n, PetscInt *p);

/*@
   NMFGetAbundanceDM - Gets the DMDA of H: k dof per pixel, the ownership of the data's DMDA.

   Collective on the first call, Not Collective afterwards

   Output Parameter:
.  daH - the DMDA; it belongs to the object

   Notes:
   Valid after the data is set and once n_components is set.

   Level: advanced
@*/
PetscErrorCode NMFGetAbundanceDM(NMF nmf, DM *daH);

/*@
   NMFSetG - Sets a known G (n x m): X ~ G W H with W (m x k).

   Logically Collective

   Input Parameters:
+  nmf  - the object
.  n, m - the shape of G (n = the number of channels)
-  G    - row-major values (copied), the same on every rank; NULL means the identity (the
          default, never stored).  G must be finite, >= 0, with no all-zero row.

   Options Database Key (program):
.  -nmf_G FILE:DATASET - an (n, m) dataset

   Level: intermediate

.seealso: NMFSetGMat(), NMFGetG()
@*/
PetscErrorCode NMFSetG(NMF nmf, PetscInt n, PetscInt m, const PetscReal G[]);

/*@
   NMFSetGMat - Sets a known G (n x m) from a Mat of any type and distribution; it is small and
   is gathered on every rank.

   Collective

   Input Parameters:
+  nmf - the object
-  G   - an assembled Mat, n rows (channels) by m columns, on the object's communicator, or a
         sequential Mat holding all of G on each rank (the same on every rank)

   Level: intermediate

.seealso: NMFSetG()
@*/
PetscErrorCode NMFSetGMat(NMF nmf, Mat G);

/*@
   NMFGetG - Gets the known G.

   Not Collective

   Output Parameters:
+  n, m - its shape (0, 0 for the identity; each may be NULL)
-  G    - row-major values, the same on every rank, or NULL for the identity; they belong to
          the object

   Level: intermediate
@*/
PetscErrorCode NMFGetG(NMF nmf, PetscInt *n, PetscInt *m, const PetscReal **G);

/*@
   NMFSetInitialW - Sets the initial W (custom initialization).

   Logically Collective

   Input Parameters:
+  nmf  - the object
.  m, k - its shape: m = the columns of G (the channels without G), k = n_components
-  W    - row-major values (copied), the same on every rank, finite and >= 0

   Options Database Key (program):
.  -nmf_init_W FILE:DATASET - implies -nmf_init custom

   Level: intermediate
@*/
PetscErrorCode NMFSetInitialW(NMF nmf, PetscInt m, PetscInt k, const PetscReal W[]);

/*@
   NMFSetInitialH - Sets the initial H (custom initialization).

   Collective

   Input Parameters:
+  nmf - the object
-  H   - a global vector of the abundance DM (NMFGetAbundanceDM()), k values per pixel, finite
         and >= 0; the object keeps a reference.  Its object name names it in error messages.

   Options Database Key (program):
.  -nmf_init_H FILE:DATASET - implies -nmf_init custom

   Level: intermediate
@*/
PetscErrorCode NMFSetInitialH(NMF nmf, Vec H);

/*@
   NMFSetFixedW - Holds some entries of W: a mask of W's shape, entries >= 0 are held at that
   value, negative entries are free.

   Logically Collective

   Input Parameters:
+  nmf  - the object
.  m, k - the shape of W
-  mask - row-major values (copied), the same on every rank

   Options Database Key (program):
.  -nmf_fixed_W FILE:DATASET

   Level: advanced
@*/
PetscErrorCode NMFSetFixedW(NMF nmf, PetscInt m, PetscInt k, const PetscReal mask[]);

/*@
   NMFSetFixedH - Holds some entries of H: a mask, entries >= 0 are held at that value.

   Collective

   Input Parameters:
+  nmf  - the object
-  mask - a global vector of the abundance DM (the object keeps a reference)

   Options Database Key (program):
.  -nmf_fixed_H FILE:DATASET

   Level: advanced
@*/
PetscErrorCode NMFSetFixedH(NMF nmf, Vec mask);

/*@
   NMFSetHoldW - Keeps W at its initial value: only H steps run (the transform of a new map with
   learned spectra).

   Logically Collective

   Input Parameters:
+  nmf  - the object
-  hold - PETSC_TRUE to hold W

   Options Database Key (program):
.  -nmf_transform RESULT.h5 - W from a previous result, held

   Level: advanced
@*/
PetscErrorCode NMFSetHoldW(NMF nmf, PetscBool hold);

/*@
   NMFGetHoldW - Tells whether W is held (NMFSetHoldW()).

   Not Collective

   Output Parameter:
.  hold - PETSC_TRUE when only H steps run

   Level: advanced
@*/
PetscErrorCode NMFGetHoldW(NMF nmf, PetscBool *hold);

/*@
   NMFSetTruth - Sets a ground truth; each iteration then adds the spectral angles ang_pI
   (degrees), the map errors mse_pI (best one-to-one matching of components) and true_KL_loss to
   the losses table.

   Collective

   Input Parameters:
+  nmf    - the object (its data already set)
.  n, k   - the shape of true_D
.  true_D - the true spectra (n x k, row-major, the same on every rank)
-  true_H - the true maps, a global vector of the abundance DM

   Options Database Keys (program):
+  -nmf_true_D FILE:DATASET - (n, k)
-  -nmf_true_H FILE:DATASET - the layout of /H

   Level: advanced
@*/
PetscErrorCode NMFSetTruth(NMF nmf, PetscInt n, PetscInt k, const PetscReal true_D[], Vec true_H);

/* ================================================================ parameters (espm's names)
   Each setter validates its value (an impossible one is refused with a message naming the
   parameter); the getter returns the current value.  Setters are Logically Collective, getters
   Not Collective.  Call them before NMFSetUp()/NMFSolve(). */

/*@
   NMFSetNComponents - Sets the number of components k (espm's n_components, default 2).

   Logically Collective

   Input Parameters:
+  nmf - the object
-  k   - at least 1; cannot change once the abundance DM exists

   Options Database Key:
.  -nmf_n_components <k>

   Level: beginner
@*/
PetscErrorCode NMFSetNComponents(NMF nmf, PetscInt k);
/*@
   NMFGetNComponents - Gets the number of components k.  Not Collective.
   Output Parameter:
.  k - the number of components
   Level: beginner
@*/
PetscErrorCode NMFGetNComponents(NMF nmf, PetscInt *k);


/*@
   NMFSetLambdaL - Sets the weight of the Laplacian smoothness penalty (default 1).

   Logically Collective

   Input Parameters:
+  nmf      - the object
-  lambda_L - a finite value >= 0

   Options Database Key:
.  -nmf_lambda_L <l>

   Level: beginner
@*/
PetscErrorCode NMFSetLambdaL(NMF nmf, PetscReal lambda_L);
/*@
   NMFGetLambdaL - Gets the weight of the Laplacian penalty.  Not Collective.
   Output Parameter:
.  lambda_L - the weight
   Level: beginner
@*/
PetscErrorCode NMFGetLambdaL(NMF nmf, PetscReal *lambda_L);

/*@
   NMFSetMu - Sets the weight of the log sparsity penalty (default 0).

   Logically Collective

   Input Parameters:
+  nmf - the object
.  nmu - 1 (one value for all components) or k (one per component)
-  mu  - the values (copied), finite and >= 0

   Options Database Key:
.  -nmf_mu <mu[,mu2,...]>

   Level: beginner
@*/
PetscErrorCode NMFSetMu(NMF nmf, PetscInt nmu, const PetscReal mu[]);
/*@
   NMFGetMu - Gets the weight of the log sparsity penalty.  Not Collective.
   Output Parameters:
+  nmu - the number of values (1 or k)
-  mu  - the values; they belong to the object
   Level: beginner
@*/
PetscErrorCode NMFGetMu(NMF nmf, PetscInt *nmu, const PetscReal **mu);

/*@
   NMFSetEpsilonReg - Sets the shift inside the log penalty, log(H + epsilon_reg) (default 1).

   Logically Collective

   Input Parameters:
+  nmf         - the object
-  epsilon_reg - a finite value > 0

   Options Database Key:
.  -nmf_epsilon_reg <e>

   Level: advanced
@*/
PetscErrorCode NMFSetEpsilonReg(NMF nmf, PetscReal epsilon_reg);
/*@
   NMFGetEpsilonReg - Gets the shift inside the log penalty.  Not Collective.
   Output Parameter:
.  epsilon_reg - the shift
   Level: advanced
@*/
PetscErrorCode NMFGetEpsilonReg(NMF nmf, PetscReal *epsilon_reg);

/*@
   NMFSetForceSimplex - Sets whether each pixel's abundances sum to one (default true).

   Logically Collective

   Input Parameters:
+  nmf           - the object
-  force_simplex - PETSC_TRUE or PETSC_FALSE

   Options Database Key:
.  -nmf_force_simplex <bool>

   Level: beginner
@*/
PetscErrorCode NMFSetForceSimplex(NMF nmf, PetscBool force_simplex);
/*@
   NMFGetForceSimplex - Gets whether the abundances are kept on the simplex.  Not Collective.
   Output Parameter:
.  force_simplex - the flag
   Level: beginner
@*/
PetscErrorCode NMFGetForceSimplex(NMF nmf, PetscBool *force_simplex);

/*@
   NMFSetDicotomyTol - Sets the tolerance of the simplex bisection (default 1e-5).

   Logically Collective

   Input Parameters:
+  nmf          - the object
-  dicotomy_tol - a finite value > 0

   Options Database Key:
.  -nmf_dicotomy_tol <t>

   Level: advanced
@*/
PetscErrorCode NMFSetDicotomyTol(NMF nmf, PetscReal dicotomy_tol);
/*@
   NMFGetDicotomyTol - Gets the tolerance of the simplex bisection.  Not Collective.
   Output Parameter:
.  dicotomy_tol - the tolerance
   Level: advanced
@*/
PetscErrorCode NMFGetDicotomyTol(NMF nmf, PetscReal *dicotomy_tol);

/*@
   NMFSetGammas - Sets the step parameters: one value, sigma_L of the surrogate algorithms
   (default 8), or two, gamma_H and gamma_W of projected_gradient (default: espm's Lipschitz
   bounds).

   Logically Collective

   Input Parameters:
+  nmf    - the object
.  ngamma - 1 or 2
-  gamma  - the values (copied), each > 0

   Options Database Key:
.  -nmf_gamma <g> or <gH,gW>

   Level: advanced
@*/
PetscErrorCode NMFSetGammas(NMF nmf, PetscInt ngamma, const PetscReal gamma[]);
/*@
   NMFGetGammas - Gets the step parameters given with NMFSetGammas().  Not Collective.
   Output Parameters:
+  ngamma - the number of values given; 0 when none was (the defaults apply)
-  gamma  - the values; they belong to the object
   Level: advanced
@*/
PetscErrorCode NMFGetGammas(NMF nmf, PetscInt *ngamma, const PetscReal **gamma);
/*@
   NMFSetGamma - NMFSetGammas() with one value (sigma_L).  Logically Collective.
   Input Parameters:
+  nmf   - the object
-  gamma - the value, > 0
   Options Database Key:
.  -nmf_gamma <g>
   Level: advanced
@*/
PetscErrorCode NMFSetGamma(NMF nmf, PetscReal gamma);
/*@
   NMFGetGamma - Gets the first step parameter: the value given, else the default sigma_L = 8
   of the surrogate algorithms (0 for projected_gradient without given values: its defaults
   are computed during the solve).  Not Collective.
   Output Parameter:
.  gamma - the value
   Level: advanced
@*/
PetscErrorCode NMFGetGamma(NMF nmf, PetscReal *gamma);

/*@
   NMFSetLinesearch - Sets whether gamma adapts by a line search (default false).

   Logically Collective

   Input Parameters:
+  nmf        - the object
-  linesearch - PETSC_TRUE or PETSC_FALSE (needs the KL loss and lambda_L > 0)

   Options Database Key:
.  -nmf_linesearch <bool>

   Level: advanced
@*/
PetscErrorCode NMFSetLinesearch(NMF nmf, PetscBool linesearch);
/*@
   NMFGetLinesearch - Gets whether the line search is on.  Not Collective.
   Output Parameter:
.  linesearch - the flag
   Level: advanced
@*/
PetscErrorCode NMFGetLinesearch(NMF nmf, PetscBool *linesearch);

/*@
   NMFSetL2 - Sets the Frobenius loss in place of the generalized KL loss (default false).

   Logically Collective

   Input Parameters:
+  nmf - the object
-  l2  - PETSC_TRUE for the Frobenius loss

   Options Database Key:
.  -nmf_l2 <bool>

   Level: advanced
@*/
PetscErrorCode NMFSetL2(NMF nmf, PetscBool l2);
/*@
   NMFGetL2 - Gets whether the Frobenius loss is used.  Not Collective.
   Output Parameter:
.  l2 - the flag
   Level: advanced
@*/
PetscErrorCode NMFGetL2(NMF nmf, PetscBool *l2);

/*@
   NMFSetNormalize - Sets whether X is scaled by k / (mean(X) n) during the fit (default false;
   W is scaled back at the end).

   Logically Collective

   Input Parameters:
+  nmf       - the object
-  normalize - PETSC_TRUE or PETSC_FALSE

   Options Database Key:
.  -nmf_normalize <bool>

   Level: intermediate
@*/
PetscErrorCode NMFSetNormalize(NMF nmf, PetscBool normalize);
/*@
   NMFGetNormalize - Gets whether X is normalized during the fit.  Not Collective.
   Output Parameter:
.  normalize - the flag
   Level: intermediate
@*/
PetscErrorCode NMFGetNormalize(NMF nmf, PetscBool *normalize);

/*@
   NMFSetNoStopCriterion - Sets whether all max_iter iterations run, without the stopping rules
   (default false).

   Logically Collective

   Input Parameters:
+  nmf               - the object
-  no_stop_criterion - PETSC_TRUE to run max_iter iterations

   Options Database Key:
.  -nmf_no_stop_criterion <bool>

   Level: intermediate
@*/
PetscErrorCode NMFSetNoStopCriterion(NMF nmf, PetscBool no_stop_criterion);
/*@
   NMFGetNoStopCriterion - Gets whether the stopping rules are off.  Not Collective.
   Output Parameter:
.  no_stop_criterion - the flag
   Level: intermediate
@*/
PetscErrorCode NMFGetNoStopCriterion(NMF nmf, PetscBool *no_stop_criterion);

/*@
   NMFSetInitType - Sets the initialization (default NMF_INIT_DEFAULT, espm's None: nndsvda when
   k <= min(n, p), else random).

   Logically Collective

   Input Parameters:
+  nmf  - the object
-  init - NMF_INIT_DEFAULT, NMF_INIT_RANDOM, NMF_INIT_NNDSVD, NMF_INIT_NNDSVDA,
          NMF_INIT_NNDSVDAR or NMF_INIT_CUSTOM (with NMFSetInitialW() and/or NMFSetInitialH())

   Options Database Key:
.  -nmf_init <default,random,nndsvd,nndsvda,nndsvdar,custom>

   Level: intermediate
@*/
PetscErrorCode NMFSetInitType(NMF nmf, NMFInitType init);
/*@
   NMFGetInitType - Gets the initialization: the one set before NMFSetUp(), the one actually
   used after it.  Not Collective.
   Output Parameter:
.  init - the initialization
   Level: intermediate
@*/
PetscErrorCode NMFGetInitType(NMF nmf, NMFInitType *init);

/*@
   NMFSetTolerance - Sets the tolerance of the stopping rules (default 1e-4).

   Logically Collective

   Input Parameters:
+  nmf - the object
-  tol - a finite value >= 0

   Options Database Key:
.  -nmf_tol <tol>

   Level: beginner
@*/
PetscErrorCode NMFSetTolerance(NMF nmf, PetscReal tol);
/*@
   NMFGetTolerance - Gets the tolerance of the stopping rules.  Not Collective.
   Output Parameter:
.  tol - the tolerance
   Level: beginner
@*/
PetscErrorCode NMFGetTolerance(NMF nmf, PetscReal *tol);

/*@
   NMFSetMaxIter - Sets the maximum number of iterations (default 200).

   Logically Collective

   Input Parameters:
+  nmf      - the object
-  max_iter - at least 1

   Options Database Key:
.  -nmf_max_iter <it>

   Level: beginner
@*/
PetscErrorCode NMFSetMaxIter(NMF nmf, PetscInt max_iter);
/*@
   NMFGetMaxIter - Gets the maximum number of iterations.  Not Collective.
   Output Parameter:
.  max_iter - the maximum
   Level: beginner
@*/
PetscErrorCode NMFGetMaxIter(NMF nmf, PetscInt *max_iter);

/*@
   NMFSetRandomState - Sets the seed of the random initializations.  Draws are keyed by the seed
   and the global index of each entry, so results do not depend on the number of ranks.  Without
   it a seed is drawn by rank 0 at NMFSetUp() (espm's None) and recorded.

   Logically Collective

   Input Parameters:
+  nmf  - the object
-  seed - a value >= 0

   Options Database Key:
.  -nmf_random_state <seed>

   Level: intermediate
@*/
PetscErrorCode NMFSetRandomState(NMF nmf, PetscInt64 seed);
/*@
   NMFGetRandomState - Gets the seed: the one set, or after NMFSetUp() the one actually used
   (drawn by rank 0 when none was set).  Not Collective.
   Output Parameter:
.  seed - the seed
   Level: intermediate
@*/

/* ================================================================ monitors */

/* A monitor is called on every rank at the end of each iteration of NMFSolve, after the stopping
   rules (NMFGetConvergedReason tells whether the iteration was the last); it may be collective. */
typedef PetscErrorCode (*NMFMonitorFn)(NMF nmf, PetscInt it, void *ctx);
typedef PetscErrorCode (*NMFMonitorDestroyFn)(void **ctx);
PetscErrorCode NMFMonitorDefault(NMF nmf, PetscInt it, void *ctx);
PetscErrorCode NMFConvergedDefault(NMF nmf, PetscInt it, PetscReal loss, PetscReal rel_W, PetscReal rel_H, NMFConvergedReason *reason, void *ctx);
PetscErrorCode NMFSetConvergenceTest(NMF nmf, PetscErrorCode (*converged)(NMF, PetscInt, PetscReal, PetscReal, PetscReal, NMFConvergedReason *, void *), void *ctx, PetscErrorCode (*destroy)(void **));

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

PetscErrorCode NMFGetRandomState(NMF nmf, PetscInt64 *seed);

/*@
   NMFSetLogShift - Sets the floor epsilon of W, H and the logs (espm's log_shift, default 1e-14).

   Logically Collective

   Input Parameters:
+  nmf       - the object
-  log_shift - a finite value > 0 (with the simplex, k log_shift < 1)

   Options Database Key:
.  -nmf_log_shift <eps>

   Level: advanced
@*/
PetscErrorCode NMFSetLogShift(NMF nmf, PetscReal log_shift);
/*@
   NMFGetLogShift - Gets the floor epsilon.  Not Collective.
   Output Parameter:
.  log_shift - the floor
   Level: advanced
@*/
PetscErrorCode NMFGetLogShift(NMF nmf, PetscReal *log_shift);

/*@
   NMFSetEvalPrint - Sets how often a progress line is printed (default every 10 iterations).

   Logically Collective

   Input Parameters:
+  nmf        - the object
-  eval_print - at least 1

   Options Database Key:
.  -nmf_eval_print <it>

   Level: intermediate
@*/
PetscErrorCode NMFSetEvalPrint(NMF nmf, PetscInt eval_print);
/*@
   NMFGetEvalPrint - Gets how often a progress line is printed.  Not Collective.
   Output Parameter:
.  eval_print - the interval in iterations
   Level: intermediate
@*/
PetscErrorCode NMFGetEvalPrint(NMF nmf, PetscInt *eval_print);

/*@
   NMFSetVerbose - Sets the verbosity (default 1: progress lines and the final line; 0: silent).

   Logically Collective

   Input Parameters:
+  nmf     - the object
-  verbose - the level

   Options Database Key:
.  -nmf_verbose <v>

   Level: beginner
@*/
PetscErrorCode NMFSetVerbose(NMF nmf, PetscInt verbose);
/*@
   NMFGetVerbose - Gets the verbosity.  Not Collective.
   Output Parameter:
.  verbose - the level
   Level: beginner
@*/
PetscErrorCode NMFGetVerbose(NMF nmf, PetscInt *verbose);

/*@
   NMFSetScree - Also computes the N leading singular values of X during NMFSetUp() (whatever
   the initialization), from the same distributed Gram-matrix SVD as the nndsvd family, like
   HyperSpy's scree plot: they help choosing n_components.

   Logically Collective

   Input Parameters:
+  nmf - the object
-  N   - 0 (default) computes none; at most min(channels, pixels)

   Options Database Key:
.  -nmf_scree <N>

   Level: intermediate

.seealso: NMFGetScree()
@*/
PetscErrorCode NMFSetScree(NMF nmf, PetscInt N);
/*@
   NMFGetScreeSize - Gets the number of singular values asked for with NMFSetScree().
   Not Collective.
   Output Parameter:
.  N - the number (0: none)
   Level: intermediate
@*/
PetscErrorCode NMFGetScreeSize(NMF nmf, PetscInt *N);

/*@
   NMFGetScree - Gets the singular values computed for NMFSetScree(): of X as prepared for the
   fit (all-zero pixels/channels set to log_shift, normalized with -nmf_normalize), in
   decreasing order, and ||X||_F^2 (the sum of all squared singular values: the explained
   variance ratio of component j is S[j]^2 / sum_squares).

   Not Collective

   Output Parameters:
+  N           - the number of values (0 before NMFSetUp() or when none were asked for)
.  S           - the values; they belong to the object
-  sum_squares - ||X||_F^2
   (each may be NULL)

   Level: intermediate
@*/
PetscErrorCode NMFGetScree(NMF nmf, PetscInt *N, const PetscReal **S, PetscReal *sum_squares);

/* ================================================================ solve and results */

/*@
   NMFSetUp - Checks the parameters against the data, prepares X (all-zero pixels and channels,
   normalization, const_KL) and initializes W and H.  Called by NMFSolve() when needed.

   Collective

   Input Parameter:
.  nmf - the object, with its data set

   Notes:
   Logged as the event NMFSetUp.

   Level: advanced
@*/
PetscErrorCode NMFSetUp(NMF nmf);

/*@
   NMFSolve - Runs the iterations (H step, W step, loss) until a stopping rule holds.

   Collective

   Input Parameter:
.  nmf - the object, with its data set

   Options Database Keys:
+  -nmf_view - prints NMFView() at the end
-  -log_view - reports the events NMFSetUp, NMFHStep, NMFWStep, NMFLoss

   Notes:
   Can be called once per object.  NMFGetConvergedReason() tells why it stopped.

   Level: beginner
@*/
PetscErrorCode NMFSolve(NMF nmf);

/*@
   NMFGetW - Gets W (m x k, already divided by the normalization factor).

   Not Collective

   Output Parameters:
+  m, k - its shape (each may be NULL)
-  W    - row-major values, the same on every rank; they belong to the object

   Level: beginner

.seealso: NMFGetWMat()
@*/
PetscErrorCode NMFGetW(NMF nmf, PetscInt *m, PetscInt *k, const PetscReal **W);

/*@
   NMFGetGW - Gets D = G W (n x k): the component spectra.

   Not Collective

   Output Parameters:
+  n, k - its shape (each may be NULL)
-  GW   - row-major values, the same on every rank; they belong to the object

   Level: beginner

.seealso: NMFGetGWMat()
@*/
PetscErrorCode NMFGetGW(NMF nmf, PetscInt *n, PetscInt *k, const PetscReal **GW);

/*@
   NMFGetWMat - Gets W (m x k) as a sequential dense Mat on each rank.

   Not Collective

   Output Parameter:
.  W - a MATSEQDENSE on PETSC_COMM_SELF; it belongs to the object (do not destroy it;
       PetscObjectReference() it to keep it after NMFDestroy())

   Level: beginner
@*/
PetscErrorCode NMFGetWMat(NMF nmf, Mat *W);

/*@
   NMFGetGWMat - Gets D = G W (n x k), the component spectra, as a sequential dense Mat on each
   rank.

   Not Collective

   Output Parameter:
.  GW - a MATSEQDENSE on PETSC_COMM_SELF; it belongs to the object

   Level: beginner
@*/
PetscErrorCode NMFGetGWMat(NMF nmf, Mat *GW);

/*@
   NMFGetH - Gets H as a global vector of the abundance DM (k values per pixel, the solver's
   layout).

   Not Collective

   Output Parameter:
.  H - the vector; it belongs to the object (do not destroy it)

   Level: intermediate

.seealso: NMFGetHMat(), NMFGetAbundanceDM()
@*/
PetscErrorCode NMFGetH(NMF nmf, Vec *H);

/*@
   NMFGetHMat - Gets H as a dense Mat of p rows (pixels, in the order of the data matrix) and k
   columns (components), distributed like the application's data.

   Collective on the first call

   Output Parameter:
.  H - a MATDENSE on the object's communicator whose row ownership is that of the X given to
       NMFSetDataMat() (PETSc's default split of the p rows when the data came as a DMDA
       vector); it belongs to the object (do not destroy it; PetscObjectReference() it to keep
       it after NMFDestroy())

   Notes:
   H is sent back from the solver's layout with one VecScatter (event NMFRedistribute).

   Level: beginner

.seealso: NMFSetDataMat(), NMFGetH()
@*/
PetscErrorCode NMFGetHMat(NMF nmf, Mat *H);

/*@
   NMFGetLosses - Gets the per-iteration losses table (espm's get_losses()).

   Not Collective

   Output Parameters:
+  n_iter   - the number of iterations (rows)
.  ncolumns - the number of columns
-  table    - column j at table[j*n_iter + i]; it belongs to the object

   Level: beginner

.seealso: NMFGetLossName(), NMFLossNames
@*/
PetscErrorCode NMFGetLosses(NMF nmf, PetscInt *n_iter, PetscInt *ncolumns, const PetscReal **table);

/*@
   NMFGetLossName - Gets the name of column j of the losses table (full_loss, KL_div_loss,
   log_reg_loss, Lapl_reg_loss, gamma, rel_W, rel_H, then ang_pI, mse_pI, true_KL_loss with a
   ground truth).

   Not Collective

   Output Parameter:
.  name - the name; it belongs to the object

   Level: beginner
@*/
PetscErrorCode NMFGetLossName(NMF nmf, PetscInt j, const char **name);

/*@
   NMFGetIterationNumber - Gets the number of iterations done.

   Not Collective

   Output Parameter:
.  n_iter - the number of iterations

   Level: beginner
@*/
PetscErrorCode NMFGetIterationNumber(NMF nmf, PetscInt *n_iter);

/*@
   NMFGetConvergedReason - Gets why the iteration stopped.

   Not Collective

   Output Parameter:
.  reason - NMF_CONVERGED_REL_CHANGE_WH, NMF_CONVERGED_REL_CHANGE_LOSS, NMF_CONVERGED_MAX_ITER
            (converged, > 0), NMF_DIVERGED_NAN, NMF_DIVERGED_NEGATIVE_DECREASE (diverged, < 0),
            or NMF_CONVERGED_ITERATING before NMFSolve()

   Level: beginner

.seealso: NMFConvergedReasonName()
@*/
PetscErrorCode NMFGetConvergedReason(NMF nmf, NMFConvergedReason *reason);

/*@
   NMFConvergedReasonName - Gives espm's stop_reason string for a reason ("max_iter",
   "rel_change_WH", "rel_change_loss", "nan", "negative_decrease", "iterating").

   Not Collective

   Level: beginner
@*/
const char *NMFConvergedReasonName(NMFConvergedReason reason);

/*@
   NMFGetConstKL - Gets the constant of the KL loss, computed on the prepared X.

   Not Collective

   Output Parameter:
.  const_KL - the constant

   Level: advanced
@*/
PetscErrorCode NMFGetConstKL(NMF nmf, PetscReal *const_KL);

/*@
   NMFGetReconstructionError - Gets the loss of the final W, H (espm's reconstruction_err_).

   Not Collective

   Output Parameter:
.  err - the loss

   Level: beginner
@*/
PetscErrorCode NMFGetReconstructionError(NMF nmf, PetscReal *err);

/*@
   NMFGetTimes - Gets the seconds spent in the set-up (preparation and initialization) and in
   the iterations.

   Not Collective

   Output Parameters:
+  init_seconds - the set-up time (may be NULL)
-  fit_seconds  - the iteration time (may be NULL)

   Level: intermediate
@*/
PetscErrorCode NMFGetTimes(NMF nmf, PetscReal *init_seconds, PetscReal *fit_seconds);

/*@
   NMFComputeLoss - Computes espm's loss(W, H) of the prepared data for any W and H.

   Collective

   Input Parameters:
+  nmf - the object (set up on the first call)
.  W   - m x k, row-major, the same on every rank
-  H   - a global vector of the abundance DM

   Output Parameter:
.  losses - full_loss, the data term (KL_div_loss or the l2 loss), log_reg_loss,
            Lapl_reg_loss, each divided by n p

   Level: advanced
@*/
PetscErrorCode NMFComputeLoss(NMF nmf, const PetscReal W[], Vec H, PetscReal losses[4]);

/*@
   NMFInverseTransform - Computes Y = G W H, distributed like X.

   Collective

   Input Parameter:
.  nmf - a solved object

   Output Parameter:
.  Y - a global vector of the data DMDA (filled)

   Level: intermediate
@*/
PetscErrorCode NMFInverseTransform(NMF nmf, Vec Y);

/*@
   NMFTransform - Computes the abundances of a new map with the learned W held fixed (same
   regularizers and parameters; no normalization): H starts from |lstsq(G W, X)| and only the
   H steps change it.

   Collective

   Input Parameters:
+  nmf   - a solved object
.  da, X - the new map (from NMFCreateDataDM(), any number of pixels, the same channels)

   Output Parameter:
.  H - a new vector on a DMDA of k values per pixel with the ownership of da (destroy it with
       VecDestroy(); VecGetDM() gives its DM)

   Options Database Key (program):
.  -nmf_transform RESULT.h5

   Level: intermediate
@*/
PetscErrorCode NMFTransform(NMF nmf, DM da, Vec X, Vec *H);

#ifdef __cplusplus
}
#endif
#endif
