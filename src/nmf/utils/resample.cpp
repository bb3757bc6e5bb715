/* Resampled copies of X for the rank selection (doc/select_k.md): each value drawn again from
   Poisson(X), or NMFk's bootstrap by noise X (1 + noise u), from a counter-based stream keyed by
   (seed, stream, global index pixel n + channel), so the copy is the same at any number of ranks.
   The copy of counts stored as uint8 or uint16 keeps their type when the draws fit in it (else
   uint16, else float32); any other copy is float32 (counts up to 2^24 exact, half the memory of a
   double copy). */
#include <smoothnmf/private/nmfimpl.h>
#include <cmath>

/* the j-th uniform in (0, 1) of the value at index of (seed, stream) */
static inline double KeyedUniform(uint64_t key, uint64_t j) { return ((NMFHashMix_Private(key ^ NMFHashMix_Private(j)) >> 11) + 0.5) * 0x1.0p-53; }

static inline uint64_t ValueKey(PetscInt64 seed, PetscInt64 stream, PetscInt64 index) { return NMFHashMix_Private(NMFHashMix_Private(NMFHashMix_Private((uint64_t)seed) ^ (uint64_t)stream) ^ (uint64_t)index); }

/* A Poisson(lambda) draw: inversion of the distribution function for lambda < 10 (one uniform),
   else Hormann's transformed rejection with squeeze (PTRS, 1993), a few uniforms on average. */
double NMFKeyedPoisson_Private(double lambda, PetscInt64 seed, PetscInt64 stream, PetscInt64 index)
{
  const uint64_t key = ValueKey(seed, stream, index);
  if (!(lambda > 0)) return 0;
  if (lambda < 10) {
    const double u = KeyedUniform(key, 0);
    double       p = std::exp(-lambda), cdf = p; /* P(0) */
    int          c = 0;
    while (u > cdf && c < 1000) {
      c++;
      p *= lambda / c; /* P(c) = P(c - 1) lambda / c */
      cdf += p;
    }
    return c;
  }
  const double slam = std::sqrt(lambda), loglam = std::log(lambda);
  const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
  for (uint64_t j = 0;; j += 2) {
    const double U = KeyedUniform(key, j) - 0.5, V = KeyedUniform(key, j + 1);
    const double us = 0.5 - std::fabs(U);
    const double c  = std::floor((2 * a / us + b) * U + lambda + 0.43);
    if (us >= 0.07 && V <= vr) return c; /* the squeeze: accepted without the density */
    if (c < 0 || (us < 0.013 && V > us)) continue;
    /* accept when log(V inv_alpha / (a / us^2 + b)) <= -lambda + c log(lambda) - log(c!) */
    if (std::log(V) + std::log(inv_alpha) - std::log(a / (us * us) + b) <= -lambda + c * loglam - std::lgamma(c + 1)) return c;
  }
}

/* the draw of one value v at (global) index */
static inline double Draw(NMFResampleType type, double v, PetscReal noise, PetscInt64 seed, PetscInt64 stream, PetscInt64 index)
{
  if (!(v >= 0) || std::isinf(v)) return v; /* refused by the preparation, as in X */
  if (type == NMF_RESAMPLE_POISSON) return NMFKeyedPoisson_Private(v, seed, stream, index);
  return v * (1 + noise * (2 * KeyedUniform(ValueKey(seed, stream, index), 0) - 1)); /* X (1 + noise u) */
}

/* every value of the copy into c (of type T), the largest one into *vmax */
template <class T>
static PetscErrorCode DrawInto(NMF nmf, NMFResampleType type, PetscReal noise, PetscInt64 seed, PetscInt64 stream, T *c, double *vmax)
{
  const PetscInt n  = nmf->n;
  double         mx = 0;

  PetscFunctionBegin;
  PetscCall(NMFForPixelBlocks_Private(nmf, [&](PetscInt q0, PetscInt nb, const double *x) {
    for (PetscInt q = 0; q < nb; q++) {
      PetscInt qg;
      PetscCall(NMFGlobalPixelIndex_Private(nmf, q0 + q, &qg));
      const double *xq = x + (size_t)q * n;
      T            *cq = c + (size_t)(q0 + q) * n;
      for (PetscInt i = 0; i < n; i++) {
        const double v = Draw(type, xq[i], noise, seed, stream, (PetscInt64)qg * n + i);
        mx             = v > mx ? v : mx;
        cq[i]          = (T)v;
      }
    }
    return PetscErrorCode(0);
  }));
  PetscCallMPI(MPI_Allreduce(&mx, vmax, 1, MPI_DOUBLE, MPI_MAX, nmf->comm));
  PetscFunctionReturn(0);
}

PetscErrorCode NMFResampleData_Private(NMF nmf, NMFResampleType type, PetscReal noise, PetscInt64 seed, PetscInt64 stream, NMFDataType *ctype, void **copy)
{
  const size_t len = NMFLocalSizeX_Private(nmf);
  double       vmax;

  PetscFunctionBegin;
  /* Poisson draws of counts are counts: kept in the counts' own type when they fit (the passes
     over X read as few bytes as for X itself), uint16 when uint8 is too small, else float32 */
  if (type == NMF_RESAMPLE_POISSON && (nmf->xtype == NMF_DATA_UINT8 || nmf->xtype == NMF_DATA_UINT16) && nmf->xscale == 1.0) {
    uint16_t *c16;
    PetscCall(PetscMalloc1(len + 1, &c16));
    PetscErrorCode ierr = DrawInto(nmf, type, noise, seed, stream, c16, &vmax);
    if (!ierr && vmax <= 65535 && nmf->xtype == NMF_DATA_UINT8 && vmax <= 255) {
      uint8_t *c8;
      ierr = PetscMalloc1(len + 1, &c8);
      if (!ierr) {
        for (size_t e = 0; e < len; e++) c8[e] = (uint8_t)c16[e];
        PetscCall(PetscFree(c16));
        *ctype = NMF_DATA_UINT8;
        *copy  = c8;
        PetscFunctionReturn(0);
      }
    }
    if (!ierr && vmax <= 65535) {
      *ctype = NMF_DATA_UINT16;
      *copy  = c16;
      PetscFunctionReturn(0);
    }
    PetscCall(PetscFree(c16));
    PetscCall(ierr);
  }
  float *c;
  PetscCall(PetscMalloc1(len + 1, &c));
  PetscErrorCode ierr = DrawInto(nmf, type, noise, seed, stream, c, &vmax);
  if (ierr) PetscCall(PetscFree(c));
  PetscCall(ierr);
  *ctype = NMF_DATA_FLOAT32;
  *copy  = c;
  PetscFunctionReturn(0);
}
