/* NMFPROJECTEDGRADIENT, espm's algo "projected_gradient" (doc/algorithm.md, section 8): gradient steps on H and W projected on
   H >= eps (with the simplex) and W >= eps, espm's Lipschitz bounds as the default steps, and
   the quadratic-surrogate line search. */
#include <smoothnmf/private/nmfimpl.h>
#include <cmath>

/* (lambda_L Delta) H with the coefficients of espm's float32 Laplacian scaled in float32:
   diagonal fl32(fl32(lambda_L) deg), neighbours -fl32(lambda_L).  HL = H Delta (exact). */
static PetscErrorCode ScaledLaplacian(NMF nmf, Vec H, const double *HL, double *out)
{
  const PetscInt k = nmf->k, pl = nmf->p_local;
  const float    lf = (float)nmf->lambda_L;

  PetscFunctionBegin;
  for (PetscInt e = 0; e < pl * k; e++) out[e] = HL[e]; /* deg h - sum of neighbours (or h) */
  if (!nmf->has_shape) {
    for (PetscInt e = 0; e < pl * k; e++) out[e] = (double)lf * out[e];
    PetscFunctionReturn(0);
  }
  const PetscScalar *h;
  PetscCall(VecGetArrayRead(H, &h));
  for (PetscInt q = 0; q < pl; q++) {
    const PetscInt i = nmf->ys + q / nmf->xm, j = nmf->xs + q % nmf->xm;
    const PetscInt deg  = (i > 0) + (i < nmf->ny - 1) + (j > 0) + (j < nmf->nx - 1);
    const float    cdeg = lf * (float)deg;
    for (PetscInt c = 0; c < k; c++) {
      const double hv = h[q * k + c], nbsum = deg * hv - out[q * k + c];
      out[q * k + c] = (double)cdeg * hv - (double)lf * nbsum;
    }
  }
  PetscCall(VecRestoreArrayRead(H, &h));
  PetscFunctionReturn(0);
}

/* gamma_W = max of ((1^T H0) .* X ./ Y0^2) H0^T,  gamma_H = max of D0^T ((D0 1) .* X ./ Y0^2) + 2 lambda_L + mu epsilon_reg
   at W0 = eps (m x k), H0 = eps (k x p), D0 = G W0, Y0 = D0 H0. */
static PetscErrorCode LipschitzBounds(NMF nmf, double *gamma_H, double *gamma_W)
{
  const PetscInt      n = nmf->n, k = nmf->k;
  const PetscInt      m   = nmf->G.empty() ? n : nmf->m;
  const double        eps = nmf->log_shift;
  std::vector<double> W0(m * k, eps), D0(n * k), rowsumD(n, 0.0), Y0(n), sW(n, 0.0);
  double              colsumH0 = 0, gH = -PETSC_MAX_REAL;

  PetscFunctionBegin;
  if (nmf->G.empty())
    D0.assign(n * k, eps);
  else
    NMFComputeD_Private(nmf, W0.data(), D0.data());
  for (PetscInt c = 0; c < k; c++) colsumH0 += eps;
  for (PetscInt i = 0; i < n; i++) {
    Y0[i] = 0;
    for (PetscInt c = 0; c < k; c++) {
      Y0[i] += D0[i * k + c] * eps;
      rowsumD[i] += D0[i * k + c];
    }
  }
  PetscCall(NMFForPixelBlocks_Private(nmf, [&](PetscInt, PetscInt nb, const double *X) {
    for (PetscInt q = 0; q < nb; q++) {
      const double *xq = X + (size_t)q * n;
      for (PetscInt i = 0; i < n; i++) sW[i] += colsumH0 * xq[i] / (Y0[i] * Y0[i]) * eps;
      for (PetscInt c = 0; c < k; c++) {
        double s = 0;
        for (PetscInt i = 0; i < n; i++) s += D0[i * k + c] * (rowsumD[i] * xq[i] / (Y0[i] * Y0[i]));
        gH = PetscMax(gH, s);
      }
    }
    return PetscErrorCode(0);
  }));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sW.data(), (PetscMPIInt)n, MPI_DOUBLE, MPI_SUM, nmf->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &gH, 1, MPI_DOUBLE, MPI_MAX, nmf->comm));
  double gW = -PETSC_MAX_REAL;
  for (PetscInt i = 0; i < n; i++) gW = PetscMax(gW, sW[i]); /* the same for every column c */
  *gamma_W = gW;
  *gamma_H = gH + 2 * nmf->lambda_L + nmf->mu[0] * nmf->epsilon_reg;
  PetscFunctionReturn(0);
}

/* H_new = max(H - grad / gamma_H + nu, eps), grad = -D^T (X / (D H)) + colsum(D) + mu / (H + eps_reg) + lambda_L H Delta */
static PetscErrorCode GradientHStep(NMF nmf, const double *D)
{
  const PetscInt      k = nmf->k, pl = nmf->p_local;
  std::vector<double> colsum(k, 0.0), LH, nu(pl, 0.0);
  const bool          has_mu = !(nmf->mu.size() == 1 && nmf->mu[0] == 0);
  double             *grad;
  const PetscScalar  *H;
  PetscScalar        *Hn;

  PetscFunctionBegin;
  nmf->grad_H.resize(pl * k);
  grad = nmf->grad_H.data();
  NMFColumnSums_Private(nmf, D, colsum); /* over the unmasked channels */
  if (nmf->lambda_L != 0) {
    LH.resize(pl * k);
    PetscCall(ScaledLaplacian(nmf, nmf->H, nmf->HL.data(), LH.data()));
  }
  PetscCall(VecGetArrayRead(nmf->H, &H));
  PetscCall(VecGetArray(nmf->H_new, &Hn));
  for (PetscInt e = 0; e < pl * k; e++) grad[e] = nmf->num[e]; /* D^T (X / (D H)) from pass A */
  for (PetscInt q = 0; q < pl; q++)
    for (PetscInt c = 0; c < k; c++) {
      const PetscInt e = q * k + c;
      grad[e]          = -grad[e] + (NMFPixelMasked_Private(nmf, q) ? 0.0 : colsum[c]); /* no data term at a masked pixel */
      if (has_mu) grad[e] += nmf->mu[nmf->mu.size() == 1 ? 0 : c] / (H[e] + nmf->epsilon_reg);
      if (nmf->lambda_L != 0) grad[e] += LH[e];
      if (NMFPixelHeld_Private(nmf, q)) grad[e] = 0; /* a masked pixel with lambda_L = 0: held */
      Hn[e] = H[e] - 1 / nmf->gamma_H * grad[e];     /* H - grad / gamma_H */
    }
  if (nmf->force_simplex) PetscCall(NMFSimplexMultiplierProjection_Private(nmf, Hn, nu.data()));
  const PetscScalar *fixed = NULL;
  if (nmf->fixed_H) PetscCall(VecGetArrayRead(nmf->fixed_H, &fixed));
  for (PetscInt q = 0; q < pl; q++)
    for (PetscInt c = 0; c < k; c++) {
      const PetscInt e = q * k + c;
      Hn[e]            = NMFPixelHeld_Private(nmf, q) ? H[e] : PetscMax(Hn[e] + nu[q], nmf->log_shift); /* projection: max(H + nu, eps) */
      if (fixed && fixed[e] >= 0) Hn[e] = fixed[e];
    }
  if (fixed) PetscCall(VecRestoreArrayRead(nmf->fixed_H, &fixed));
  PetscCall(VecRestoreArray(nmf->H_new, &Hn));
  PetscCall(VecRestoreArrayRead(nmf->H, &H));
  PetscFunctionReturn(0);
}

/* grad_W = G^T (-(X / (D H)) H^T + 1 rowsum(H)^T) at (W, H_new) */
static PetscErrorCode GradientW(NMF nmf, const double *D, std::vector<double> &grad)
{
  const PetscInt      k = nmf->k, n = nmf->n;
  const bool          identity = nmf->G.empty();
  const PetscInt      m        = identity ? n : nmf->m;
  std::vector<double> At, rowsumH;

  PetscFunctionBegin;
  PetscCall(NMFWStepSums_Private(nmf, D, At, rowsumH));
  std::vector<double> inner(n * k);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt c = 0; c < k; c++) inner[i * k + c] = -At[c * n + i] + (NMFChannelMasked_Private(nmf, i) ? 0.0 : rowsumH[c]); /* no data term at a masked channel */
  grad.assign(m * k, 0.0);
  for (PetscInt j = 0; j < m; j++)
    for (PetscInt c = 0; c < k; c++) {
      if (identity)
        grad[j * k + c] = inner[j * k + c];
      else {
        double s = 0;
        for (PetscInt i = 0; i < n; i++) s += nmf->G[i * m + j] * inner[i * k + c];
        grad[j * k + c] = s;
      }
    }
  PetscFunctionReturn(0);
}

/* W_new = max(W - grad_W / gamma_W, eps)  (espm applies no fixed_W here) */
static PetscErrorCode GradientWStep(NMF nmf, const double *D, std::vector<double> &W_new)
{
  std::vector<double> grad;

  PetscFunctionBegin;
  PetscCall(GradientW(nmf, D, grad));
  W_new.resize(grad.size());
  for (size_t e = 0; e < grad.size(); e++) W_new[e] = PetscMax(nmf->W[e] - 1 / nmf->gamma_W * grad[e], nmf->log_shift);
  PetscFunctionReturn(0);
}

/* gamma <- gamma / 1.05 when the quadratic surrogate q = f(x_t) + <x - x_t, grad f(x_t)> + gamma ||x - x_t||^2
   stays above f(x), else gamma <- 1.5 gamma (f the full loss, not averaged) */
static double AdaptGamma(double gamma, double f_xt, double inner, double sq, double f_x)
{
  const double d = f_xt + inner + gamma * sq - f_x;
  return d > 0 ? gamma / 1.05 : gamma * 1.5;
}

static PetscErrorCode GradientHLinesearch(NMF nmf)
{
  NMFLoss            f_xt, f_x;
  const PetscScalar *Ho, *Hn;
  double             s[2] = {0, 0};

  PetscFunctionBegin;
  PetscCall(NMFLoss_Private(nmf, nmf->W.data(), nmf->H, &f_xt));
  PetscCall(NMFLoss_Private(nmf, nmf->W.data(), nmf->H_new, &f_x));
  PetscCall(VecGetArrayRead(nmf->H, &Ho));
  PetscCall(VecGetArrayRead(nmf->H_new, &Hn));
  for (PetscInt e = 0; e < nmf->p_local * nmf->k; e++) {
    s[0] += (Hn[e] - Ho[e]) * nmf->grad_H[e];
    s[1] += (Hn[e] - Ho[e]) * (Hn[e] - Ho[e]);
  }
  PetscCall(VecRestoreArrayRead(nmf->H_new, &Hn));
  PetscCall(VecRestoreArrayRead(nmf->H, &Ho));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, s, 2, MPI_DOUBLE, MPI_SUM, nmf->comm));
  nmf->gamma_H = AdaptGamma(nmf->gamma_H, f_xt.raw, s[0], s[1], f_x.raw);
  PetscFunctionReturn(0);
}

/* after the W step: x_t = W (old), x = W_new, both with H = H_new */
static PetscErrorCode GradientWLinesearch(NMF nmf, const std::vector<double> &W_new)
{
  NMFLoss             f_xt, f_x;
  std::vector<double> D(nmf->n * nmf->k), grad;
  double              inner = 0, sq = 0;

  PetscFunctionBegin;
  NMFComputeD_Private(nmf, nmf->W.data(), D.data());
  PetscCall(GradientW(nmf, D.data(), grad));
  PetscCall(NMFLoss_Private(nmf, nmf->W.data(), nmf->H_new, &f_xt));
  PetscCall(NMFLoss_Private(nmf, W_new.data(), nmf->H_new, &f_x));
  for (size_t e = 0; e < W_new.size(); e++) {
    inner += (W_new[e] - nmf->W[e]) * grad[e];
    sq += (W_new[e] - nmf->W[e]) * (W_new[e] - nmf->W[e]);
  }
  nmf->gamma_W = AdaptGamma(nmf->gamma_W, f_xt.raw, inner, sq, f_x.raw);
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFHStep_ProjectedGradient(NMF nmf, const PetscReal D[])
{
  PetscFunctionBegin;
  PetscCall(GradientHStep(nmf, D));
  if (nmf->linesearch) PetscCall(GradientHLinesearch(nmf));
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFWStep_ProjectedGradient(NMF nmf, const PetscReal D[], std::vector<double> &W_new)
{
  PetscFunctionBegin;
  PetscCall(GradientWStep(nmf, D, W_new));
  if (nmf->linesearch) PetscCall(GradientWLinesearch(nmf, W_new));
  PetscFunctionReturn(0);
}

/* the steps: given (gamma_H,gamma_W), or espm's Lipschitz bounds at the start */
static PetscErrorCode NMFInitialSteps_ProjectedGradient(NMF nmf)
{
  PetscFunctionBegin;
  if (nmf->gamma_given.empty())
    PetscCall(LipschitzBounds(nmf, &nmf->gamma_H, &nmf->gamma_W));
  else {
    nmf->gamma_H = nmf->gamma_given[0];
    nmf->gamma_W = nmf->gamma_given[1];
  }
  nmf->gamma_initial = {nmf->gamma_H, nmf->gamma_W};
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFSetUp_ProjectedGradient(NMF nmf)
{
  PetscFunctionBegin;
  PetscCheck(!(nmf->gamma_given.empty() && nmf->mu.size() != 1), nmf->comm, PETSC_ERR_ARG_WRONG, "projected_gradient with one mu per component needs explicit steps: give -nmf_gamma gamma_H,gamma_W");
  PetscFunctionReturn(0);
}

static PetscErrorCode NMFReset_ProjectedGradient(NMF nmf)
{
  PetscFunctionBegin;
  std::vector<double>().swap(nmf->grad_H);
  PetscFunctionReturn(0);
}

/*MC
   NMFPROJECTEDGRADIENT - "projected_gradient": gradient steps on H (projected on the simplex and
   H >= eps) and on W (W >= eps), with steps gamma_H,gamma_W (default: espm's Lipschitz bounds)
   and, with linesearch, the quadratic-surrogate test.

   Level: beginner

.seealso: NMFSetType(), NMFLOGSURROGATE, NMFL2SURROGATE
M*/
PetscErrorCode NMFCreate_ProjectedGradient(NMF nmf)
{
  PetscFunctionBegin;
  nmf->ops->setup         = NMFSetUp_ProjectedGradient;
  nmf->ops->initialsteps  = NMFInitialSteps_ProjectedGradient;
  nmf->ops->hstep         = NMFHStep_ProjectedGradient;
  nmf->ops->wstep         = NMFWStep_ProjectedGradient;
  nmf->ops->reset         = NMFReset_ProjectedGradient;
  nmf->nsteps             = 2;
  nmf->gamma_default      = 0.0;
  nmf->gamma_default_text = "Lipschitz bounds";
  PetscFunctionReturn(0);
}
