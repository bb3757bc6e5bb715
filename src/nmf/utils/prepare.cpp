/* Preparing X (doc/algorithm.md, section 1): checks, all-zero pixels and channels set to
   log_shift, optional normalization, and the constant of the KL loss.  X stored compactly
   (float32, uint16, uint8) stays so: normalization becomes its scale; only when log_shift
   must be written into zero rows or columns is it converted to double. */
#include <smoothnmf/private/nmfimpl.h>
#include <cmath>
#include <cfloat>
#include <cstdint>
#include <string>

/* What one pass over X as given tells (all of it summed over the ranks): the first bad entry
   (negative, NaN or infinite; smallest global pixel, then channel), the channel sums, the all-zero
   pixels (this rank's), the sum of X and of X log(max(X, eps)) over the positive entries (the zero
   entries add exactly 0 to it), and the fingerprint's terms when a checkpoint or restart wants
   them. */
struct NMFScan {
  PetscInt64          bad  = -1; /* global position pixel n + channel, or -1 */
  double              badv = 0;
  std::vector<double> rowsum;
  std::vector<char>   zero_col;
  double              sum = 0, xlogx = 0;
  double              min = DBL_MAX, max = -DBL_MAX; /* over every entry */
  PetscInt64          nonzero_pixels = 0;            /* pixels with counts, over the ranks */
};

/* one pixel's values xq (n channels): rowsum += xq; *s = its sum, *xl = its sum of
   X log(max(X, eps)); false when a value is negative, NaN or infinite */
static bool ScanPixel(PetscInt n, const double *xq, double eps, double *rowsum, double *s, double *xl, double *mn, double *mx)
{
  double sum = 0, xlog = 0, lo = *mn, hi = *mx;
  int    ok = 1;
#pragma omp simd reduction(+                                                          \
                           : sum, xlog) reduction(&                                   \
                                                  : ok) reduction(min                 \
                                                                  : lo) reduction(max \
                                                                                  : hi)
  for (PetscInt i = 0; i < n; i++) {
    const double xv = xq[i];
    rowsum[i] += xv;
    sum += xv;
    ok &= (xv >= 0) & (xv <= DBL_MAX);                       /* 0 for NaN and +-inf */
    xlog += xv > 0 ? xv * std::log(PetscMax(xv, eps)) : 0.0; /* X = 0 adds 0 */
    lo = PetscMin(lo, xv);
    hi = PetscMax(hi, xv);
  }
  *s  = sum;
  *xl = xlog;
  *mn = lo;
  *mx = hi;
  return ok;
}

static PetscErrorCode ScanX(NMF nmf, NMFScan *r)
{
  const PetscInt     n    = nmf->n;
  const double       eps  = nmf->log_shift;
  PetscInt64         mine = INT64_MAX, best;
  double             v = 0, sums[2] = {0, 0};
  NMFFingerprintSums fp;

  PetscFunctionBegin;
  r->rowsum.assign(n, 0.0);
  r->zero_col.assign(nmf->p_local, 0);
  PetscCall(NMFForPixelBlocks_Private(nmf, [&](PetscInt q0, PetscInt nb, const double *x) {
    if (nmf->fingerprint_wanted) PetscCall(NMFFingerprintBlock_Private(nmf, q0, nb, x, &fp));
    for (PetscInt q = 0; q < nb; q++) {
      const double *xq = x + (size_t)q * n;
      double        s, xl;
      if (NMFPixelMasked_Private(nmf, q0 + q)) continue; /* no data there (it reads as zeros) */
      const bool ok       = ScanPixel(n, xq, eps, r->rowsum.data(), &s, &xl, &r->min, &r->max);
      r->zero_col[q0 + q] = (s == 0);
      r->nonzero_pixels += (s != 0);
      sums[0] += s;
      sums[1] += xl;
      if (!ok && mine == INT64_MAX) {
        PetscInt i = 0, qg;
        while (xq[i] >= 0 && xq[i] <= DBL_MAX) i++;
        PetscCall(NMFGlobalPixelIndex_Private(nmf, q0 + q, &qg));
        mine = (PetscInt64)qg * n + i;
        v    = xq[i];
      }
    }
    return PetscErrorCode(0);
  }));
  if (nmf->fingerprint_wanted) PetscCall(NMFFingerprintFinish_Private(nmf, &fp));
  PetscCallMPI(MPI_Allreduce(&mine, &best, 1, MPIU_INT64, MPI_MIN, nmf->comm));
  double out = (mine == best) ? v : 0.0; /* the value travels with the smallest index */
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &out, 1, MPI_DOUBLE, MPI_SUM, nmf->comm));
  r->bad  = best == INT64_MAX ? -1 : best;
  r->badv = out;
  if (r->bad >= 0) PetscFunctionReturn(0);
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, r->rowsum.data(), (PetscMPIInt)n, MPI_DOUBLE, MPI_SUM, nmf->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, nmf->comm));
  r->sum   = sums[0];
  r->xlogx = sums[1];
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &r->min, 1, MPI_DOUBLE, MPI_MIN, nmf->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &r->max, 1, MPI_DOUBLE, MPI_MAX, nmf->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &r->nonzero_pixels, 1, MPIU_INT64, MPI_SUM, nmf->comm));
  PetscFunctionReturn(0);
}

/* compact storage -> a double array (when log_shift must be stored in X), converted block by
   block: no second full copy beyond the new array itself */
static PetscErrorCode ConvertToDouble(NMF nmf)
{
  std::vector<double> buf;
  const double       *x;
  double             *xd;

  PetscFunctionBegin;
  PetscCall(PetscMalloc(PetscMax(NMFLocalSizeX_Private(nmf), (size_t)1) * sizeof(double), &xd));
  const PetscInt bs = NMFPixelBlockSize_Private(nmf);
  for (PetscInt q0 = 0; q0 < nmf->p_local; q0 += bs) {
    const PetscInt nb = PetscMin(bs, nmf->p_local - q0);
    PetscCall(NMFXBlock_Private(nmf, q0, nb, buf, &x));
    PetscCall(PetscArraycpy(xd + (size_t)q0 * nmf->n, x, (size_t)nb * nmf->n));
  }
  PetscCall(NMFDestroyData_Private(nmf));
  nmf->Xc       = xd;
  nmf->Xc_owned = PETSC_TRUE;
  nmf->xtype    = NMF_DATA_FLOAT64;
  nmf->xscale   = 1.0;
  PetscFunctionReturn(0);
}

/* X was changed in place through its array: an application's Vec gets a new state */
static PetscErrorCode MarkVecChanged(NMF nmf)
{
  PetscScalar *x;

  PetscFunctionBegin;
  if (!nmf->X) PetscFunctionReturn(0);
  PetscCall(VecGetArray(nmf->X, &x));
  PetscCall(VecRestoreArray(nmf->X, &x));
  PetscFunctionReturn(0);
}

/* the signal mask: its channels of X set to 0, in place (stored values), so that the ratio
   X / (D H) is 0 there and nothing of them is read; ranks own pixels, so this is local */
static PetscErrorCode ZeroMaskedChannels(NMF nmf)
{
  const size_t n = (size_t)nmf->n;

  PetscFunctionBegin;
  if (nmf->channel_w.empty()) PetscFunctionReturn(0);
  auto zero = [&](auto *x) {
    for (PetscInt q = 0; q < nmf->p_local; q++)
      for (size_t i = 0; i < n; i++)
        if (nmf->channel_w[i] == 0) x[(size_t)q * n + i] = 0;
  };
  switch (nmf->xtype) {
  case NMF_DATA_FLOAT32: zero((float *)nmf->Xc); break;
  case NMF_DATA_UINT16: zero((uint16_t *)nmf->Xc); break;
  case NMF_DATA_UINT8: zero((uint8_t *)nmf->Xc); break;
  default: zero((double *)nmf->Xc); break;
  }
  PetscCall(MarkVecChanged(nmf));
  PetscFunctionReturn(0);
}

/* The held values of fixed_H must be finite and, with force_simplex, leave each pixel on the
   simplex: held values summing to at most 1, exactly 1 when all k are held, and room for the free
   ones to stay at log_shift or above.  The first bad pixel (global index) is named. */
static PetscErrorCode CheckFixedH(NMF nmf)
{
  const PetscInt     k   = nmf->k;
  const double       tol = 1e-9;
  const PetscScalar *f;
  PetscInt64         mine = INT64_MAX, best;
  double             v[2] = {0, 0}; /* the held sum and number of held values at the bad pixel */

  PetscFunctionBegin;
  if (!nmf->fixed_H) PetscFunctionReturn(0);
  PetscCall(VecGetArrayRead(nmf->fixed_H, &f));
  for (PetscInt q = 0; q < nmf->p_local && mine == INT64_MAX; q++) {
    double   s      = 0;
    PetscInt held   = 0;
    bool     finite = true;
    for (PetscInt c = 0; c < k; c++)
      if (f[q * k + c] >= 0) {
        s += f[q * k + c];
        held++;
        finite = finite && std::isfinite(f[q * k + c]);
      }
    const bool bad = !finite || (nmf->force_simplex && (held == k ? PetscAbsReal(s - 1) > tol : s + (k - held) * nmf->log_shift > 1 + tol));
    if (bad) {
      PetscInt qg;
      PetscCall(NMFGlobalPixelIndex_Private(nmf, q, &qg));
      mine = qg;
      v[0] = s;
      v[1] = held;
    }
  }
  PetscCall(VecRestoreArrayRead(nmf->fixed_H, &f));
  PetscCallMPI(MPI_Allreduce(&mine, &best, 1, MPIU_INT64, MPI_MIN, nmf->comm));
  if (mine != best) v[0] = v[1] = 0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_DOUBLE, MPI_SUM, nmf->comm));
  PetscCheck(best == INT64_MAX || std::isfinite(v[0]), nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "the fixed_H mask holds a non-finite value at pixel %" PetscInt64_FMT ": held values must be finite", best);
  PetscCheck(best == INT64_MAX, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "the fixed_H mask breaks the simplex at pixel %" PetscInt64_FMT ": its %d held values sum to %.10g, but with force_simplex a pixel's %" PetscInt_FMT " abundances sum to 1 (%s)", best, (int)v[1], v[0], k,
             (PetscInt)v[1] == k ? "all are held: they must sum to 1" : "held values must leave room for the free ones, each at least log_shift");
  PetscFunctionReturn(0);
}

PetscErrorCode NMFPrepareData_Private(NMF nmf)
{
  const PetscInt n = nmf->n, pl = nmf->p_local;
  const double   eps  = nmf->log_shift;
  const char    *name = NULL;
  NMFScan        scan;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetName(nmf->X ? (PetscObject)nmf->X : (PetscObject)nmf->daX, &name));
  std::string what = name ? name : "the data"; /* the name outlives a conversion of X */
  PetscCall(ZeroMaskedChannels(nmf));
  PetscCall(ScanX(nmf, &scan));
  const std::string badv = std::isnan(scan.badv) ? "NaN" : std::isinf(scan.badv) ? (scan.badv > 0 ? "inf" : "-inf")
                                                                                 : NMFNumberText_Private(scan.badv);
  PetscCheck(scan.bad < 0, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s has the value %s at pixel %" PetscInt64_FMT ", channel %" PetscInt64_FMT ": the data must be finite and >= 0", what.c_str(), badv.c_str(), scan.bad / n, scan.bad % n);

  /* degenerate data: nothing to factorize (issue 16) */
  PetscCheck(scan.max > 0, nmf->comm, PETSC_ERR_ARG_WRONG, "%s has no counts: every value is 0 (an empty acquisition, or the wrong dataset?)", what.c_str());
  PetscCheck(scan.min < scan.max || nmf->p_data * nmf->n_data == 1, nmf->comm, PETSC_ERR_ARG_WRONG, "%s is constant: every value is %s, so there is no structure to factorize (the wrong dataset?)", what.c_str(), NMFNumberText_Private(scan.max).c_str());
  /* (a map of fewer pixels than components in all, as scikit-learn's estimator checks make, is the
     caller's choice, and espm runs it: refused are maps whose empty pixels leave too few) */
  PetscCheck(scan.nonzero_pixels >= nmf->k || nmf->p_data < nmf->k, nmf->comm, PETSC_ERR_ARG_WRONG, "%s has counts in only %" PetscInt64_FMT " pixel(s), fewer than n_components = %" PetscInt_FMT ": ask for fewer components, or check the map", what.c_str(), scan.nonzero_pixels, nmf->k);

  /* all-zero pixels and channels, found on the original X (a global sum per channel) */
  const std::vector<double> &rowsum   = scan.rowsum;
  const std::vector<char>   &zero_col = scan.zero_col;
  int                        any_zero = 0;
  for (PetscInt q = 0; q < pl; q++) any_zero |= zero_col[q];
  for (PetscInt i = 0; i < n; i++) any_zero |= (rowsum[i] == 0 && !NMFChannelMasked_Private(nmf, i));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &any_zero, 1, MPI_INT, MPI_MAX, nmf->comm));
  if (any_zero && nmf->xtype != NMF_DATA_FLOAT64) PetscCall(ConvertToDouble(nmf));
  if (any_zero) {
    double *x = (double *)nmf->Xc;
    for (PetscInt q = 0; q < pl; q++) {
      double *xq = x + (size_t)q * n;
      if (NMFPixelMasked_Private(nmf, q)) continue; /* left as it is: never read */
      if (zero_col[q])
        for (PetscInt i = 0; i < n; i++) xq[i] = eps; /* X[:, q] <- eps */
      for (PetscInt i = 0; i < n; i++)
        if (rowsum[i] == 0 && !NMFChannelMasked_Private(nmf, i)) xq[i] = eps; /* X[i, :] <- eps */
    }
    PetscCall(MarkVecChanged(nmf));
  }

  /* normalize: X <- f X with f = k / (mean(X) n) (compact X: f becomes its scale) */
  nmf->norm_factor = 1.0;
  if (nmf->normalize) {
    double s = 0;
    PetscCall(NMFForPixelBlocks_Private(nmf, [&](PetscInt, PetscInt nb, const double *x) {
      for (size_t e = 0; e < (size_t)nb * n; e++) s += x[e];
      return PetscErrorCode(0);
    }));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &s, 1, MPI_DOUBLE, MPI_SUM, nmf->comm));
    const double mean = s / ((double)nmf->n_data * (double)nmf->p_data); /* over the unmasked entries */
    nmf->norm_factor  = nmf->k / (mean * n);
    if (nmf->xtype != NMF_DATA_FLOAT64)
      nmf->xscale = nmf->norm_factor;
    else {
      double      *x   = (double *)nmf->Xc;
      const size_t len = NMFLocalSizeX_Private(nmf);
      for (size_t e = 0; e < len; e++) x[e] = nmf->norm_factor * x[e];
      PetscCall(MarkVecChanged(nmf));
    }
  }

  /* const_KL = sum X log(max(X, eps)) - sum X, of X as prepared: from the scan when the
     preparation changed nothing */
  if (!any_zero && !nmf->normalize) {
    nmf->const_KL = scan.xlogx - scan.sum;
    nmf->x_sum    = scan.sum;
  } else {
    double sums[2] = {0, 0};
    PetscCall(NMFForPixelBlocks_Private(nmf, [&](PetscInt, PetscInt nb, const double *x) {
      for (size_t e = 0; e < (size_t)nb * n; e++) {
        if (x[e] > 0) sums[0] += x[e] * std::log(PetscMax(x[e], eps)); /* X = 0 adds 0 */
        sums[1] += x[e];
      }
      return PetscErrorCode(0);
    }));
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, nmf->comm));
    nmf->const_KL = sums[0] - sums[1];
    nmf->x_sum    = sums[1];
  }

  PetscCall(CheckFixedH(nmf));

  /* held values of H below log_shift make the loss's floors active (no fused loss) */
  int below = 0;
  if (nmf->fixed_H) {
    const PetscScalar *f;
    PetscCall(VecGetArrayRead(nmf->fixed_H, &f));
    for (PetscInt e = 0; e < pl * nmf->k; e++) below |= (f[e] >= 0 && f[e] < eps);
    PetscCall(VecRestoreArrayRead(nmf->fixed_H, &f));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &below, 1, MPI_INT, MPI_MAX, nmf->comm));
  nmf->H_above_floor = !below;
  PetscFunctionReturn(0);
}
