/* Private definition of the NMF object and the internal interfaces between its phases:
   distribution.cpp (layouts, ghost exchange, Laplacian), prepare.cpp (X checks and
   preparation), kernels.cpp (per-pixel loops over X), simplex.cpp (the bisection),
   initialize.cpp (W, H start values), solve.cpp (the iteration). */
#ifndef SMOOTHNMF_IMPL_H
#define SMOOTHNMF_IMPL_H

#include <smoothnmf.h>
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
  uint64_t hash = 0;
};

struct _p_NMF {
  MPI_Comm    comm;
  std::string prefix;

  /* parameters, espm's names and defaults */
  PetscInt            k = 2;
  NMFAlgo             algo = NMF_ALGO_LOG_SURROGATE;
  PetscReal           lambda_L = 1.0;
  std::vector<double> mu = {0.0}; /* one value, or one per component */
  PetscReal           epsilon_reg = 1.0;
  PetscBool           force_simplex = PETSC_TRUE;
  PetscReal           dicotomy_tol = 1e-5;
  std::vector<double> gamma_given; /* -nmf_gamma: empty (defaults), gamma, or gamma_H,gamma_W */
  PetscBool           linesearch = PETSC_FALSE, l2 = PETSC_FALSE, normalize = PETSC_FALSE;
  PetscBool           no_stop_criterion = PETSC_FALSE, debug = PETSC_FALSE;
  NMFInitType         init = NMF_INIT_DEFAULT;
  NMFInitType         init_used = NMF_INIT_DEFAULT; /* what NMFSetUp actually did */
  PetscReal           tol = 1e-4;
  PetscInt            max_iter = 200;
  PetscInt64          random_state = 0;
  PetscBool           random_state_set = PETSC_FALSE;
  PetscReal           log_shift = 1e-14;
  PetscInt            eval_print = 10;
  PetscInt            verbose = 1;
  PetscBool           view = PETSC_FALSE; /* -nmf_view: NMFView after NMFSolve */
  PetscInt            scree_n = 0;        /* -nmf_scree: number of leading singular values of X to compute */

  /* data: the n values of each owned pixel, pixel-major, p_local n of them in 64-bit sizes (no
     PETSc index of X, so n p may pass 2^31): Xc of type xtype, the value xscale * stored.  daX is
     the pixel grid (NMFCreateDataDM); X is the application's Vec when NMFSetData gave one (Xc then
     points into its array and Xc_owned is false). */
  NMFDataType xtype    = NMF_DATA_FLOAT64;
  void       *Xc       = nullptr;
  PetscBool   Xc_owned = PETSC_FALSE;
  double      xscale   = 1.0;
  DM        daX = nullptr;
  Vec       X = nullptr;
  PetscInt  n = 0, p = 0, ny = 0, nx = 0;
  PetscBool has_shape = PETSC_FALSE;
  PetscInt  p_local = 0;
  PetscInt  xs = 0, ys = 0, xm = 0, ym = 0; /* owned block: columns xs..xs+xm, rows ys..ys+ym (1-D: xs, xm) */
  std::vector<double> G;                    /* n x m row-major; empty means identity */
  PetscInt            m = 0;
  std::vector<double> W_init, fixed_W;      /* m x k row-major, empty when not given */
  Vec                 H_init = nullptr, fixed_H = nullptr;
  PetscBool           hold_W = PETSC_FALSE; /* transform: W is learned already, no W steps */
  bool                H_above_floor = true; /* every H stays >= log_shift (no held value below it) */

  /* state */
  DM                  daH = nullptr; /* k dof per pixel, stencil width 1 with a shape */
  Vec                 H = nullptr, H_local = nullptr, H_new = nullptr;
  std::vector<double> W, GW;
  std::vector<double> num, den; /* k x p_local work arrays of the H step (pixel-major) */
  std::vector<double> HL;       /* H Delta of the current H (k x p_local), when lambda_L != 0 */
  PetscBool           setupcalled = PETSC_FALSE, solved = PETSC_FALSE;
  PetscReal           norm_factor = 1.0, const_KL = 0.0, reconstruction_err = 0.0;
  double              x_sum = 0.0; /* sum of X as prepared (NMFPrepareData_Private) */
  PetscReal           init_seconds = 0.0, fit_seconds = 0.0;
  std::vector<double> scree;                   /* the scree_n leading singular values of the prepared X */
  PetscReal           scree_sum_squares = 0.0; /* ||X||_F^2 of the prepared X: the sum of all squared singular values */

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
  PetscInt    shape_ny = 0, shape_nx = 0;                  /* image shape for NMFSetDataMat; 0, 0: none */
  PetscLayout app_rows = nullptr;                          /* row ownership of the application's X Mat */
  Mat         Hmat = nullptr, Wmat = nullptr, GWmat = nullptr; /* the results as Mats, built on request */
  /* iteration monitors (NMFMonitorSet, monitor.cpp), checkpoints and restarts (checkpoint*.cpp) */
  PetscInt            nmonitors = 0;
  NMFMonitorFn        monitor[NMF_MAX_MONITORS]         = {};
  void               *monitor_ctx[NMF_MAX_MONITORS]     = {};
  NMFMonitorDestroyFn monitor_destroy[NMF_MAX_MONITORS] = {};
  PetscBool           interrupt = PETSC_FALSE;               /* NMFInterrupt: stop after this iteration */
  PetscBool           resumed   = PETSC_FALSE;               /* W, H, n_iter, losses, gammas, eval_* restored */
  double              eval_before = 0, eval_init = 0;        /* the stopping rules' previous and initial losses */
  double              fit_seconds_before = 0;                /* iteration time spent before a restart */
  double              fit_start = 0;                         /* MPI_Wtime() at the start, less fit_seconds_before */
  std::string         restart_file;                          /* NMFIOSetRestart: read instead of initializing */
  PetscBool           fingerprint_wanted = PETSC_FALSE;      /* take the input's fingerprint in NMFSetUp */
  NMFFingerprint      fingerprint;                           /* of the raw X, before preparation */
};

/* the number of values of X this rank holds (a 64-bit size) */
static inline size_t NMFLocalSizeX_Private(NMF nmf) { return (size_t)nmf->p_local * (size_t)nmf->n; }
/* releases X (the array when the object owns it, the application's Vec) */
PetscErrorCode NMFDestroyData_Private(NMF nmf);

/* log.cpp: the class id and the log events (NMFInitializePackage registers them) */
extern PetscClassId  NMF_CLASSID;
extern PetscLogEvent NMF_SetUp, NMF_HStep, NMF_WStep, NMF_Loss, NMF_Redistribute, NMF_IORead, NMF_IOWrite;
/* the phases shown by -log_view as stages (and events); pass A, which also forms the numerator of
   the next H step, is the loss phase */
enum NMFPhase { NMF_PHASE_READ, NMF_PHASE_INIT, NMF_PHASE_H, NMF_PHASE_W, NMF_PHASE_LOSS, NMF_PHASE_WRITE, NMF_PHASES };
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
#define NMF_CATCH_EXCEPTIONS \
  catch (...) \
  { \
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
PetscErrorCode NMFRowMax_Private(NMF nmf, const double *H, double *rowmax);

/* prepare.cpp */
PetscErrorCode NMFPrepareData_Private(NMF nmf);

/* kernels.cpp: the passes over X.  A pass takes D transposed (Dt, k x n) and H (k per pixel). */
struct NMFPassA {
  PetscInt      n, k, p_local;
  const double *Dt, *H;
  double        scale, shift, eps; /* X = scale * stored; ratio X / (Y + shift); floor eps */
  bool          l2;
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

/* multiplicative.cpp: the surrogate algorithms (log_surrogate with KL or l2, l2_surrogate); the
   H steps use nmf->num (the raw numerator of pass A) and nmf->HL */
PetscErrorCode NMFMultiplicativeHStep_Private(NMF nmf, const double *D);
PetscErrorCode NMFMultiplicativeWStep_Private(NMF nmf, const double *D, std::vector<double> &W_new);
PetscErrorCode NMFSurrogateGap_Private(NMF nmf, double *gap);

/* projected_gradient.cpp */
PetscErrorCode NMFLipschitzBounds_Private(NMF nmf, double *gamma_H, double *gamma_W);
PetscErrorCode NMFGradientHStep_Private(NMF nmf, const double *D);
PetscErrorCode NMFGradientWStep_Private(NMF nmf, const double *D, std::vector<double> &W_new);
PetscErrorCode NMFGradientHLinesearch_Private(NMF nmf);
PetscErrorCode NMFGradientWLinesearch_Private(NMF nmf, const std::vector<double> &W_new);

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
  uint64_t hash = 0;
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
