/* Resampled copies of X for the rank selection (doc/select_k.md): each value drawn again from
   Poisson(X), or NMFk's bootstrap by noise X (1 + noise u), from a counter-based stream keyed by
   (seed, stream, global index pixel n + channel), so the copy is the same at any number of ranks.
   The copy is float32: counts up to 2^24 are exact, and it takes half the memory of a double copy. */
#include <smoothnmf/private/nmfimpl.h>
#include <cmath>

static inline uint64_t Mix(uint64_t z)
{
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* the j-th uniform in (0, 1) of the value at index of (seed, stream) */
static inline double KeyedUniform(uint64_t key, uint64_t j) { return ((Mix(key ^ Mix(j)) >> 11) + 0.5) * 0x1.0p-53; }

static inline uint64_t ValueKey(PetscInt64 seed, PetscInt64 stream, PetscInt64 index) { return Mix(Mix(Mix((uint64_t)seed) ^ (uint64_t)stream) ^ (uint64_t)index); }

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

PetscErrorCode NMFResampleData_Private(NMF nmf, NMFResampleType type, PetscReal noise, PetscInt64 seed, PetscInt64 stream, float **copy)
{
  const PetscInt n = nmf->n;
  float         *c;

  PetscFunctionBegin;
  PetscCall(PetscMalloc1(NMFLocalSizeX_Private(nmf) + 1, &c));
  PetscErrorCode ierr = NMFForPixelBlocks_Private(nmf, [&](PetscInt q0, PetscInt nb, const double *x) {
    for (PetscInt q = 0; q < nb; q++) {
      PetscInt qg;
      PetscCall(NMFGlobalPixelIndex_Private(nmf, q0 + q, &qg));
      const double *xq = x + (size_t)q * n;
      float        *cq = c + (size_t)(q0 + q) * n;
      for (PetscInt i = 0; i < n; i++) {
        const double     v     = xq[i];
        const PetscInt64 index = (PetscInt64)qg * n + i;
        if (!(v >= 0) || std::isinf(v))
          cq[i] = (float)v; /* refused by the preparation, as in X */
        else if (type == NMF_RESAMPLE_POISSON)
          cq[i] = (float)NMFKeyedPoisson_Private(v, seed, stream, index);
        else
          cq[i] = (float)(v * (1 + noise * (2 * KeyedUniform(ValueKey(seed, stream, index), 0) - 1))); /* X (1 + noise u) */
      }
    }
    return PetscErrorCode(0);
  });
  if (ierr) PetscCall(PetscFree(c));
  PetscCall(ierr);
  *copy = c;
  PetscFunctionReturn(0);
}
