/* The simplex multiplier of the H step, exactly as espm's dichotomy_simplex: one nu per pixel with
     f_q(nu) = sum_c max(num[c,q] / (nu + den[c,q]), eps) - 1 = 0,
   found by bisection whose stopping test is global: all pixels take the number of steps
   that the worst pixel of the whole map needs (one MPI max per step). */
#include "nmf_impl.h"
#include <cmath>

#define NMF_BISECTION_MAXIT 100

static inline double SimplexResidual(PetscInt k, const double *num, const double *den, double eps, double x)
{
  double s = 0;
  for (PetscInt c = 0; c < k; c++) s += PetscMax(num[c] / (x + den[c]), eps);
  return s - 1; /* f(x) = sum_c max(num_c / (x + den_c), eps) - 1 */
}

PetscErrorCode NMFSimplexMultiplier_Private(NMF nmf, const double *num, const double *den, double *nu)
{
  const PetscInt      k = nmf->k, pl = nmf->p_local;
  const double        eps = nmf->log_shift;
  std::vector<double> a(pl), b(pl), fnew(pl);
  PetscInt            bad = 0;

  PetscFunctionBegin;
  /* bracket: a = max over c with num > 0 of (num/2 - den), b = 2 k max(num) - min(den) */
  for (PetscInt q = 0; q < pl && !bad; q++) {
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
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPIU_INT, MPI_MAX, nmf->comm));
  PetscCheck(!bad, nmf->comm, PETSC_ERR_NOT_CONVERGED, "simplex bisection: a pixel has a negative or NaN numerator or denominator, or an all-zero numerator (the data or the iterates are degenerate)");

  double fmax = 0;
  for (PetscInt q = 0; q < pl; q++) {
    const double mid = (a[q] + b[q]) / 2;
    fnew[q]          = SimplexResidual(k, num + q * k, den + q * k, eps, mid);
    fmax             = PetscMax(fmax, PetscAbsReal(fnew[q]));
    nu[q]            = mid;
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &fmax, 1, MPI_DOUBLE, MPI_MAX, nmf->comm));
  PetscInt it = 0;
  while (fmax > nmf->dicotomy_tol) { /* global test: max over all pixels of |f(mid)| */
    it++;
    fmax = 0;
    for (PetscInt q = 0; q < pl; q++) {
      const double fa = SimplexResidual(k, num + q * k, den + q * k, eps, a[q]);
      if (fa * fnew[q] <= 0) b[q] = nu[q]; /* the root lies in [a, mid] */
      else a[q] = nu[q];                   /* the root lies in [mid, b] */
      nu[q]   = (a[q] + b[q]) / 2;
      fnew[q] = SimplexResidual(k, num + q * k, den + q * k, eps, nu[q]);
      fmax    = PetscMax(fmax, PetscAbsReal(fnew[q]));
    }
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &fmax, 1, MPI_DOUBLE, MPI_MAX, nmf->comm));
    if (it >= NMF_BISECTION_MAXIT) break;
  }
  PetscFunctionReturn(0);
}
