/* The fingerprint of an input map, taken before the data preparation changes X: its shape, its
   stored type, the sum and sum of squares of its values, and an order-independent hash of every
   value at its global position (a sum modulo 2^64, so the same at any rank count).  A checkpoint
   records it; a restart compares it.  The data preparation (prepare.cpp) takes it in its scan of X,
   block by block, before it changes anything. */
#include <smoothnmf/private/nmfimpl.h>
#include <cstring>

/* the fingerprint terms of the owned pixels q0 .. q0 + nb - 1 (x: their values as given,
   pixel-major), added to *acc pixel by pixel: the same terms for a pixel at any rank count */
PetscErrorCode NMFFingerprintBlock_Private(NMF nmf, PetscInt q0, PetscInt nb, const double *x, NMFFingerprintSums *acc)
{
  const PetscInt n = nmf->n;

  PetscFunctionBegin;
  for (PetscInt q = 0; q < nb; q++) {
    PetscInt qg;
    PetscCall(NMFGlobalPixelIndex_Private(nmf, q0 + q, &qg));
    const double  *v    = x + (size_t)q * n;
    const uint64_t base = (uint64_t)qg * (uint64_t)n;
    double         s = 0, ss = 0;
    uint64_t       h = 0;
#pragma omp simd reduction(+ \
                           : s, ss, h)
    for (PetscInt i = 0; i < n; i++) {
      s += v[i];
      ss += v[i] * v[i];
      h += NMFHashValue_Private(base + (uint64_t)i, v[i]); /* an integer sum: the same in any order */
    }
    if (NMFPixelMasked_Private(nmf, q0 + q)) acc->mask_hash += NMFHashMix_Private(~(uint64_t)qg); /* the navigation mask is part of what was fitted */
    acc->sum += s;
    acc->sumsq += ss;
    acc->hash += h;
  }
  PetscFunctionReturn(0);
}

/* nmf->fingerprint from the terms of every rank */
PetscErrorCode NMFFingerprintFinish_Private(NMF nmf, const NMFFingerprintSums *acc)
{
  NMFFingerprint *f = &nmf->fingerprint;
  PetscMPIInt     rank;
  double          s[2] = {acc->sum, acc->sumsq};
  uint64_t        h = acc->hash, mh = acc->mask_hash;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(nmf->comm, &rank));
  if (!nmf->channel_w.empty()) /* the signal mask is part of what was fitted */
    for (PetscInt i = 0; i < nmf->n; i++)
      if (nmf->channel_w[i] == 0 && rank == 0) mh += NMFHashMix_Private(~(uint64_t)i ^ 0x5167a1ULL); /* once, summed over the ranks */
  f->n  = nmf->n;
  f->p  = nmf->p;
  f->ny = nmf->has_shape ? nmf->ny : 0;
  f->nx = nmf->has_shape ? nmf->nx : nmf->p;
  if (!f->dtype[0]) PetscCall(PetscStrncpy(f->dtype, NMFDataTypes[nmf->xtype], sizeof(f->dtype)));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, s, 2, MPI_DOUBLE, MPI_SUM, nmf->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &h, 1, MPI_UINT64_T, MPI_SUM, nmf->comm)); /* unsigned: modulo 2^64 */
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &mh, 1, MPI_UINT64_T, MPI_SUM, nmf->comm));
  f->mask_hash = mh;
  f->sum       = s[0];
  f->sumsq     = s[1];
  f->hash      = h;
  PetscFunctionReturn(0);
}
