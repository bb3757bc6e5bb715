/* NMFSetUp and NMFSolve: the iteration of espm's SmoothNMF (algorithm notes, sections 4 to 8):
   checks, preparation and initialization, then H step, W step, losses and stopping rules. */
#include "nmf_impl.h"
#include <cmath>
#include <ctime>

PetscErrorCode NMFSetUp(NMF nmf)
try {
  double t0 = MPI_Wtime();

  PetscFunctionBegin;
  if (nmf->setupcalled) PetscFunctionReturn(0);
  PetscCall(NMFPhaseBegin_Private(NMF_PHASE_INIT));
  PetscCheck(nmf->Xc, nmf->comm, PETSC_ERR_ORDER, "no data: call NMFSetData before NMFSetUp/NMFSolve");
  const PetscInt k = nmf->k, n = nmf->n;
  PetscCheck((PetscInt)nmf->mu.size() == 1 || (PetscInt)nmf->mu.size() == k, nmf->comm, PETSC_ERR_ARG_SIZ, "mu has %zu values: give one value or one per component (n_components = %" PetscInt_FMT ")", nmf->mu.size(), k);
  PetscCheck(!nmf->force_simplex || k * nmf->log_shift < 1, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "n_components * log_shift = %g >= 1: no abundances on the simplex can stay above log_shift", (double)(k * nmf->log_shift));
  PetscCheck(nmf->G.empty() || (PetscInt)nmf->G.size() == n * nmf->m, nmf->comm, PETSC_ERR_ARG_SIZ, "G has %zu entries, expected %" PetscInt_FMT " rows (the data's channels) x %" PetscInt_FMT, nmf->G.size(), n, nmf->m);
  const PetscInt m = nmf->G.empty() ? n : nmf->m;
  const bool     has_mu = !(nmf->mu.size() == 1 && nmf->mu[0] == 0);
  PetscCheck(!nmf->linesearch || (!nmf->l2 && nmf->lambda_L > 0), nmf->comm, PETSC_ERR_ARG_INCOMP, "linesearch needs the KL loss and lambda_L > 0 (got l2 %s, lambda_L %g)", nmf->l2 ? "true" : "false", (double)nmf->lambda_L);
  PetscCheck(!(nmf->algo == NMF_ALGO_L2_SURROGATE && nmf->l2), nmf->comm, PETSC_ERR_ARG_INCOMP, "algo l2_surrogate works with the KL loss only: remove -nmf_l2");
  PetscCheck(!(nmf->algo == NMF_ALGO_LOG_SURROGATE && nmf->l2 && (nmf->lambda_L != 0 || has_mu)), nmf->comm, PETSC_ERR_ARG_INCOMP, "the l2 loss with log_surrogate needs lambda_L = 0 and mu = 0 (got lambda_L %g%s)", (double)nmf->lambda_L, has_mu ? " and a nonzero mu" : "");
  if (nmf->algo == NMF_ALGO_PROJECTED_GRADIENT) PetscCheck(nmf->gamma_given.size() != 1, nmf->comm, PETSC_ERR_ARG_SIZ, "projected_gradient takes two steps, -nmf_gamma gamma_H,gamma_W, not one value");
  else PetscCheck(nmf->gamma_given.size() <= 1, nmf->comm, PETSC_ERR_ARG_SIZ, "algo %s takes one gamma (sigma_L), not %zu values", NMFAlgos[nmf->algo], nmf->gamma_given.size());
  PetscCheck(!nmf->true_H || (PetscInt)nmf->true_D.size() == n * k, nmf->comm, PETSC_ERR_ARG_SIZ, "true_D must be (%" PetscInt_FMT ", %" PetscInt_FMT ")", n, k);
  PetscCheck(nmf->W_init.empty() || (PetscInt)nmf->W_init.size() == m * k, nmf->comm, PETSC_ERR_ARG_SIZ, "the initial W has %zu entries, expected (%" PetscInt_FMT ", %" PetscInt_FMT ")", nmf->W_init.size(), m, k);
  PetscCheck(nmf->fixed_W.empty() || (PetscInt)nmf->fixed_W.size() == m * k, nmf->comm, PETSC_ERR_ARG_SIZ, "the fixed_W mask has %zu entries, expected (%" PetscInt_FMT ", %" PetscInt_FMT ")", nmf->fixed_W.size(), m, k);
  PetscCheck(nmf->scree_n <= PetscMin(n, nmf->p), nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "scree = %" PetscInt_FMT ": X has only min(channels, pixels) = %" PetscInt_FMT " singular values", nmf->scree_n, PetscMin(n, nmf->p));
  if (!nmf->daH) PetscCall(NMFCreateAbundanceDM_Private(nmf));
  PetscCall(DMCreateGlobalVector(nmf->daH, &nmf->H));
  PetscCall(DMCreateGlobalVector(nmf->daH, &nmf->H_new));
  PetscCall(DMCreateLocalVector(nmf->daH, &nmf->H_local));
  nmf->num.assign(nmf->p_local * k, 0.0);
  nmf->den.assign(nmf->p_local * k, 0.0);
  if (!nmf->random_state_set) { /* espm's None: a fresh seed, drawn once and shared */
    PetscInt64 seed = (PetscInt64)time(NULL) ^ ((PetscInt64)clock() << 20);
    PetscCallMPI(MPI_Bcast(&seed, 1, MPIU_INT64, 0, nmf->comm));
    nmf->random_state = seed & 0x7fffffff;
  }
  PetscCall(NMFPrepareData_Private(nmf)); /* and the fingerprint of X as given, when wanted */
  if (nmf->restart_file.empty()) PetscCall(NMFInitialize_Private(nmf));
  else PetscCall(NMFRestoreCheckpoint_Private(nmf)); /* W, H and the iteration state */
  nmf->setupcalled  = PETSC_TRUE;
  nmf->init_seconds = MPI_Wtime() - t0;
  PetscCall(NMFPhaseEnd_Private(NMF_PHASE_INIT));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* max |new - old| / (new + tol mean(new)) over all entries (global for H) */
static double RelativeChange(PetscInt len, const double *nw, const double *old, double tol, double mean)
{
  double r = 0;
  for (PetscInt e = 0; e < len; e++) r = PetscMax(r, PetscAbsReal(nw[e] - old[e]) / (nw[e] + tol * mean));
  return r;
}

static PetscErrorCode RelativeChangeH(NMF nmf, double *rel)
{
  const PetscInt     len = nmf->p_local * nmf->k;
  const PetscScalar *h, *hn;
  double             s = 0;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(nmf->H, &h));
  PetscCall(VecGetArrayRead(nmf->H_new, &hn));
  for (PetscInt e = 0; e < len; e++) s += hn[e];
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &s, 1, MPI_DOUBLE, MPI_SUM, nmf->comm));
  *rel = RelativeChange(len, hn, h, nmf->tol, s / ((double)nmf->k * (double)nmf->p));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, rel, 1, MPI_DOUBLE, MPI_MAX, nmf->comm));
  PetscCall(VecRestoreArrayRead(nmf->H_new, &hn));
  PetscCall(VecRestoreArrayRead(nmf->H, &h));
  PetscFunctionReturn(0);
}

/* espm's get_losses() columns: full_loss, the data term, log_reg_loss, Lapl_reg_loss, gamma, rel_W, rel_H,
   and with a ground truth ang_pI, mse_pI, true_KL_loss */
static void LossNames(NMF nmf)
{
  nmf->loss_names.assign(NMFLossNames, NMFLossNames + NMF_LOSS_COLUMNS); /* espm keeps "KL_div_loss" with l2 too */
  if (!nmf->true_H) return;
  for (PetscInt i = 0; i < nmf->k; i++) nmf->loss_names.push_back("ang_p" + std::to_string(i));
  for (PetscInt i = 0; i < nmf->k; i++) nmf->loss_names.push_back("mse_p" + std::to_string(i));
  nmf->loss_names.push_back("true_KL_loss");
}

/* Evaluates the iterate (W, H): pass A over X gives the numerator of the next H step (nmf->num)
   and, when the floors of the loss are inactive (G W >= eps, H >= eps), the data term of its
   loss, so the loss of iterate t rides on the H pass of iteration t + 1.  The ghost exchange of
   H for the Laplacian overlaps the pass.  D = G W on return. */
static PetscErrorCode EvaluateIterate(NMF nmf, bool want_num, std::vector<double> &D, NMFLoss *loss)
{
  const PetscInt      n = nmf->n, k = nmf->k, pl = nmf->p_local;
  std::vector<double> Dt;
  const PetscScalar  *H;
  double              sums[4] = {0, 0, 0, 0};
  NMFPassA            a;

  PetscFunctionBegin;
  D.resize(n * k);
  NMFComputeD_Private(nmf, nmf->W.data(), D.data());
  double Dmin = PETSC_MAX_REAL;
  for (double d : D) Dmin = PetscMin(Dmin, d);
  const bool fused = nmf->l2 || (Dmin >= nmf->log_shift && nmf->H_above_floor);
  if (nmf->lambda_L != 0) PetscCall(NMFLaplacianBegin_Private(nmf, nmf->H));
  PetscCall(VecGetArrayRead(nmf->H, &H));
  NMFPassASetup_Private(nmf, D.data(), H, Dt, &a);
  if (nmf->algo == NMF_ALGO_L2_SURROGATE) a.shift = nmf->log_shift; /* espm's X / (D H + eps) */
  if (want_num || fused) PetscCall(NMFPassA_Private(nmf, a, want_num ? nmf->num.data() : nullptr, fused ? sums : nullptr));
  PetscCall(VecRestoreArrayRead(nmf->H, &H));
  if (nmf->lambda_L != 0) {
    nmf->HL.resize(pl * k);
    PetscCall(NMFLaplacianEnd_Private(nmf, nmf->H, nmf->HL.data()));
  }
  if (!fused) PetscCall(NMFLoss_Private(nmf, nmf->W.data(), nmf->H, loss));
  else {
    PetscCall(VecGetArrayRead(nmf->H, &H));
    NMFRegularizationSums_Private(nmf, H, nmf->lambda_L != 0 ? nmf->HL.data() : nullptr, sums + 2);
    PetscCall(VecRestoreArrayRead(nmf->H, &H));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, 4, MPI_DOUBLE, MPI_SUM, nmf->comm));
    NMFLossFromSums_Private(nmf, sums, loss);
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMFWStepSums_Private(NMF nmf, const double *D, std::vector<double> &At, std::vector<double> &tail)
{
  const PetscInt      n = nmf->n, k = nmf->k, pl = nmf->p_local;
  std::vector<double> Dt, sums(n * k + (nmf->l2 ? k * k : k), 0.0);
  const PetscScalar  *H;
  NMFPassA            a;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(nmf->H_new, &H));
  NMFPassASetup_Private(nmf, D, H, Dt, &a);
  PetscCall(NMFPassB_Private(nmf, a, sums.data()));
  double *t = sums.data() + n * k;
  if (nmf->l2) {
    for (PetscInt q = 0; q < pl; q++)
      for (PetscInt c = 0; c < k; c++)
        for (PetscInt d = 0; d < k; d++) t[c * k + d] += H[q * k + c] * H[q * k + d]; /* H H^T */
  } else
    for (PetscInt q = 0; q < pl; q++)
      for (PetscInt c = 0; c < k; c++) t[c] += H[q * k + c]; /* rowsum(H) */
  PetscCall(VecRestoreArrayRead(nmf->H_new, &H));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums.data(), (PetscMPIInt)sums.size(), MPI_DOUBLE, MPI_SUM, nmf->comm));
  At.assign(sums.begin(), sums.begin() + n * k);
  tail.assign(sums.begin() + n * k, sums.end());
  PetscFunctionReturn(0);
}

/* One iteration from the evaluated iterate: H step (with its line search), then W step. */
static PetscErrorCode Iterate(NMF nmf, const std::vector<double> &D, std::vector<double> &W_new)
{
  PetscFunctionBegin;
  if (nmf->algo == NMF_ALGO_PROJECTED_GRADIENT) {
    PetscCall(NMFPhaseBegin_Private(NMF_PHASE_H));
    PetscCall(NMFGradientHStep_Private(nmf, D.data()));
    if (nmf->linesearch) PetscCall(NMFGradientHLinesearch_Private(nmf));
    PetscCall(NMFPhaseEnd_Private(NMF_PHASE_H));
    if (nmf->hold_W) W_new = nmf->W;
    else {
      PetscCall(NMFPhaseBegin_Private(NMF_PHASE_W));
      PetscCall(NMFGradientWStep_Private(nmf, D.data(), W_new));
      if (nmf->linesearch) PetscCall(NMFGradientWLinesearch_Private(nmf, W_new));
      PetscCall(NMFPhaseEnd_Private(NMF_PHASE_W));
    }
  } else {
    PetscCall(NMFPhaseBegin_Private(NMF_PHASE_H));
    PetscCall(NMFMultiplicativeHStep_Private(nmf, D.data()));
    if (nmf->linesearch) {
      double gap;
      PetscCall(NMFSurrogateGap_Private(nmf, &gap));
      nmf->gamma_H = gap > 0 ? nmf->gamma_H / 1.05 : nmf->gamma_H * 1.5; /* gamma /1.05 while the surrogate stays above */
    }
    PetscCall(NMFPhaseEnd_Private(NMF_PHASE_H));
    if (nmf->hold_W) W_new = nmf->W;
    else {
      PetscCall(NMFPhaseBegin_Private(NMF_PHASE_W));
      PetscCall(NMFMultiplicativeWStep_Private(nmf, D.data(), W_new));
      PetscCall(NMFPhaseEnd_Private(NMF_PHASE_W));
    }
  }
  PetscFunctionReturn(0);
}

/* the starting step parameters: given, or espm's defaults */
static PetscErrorCode InitialSteps(NMF nmf)
{
  PetscFunctionBegin;
  if (nmf->algo == NMF_ALGO_PROJECTED_GRADIENT) {
    if (nmf->gamma_given.empty()) PetscCall(NMFLipschitzBounds_Private(nmf, &nmf->gamma_H, &nmf->gamma_W));
    else {
      nmf->gamma_H = nmf->gamma_given[0];
      nmf->gamma_W = nmf->gamma_given[1];
    }
    nmf->gamma_initial = {nmf->gamma_H, nmf->gamma_W};
  } else {
    nmf->gamma_H       = nmf->gamma_given.empty() ? 8.0 : nmf->gamma_given[0]; /* sigma_L */
    nmf->gamma_initial = {nmf->gamma_H};
  }
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSolve(NMF nmf)
try {
  NMFLoss             loss;
  std::vector<double> D, W_new, row;

  PetscFunctionBegin;
  PetscCall(NMFSetUp(nmf));
  PetscCheck(!nmf->solved, nmf->comm, PETSC_ERR_ORDER, "NMFSolve was already called on this object");
  const PetscInt n = nmf->n, k = nmf->k;
  const double   t0 = nmf->fit_start = MPI_Wtime() - nmf->fit_seconds_before;
  LossNames(nmf);
  if (!nmf->resumed) nmf->losses.assign(nmf->loss_names.size(), std::vector<double>());

  /* a restored run resumes here, from "(W, H) evaluated, n_iter done", as the loop below does */
  PetscCall(NMFPhaseBegin_Private(NMF_PHASE_LOSS));
  PetscCall(EvaluateIterate(nmf, true, D, &loss));
  PetscCall(NMFPhaseEnd_Private(NMF_PHASE_LOSS));
  nmf->reason = NMF_CONVERGED_ITERATING;
  if (!nmf->resumed) { /* else the checkpoint gave them */
    nmf->eval_init   = loss.full;
    nmf->eval_before = INFINITY;
    nmf->n_iter      = 0;
    PetscCall(InitialSteps(nmf));
  }
  while (nmf->reason == NMF_CONVERGED_ITERATING) {
    PetscCall(Iterate(nmf, D, W_new));
    nmf->n_iter++;
    double mean_W = 0, rel_H;
    for (double w : W_new) mean_W += w;
    mean_W /= W_new.size();
    const double rel_W = RelativeChange((PetscInt)W_new.size(), W_new.data(), nmf->W.data(), nmf->tol, mean_W);
    PetscCall(RelativeChangeH(nmf, &rel_H));
    nmf->W.swap(W_new);
    std::swap(nmf->H, nmf->H_new);
    /* the loss of the new iterate, and the numerator of the next H step unless max_iter stops here */
    PetscCall(NMFPhaseBegin_Private(NMF_PHASE_LOSS));
    PetscCall(EvaluateIterate(nmf, nmf->n_iter < nmf->max_iter, D, &loss));
    PetscCall(NMFPhaseEnd_Private(NMF_PHASE_LOSS));
    const double eval_after = loss.full;
    row = {loss.full, loss.kl, loss.log_reg, loss.lapl, nmf->gamma_H, rel_W, rel_H};
    if (nmf->true_H) {
      row.resize(NMF_LOSS_COLUMNS + 2 * k + 1);
      PetscCall(NMFTruthMetrics_Private(nmf, row.data() + NMF_LOSS_COLUMNS));
    }
    for (size_t j = 0; j < row.size(); j++) nmf->losses[j].push_back(row[j]);

    /* stopping rules, in espm's order */
    if (nmf->n_iter >= nmf->max_iter) nmf->reason = NMF_CONVERGED_MAX_ITER;
    else if (!nmf->no_stop_criterion) {
      if (PetscMax(rel_H, rel_W) < nmf->tol) nmf->reason = NMF_CONVERGED_REL_CHANGE_WH;
      else if (PetscAbsReal((nmf->eval_before - eval_after) / nmf->eval_init) < nmf->tol) nmf->reason = NMF_CONVERGED_REL_CHANGE_LOSS;
      else if (PetscIsNanReal(eval_after)) nmf->reason = NMF_DIVERGED_NAN;
      else if (nmf->eval_before - eval_after < 0) nmf->reason = NMF_DIVERGED_NEGATIVE_DECREASE;
    }
    if (nmf->reason == NMF_CONVERGED_ITERATING && nmf->verbose > 0 && nmf->n_iter % nmf->eval_print == 0)
      PetscCall(PetscPrintf(nmf->comm, "It %" PetscInt_FMT " / %" PetscInt_FMT ": loss %e, %0.3f it/s\n", nmf->n_iter, nmf->max_iter, eval_after, nmf->n_iter / (MPI_Wtime() - t0)));
    nmf->eval_before = eval_after;
    PetscCall(NMFMonitorCall_Private(nmf)); /* checkpoints; may interrupt */
  }
  if (!nmf->force_simplex) {
    PetscCall(NMFRescaleWH_Private(nmf, nmf->W, nmf->H));
    PetscCall(NMFLoss_Private(nmf, nmf->W.data(), nmf->H, &loss));
  }
  nmf->fit_seconds        = MPI_Wtime() - t0;
  nmf->reconstruction_err = loss.full; /* the loss of the final W, H */
  if (nmf->normalize)
    for (double &w : nmf->W) w = w / nmf->norm_factor; /* W <- W / f */
  nmf->GW.resize(n * k);
  NMFComputeD_Private(nmf, nmf->W.data(), nmf->GW.data());
  nmf->losses_table.clear();
  for (auto &col : nmf->losses) nmf->losses_table.insert(nmf->losses_table.end(), col.begin(), col.end());
  nmf->solved = PETSC_TRUE;
  if (nmf->verbose > 0) PetscCall(PetscPrintf(nmf->comm, "Stopped after %" PetscInt_FMT " iterations (%s) in %.3f s\n", nmf->n_iter, NMFConvergedReasonName(nmf->reason), nmf->fit_seconds));
  if (nmf->view) PetscCall(NMFView(nmf, NULL));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

