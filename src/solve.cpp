/* NMFSetUp and NMFSolve: the iteration of espm's SmoothNMF, algo log_surrogate, KL loss
   (algorithm notes, sections 4 to 7). */
#include "nmf_impl.h"
#include <cmath>
#include <ctime>

PetscErrorCode NMFSetUp(NMF nmf)
{
  double t0 = MPI_Wtime();

  PetscFunctionBegin;
  if (nmf->setupcalled) PetscFunctionReturn(0);
  PetscCheck(nmf->X, nmf->comm, PETSC_ERR_ORDER, "no data: call NMFSetData before NMFSetUp/NMFSolve");
  const PetscInt k = nmf->k, n = nmf->n;
  PetscCheck((PetscInt)nmf->mu.size() == 1 || (PetscInt)nmf->mu.size() == k, nmf->comm, PETSC_ERR_ARG_SIZ, "mu has %zu values: give one value or one per component (n_components = %" PetscInt_FMT ")", nmf->mu.size(), k);
  PetscCheck(!nmf->force_simplex || k * nmf->log_shift < 1, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "n_components * log_shift = %g >= 1: no abundances on the simplex can stay above log_shift", (double)(k * nmf->log_shift));
  PetscCheck(nmf->G.empty() || (PetscInt)nmf->G.size() == n * nmf->m, nmf->comm, PETSC_ERR_ARG_SIZ, "G has %zu entries, expected %" PetscInt_FMT " rows (the data's channels) x %" PetscInt_FMT, nmf->G.size(), n, nmf->m);
  const PetscInt m = nmf->G.empty() ? n : nmf->m;
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
  PetscCall(NMFPrepareData_Private(nmf));
  PetscCall(NMFInitialize_Private(nmf));
  nmf->setupcalled  = PETSC_TRUE;
  nmf->init_seconds = MPI_Wtime() - t0;
  PetscFunctionReturn(0);
}

/* One H step: H_new = max(num / (den + nu), eps) with
     num = H .* (D^T (X / (D H)) + lambda_L gamma M),
     den = colsum(D) + mu / (H + epsilon_reg) + lambda_L gamma M + lambda_L (H Delta),
   M the global row maxima of H, nu the simplex multiplier (or 0). */
static PetscErrorCode HStep(NMF nmf, const double *D, const double *X)
{
  const PetscInt      k = nmf->k, n = nmf->n, pl = nmf->p_local;
  const double        lg = nmf->lambda_L * nmf->gamma, eps = nmf->log_shift;
  double             *num = nmf->num.data(), *den = nmf->den.data();
  std::vector<double> colsumD(k, 0.0), M(k, 0.0), HL, nu(pl, 0.0);
  const PetscScalar  *H;
  PetscScalar        *Hn;

  PetscFunctionBegin;
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt c = 0; c < k; c++) colsumD[c] += D[i * k + c];
  if (nmf->lambda_L != 0) {
    HL.resize(pl * k);
    PetscCall(NMFApplyLaplacian_Private(nmf, nmf->H, HL.data()));
  }
  PetscCall(VecGetArrayRead(nmf->H, &H));
  if (nmf->lambda_L != 0) PetscCall(NMFRowMax_Private(nmf, H, M.data()));
  NMFKLNumerator_Private(nmf, X, D, H, num); /* num = D^T (X / (D H)) */
  const bool has_mu = !(nmf->mu.size() == 1 && nmf->mu[0] == 0);
  for (PetscInt q = 0; q < pl; q++) {
    for (PetscInt c = 0; c < k; c++) {
      const PetscInt e = q * k + c;
      den[e]           = colsumD[c];
      if (has_mu) den[e] = den[e] + nmf->mu[nmf->mu.size() == 1 ? 0 : c] / (H[e] + nmf->epsilon_reg); /* den += mu / (H + eps_reg) */
      if (nmf->lambda_L != 0) {
        num[e] = num[e] + lg * M[c];                            /* num += lambda_L gamma M */
        den[e] = den[e] + lg * M[c] + nmf->lambda_L * HL[e];    /* den += lambda_L gamma M + lambda_L H Delta */
      }
      num[e] = H[e] * num[e]; /* num <- H num */
    }
  }
  if (nmf->force_simplex) PetscCall(NMFSimplexMultiplier_Private(nmf, num, den, nu.data()));
  PetscCall(VecRestoreArrayRead(nmf->H, &H));
  const PetscScalar *fixed = NULL;
  if (nmf->fixed_H) PetscCall(VecGetArrayRead(nmf->fixed_H, &fixed));
  PetscCall(VecGetArray(nmf->H_new, &Hn));
  for (PetscInt q = 0; q < pl; q++)
    for (PetscInt c = 0; c < k; c++) {
      const PetscInt e = q * k + c;
      Hn[e]            = PetscMax(num[e] / (den[e] + nu[q]), eps); /* H <- max(num / (den + nu), eps) */
      if (fixed && fixed[e] >= 0) Hn[e] = fixed[e];
    }
  PetscCall(VecRestoreArray(nmf->H_new, &Hn));
  if (fixed) PetscCall(VecRestoreArrayRead(nmf->fixed_H, &fixed));
  PetscFunctionReturn(0);
}

/* One W step (KL): W_new = W .* (G^T (X / (G W H)) H^T) ./ (colsum(G)^T rowsum(H)^T), H = H_new */
static PetscErrorCode WStep(NMF nmf, const double *D, const double *X, std::vector<double> &W_new)
{
  const PetscInt      k = nmf->k, n = nmf->n, pl = nmf->p_local;
  const bool          identity = nmf->G.empty();
  const PetscInt      m = identity ? n : nmf->m;
  std::vector<double> sums(n * k + k, 0.0); /* A = (X/Y) H^T (n x k), then rowsum(H) */
  const PetscScalar  *H;

  PetscFunctionBegin;
  PetscCall(VecGetArrayRead(nmf->H_new, &H));
  NMFKLWeightedRatio_Private(nmf, X, D, H, sums.data());
  for (PetscInt q = 0; q < pl; q++)
    for (PetscInt c = 0; c < k; c++) sums[n * k + c] += H[q * k + c];
  PetscCall(VecRestoreArrayRead(nmf->H_new, &H));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums.data(), (PetscMPIInt)(n * k + k), MPI_DOUBLE, MPI_SUM, nmf->comm));
  const double *A = sums.data(), *rowsumH = sums.data() + n * k;
  W_new.assign(m * k, 0.0);
  for (PetscInt j = 0; j < m; j++) {
    double colsumG = 1.0;
    if (!identity) {
      colsumG = 0;
      for (PetscInt i = 0; i < n; i++) colsumG += nmf->G[i * m + j];
    }
    for (PetscInt c = 0; c < k; c++) {
      double term1;
      if (identity) term1 = A[j * k + c];
      else {
        term1 = 0;
        for (PetscInt i = 0; i < n; i++) term1 += nmf->G[i * m + j] * A[i * k + c]; /* G^T A */
      }
      const double term2 = colsumG * rowsumH[c];
      const PetscInt e   = j * k + c;
      W_new[e]           = PetscMax(nmf->W[e] / term2 * term1, nmf->log_shift); /* W <- max(W / term2 * term1, eps) */
      if (!nmf->fixed_W.empty() && nmf->fixed_W[e] >= 0) W_new[e] = nmf->fixed_W[e];
    }
  }
  PetscFunctionReturn(0);
}

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

/* Nonnegative least squares in Gram form, min 0.5 s^T Q s - b^T s with s >= 0 (Lawson-Hanson). */
static PetscErrorCode NNLSGram(PetscInt k, const double *Q, const double *b, double *s)
{
  std::vector<char>   P(k, 0);
  std::vector<double> z(k), w(k);

  PetscFunctionBegin;
  for (PetscInt j = 0; j < k; j++) s[j] = 0;
  for (PetscInt outer = 0; outer < 3 * k + 3; outer++) {
    PetscInt jmax = -1;
    for (PetscInt j = 0; j < k; j++) {
      w[j] = b[j];
      for (PetscInt l = 0; l < k; l++) w[j] -= Q[j * k + l] * s[l];
      if (!P[j] && w[j] > 1e-14 * PetscAbsReal(b[j]) && (jmax < 0 || w[j] > w[jmax])) jmax = j;
    }
    if (jmax < 0) break;
    P[jmax] = 1;
    for (PetscInt inner = 0; inner < 3 * k + 3; inner++) {
      std::vector<PetscInt> idx;
      for (PetscInt j = 0; j < k; j++)
        if (P[j]) idx.push_back(j);
      const PetscInt      np = (PetscInt)idx.size();
      std::vector<double> A(np * np), B(np);
      for (PetscInt a = 0; a < np; a++) {
        B[a] = b[idx[a]];
        for (PetscInt c = 0; c < np; c++) A[c * np + a] = Q[idx[a] * k + idx[c]];
      }
      PetscCall(NMFLeastSquares_Private(np, np, 1, A.data(), B.data()));
      for (PetscInt j = 0; j < k; j++) z[j] = 0;
      bool pos = true;
      for (PetscInt a = 0; a < np; a++) {
        z[idx[a]] = B[a];
        if (B[a] <= 0) pos = false;
      }
      if (pos) {
        for (PetscInt j = 0; j < k; j++) s[j] = z[j];
        break;
      }
      double alpha = 1;
      for (PetscInt j = 0; j < k; j++)
        if (P[j] && z[j] <= 0) alpha = PetscMin(alpha, s[j] / (s[j] - z[j]));
      for (PetscInt j = 0; j < k; j++) {
        s[j] += alpha * (z[j] - s[j]);
        if (P[j] && s[j] <= 1e-300) {
          P[j] = 0;
          s[j] = 0;
        }
      }
    }
  }
  PetscFunctionReturn(0);
}

/* Without the simplex: s = lstsq(H^T, 1) (NNLS if some s <= 0, floored at 1e-10);
   W <- W diag(1/s), H <- diag(s) H.  The least squares go through the k x k normal equations. */
static PetscErrorCode RescaleWH(NMF nmf)
{
  const PetscInt      k = nmf->k, pl = nmf->p_local;
  std::vector<double> sums(k * k + k, 0.0), s(k);
  PetscScalar        *H;

  PetscFunctionBegin;
  PetscCall(VecGetArray(nmf->H, &H));
  for (PetscInt q = 0; q < pl; q++)
    for (PetscInt c = 0; c < k; c++) {
      for (PetscInt d = 0; d < k; d++) sums[c * k + d] += H[q * k + c] * H[q * k + d]; /* H H^T */
      sums[k * k + c] += H[q * k + c];                                                 /* H 1 */
    }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums.data(), (PetscMPIInt)(k * k + k), MPI_DOUBLE, MPI_SUM, nmf->comm));
  std::vector<double> Q(sums.begin(), sums.begin() + k * k), b(sums.begin() + k * k, sums.end());
  std::vector<double> A = Q, B = b;
  PetscCall(NMFLeastSquares_Private(k, k, 1, A.data(), B.data()));
  bool nonpos = false;
  for (PetscInt c = 0; c < k; c++) {
    s[c] = B[c];
    if (s[c] <= 0) nonpos = true;
  }
  if (nonpos) {
    PetscCall(NNLSGram(k, Q.data(), b.data(), s.data()));
    for (double &v : s) v = PetscMax(v, 1e-10);
  }
  for (PetscInt j = 0; j < (PetscInt)nmf->W.size() / k; j++)
    for (PetscInt c = 0; c < k; c++) nmf->W[j * k + c] = nmf->W[j * k + c] * (1.0 / s[c]); /* W <- W diag(1/s) */
  for (PetscInt q = 0; q < pl; q++)
    for (PetscInt c = 0; c < k; c++) H[q * k + c] = s[c] * H[q * k + c]; /* H <- diag(s) H */
  PetscCall(VecRestoreArray(nmf->H, &H));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSolve(NMF nmf)
{
  NMFLoss             loss;
  std::vector<double> D, W_new;
  const PetscScalar  *X;

  PetscFunctionBegin;
  PetscCall(NMFSetUp(nmf));
  PetscCheck(!nmf->solved, nmf->comm, PETSC_ERR_ORDER, "NMFSolve was already called on this object");
  const PetscInt n = nmf->n, k = nmf->k;
  const double   t0 = MPI_Wtime();
  D.resize(n * k);
  for (auto &col : nmf->losses) col.clear();

  PetscCall(NMFLoss_Private(nmf, nmf->W.data(), nmf->H, &loss));
  const double eval_init = loss.full;
  double       eval_before = INFINITY;
  nmf->n_iter            = 0;
  nmf->reason            = NMF_CONVERGED_ITERATING;
  while (nmf->reason == NMF_CONVERGED_ITERATING) {
    PetscCall(VecGetArrayRead(nmf->X, &X));
    NMFComputeD_Private(nmf, nmf->W.data(), D.data());
    PetscCall(HStep(nmf, D.data(), X));
    PetscCall(WStep(nmf, D.data(), X, W_new));
    PetscCall(VecRestoreArrayRead(nmf->X, &X));
    PetscCall(NMFLoss_Private(nmf, W_new.data(), nmf->H_new, &loss));
    const double eval_after = loss.full;
    nmf->n_iter++;
    double       mean_W = 0, rel_H;
    for (double w : W_new) mean_W += w;
    mean_W /= W_new.size();
    const double rel_W = RelativeChange((PetscInt)W_new.size(), W_new.data(), nmf->W.data(), nmf->tol, mean_W);
    PetscCall(RelativeChangeH(nmf, &rel_H));
    nmf->W.swap(W_new);
    std::swap(nmf->H, nmf->H_new);
    const double row[NMF_LOSS_COLUMNS] = {loss.full, loss.kl, loss.log_reg, loss.lapl, nmf->gamma, rel_W, rel_H};
    for (PetscInt j = 0; j < NMF_LOSS_COLUMNS; j++) nmf->losses[j].push_back(row[j]);

    /* stopping rules, in espm's order */
    if (nmf->n_iter >= nmf->max_iter) nmf->reason = NMF_CONVERGED_MAX_ITER;
    else if (!nmf->no_stop_criterion) {
      if (PetscMax(rel_H, rel_W) < nmf->tol) nmf->reason = NMF_CONVERGED_REL_CHANGE_WH;
      else if (PetscAbsReal((eval_before - eval_after) / eval_init) < nmf->tol) nmf->reason = NMF_CONVERGED_REL_CHANGE_LOSS;
      else if (PetscIsNanReal(eval_after)) nmf->reason = NMF_DIVERGED_NAN;
      else if (eval_before - eval_after < 0) nmf->reason = NMF_DIVERGED_NEGATIVE_DECREASE;
    }
    if (nmf->reason == NMF_CONVERGED_ITERATING && nmf->verbose > 0 && nmf->n_iter % nmf->eval_print == 0)
      PetscCall(PetscPrintf(nmf->comm, "It %" PetscInt_FMT " / %" PetscInt_FMT ": loss %e, %0.3f it/s\n", nmf->n_iter, nmf->max_iter, eval_after, nmf->n_iter / (MPI_Wtime() - t0)));
    eval_before = eval_after;
  }
  if (!nmf->force_simplex) PetscCall(RescaleWH(nmf));
  nmf->fit_seconds = MPI_Wtime() - t0;
  PetscCall(NMFLoss_Private(nmf, nmf->W.data(), nmf->H, &loss));
  nmf->reconstruction_err = loss.full;
  if (nmf->normalize)
    for (double &w : nmf->W) w = w / nmf->norm_factor; /* W <- W / f */
  nmf->GW.resize(n * k);
  NMFComputeD_Private(nmf, nmf->W.data(), nmf->GW.data());
  nmf->losses_table.clear();
  for (PetscInt j = 0; j < NMF_LOSS_COLUMNS; j++) nmf->losses_table.insert(nmf->losses_table.end(), nmf->losses[j].begin(), nmf->losses[j].end());
  nmf->solved = PETSC_TRUE;
  if (nmf->verbose > 0) PetscCall(PetscPrintf(nmf->comm, "Stopped after %" PetscInt_FMT " iterations (%s) in %.3f s\n", nmf->n_iter, NMFConvergedReasonName(nmf->reason), nmf->fit_seconds));
  if (nmf->view) PetscCall(NMFView(nmf, NULL));
  PetscFunctionReturn(0);
}
