/* NMFSolve: the iteration of espm's SmoothNMF (doc/algorithm.md, sections 4 to 7): H step, W step
   (the type's), losses, stopping rules (NMFConvergedDefault or the application's), monitors. */
#include <smoothnmf/private/nmfimpl.h>
#include <cmath>

/* max |new - old| / (new + tol mean(new)) over all entries (global for H) */
static double RelativeChange(PetscInt len, const double *nw, const double *old, double tol, double mean)
{
  double r = 0;
  for (PetscInt e = 0; e < len; e++) r = PetscMax(r, PetscAbsReal(nw[e] - old[e]) / (nw[e] + tol * mean));
  return r;
}

/* rel_W over the rows of W that are estimated: with the identity G a masked channel's are held */
static PetscErrorCode RelativeChangeW(NMF nmf, const std::vector<double> &W_new, double *rel)
{
  const PetscInt k = nmf->k, rows = (PetscInt)W_new.size() / k;
  double         mean = 0, count = 0;

  PetscFunctionBegin;
  for (PetscInt j = 0; j < rows; j++)
    if (!NMFWRowHeld_Private(nmf, j)) {
      for (PetscInt c = 0; c < k; c++) mean += W_new[j * k + c];
      count += k;
    }
  mean /= count;
  *rel = 0;
  for (PetscInt j = 0; j < rows; j++)
    if (!NMFWRowHeld_Private(nmf, j)) *rel = PetscMax(*rel, RelativeChange(k, W_new.data() + j * k, nmf->W.data() + j * k, nmf->tol, mean));
  PetscFunctionReturn(0);
}

/* rel_H over the pixels whose abundances are estimated: with lambda_L = 0 a masked pixel's are
   held (nothing determines them) and left out */
static PetscErrorCode RelativeChangeH(NMF nmf, double *rel)
{
  const PetscInt     k = nmf->k, pl = nmf->p_local;
  const PetscScalar *h, *hn;
  double             s[2] = {0, 0};

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(nmf->H, &h));
  PetscCall(VecGetArrayRead(nmf->H_new, &hn));
  for (PetscInt q = 0; q < pl; q++)
    if (!NMFPixelHeld_Private(nmf, q)) {
      for (PetscInt c = 0; c < k; c++) s[0] += hn[q * k + c];
      s[1] += 1;
    }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, s, 2, MPI_DOUBLE, MPI_SUM, nmf->comm));
  *rel = 0;
  for (PetscInt q = 0; q < pl; q++)
    if (!NMFPixelHeld_Private(nmf, q)) *rel = PetscMax(*rel, RelativeChange(k, hn + q * k, h + q * k, nmf->tol, s[0] / ((double)k * s[1])));
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
  if (nmf->ratio_shift) a.shift = nmf->log_shift; /* espm's X / (D H + eps) (l2_surrogate) */
  if (want_num || fused) PetscCall(NMFPassA_Private(nmf, a, want_num ? nmf->num.data() : nullptr, fused ? sums : nullptr));
  PetscCall(VecRestoreArrayRead(nmf->H, &H));
  if (nmf->lambda_L != 0) {
    nmf->HL.resize(pl * k);
    PetscCall(NMFLaplacianEnd_Private(nmf, nmf->H, nmf->HL.data()));
  }
  if (!fused)
    PetscCall(NMFLoss_Private(nmf, nmf->W.data(), nmf->H, loss));
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
      if (!NMFPixelMasked_Private(nmf, q))
        for (PetscInt c = 0; c < k; c++)
          for (PetscInt d = 0; d < k; d++) t[c * k + d] += H[q * k + c] * H[q * k + d]; /* H H^T over the data pixels */
  } else
    for (PetscInt q = 0; q < pl; q++)
      if (!NMFPixelMasked_Private(nmf, q))
        for (PetscInt c = 0; c < k; c++) t[c] += H[q * k + c]; /* rowsum(H) over the data pixels */
  PetscCall(VecRestoreArrayRead(nmf->H_new, &H));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums.data(), (PetscMPIInt)sums.size(), MPI_DOUBLE, MPI_SUM, nmf->comm));
  At.assign(sums.begin(), sums.begin() + n * k);
  tail.assign(sums.begin() + n * k, sums.end());
  PetscFunctionReturn(0);
}

/* One iteration from the evaluated iterate: the type's H step, then its W step (unless W is held) */
static PetscErrorCode Iterate(NMF nmf, const std::vector<double> &D, std::vector<double> &W_new)
{
  PetscFunctionBegin;
  PetscCall(NMFPhaseBegin_Private(NMF_PHASE_H));
  PetscCall((*nmf->ops->hstep)(nmf, D.data()));
  PetscCall(NMFPhaseEnd_Private(NMF_PHASE_H));
  if (nmf->debug) PetscCall(NMFDebugCheck_Private(nmf, "the H step", nullptr, nmf->H_new));
  if (nmf->hold_W)
    W_new = nmf->W;
  else {
    PetscCall(NMFPhaseBegin_Private(NMF_PHASE_W));
    PetscCall((*nmf->ops->wstep)(nmf, D.data(), W_new));
    PetscCall(NMFPhaseEnd_Private(NMF_PHASE_W));
    if (nmf->debug) PetscCall(NMFDebugCheck_Private(nmf, "the W step", W_new.data(), nullptr));
  }
  PetscFunctionReturn(0);
}

/* the starting step parameters: given, or the type's defaults */
static PetscErrorCode InitialSteps(NMF nmf)
{
  PetscFunctionBegin;
  if (nmf->ops->initialsteps)
    PetscCall((*nmf->ops->initialsteps)(nmf));
  else {
    nmf->gamma_H       = nmf->gamma_given.empty() ? nmf->gamma_default : nmf->gamma_given[0];
    nmf->gamma_initial = {nmf->gamma_H};
  }
  PetscFunctionReturn(0);
}

/*@C
   NMFConvergedDefault - espm's stopping rules, in espm's order, after iteration it (< max_iter):
   rel_change_WH when max(rel_H, rel_W) < tol, rel_change_loss when |loss_before - loss| / loss_0
   < tol, nan when the loss is NaN, negative_decrease when the loss grew; none with
   no_stop_criterion.

   Collective

   Input Parameters:
+  nmf - the NMF object
.  it - the iteration just done
.  loss - the loss of the new iterate (espm's full_loss)
.  rel_W, rel_H - the relative changes of W and H
-  ctx - unused

   Output Parameter:
.  reason - NMF_CONVERGED_ITERATING, or why to stop

   Level: advanced

.seealso: NMFSetConvergenceTest()
@*/
PetscErrorCode NMFConvergedDefault(NMF nmf, PetscInt it, PetscReal loss, PetscReal rel_W, PetscReal rel_H, NMFConvergedReason *reason, void *ctx)
{
  PetscFunctionBegin;
  *reason = NMF_CONVERGED_ITERATING;
  if (nmf->no_stop_criterion) PetscFunctionReturn(0);
  if (PetscMax(rel_H, rel_W) < nmf->tol)
    *reason = NMF_CONVERGED_REL_CHANGE_WH;
  else if (PetscAbsReal((nmf->eval_before - loss) / nmf->eval_init) < nmf->tol)
    *reason = NMF_CONVERGED_REL_CHANGE_LOSS;
  else if (PetscIsNanReal(loss))
    *reason = NMF_DIVERGED_NAN;
  else if (nmf->eval_before - loss < 0)
    *reason = NMF_DIVERGED_NEGATIVE_DECREASE;
  PetscFunctionReturn(0);
}

/*@C
   NMFSetConvergenceTest - Replaces the stopping rules (NMFConvergedDefault()) by the
   application's: called on every rank after each iteration that did not reach max_iter.

   Logically Collective

   Input Parameters:
+  nmf - the NMF object
.  converged - the test: sets *reason to NMF_CONVERGED_ITERATING to go on (it may call
               NMFConvergedDefault() itself)
.  ctx - its context
-  destroy - destroys ctx (or NULL)

   Level: advanced

.seealso: NMFConvergedDefault(), NMFMonitorSet()
@*/
PetscErrorCode NMFSetConvergenceTest(NMF nmf, PetscErrorCode (*converged)(NMF, PetscInt, PetscReal, PetscReal, PetscReal, NMFConvergedReason *, void *), void *ctx, PetscErrorCode (*destroy)(void **))
{
  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
  if (nmf->converged_destroy) PetscCall((*nmf->converged_destroy)(&nmf->converged_ctx));
  nmf->converged         = converged;
  nmf->converged_ctx     = ctx;
  nmf->converged_destroy = destroy;
  PetscFunctionReturn(0);
}

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
PetscErrorCode NMFSolve(NMF nmf)
try {
  NMFLoss             loss;
  std::vector<double> D, W_new, row;

  PetscFunctionBegin;
  PetscValidHeaderSpecific(nmf, NMF_CLASSID, 1);
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
  if (nmf->debug) PetscCall(NMFDebugCheck_Private(nmf, "the initialization", nmf->W.data(), nmf->H));
  while (nmf->reason == NMF_CONVERGED_ITERATING) {
    PetscCall(Iterate(nmf, D, W_new));
    nmf->n_iter++;
    double rel_H, rel_W;
    PetscCall(RelativeChangeW(nmf, W_new, &rel_W));
    PetscCall(RelativeChangeH(nmf, &rel_H));
    nmf->W.swap(W_new);
    std::swap(nmf->H, nmf->H_new);
    /* the loss of the new iterate, and the numerator of the next H step unless max_iter stops here */
    PetscCall(NMFPhaseBegin_Private(NMF_PHASE_LOSS));
    PetscCall(EvaluateIterate(nmf, nmf->n_iter < nmf->max_iter, D, &loss));
    PetscCall(NMFPhaseEnd_Private(NMF_PHASE_LOSS));
    const double eval_after = loss.full;
    row                     = {loss.full, loss.kl, loss.log_reg, loss.lapl, nmf->gamma_H, rel_W, rel_H};
    if (nmf->true_H) {
      row.resize(NMF_LOSS_COLUMNS + 2 * k + 1);
      PetscCall(NMFTruthMetrics_Private(nmf, row.data() + NMF_LOSS_COLUMNS));
    }
    for (size_t j = 0; j < row.size(); j++) nmf->losses[j].push_back(row[j]);

    /* stopping rules: max_iter, then the convergence test (espm's rules by default) */
    if (nmf->n_iter >= nmf->max_iter)
      nmf->reason = NMF_CONVERGED_MAX_ITER;
    else if (nmf->converged)
      PetscCall((*nmf->converged)(nmf, nmf->n_iter, eval_after, rel_W, rel_H, &nmf->reason, nmf->converged_ctx));
    else
      PetscCall(NMFConvergedDefault(nmf, nmf->n_iter, eval_after, rel_W, rel_H, &nmf->reason, nullptr));
    nmf->eval_before = eval_after;          /* the loss of the iterate now held: the progress line's, and a checkpoint's */
    PetscCall(NMFMonitorCall_Private(nmf)); /* the progress line, checkpoints; may interrupt */
  }
  if (!nmf->force_simplex) {
    PetscCall(NMFRescaleWH_Private(nmf, nmf->W, nmf->H));
    PetscCall(NMFLoss_Private(nmf, nmf->W.data(), nmf->H, &loss));
  }
  nmf->fit_seconds        = MPI_Wtime() - t0;
  nmf->reconstruction_err = loss.full;     /* the loss of the final W, H */
  PetscCall(NMFMaskedResult_Private(nmf)); /* NaN where nothing determined H (masked, lambda_L = 0) */
  if (nmf->normalize)
    for (double &w : nmf->W) w = w / nmf->norm_factor; /* W <- W / f */
  nmf->GW.resize(n * k);
  NMFComputeD_Private(nmf, nmf->W.data(), nmf->GW.data());
  nmf->losses_table.clear();
  for (auto &col : nmf->losses) nmf->losses_table.insert(nmf->losses_table.end(), col.begin(), col.end());
  nmf->solved = PETSC_TRUE;
  if (nmf->verbose > 0) PetscCall(PetscPrintf(nmf->comm, "Stopped after %" PetscInt_FMT " iterations (%s) in %.3f s\n", nmf->n_iter, NMFConvergedReasonName(nmf->reason), nmf->fit_seconds));
  PetscCall(NMFViewFromOptions(nmf, NULL, "-nmf_view"));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS
