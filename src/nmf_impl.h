/* Private definition of the NMF object and the internal interfaces between its phases:
   distribution.cpp (layouts, ghost exchange, Laplacian), prepare.cpp (X checks and
   preparation), kernels.cpp (per-pixel loops over X), simplex.cpp (the bisection),
   initialize.cpp (W, H start values), solve.cpp (the iteration). */
#ifndef SMOOTHNMF_IMPL_H
#define SMOOTHNMF_IMPL_H

#include <smoothnmf.h>
#include <string>
#include <vector>

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
  PetscReal           gamma = 8.0; /* sigma_L */
  PetscBool           gamma_set = PETSC_FALSE;
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

  /* data: X on daX (n dof per pixel); the image shape comes from daX */
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

  /* state */
  DM                  daH = nullptr; /* k dof per pixel, stencil width 1 with a shape */
  Vec                 H = nullptr, H_local = nullptr, H_new = nullptr;
  std::vector<double> W, GW;
  std::vector<double> num, den; /* k x p_local work arrays of the H step (pixel-major) */
  PetscBool           setupcalled = PETSC_FALSE, solved = PETSC_FALSE;
  PetscReal           norm_factor = 1.0, const_KL = 0.0, reconstruction_err = 0.0;
  PetscReal           init_seconds = 0.0, fit_seconds = 0.0;
  std::vector<double> scree;                   /* the scree_n leading singular values of the prepared X */
  PetscReal           scree_sum_squares = 0.0; /* ||X||_F^2 of the prepared X: the sum of all squared singular values */

  /* results */
  PetscInt            n_iter = 0;
  NMFConvergedReason  reason = NMF_CONVERGED_ITERATING;
  std::vector<double> losses[NMF_LOSS_COLUMNS];
  std::vector<double> losses_table;
};

/* the loss terms of one evaluation, each already divided by n p */
struct NMFLoss {
  double full, kl, log_reg, lapl;
};

/* distribution.cpp */
PetscErrorCode NMFCreateAbundanceDM_Private(NMF nmf);
PetscErrorCode NMFApplyLaplacian_Private(NMF nmf, Vec H, double *HL);
PetscErrorCode NMFGlobalPixelIndex_Private(NMF nmf, PetscInt q_local, PetscInt *q_global);
PetscErrorCode NMFRowMax_Private(NMF nmf, const double *H, double *rowmax);

/* prepare.cpp */
PetscErrorCode NMFPrepareData_Private(NMF nmf);

/* kernels.cpp: loops over the owned pixels */
void NMFComputeD_Private(NMF nmf, const double *W, double *D);
void NMFKLNumerator_Private(NMF nmf, const double *X, const double *D, const double *H, double *num);
void NMFKLWeightedRatio_Private(NMF nmf, const double *X, const double *D, const double *H, double *A);
PetscErrorCode NMFLoss_Private(NMF nmf, const double *W, Vec H, NMFLoss *loss);

/* simplex.cpp */
PetscErrorCode NMFSimplexMultiplier_Private(NMF nmf, const double *num, const double *den, double *nu);

/* initialize.cpp */
PetscErrorCode NMFInitialize_Private(NMF nmf);
/* the N leading singular values S of X (n x p, pixel-major local block x) and the first nvec
   left singular vectors U (n x nvec, row-major, svd_flip signs), from the allreduced Gram matrix;
   sum_squares = ||X||_F^2.  Collective. */
PetscErrorCode NMFGramSVD_Private(NMF nmf, const double *x, PetscInt N, PetscInt nvec, std::vector<double> &S, std::vector<double> &U, double *sum_squares);
PetscErrorCode NMFLeastSquares_Private(PetscInt rows, PetscInt cols, PetscInt nrhs, double *A, double *B);
double         NMFKeyedNormal_Private(PetscInt64 seed, PetscInt64 stream, PetscInt64 index);

#endif
