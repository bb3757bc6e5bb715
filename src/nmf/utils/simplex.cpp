/* The simplex multipliers nu (one per pixel) of the H steps, exactly as espm's dicotomy: a
   bisection whose stopping test is global, so every pixel takes the number of steps that the
   worst pixel of the whole map needs (one MPI max per step).  Three residuals:
     KL (log_surrogate):      f(nu) = sum_c max(num_c / (nu + den_c), eps) - 1
     quadratic (l2_surrogate): f(nu) = 2a - sum_c max(sqrt((b_c + nu)^2 + 4 a c_c) - nu - b_c, 2 a eps)
     projection (gradient):   f(nu) = sum_c max(v_c + nu, eps) - 1 */
#include <smoothnmf/private/nmfimpl.h>
#include <cmath>

#define NMF_BISECTION_MAXIT 100

/* espm's dicotomy(a, b, func): f(a) > 0 > f(b); mid = (a + b) / 2 until max |f(mid)| <= tol. */
template <class Residual>
static PetscErrorCode Bisect(NMF nmf, std::vector<double> &a, std::vector<double> &b, Residual f, double *nu)
{
  const PetscInt      pl = nmf->p_local;
  std::vector<double> fnew(pl);
  double              fmax = 0;

  PetscFunctionBegin;
  for (PetscInt q = 0; q < pl; q++) {
    nu[q]   = (a[q] + b[q]) / 2;
    fnew[q] = f(q, nu[q]);
    fmax    = PetscMax(fmax, PetscAbsReal(fnew[q]));
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &fmax, 1, MPI_DOUBLE, MPI_MAX, nmf->comm));
  PetscInt it = 0;
  while (fmax > nmf->dicotomy_tol) { /* global test: max over all pixels of |f(mid)| */
    it++;
    fmax = 0;
    for (PetscInt q = 0; q < pl; q++) {
      if (f(q, a[q]) * fnew[q] <= 0)
        b[q] = nu[q]; /* the root lies between a and mid */
      else
        a[q] = nu[q]; /* the root lies between mid and b */
      nu[q]   = (a[q] + b[q]) / 2;
      fnew[q] = f(q, nu[q]);
      fmax    = PetscMax(fmax, PetscAbsReal(fnew[q]));
    }
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &fmax, 1, MPI_DOUBLE, MPI_MAX, nmf->comm));
    if (it >= NMF_BISECTION_MAXIT) break;
  }
  PetscFunctionReturn(0);
}

static PetscErrorCode CheckAll(NMF nmf, PetscInt bad, const char *what)
{
  PetscFunctionBegin;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPIU_INT, MPI_MAX, nmf->comm));
  PetscCheck(!bad, nmf->comm, PETSC_ERR_NOT_CONVERGED, "simplex bisection: %s (the data or the iterates are degenerate)", what);
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSimplexMultiplier_Private(NMF nmf, const double *num, const double *den, double *nu)
{
  const PetscInt      k = nmf->k, pl = nmf->p_local;
  const double        eps = nmf->log_shift;
  std::vector<double> a(pl), b(pl);
  PetscInt            bad = 0;

  PetscFunctionBegin;
  /* bracket: a = max over c with num > 0 of (num/2 - den), b = 2 k max(num) - min(den) */
  for (PetscInt q = 0; q < pl; q++) {
    const double *t = num + q * k, *d = den + q * k;
    double        amax = -PETSC_MAX_REAL, nmax = -PETSC_MAX_REAL, dmin = PETSC_MAX_REAL, nsum = 0;
    for (PetscInt c = 0; c < k; c++) {
      if (!(t[c] >= 0) || !(d[c] >= 0)) bad = 1;
      if (t[c] > 0) amax = PetscMax(amax, t[c] / 2 - d[c]);
      nmax = PetscMax(nmax, t[c]);
      dmin = PetscMin(dmin, d[c]);
      nsum += t[c];
    }
    if (!(nsum > 0)) bad = 1;
    a[q] = amax;
    b[q] = k * nmax / 0.5 - dmin;
  }
  PetscCall(CheckAll(nmf, bad, "a pixel has a negative or NaN numerator or denominator, or an all-zero numerator"));
  PetscCall(Bisect(
    nmf, a, b,
    [num, den, k, eps](PetscInt q, double x) {
      double s = 0;
      for (PetscInt c = 0; c < k; c++) s += PetscMax(num[q * k + c] / (x + den[q * k + c]), eps);
      return s - 1;
    },
    nu));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSimplexMultiplierQuadratic_Private(NMF nmf, double a, const double *b, const double *c, double *nu)
{
  const PetscInt      k = nmf->k, pl = nmf->p_local;
  const double        eps = nmf->log_shift;
  std::vector<double> hi(pl), lo(pl);
  PetscInt            bad = !(a >= 0);

  PetscFunctionBegin;
  /* nu_max = 1.5 k max_c(b^2/a + 2a + 2(b + c)) + 1e-3, nu_min = -1.1 (2a + sum_c b) / k - 1e-3 */
  for (PetscInt q = 0; q < pl; q++) {
    double m = -PETSC_MAX_REAL, sb = 0;
    for (PetscInt c_ = 0; c_ < k; c_++) {
      const double bv = b[q * k + c_], cv = c[q * k + c_];
      if (!(cv >= 0)) bad = 1;
      m = PetscMax(m, bv * bv / a + 2 * a + 2 * (bv + cv));
      sb += bv;
    }
    hi[q] = k * m * 1.5 + 1e-3;
    lo[q] = -(2 * a + sb) / k * 1.1 - 1e-3;
  }
  PetscCall(CheckAll(nmf, bad, "negative or NaN terms in the quadratic H step"));
  PetscCall(Bisect(
    nmf, hi, lo,
    [a, b, c, k, eps](PetscInt q, double x) {
      double s = 0;
      for (PetscInt c_ = 0; c_ < k; c_++) {
        const double bv = b[q * k + c_];
        s += PetscMax(std::sqrt((bv + x) * (bv + x) + 4 * a * c[q * k + c_]) - x - bv, eps * 2 * a);
      }
      return 2 * a - s;
    },
    nu));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFSimplexMultiplierProjection_Private(NMF nmf, const double *v, double *nu)
{
  const PetscInt      k = nmf->k, pl = nmf->p_local;
  const double        eps = nmf->log_shift;
  std::vector<double> hi(pl), lo(pl);

  PetscFunctionBegin;
  /* nu_min = -max_c v, nu_max = 1/k - min_c v */
  for (PetscInt q = 0; q < pl; q++) {
    double vmax = -PETSC_MAX_REAL, vmin = PETSC_MAX_REAL;
    for (PetscInt c = 0; c < k; c++) {
      vmax = PetscMax(vmax, v[q * k + c]);
      vmin = PetscMin(vmin, v[q * k + c]);
    }
    lo[q] = -vmax;
    hi[q] = 1.0 / k - vmin;
  }
  PetscCall(Bisect(
    nmf, hi, lo,
    [v, k, eps](PetscInt q, double x) {
      double s = 0;
      for (PetscInt c = 0; c < k; c++) s += PetscMax(v[q * k + c] + x, eps);
      return s - 1;
    },
    nu));
  PetscFunctionReturn(0);
}
