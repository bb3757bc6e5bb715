/* The NMF object's private definition, for the library and for implementations of NMF types
   (NMFRegister): the object (a PETSc object), its operations table, the parameter table, and the
   internal interfaces between the solver's parts:
     src/nmf/interface/  the object: create/destroy/type (nmfbasic), parameters (nmfparams),
                         options (nmfopts), data (nmfdata, nmfmatdata), set-up (nmfsetup), solve
                         and stopping rules (nmfsolve), monitors (nmfmon), view (nmfview),
                         results (nmfresults), transform (nmftransform)
     src/nmf/impls/      the NMF types: logsurrogate, l2surrogate (sharing surrogate/), pgradient
     src/nmf/utils/      passes over X (kernels), the Laplacian and its ghost exchange (laplacian),
                         the simplex bisection (simplex), the preparation of X (prepare), the start
                         values (initialize, singular_vectors), metrics, fingerprint
   The section numbers cited in the sources are those of doc/algorithm.md.  C++ only. */
#ifndef SMOOTHNMF_IMPL_H
#define SMOOTHNMF_IMPL_H

#include <smoothnmf.h>
#include <petsc/private/petscimpl.h>
#include <new>
#include <stdexcept>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#define NMF_MAX_MONITORS 8

/* what identifies an input map: its shape, stored type and values (sum, sum of squares and an
   order-independent hash of every value at its global position, the same at any rank count) */
struct NMFFingerprint {
  PetscInt n = 0, p = 0, ny = 0, nx = 0;
  char     dtype[16] = "";
  double   sum = 0, sumsq = 0;
  uint64_t hash      = 0;
  uint64_t mask_hash = 0; /* of the navigation and signal masks (0: none), what the fit left out */
};

/* The operations of an NMF type, filled by its NMFCreate_XXX (as KSPCreate_CG fills a KSP's).
   The H and W steps go from the evaluated iterate (W, H), D = G W, nmf->num the numerator of pass A
   (D^T (X / (D H)) per pixel), nmf->HL = H Delta when lambda_L != 0, to H_new (nmf->H_new) and
   W_new (m x k); each step includes its own line search. */
typedef struct _NMFOps *NMFOps;
struct _NMFOps {
  PetscErrorCode (*setfromoptions)(NMF, PetscOptionItems *); /* the type's own options */
  PetscErrorCode (*setup)(NMF);                              /* the type's own checks, at NMFSetUp */
  PetscErrorCode (*initialsteps)(NMF);                       /* the starting step parameters (gamma_H, gamma_W, gamma_initial) */
  PetscErrorCode (*hstep)(NMF, const PetscReal D[]);         /* H -> H_new */
  PetscErrorCode (*wstep)(NMF, const PetscReal D[], std::vector<double> &W_new);
  PetscErrorCode (*view)(NMF, PetscViewer);
  PetscErrorCode (*reset)(NMF);   /* release the state of a solve */
  PetscErrorCode (*destroy)(NMF); /* release nmf->data */
};

/* the type registry (nmfbasic.cpp): NMFRegister adds to it, NMFRegisterAll the built-in types */
extern PetscFunctionList    NMFList;
PetscErrorCode              NMFRegisterAll(void);
PetscErrorCode              NMFRegisterDestroy_Private(void);
PETSC_EXTERN PetscErrorCode NMFCreate_LogSurrogate(NMF);
PETSC_EXTERN PetscErrorCode NMFCreate_L2Surrogate(NMF);
PETSC_EXTERN PetscErrorCode NMFCreate_ProjectedGradient(NMF);

/* The rank selection by stability (NMFSelectK, nmfselectk.cpp; doc/select_k.md): its settings,
   the fits done so far (what a checkpoint keeps) and the table.  For each k of the range, the fit
   of X itself (its loss, relative error and unit spectra) and R fits of resampled copies of X
   (their unit spectra); the R k spectra matched into k groups give the silhouettes. */
struct NMFSelectKFits {
  PetscInt            k    = 0;
  PetscInt            done = 0; /* fits done for this k: 0 none, 1 the fit of X, 1 + r with r resamples */
  double              loss = 0, rel_error = 0;
  std::vector<double> spectra; /* done k n values: the unit spectra of each fit done (fit of X first), component-major */
  std::vector<double> n_iter;  /* the iterations of each fit done */
};
struct NMFSelectKState {
  PetscInt                    kmin = 0, kmax = 0;    /* the range; 0, 0: no selection */
  PetscInt                    R               = 10;  /* resampled copies per k */
  PetscReal                   threshold       = 0.8; /* of the minimum silhouette */
  NMFResampleType             resampling      = NMF_RESAMPLE_POISSON;
  PetscReal                   noise           = 0.03;       /* NMF_RESAMPLE_UNIFORM: X (1 + noise u), u uniform in [-1, 1) */
  PetscReal                   min_improvement = 0.0;        /* the relative error must fall by more than this fraction from the previous k */
  PetscBool                   random_starts   = PETSC_TRUE; /* the resampled copies start from random W, H (NMFk), not from the run's init */
  std::vector<NMFSelectKFits> fits;                         /* one per k of the range, kmin first */
  std::vector<PetscInt>       k;                            /* the table, once complete */
  std::vector<double>         silhouette_min, silhouette_mean, rel_error, loss;
  PetscInt                    suggested = 0; /* 0 until complete */
  PetscBool                   complete  = PETSC_FALSE;
  PetscReal                   seconds   = 0; /* wall time of the selection's fits */
};

/* The object.  PetscHeaderCreate allocates it zeroed; NMFCreate then begins the lifetime of its
   C++ members (the defaults below) over that memory, keeping the header. */
struct _p_NMF {
  PETSCHEADER(struct _NMFOps);
  void    *data; /* the type's own context */
  MPI_Comm comm; /* PetscObjectComm((PetscObject)nmf), kept at hand */

  /* what the type sets in its NMFCreate_XXX */
  PetscInt    nsteps             = 1;           /* the step parameters gamma takes: 1 (sigma_L) or 2 (gamma_H, gamma_W) */
  PetscReal   gamma_default      = 8.0;         /* NMFGetGamma without a given gamma (0: computed at the solve) */
  const char *gamma_default_text = "8";         /* the same, in words (the view) */
  PetscBool   ratio_shift        = PETSC_FALSE; /* pass A forms X / (D H + log_shift) (espm's l2_surrogate) */

  /* the parameters (espm's names): their defaults, checks, help and uses are in the parameter
     table (NMFParamTable, nmfparams.cpp), which NMFCreate's NMFParamDefaults_Private applies */
  PetscInt            k; /* n_components */
  PetscReal           lambda_L;
  std::vector<double> mu; /* one value, or one per component */
  PetscReal           epsilon_reg;
  PetscBool           force_simplex;
  PetscReal           dicotomy_tol;
  std::vector<double> gamma_given; /* gamma: empty (the type's defaults), gamma, or gamma_H,gamma_W */
  PetscBool           linesearch, l2, normalize, no_stop_criterion, debug;
  NMFInitType         init;
  PetscReal           tol;
  PetscInt            max_iter;
  PetscInt64          random_state;
  PetscBool           random_state_set; /* random_state given (else drawn at the set-up) */
  PetscReal           log_shift;
  PetscInt            eval_print, verbose;
  PetscInt            scree_n;                      /* scree: number of leading singular values of X to compute */
  NMFInitType         init_used = NMF_INIT_DEFAULT; /* what NMFSetUp actually did */

  /* data: the n values of each owned pixel, pixel-major, p_local n of them in 64-bit sizes (no
     PETSc index of X, so n p may pass 2^31): Xc of type xtype, the value xscale * stored.  daX is
     the pixel grid (NMFCreateDataDM); X is the application's Vec when NMFSetData gave one (Xc then
     points into its array and Xc_owned is false). */
  NMFDataType         xtype    = NMF_DATA_FLOAT64;
  void               *Xc       = nullptr;
  PetscBool           Xc_owned = PETSC_FALSE;
  double              xscale   = 1.0;
  DM                  daX      = nullptr;
  Vec                 X        = nullptr;
  PetscInt            n = 0, p = 0, ny = 0, nx = 0;
  PetscBool           has_shape = PETSC_FALSE;
  PetscInt            p_local   = 0;
  PetscInt            xs = 0, ys = 0, xm = 0, ym = 0; /* owned block: columns xs..xs+xm, rows ys..ys+ym (1-D: xs, xm) */
  std::vector<double> G;                              /* n x m row-major; empty means identity */
  PetscInt            m = 0;
  std::vector<double> W_init, fixed_W; /* m x k row-major, empty when not given */
  Vec                 H_init = nullptr, fixed_H = nullptr;
  PetscBool           hold_W        = PETSC_FALSE; /* transform: W is learned already, no W steps */
  PetscInt            transform_n   = 0;           /* transform: the channels of the learned spectra (0: not a transform) */
  bool                H_above_floor = true;        /* every H stays >= log_shift (no held value below it) */

  /* the navigation mask (NMFSetNavigationMask; doc/masks.md): nav_mask the application's Vec on
     the data layout (1 = excluded), and at the set-up pixel_masked (p_local flags), data_pixels
     (the owned pixels that are not masked, ascending; empty without a mask: every pixel) and
     p_data (their global count, p without a mask).  The data term runs over the data pixels only;
     the Laplacian, the log term and the simplex over every pixel. */
  Vec                   nav_mask = nullptr;
  std::vector<char>     pixel_masked;
  std::vector<PetscInt> data_pixels;
  PetscInt              p_data = 0;
  /* the signal mask (NMFSetSignalMask): signal_mask the n flags given (1 = excluded, empty: none),
     and at the set-up channel_w (n weights, 0 at the masked channels; empty without a mask) and
     n_data (the unmasked channels, n without a mask).  The masked channels of X are set to 0 by
     the preparation, so the ratio X / (D H) is 0 there; the sums of D over channels (the
     denominators, the loss's sum of Y) take the weights. */
  std::vector<char>   signal_mask;
  std::vector<double> channel_w;
  PetscInt            n_data = 0;

  /* state */
  DM                  daH = nullptr; /* k dof per pixel, stencil width 1 with a shape */
  Vec                 H = nullptr, H_local = nullptr, H_new = nullptr;
  std::vector<double> W, GW;
  std::vector<double> num, den; /* k x p_local work arrays of the H step (pixel-major) */
  std::vector<double> HL;       /* H Delta of the current H (k x p_local), when lambda_L != 0 */
  PetscBool           setupcalled = PETSC_FALSE, solved = PETSC_FALSE;
  PetscReal           norm_factor = 1.0, const_KL = 0.0, reconstruction_err = 0.0;
  double              x_sum        = 0.0; /* sum of X as prepared (NMFPrepareData_Private) */
  PetscReal           init_seconds = 0.0, fit_seconds = 0.0;
  std::vector<double> scree;                            /* the scree_n leading singular values of the prepared X */
  PetscInt            svd_gram_fallbacks = 0;           /* SVDs that fell back to the dense n x n Gram matrix (singular_vectors.cpp: SLEPc did not converge) */
  PetscReal           scree_sum_squares  = 0.0;         /* ||X||_F^2 of the prepared X: the sum of all squared singular values */
  PetscBool           data_prepared      = PETSC_FALSE; /* X was prepared (NMFPrepareData_Private) by an earlier set-up */
  PetscBool           prepared_normalize = PETSC_FALSE; /* the normalize it was prepared with */

  double              gamma_H = 8.0, gamma_W = 0.0; /* current step parameters (sigma_L for the surrogates) */
  std::vector<double> gamma_initial;                /* the starting values actually used */
  std::vector<double> grad_H;                       /* projected gradient: the last H gradient (k x p_local) */

  /* ground truth (optional): true_D n x k replicated, true_H on daH */
  std::vector<double> true_D;
  Vec                 true_H = nullptr;

  /* results */
  PetscInt                         n_iter = 0;
  NMFConvergedReason               reason = NMF_CONVERGED_ITERATING;
  std::vector<std::string>         loss_names;
  std::vector<std::vector<double>> losses;
  std::vector<double>              losses_table;

  /* the application's own layout (matdata.cpp): NMFSetImageShape, NMFSetDataMat, NMFGet*Mat */
  PetscInt    shape_ny = 0, shape_nx = 0;                      /* image shape for NMFSetDataMat; 0, 0: none */
  PetscLayout app_rows = nullptr;                              /* row ownership of the application's X Mat */
  Mat         Hmat = nullptr, Wmat = nullptr, GWmat = nullptr; /* the results as Mats, built on request */
  /* the stopping rules (NMFSetConvergenceTest; NMFConvergedDefault by default) */
  PetscErrorCode (*converged)(NMF, PetscInt, PetscReal, PetscReal, PetscReal, NMFConvergedReason *, void *) = nullptr;
  void *converged_ctx                                                                                       = nullptr;
  PetscErrorCode (*converged_destroy)(void **)                                                              = nullptr;
  /* iteration monitors (NMFMonitorSet, nmfmon.cpp), checkpoints and restarts (src/io/checkpoint*.cpp) */
  PetscInt            monitor_default                   = -1; /* NMFMonitorDefault: 1 on, 0 off, -1 when verbose > 0 */
  PetscInt            nmonitors                         = 0;
  NMFMonitorFn        monitor[NMF_MAX_MONITORS]         = {};
  void               *monitor_ctx[NMF_MAX_MONITORS]     = {};
  NMFMonitorDestroyFn monitor_destroy[NMF_MAX_MONITORS] = {};
  PetscBool           interrupt                         = PETSC_FALSE; /* NMFInterrupt: stop after this iteration */
  PetscBool           resumed                           = PETSC_FALSE; /* W, H, n_iter, losses, gammas, eval_* restored */
  double              eval_before = 0, eval_init = 0;                  /* the stopping rules' previous and initial losses (during the monitors: the loss of the current iterate) */
  double              fit_seconds_before = 0;                          /* iteration time spent before a restart */
  double              fit_start          = 0;                          /* MPI_Wtime() at the start, less fit_seconds_before */
  std::string         restart_file;                                    /* NMFIOSetRestart: read instead of initializing */
  NMFSelectKState     select;                                          /* the rank selection (NMFSelectK) */
  NMF                 select_parent      = nullptr;                    /* a fit of a selection: the object that runs it (not referenced) */
  PetscBool           fingerprint_wanted = PETSC_FALSE;                /* take the input's fingerprint in NMFSetUp */
  NMFFingerprint      fingerprint;                                     /* of the raw X, before preparation */
};

/* ------------------------------------------------------------------ the parameter table
   Each parameter of the object is described once, in NMFParamTable (nmfparams.cpp): its name as
   espm spells it (the option is -[prefix]nmf_<name>), its kind, its check, its help text and
   where it goes.  The setters' checks, NMFSetFromOptions, NMFView, the result attributes, the
   checkpoint's parameters and the copy NMFTransform makes are all loops over this table. */
enum NMFParamKind {
  NMF_PARAM_INT,   /* PetscInt */
  NMF_PARAM_SEED,  /* PetscInt64, random_state (set or drawn at the set-up) */
  NMF_PARAM_REAL,  /* PetscReal */
  NMF_PARAM_REALS, /* std::vector<double>: one value or a comma list */
  NMF_PARAM_BOOL,  /* PetscBool */
  NMF_PARAM_INIT,  /* NMFInitType, an enum of NMFInitTypes */
  NMF_PARAM_TYPE   /* the NMF type (espm's algo), a name in NMFList */
};
enum NMFParamFlag {
  NMF_PARAM_RESTART    = 1, /* a restart from a checkpoint must have the same value */
  NMF_PARAM_RESULT     = 2, /* written as an attribute of the result (the value used) */
  NMF_PARAM_IF_NONZERO = 4  /* the attribute only when the value is not 0 */
};
struct NMFParamInfo {
  const char  *name;
  NMFParamKind kind;
  void *(*field)(NMF);       /* where the object holds the value */
  void *(*used)(NMF);        /* where it holds the value the solve used, when it differs (or NULL) */
  double            lo, hi;  /* the check: lo <= value <= hi, finite (REAL, REALS, INT) */
  PetscBool         lo_open; /* lo < value */
  PetscInt          nmax;    /* REALS: at most this many values */
  unsigned          flags;   /* NMFParamFlag */
  double            deflt;   /* the default (REALS: one value, or NAN for none; TYPE: NMFLOGSURROGATE) */
  const char       *help;
  const char       *setter; /* the manual page of its setter */
  PetscVoidFunction set;    /* the setter itself (NMFSetLambdaL, ...), which NMFSetFromOptions calls: its arguments by kind,
                            (NMF, PetscInt), (NMF, PetscInt64), (NMF, PetscReal), (NMF, PetscInt, const PetscReal[]),
                            (NMF, PetscBool), (NMF, NMFInitType) or (NMF, NMFType) */
};
extern const NMFParamInfo NMFParamTable[];
extern const PetscInt     NMFParamCount;
const NMFParamInfo       *NMFParamFind_Private(const char *name);
/* the checks of the table entry (its range, finiteness, number of values) on a new value */
PetscErrorCode NMFParamCheckReal_Private(NMF nmf, const NMFParamInfo *p, PetscInt i, PetscReal v);
PetscErrorCode NMFParamCheckInt_Private(NMF nmf, const NMFParamInfo *p, PetscInt64 v);
/* the value as numbers (PetscBool 0/1, an enum or built-in type its index, another type a hash
   of its name) and as text; used = the value the solve used */
void NMFParamValues_Private(NMF nmf, const NMFParamInfo *p, bool used, std::vector<double> &values, std::string &text);
/* the shortest text that reads back as v (the view, checkpoint parameters) */
std::string NMFNumberText_Private(double v);
/* sets every parameter to its default (NMFCreate) */
void NMFParamDefaults_Private(NMF nmf);
/* copies every parameter of the table from src to dst (not the type, set with NMFSetType) */
void NMFParamCopy_Private(NMF src, NMF dst);
/* the debug checks of espm's debug (-nmf_debug): W, H finite and >= log_shift, H on the simplex
   when forced; names the step and the first entry that failed.  Collective. */
PetscErrorCode NMFDebugCheck_Private(NMF nmf, const char *step, const double *W, Vec H);

/* the owned pixel q is excluded by the navigation mask (no data term there) */
static inline bool NMFPixelMasked_Private(NMF nmf, PetscInt q) { return !nmf->pixel_masked.empty() && nmf->pixel_masked[q]; }
/* masks.cpp: the masks at the set-up (checks, the data pixels), the start of the masked pixels,
   and their abundances at the end (NaN where nothing determines them) */
PetscErrorCode NMFSetUpMasks_Private(NMF nmf);
PetscErrorCode NMFMaskedStart_Private(NMF nmf);
PetscErrorCode NMFMaskedResult_Private(NMF nmf);
/* the channel i is excluded by the signal mask */
static inline bool NMFChannelMasked_Private(NMF nmf, PetscInt i) { return !nmf->channel_w.empty() && nmf->channel_w[i] == 0; }
/* row j of W is held: with the identity G, a masked channel's spectrum values (nothing determines them) */
static inline bool NMFWRowHeld_Private(NMF nmf, PetscInt j) { return nmf->G.empty() && NMFChannelMasked_Private(nmf, j); }
/* the H steps at a masked pixel when lambda_L = 0: nothing moves its abundances, which are held */
static inline bool NMFPixelHeld_Private(NMF nmf, PetscInt q) { return nmf->lambda_L == 0 && NMFPixelMasked_Private(nmf, q); }

/* the number of values of X this rank holds (a 64-bit size) */
static inline size_t NMFLocalSizeX_Private(NMF nmf) { return (size_t)nmf->p_local * (size_t)nmf->n; }
/* nmf->random_state drawn (espm's None), the same on every rank (nmfsetup.cpp) */
PetscErrorCode NMFDrawRandomState_Private(NMF nmf);
/* X as an array of the given type on da, owned by the object (freed with it) or shared */
PetscErrorCode NMFSetDataShared_Private(NMF nmf, DM da, NMFDataType type, void *array, PetscBool owned);
/* nmfselectk.cpp: the -nmf_select_k options (inside NMFSetFromOptions); checkpoint_read.cpp: the
   fits done before a stop, from nmf->restart_file (a selection's checkpoint) */
PetscErrorCode NMFSelectKSetFromOptions_Private(NMF nmf, PetscOptionItems *PetscOptionsObject);
PetscErrorCode NMFSelectKRestore_Private(NMF nmf);
/* releases X (the array when the object owns it, the application's Vec) */
PetscErrorCode NMFDestroyData_Private(NMF nmf);

/* log.cpp: the class id and the log events (NMFInitializePackage registers them) */
extern PetscClassId  NMF_CLASSID;
extern PetscLogEvent NMF_SetUp, NMF_HStep, NMF_WStep, NMF_Loss, NMF_Redistribute, NMF_IORead, NMF_IOWrite;
/* the phases shown by -log_view as stages (and events); pass A, which also forms the numerator of
   the next H step, is the loss phase */
enum NMFPhase { NMF_PHASE_READ,
                NMF_PHASE_INIT,
                NMF_PHASE_H,
                NMF_PHASE_W,
                NMF_PHASE_LOSS,
                NMF_PHASE_WRITE,
                NMF_PHASES };
PetscErrorCode NMFPhaseBegin_Private(NMFPhase ph);
PetscErrorCode NMFPhaseEnd_Private(NMFPhase ph);

/* C++ exceptions never cross the API: a public function whose body allocates C++ containers is
   a function-try-block,
     PetscErrorCode NMFSomething(NMF nmf)
     try { ...PETSc-style body... }
     NMF_CATCH_EXCEPTIONS
   and an exception escaping its body becomes a PETSc error on the rank that raised it
   (PETSC_ERR_MEM for std::bad_alloc and std::length_error: a size too large to allocate).
   NMFExceptionError_Private gives the PETSc error of the exception being handled (exceptions.cpp). */
PetscErrorCode NMFExceptionError_Private(const char *func, const char *file, int line);
#define NMF_CATCH_EXCEPTIONS                                                   \
  catch (...)                                                                  \
  {                                                                            \
    return NMFExceptionError_Private(PETSC_FUNCTION_NAME, __FILE__, __LINE__); \
  }

/* the loss terms of one evaluation, each already divided by n p */
struct NMFLoss {
  double full, kl, log_reg, lapl; /* each divided by n p, as espm's averaged loss */
  double raw;                     /* the full loss, not averaged (espm's average=False) */
};

/* distribution.cpp */
PetscErrorCode NMFCreateAbundanceDM_Private(NMF nmf);
PetscErrorCode NMFApplyLaplacian_Private(NMF nmf, Vec H, double *HL);
PetscErrorCode NMFLaplacianBegin_Private(NMF nmf, Vec H);
PetscErrorCode NMFLaplacianEnd_Private(NMF nmf, Vec H, double *HL);
PetscErrorCode NMFGlobalPixelIndex_Private(NMF nmf, PetscInt q_local, PetscInt *q_global);
PetscErrorCode NMFFirstAbundanceEntry_Private(NMF nmf, Vec H, bool (*bad)(double), PetscInt64 *first, double *value);
PetscErrorCode NMFRowMax_Private(NMF nmf, const double *H, double *rowmax);

/* prepare.cpp */
PetscErrorCode NMFPrepareData_Private(NMF nmf);

/* kernels.cpp: the passes over X.  A pass takes D transposed (Dt, k x n) and H (k per pixel). */
struct NMFPassA {
  PetscInt        n, k, p_local;
  const PetscInt *pixels;  /* the pixels the pass visits (the navigation mask's data pixels), or NULL: all */
  PetscInt        npixels; /* their number (p_local when pixels is NULL) */
  const double   *Dt, *H;
  const double   *channel_w;         /* the signal mask's weights (the sum of Y, the l2 loss), or NULL */
  double          scale, shift, eps; /* X = scale * stored; ratio X / (Y + shift); floor eps */
  bool            l2;
};
void           NMFComputeD_Private(NMF nmf, const double *W, double *D);
void           NMFPassASetup_Private(NMF nmf, const double *D, const double *H, std::vector<double> &Dt, NMFPassA *a);
PetscErrorCode NMFPassA_Private(NMF nmf, const NMFPassA &a, double *num, double *sums);
PetscErrorCode NMFPassB_Private(NMF nmf, const NMFPassA &a, double *At);
void           NMFRegularizationSums_Private(NMF nmf, const double *H, const double *HL, double *sums);
void           NMFLossFromSums_Private(NMF nmf, const double sums[4], NMFLoss *loss);
PetscErrorCode NMFLoss_Private(NMF nmf, const double *W, Vec H, NMFLoss *loss);
PetscErrorCode NMFXBlock_Private(NMF nmf, PetscInt q0, PetscInt nq, std::vector<double> &buf, const double **x);

#define NMF_PIXEL_BLOCK 256
/* the pixels of a block: at most NMF_PIXEL_BLOCK, and about 64 Ki values (512 KB as double), so a
   converted block stays in the core's cache whatever n */
static inline PetscInt NMFPixelBlockSize_Private(NMF nmf) { return PetscMax((PetscInt)1, PetscMin((PetscInt)NMF_PIXEL_BLOCK, (PetscInt)(65536 / PetscMax(nmf->n, (PetscInt)1)))); }
/* Calls f(q0, nb, x) (returning a PetscErrorCode) on consecutive blocks of owned pixels, x a
   double view of the block's X (the stored values converted and scaled when X is compact). */
template <class F>
PetscErrorCode NMFForPixelBlocks_Private(NMF nmf, F f)
{
  std::vector<double> buf;
  const double       *x;
  const PetscInt      bs = NMFPixelBlockSize_Private(nmf);

  PetscFunctionBegin;
  for (PetscInt q0 = 0; q0 < nmf->p_local; q0 += bs) {
    const PetscInt nb = PetscMin(bs, nmf->p_local - q0);
    PetscCall(NMFXBlock_Private(nmf, q0, nb, buf, &x));
    PetscCall(f(q0, nb, x));
  }
  PetscFunctionReturn(0);
}
PetscErrorCode NMFLossTruth_Private(NMF nmf, const double *W, Vec H, NMFLoss *loss);

/* solve.cpp: the W-step sums (pass B) for H_new and D = G W: At (k x n) = ((X / Y) H^T)^T, or
   (X H^T)^T with l2; tail = rowsum(H_new) (KL) or H_new H_new^T (l2); summed over ranks */
PetscErrorCode NMFWStepSums_Private(NMF nmf, const double *D, std::vector<double> &At, std::vector<double> &tail);

/* surrogate.cpp: what the surrogate types share (the H steps use nmf->num, the raw numerator of
   pass A, and nmf->HL) */
void           NMFColumnSums_Private(NMF nmf, const double *D, std::vector<double> &colsum);
PetscErrorCode NMFSurrogateFloorAndFix_Private(NMF nmf, PetscScalar *Hn);
PetscErrorCode NMFSurrogateWStep_Private(NMF nmf, const PetscReal D[], std::vector<double> &W_new);
PetscErrorCode NMFSurrogateGap_Private(NMF nmf, PetscBool log_proximal, double *gap);
PetscErrorCode NMFSurrogateLinesearch_Private(NMF nmf, PetscBool log_proximal);
typedef PetscErrorCode (*NMFSurrogateStepFn)(NMF nmf, const double *D, const PetscScalar *H, PetscScalar *Hn);
PetscErrorCode NMFSurrogateHStep_Private(NMF nmf, const PetscReal D[], NMFSurrogateStepFn step, PetscBool log_proximal);

/* metrics.cpp: ground-truth columns of the losses table (2k + 1 values) */
PetscErrorCode NMFTruthMetrics_Private(NMF nmf, double *row);
PetscErrorCode NMFRescaleWH_Private(NMF nmf, std::vector<double> &W, Vec H);

/* simplex.cpp */
PetscErrorCode NMFSimplexMultiplier_Private(NMF nmf, const double *num, const double *den, double *nu);
PetscErrorCode NMFSimplexMultiplierQuadratic_Private(NMF nmf, double a, const double *b, const double *c, double *nu);
PetscErrorCode NMFSimplexMultiplierProjection_Private(NMF nmf, const double *v, double *nu);

/* monitor.cpp: calls the monitors at the end of an iteration; an NMFInterrupt there sets the
   reason NMF_INTERRUPTED (unless a stopping rule ended the iteration anyway) */
PetscErrorCode NMFMonitorCall_Private(NMF nmf);

/* fingerprint.cpp: nmf->fingerprint of X as given, from terms taken block by block (by the data
   preparation's scan of X) */
struct NMFFingerprintSums {
  double   sum = 0, sumsq = 0;
  uint64_t hash = 0, mask_hash = 0;
};
PetscErrorCode NMFFingerprintBlock_Private(NMF nmf, PetscInt q0, PetscInt nb, const double *x, NMFFingerprintSums *acc);
PetscErrorCode NMFFingerprintFinish_Private(NMF nmf, const NMFFingerprintSums *acc);

/* splitmix64's finalizer: a bijective mix of 64 bits */
static inline uint64_t NMFHashMix_Private(uint64_t x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/* the hash term of the value v at the global position index (the bits of v, -0.0 as 0.0) */
static inline uint64_t NMFHashValue_Private(uint64_t index, double v)
{
  uint64_t bits;
  if (v == 0) v = 0; /* one zero */
  memcpy(&bits, &v, sizeof bits);
  return NMFHashMix_Private(bits ^ NMFHashMix_Private(index));
}

/* resample.cpp: a resampled copy of X (as given, X = xscale * stored), PetscMalloc'ed, p_local n
   values of type *ctype (Poisson draws of uint8/uint16 counts in the narrowest of uint8, uint16 that
   holds them, else float32): Poisson(X) or X (1 + noise u), each value drawn from (seed, stream, its global
   index pixel n + channel), the same at any rank count.  Non-finite or negative values are copied
   (the preparation of the copy refuses them).  Collective only through errors. */
PetscErrorCode NMFResampleData_Private(NMF nmf, NMFResampleType type, PetscReal noise, PetscInt64 seed, PetscInt64 stream, NMFDataType *ctype, void **copy);
double         NMFKeyedPoisson_Private(double lambda, PetscInt64 seed, PetscInt64 stream, PetscInt64 index);

/* cluster.cpp: the matched clustering of NMFk.  spectra: R runs of k unit vectors of length n
   (run-major, then component); each run gives one vector to each of the k groups (an optimal
   assignment against the centroids, which start at init, k unit vectors, and move to the normalized
   means).  label[r k + j] is the group of run r's vector j.  The silhouettes use the cosine distance
   1 - a.b: the minimum over the groups of their mean, and the mean over every vector (k = 1: 1). */
PetscErrorCode NMFLinearAssignment_Private(PetscInt k, const double cost[], PetscInt assign[]);
PetscErrorCode NMFMatchedClusters_Private(PetscInt R, PetscInt k, PetscInt n, const double spectra[], const double init[], std::vector<PetscInt> &label);
PetscErrorCode NMFSilhouettes_Private(PetscInt R, PetscInt k, PetscInt n, const double spectra[], const std::vector<PetscInt> &label, double *smin, double *smean);

/* checkpoint_read.cpp: W, H and the iteration state from nmf->restart_file, after the checks */
PetscErrorCode NMFRestoreCheckpoint_Private(NMF nmf);

/* initialize.cpp */
PetscErrorCode NMFInitialize_Private(NMF nmf);
PetscErrorCode NMFLeastSquares_Private(PetscInt rows, PetscInt cols, PetscInt nrhs, double *A, double *B);
double         NMFKeyedNormal_Private(PetscInt64 seed, PetscInt64 stream, PetscInt64 index);
/* singular_vectors.cpp: the N leading singular values S of X (n x p) by SLEPc's SVD (options
   prefix nmf_) on a matrix-free X^T, and the first nvec singular vectors: U (n x nvec,
   row-major) the left ones, with svd_flip's signs (the largest |entry| of each column positive),
   and, when V is not NULL, the right ones on the owned pixels (p_local x nvec, pixel-major,
   X^T U = V S); sum_squares, when not NULL, = ||X||_F^2.  N <= min(n, p).  Collective. */
PetscErrorCode NMFLeadingSingularVectors_Private(NMF nmf, PetscInt N, PetscInt nvec, std::vector<double> &S, std::vector<double> &U, double *V, double *sum_squares);

#endif
