/* espm's debug (-nmf_debug): the iterates checked after every step. */
#include <smoothnmf/private/nmfimpl.h>
#include <cmath>
#include <cstdint>

/* W (m x k, replicated) and H (on the abundance DM) as NMFDebugCheck_Private's manual says; the
   first failure over all ranks (lowest global index) is named */
PetscErrorCode NMFDebugCheck_Private(NMF nmf, const char *step, const double *W, Vec H)
{
  const PetscInt k       = nmf->k;
  const double   eps     = nmf->log_shift * (1 - 1e-12);               /* the floor, up to rounding */
  const double   sum_tol = PetscMax(1e-6, 10 * k * nmf->dicotomy_tol); /* the bisection stops within about dicotomy_tol per component */

  PetscFunctionBegin;
  if (W) {
    const PetscInt m = nmf->G.empty() ? nmf->n : nmf->m;
    for (PetscInt e = 0; e < m * k; e++) {
      const bool held = !nmf->fixed_W.empty() && nmf->fixed_W[e] >= 0;
      PetscCheck(std::isfinite(W[e]) && (held || W[e] >= eps), nmf->comm, PETSC_ERR_FP, "debug: after %s at iteration %" PetscInt_FMT ", W[%" PetscInt_FMT ", %" PetscInt_FMT "] = %g: W must be finite and >= log_shift = %g", step, nmf->n_iter, e / k, e % k, W[e], nmf->log_shift);
    }
  }
  if (H) {
    const PetscScalar *h, *f = nullptr;
    PetscInt64         mine   = INT64_MAX, best;
    double             bad[2] = {0, 0}; /* the value (or the pixel's sum), and 1 for a sum */
    PetscCall(VecGetArrayRead(H, &h));
    if (nmf->fixed_H) PetscCall(VecGetArrayRead(nmf->fixed_H, &f));
    for (PetscInt q = 0; q < nmf->p_local && mine == INT64_MAX; q++) {
      double s = 0;
      for (PetscInt c = 0; c < k; c++) {
        const double v    = h[q * k + c];
        const bool   held = f && f[q * k + c] >= 0;
        s += v;
        if (!std::isfinite(v) || (!held && v < eps)) {
          PetscInt qg;
          PetscCall(NMFGlobalPixelIndex_Private(nmf, q, &qg));
          mine   = (PetscInt64)qg * k + c;
          bad[0] = v;
          break;
        }
      }
      if (mine == INT64_MAX && nmf->force_simplex && !(std::fabs(s - 1) <= sum_tol)) {
        PetscInt qg;
        PetscCall(NMFGlobalPixelIndex_Private(nmf, q, &qg));
        mine   = (PetscInt64)qg * k + k; /* after the pixel's components: its sum */
        bad[0] = s;
        bad[1] = 1;
      }
    }
    if (f) PetscCall(VecRestoreArrayRead(nmf->fixed_H, &f));
    PetscCall(VecRestoreArrayRead(H, &h));
    PetscCallMPI(MPI_Allreduce(&mine, &best, 1, MPIU_INT64, MPI_MIN, nmf->comm));
    if (mine != best) bad[0] = bad[1] = 0;
    PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, bad, 2, MPI_DOUBLE, MPI_SUM, nmf->comm));
    if (best != INT64_MAX) {
      const PetscInt64 q = best / k, c = best % k;
      PetscCheck(bad[1] == 0, nmf->comm, PETSC_ERR_FP, "debug: after %s at iteration %" PetscInt_FMT ", the abundances of pixel %" PetscInt64_FMT " sum to %.10g: with force_simplex they must sum to 1", step, nmf->n_iter, q, bad[0]);
      SETERRQ(nmf->comm, PETSC_ERR_FP, "debug: after %s at iteration %" PetscInt_FMT ", H[%" PetscInt64_FMT ", pixel %" PetscInt64_FMT "] = %g: H must be finite and >= log_shift = %g", step, nmf->n_iter, c, q, bad[0], nmf->log_shift);
    }
  }
  PetscFunctionReturn(0);
}
