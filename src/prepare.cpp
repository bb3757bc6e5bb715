/* Preparing X (algorithm notes, section 1): checks, all-zero pixels and channels set to
   log_shift, optional normalization, and the constant of the KL loss. */
#include "nmf_impl.h"
#include <cmath>
#include <cstdint>

/* The first bad entry (smallest global pixel, then channel) over all ranks, or -1. */
static PetscErrorCode FirstBadEntry(NMF nmf, const double *x, PetscInt64 *where, double *value)
{
  const PetscInt n    = nmf->n;
  PetscInt64     mine = INT64_MAX;
  double         v    = 0;

  PetscFunctionBegin;
  for (PetscInt q = 0; q < nmf->p_local && mine == INT64_MAX; q++) {
    for (PetscInt i = 0; i < n; i++) {
      const double xv = x[q * n + i];
      if (!(xv >= 0) || std::isinf(xv)) {
        PetscInt qg;
        PetscCall(NMFGlobalPixelIndex_Private(nmf, q, &qg));
        mine = (PetscInt64)qg * n + i;
        v    = xv;
        break;
      }
    }
  }
  struct {
    double     v;
    PetscInt64 idx;
  } in = {v, mine}, out;
  /* smallest global index wins; its value travels with it */
  PetscInt64 best;
  PetscCallMPI(MPI_Allreduce(&in.idx, &best, 1, MPIU_INT64, MPI_MIN, nmf->comm));
  out.v = (mine == best) ? v : 0.0;
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &out.v, 1, MPI_DOUBLE, MPI_SUM, nmf->comm));
  *where = best == INT64_MAX ? -1 : best;
  *value = out.v;
  PetscFunctionReturn(0);
}

PetscErrorCode NMFPrepareData_Private(NMF nmf)
{
  const PetscInt n = nmf->n, pl = nmf->p_local;
  const double   eps = nmf->log_shift;
  PetscScalar   *x;
  PetscInt64     bad = -1;
  double         badv = 0;
  const char    *name;

  PetscFunctionBegin;
  PetscCall(PetscObjectGetName((PetscObject)nmf->X, &name));
  PetscCall(VecGetArray(nmf->X, &x));
  PetscCall(FirstBadEntry(nmf, x, &bad, &badv));
  if (bad >= 0) PetscCall(VecRestoreArray(nmf->X, &x));
  PetscCheck(bad < 0, nmf->comm, PETSC_ERR_ARG_OUTOFRANGE, "%s has the value %g at pixel %" PetscInt64_FMT ", channel %" PetscInt64_FMT ": the data must be finite and >= 0", name, badv, bad / n, bad % n);

  /* all-zero channels, found on the original X (a global sum per channel) */
  std::vector<double> rowsum(n, 0.0);
  std::vector<char>   zero_col(pl, 0);
  for (PetscInt q = 0; q < pl; q++) {
    double s = 0;
    for (PetscInt i = 0; i < n; i++) {
      rowsum[i] += x[q * n + i];
      s += x[q * n + i];
    }
    zero_col[q] = (s == 0);
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, rowsum.data(), (PetscMPIInt)n, MPI_DOUBLE, MPI_SUM, nmf->comm));
  for (PetscInt q = 0; q < pl; q++) {
    if (zero_col[q])
      for (PetscInt i = 0; i < n; i++) x[q * n + i] = eps; /* X[:, q] <- eps */
    for (PetscInt i = 0; i < n; i++)
      if (rowsum[i] == 0) x[q * n + i] = eps; /* X[i, :] <- eps */
  }

  /* normalize: X <- f X with f = k / (mean(X) n) */
  if (nmf->normalize) {
    double s = 0;
    for (PetscInt e = 0; e < pl * n; e++) s += x[e];
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &s, 1, MPI_DOUBLE, MPI_SUM, nmf->comm));
    const double mean = s / ((double)n * (double)nmf->p);
    nmf->norm_factor  = nmf->k / (mean * n);
    for (PetscInt e = 0; e < pl * n; e++) x[e] = nmf->norm_factor * x[e];
  } else nmf->norm_factor = 1.0;

  /* const_KL = sum X log(max(X, eps)) - sum X */
  double sums[2] = {0, 0};
  for (PetscInt e = 0; e < pl * n; e++) {
    sums[0] += x[e] * std::log(PetscMax(x[e], eps));
    sums[1] += x[e];
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_DOUBLE, MPI_SUM, nmf->comm));
  nmf->const_KL = sums[0] - sums[1];
  PetscCall(VecRestoreArray(nmf->X, &x));
  PetscFunctionReturn(0);
}
