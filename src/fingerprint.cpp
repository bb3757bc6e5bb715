/* The fingerprint of an input map, taken before the data preparation changes X: its shape, its
   stored type, the sum and sum of squares of its values, and an order-independent hash of every
   value at its global position (a sum modulo 2^64, so the same at any rank count).  A checkpoint
   records it; a restart compares it. */
#include "nmf_impl.h"
#include <cstring>

#define NMF_PIXEL_BLOCK 256

/* splitmix64's finalizer: a bijective mix of 64 bits */
uint64_t NMFHashMix_Private(uint64_t x)
{
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/* the hash term of the value v at the global position index (the bits of v, -0.0 as 0.0) */
uint64_t NMFHashValue_Private(uint64_t index, double v)
{
  uint64_t bits;
  if (v == 0) v = 0; /* one zero */
  memcpy(&bits, &v, sizeof bits);
  return NMFHashMix_Private(bits ^ NMFHashMix_Private(index));
}

PetscErrorCode NMFFingerprint_Private(NMF nmf)
{
  const PetscInt      n = nmf->n;
  NMFFingerprint     *f = &nmf->fingerprint;
  std::vector<double> buf;
  const double       *x;
  double              s[2] = {0, 0};
  uint64_t            h    = 0;

  PetscFunctionBegin;
  f->n  = n;
  f->p  = nmf->p;
  f->ny = nmf->has_shape ? nmf->ny : 0;
  f->nx = nmf->has_shape ? nmf->nx : nmf->p;
  if (!f->dtype[0]) PetscCall(PetscStrncpy(f->dtype, NMFDataTypes[nmf->xtype], sizeof(f->dtype)));
  for (PetscInt q0 = 0; q0 < nmf->p_local; q0 += NMF_PIXEL_BLOCK) {
    const PetscInt nb = PetscMin((PetscInt)NMF_PIXEL_BLOCK, nmf->p_local - q0);
    PetscCall(NMFXBlock_Private(nmf, q0, nb, buf, &x));
    for (PetscInt q = 0; q < nb; q++) {
      PetscInt qg;
      PetscCall(NMFGlobalPixelIndex_Private(nmf, q0 + q, &qg));
      for (PetscInt i = 0; i < n; i++) {
        const double v = x[q * n + i];
        s[0] += v;
        s[1] += v * v;
        h += NMFHashValue_Private((uint64_t)qg * (uint64_t)n + (uint64_t)i, v);
      }
    }
  }
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, s, 2, MPI_DOUBLE, MPI_SUM, nmf->comm));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &h, 1, MPI_UINT64_T, MPI_SUM, nmf->comm)); /* unsigned: modulo 2^64 */
  f->sum   = s[0];
  f->sumsq = s[1];
  f->hash  = h;
  PetscFunctionReturn(0);
}
