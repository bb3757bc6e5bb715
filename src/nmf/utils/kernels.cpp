/* The loops over X (the hot paths).  Each pass visits the owned pixels once and, within a
   pixel, blocks of channels: the block's column of Y = D h, the ratio X / Y and their
   contributions stay in L1, so no n x p temporary is ever stored and X is read once per pass.
   D = G W is kept transposed (Dt[c n + i]) so the channel loops are unit-stride and vectorize.
   X is stored pixel-major as double, float, uint16 or uint8 (value = scale * stored). */
#include <smoothnmf/private/nmfimpl.h>
#include "kernels_simd.h"
#include <memory>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <algorithm>

#define NMF_CHANNEL_BLOCK 256

/* D = G W (n x k); with the identity G, D = W. */
void NMFComputeD_Private(NMF nmf, const double *W, double *D)
{
  const PetscInt n = nmf->n, k = nmf->k, m = nmf->m;
  if (nmf->G.empty()) {
    for (PetscInt e = 0; e < n * k; e++) D[e] = W[e];
    return;
  }
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt c = 0; c < k; c++) {
      double s = 0;
      for (PetscInt j = 0; j < m; j++) s += nmf->G[i * m + j] * W[j * k + c];
      D[i * k + c] = s;
    }
}

/* ---------------------------------------------------------------- the blocked KL kernels
   Both passes sweep channel blocks (outside) and pixels two at a time (inside): the block of D
   (and of A in pass B) stays in L1, and each load of D serves both pixels.  Within a sweep the
   components go in groups of at most NMF_GROUP_MAX (their h, or their partial sums, fit the
   vector registers together with those of the other pixel), and the block's X, Y = D h and
   X / Y go through small buffers in L1.  Where a vector of X is zero in both pixels (most of a
   spectrum of counts) the ratio adds nothing: the sweeps over it are skipped, only the loss
   still needs its eps log Y (taken with the coarse log: its weight is eps = log_shift). */
#if NMF_VLEN >= 8
  #define NMF_GROUP_MAX 12 /* 32 registers: 2 x 12 h or sums, 2 ratios, one column of D */
#elif NMF_VLEN >= 4
  #define NMF_GROUP_MAX 6 /* 16 registers: 2 x 6 + 3 */
#else
  #define NMF_GROUP_MAX 4
#endif
#define NMF_BLOCK_MAX  1024 /* channels of a block, at most (a multiple of NMF_VLEN) */
#define NMF_BUFFER_PAD 24

/* the work buffers of one sweep of NP <= 2 pixels over one channel block (vectors of NMF_VLEN) */
struct NMFSweepBuffers {
  /* the rows padded by NMF_BUFFER_PAD doubles: no two of them 4 KB apart (false store-to-load
     dependencies) */
  alignas(64) double x[2][NMF_BLOCK_MAX + NMF_BUFFER_PAD]; /* scale * stored X, zero past the block */
  alignas(64) double y[2][NMF_BLOCK_MAX + NMF_BUFFER_PAD]; /* Y = D h (1 past the block) */
  alignas(64) double r[2][NMF_BLOCK_MAX + NMF_BUFFER_PAD]; /* X / (Y + shift) */
  int all[NMF_BLOCK_MAX / NMF_VLEN];                       /* 0, 1, 2, ...: every vector of the block */
  int nonzero[NMF_BLOCK_MAX / NMF_VLEN];                   /* the vectors with some X != 0 */
};

/* channels per block for k components: about 32 KB of D, at least 128 (the horizontal sums of
   pass A, once per block, stay a small part) */
static PetscInt BlockChannels(PetscInt k)
{
  const PetscInt nb = 4096 / PetscMax(k, (PetscInt)1);
  return PetscMin((PetscInt)NMF_BLOCK_MAX, PetscMax((PetscInt)128, nb - nb % NMF_VLEN));
}

/* calls f(G, c0) for the groups of components c0 .. c0 + G - 1 that cover 0 .. k - 1, G <= NMF_GROUP_MAX
   a compile-time constant, the groups as even as possible (k = 7: 4 + 3, not 6 + 1) */
template <int G, class F>
static inline void WithGroupSize(PetscInt g, PetscInt c0, F &f)
{
  if constexpr (G > 1) {
    if (g < G) {
      WithGroupSize<G - 1>(g, c0, f);
      return;
    }
  }
  f(std::integral_constant<int, G>(), c0);
}
template <class F>
static inline void ForComponentGroups(PetscInt k, F f)
{
  const PetscInt ngroups = (k + NMF_GROUP_MAX - 1) / NMF_GROUP_MAX, base = k / ngroups, extra = k % ngroups;
  for (PetscInt g = 0, c0 = 0; g < ngroups; g++) {
    const PetscInt size = base + (g < extra ? 1 : 0);
    WithGroupSize<NMF_GROUP_MAX>(size, c0, f);
    c0 += size;
  }
}

/* the block of X of NP pixels into B.x (as stored, not scaled); returns the number of vectors
   with some X != 0, listed in B.nonzero */
template <int NP, typename T>
static PetscInt SweepLoadX(const T *const *x, PetscInt nb, NMFSweepBuffers &B)
{
  const PetscInt nfull = nb / NMF_VLEN;
  PetscInt       cnt   = 0;
  for (PetscInt v = 0; v < nfull; v++) {
    const PetscInt j    = v * NMF_VLEN;
    const NMFV     x0   = NMFVLoadX(x[0] + j);
    NMFV           xmax = x0;
    NMFVStore(B.x[0] + j, x0);
    if (NP > 1) {
      const NMFV x1 = NMFVLoadX(x[1] + j);
      NMFVStore(B.x[1] + j, x1);
      xmax = NMFVMax(x0, x1);
    }
    B.nonzero[cnt] = (int)v;
    cnt += NMFVAnyNonzero(xmax) ? 1 : 0; /* X >= 0 */
  }
  if (nfull * NMF_VLEN < nb) { /* the tail: zeros past the block */
    const PetscInt j   = nfull * NMF_VLEN;
    bool           any = false;
    for (int p = 0; p < NP; p++)
      for (PetscInt e = 0; e < NMF_VLEN; e++) {
        B.x[p][j + e] = j + e < nb ? (double)x[p][j + e] : 0.0;
        any           = any || B.x[p][j + e] != 0;
      }
    B.nonzero[cnt] = (int)nfull;
    cnt += any ? 1 : 0;
  }
  return cnt;
}

/* Y[p] (+)= sum_{c < G} D[c, :] h[p][c] on the listed vectors (D: rows of stride ld); with
   COARSE (the last group), also bits[p] += NMFVHighBits(Y[p]) (the coarse log2 Y) */
template <int G, int NP, bool FIRST, bool COARSE>
static void SweepY(const double *D, PetscInt ld, const double *const *h, const int *list, PetscInt cnt, NMFSweepBuffers &B, NMFV *bits)
{
  NMFV hv[NP][G], acc[NP];
  for (int p = 0; p < NP; p++) {
    for (int c = 0; c < G; c++) hv[p][c] = NMFVSet(h[p][c]);
    acc[p] = NMFVZero();
  }
  for (PetscInt l = 0; l < cnt; l++) {
    const PetscInt j = (PetscInt)list[l] * NMF_VLEN;
    NMFV           y[NP];
    for (int p = 0; p < NP; p++) y[p] = FIRST ? NMFVZero() : NMFVLoad(B.y[p] + j);
    for (int c = 0; c < G; c++) {
      const NMFV d = NMFVLoad(D + c * ld + j);
      for (int p = 0; p < NP; p++) y[p] = NMFVFma(d, hv[p][c], y[p]); /* y = (D h)_i */
    }
    for (int p = 0; p < NP; p++) {
      NMFVStore(B.y[p] + j, y[p]);
      if (COARSE) acc[p] = NMFVAdd(acc[p], NMFVHighBits(y[p])); /* the bits of log2 Y */
    }
  }
  if (COARSE)
    for (int p = 0; p < NP; p++) bits[p] = NMFVAdd(bits[p], acc[p]);
}

/* t[p][c] += sum D[c, :] R[p] on the listed vectors, c < G */
template <int G, int NP>
static void SweepNum(const double *D, PetscInt ld, const int *list, PetscInt cnt, const NMFSweepBuffers &B, double *const *t)
{
  NMFV acc[NP][G];
  for (int p = 0; p < NP; p++)
    for (int c = 0; c < G; c++) acc[p][c] = NMFVZero();
  for (PetscInt l = 0; l < cnt; l++) {
    const PetscInt j = (PetscInt)list[l] * NMF_VLEN;
    NMFV           r[NP];
    for (int p = 0; p < NP; p++) r[p] = NMFVLoad(B.r[p] + j);
    for (int c = 0; c < G; c++) {
      const NMFV d = NMFVLoad(D + c * ld + j);
      for (int p = 0; p < NP; p++) acc[p][c] = NMFVFma(d, r[p], acc[p][c]); /* D^T (X / Y) */
    }
  }
  for (int p = 0; p < NP; p++)
    for (int c = 0; c < G; c++) t[p][c] += NMFVSum(acc[p][c]);
}

/* A[c, :] += sum_p R[p] h[p][c] on the listed vectors, c < G (A: rows of stride ld) */
template <int G, int NP>
static void SweepA(double *A, PetscInt ld, const double *const *h, const int *list, PetscInt cnt, const NMFSweepBuffers &B)
{
  NMFV hv[NP][G];
  for (int p = 0; p < NP; p++)
    for (int c = 0; c < G; c++) hv[p][c] = NMFVSet(h[p][c]);
  for (PetscInt l = 0; l < cnt; l++) {
    const PetscInt j = (PetscInt)list[l] * NMF_VLEN;
    NMFV           r[NP];
    for (int p = 0; p < NP; p++) r[p] = NMFVLoad(B.r[p] + j);
    for (int c = 0; c < G; c++) {
      double *a  = A + c * ld + j;
      NMFV    av = NMFVLoad(a);
      for (int p = 0; p < NP; p++) av = NMFVFma(r[p], hv[p][c], av); /* A[i, c] += (X / Y)[i, q] H[c, q] */
      NMFVStore(a, av);
    }
  }
}

/* Y of the listed vectors of the block, all k components; with bits, also the sum of the high
   bits of Y (the coarse log, NMFVHighBits) into bits[0 .. NP - 1]; then the lanes past the block
   set to 1 (log 1 = 0, X / 1 = 0 there) */
template <int NP>
static void SweepYAll(const double *D, PetscInt ld, PetscInt k, const double *const *h, const int *list, PetscInt cnt, PetscInt nb, NMFSweepBuffers &B, NMFV *bits)
{
  ForComponentGroups(k, [&](auto G, PetscInt c0) {
    constexpr int g     = decltype(G)::value;
    const double *hc[2] = {h[0] + c0, NP > 1 ? h[1] + c0 : nullptr};
    const bool    last  = c0 + g == k;
    const double *Dc    = D + c0 * ld;
    if (c0 == 0 && last && bits)
      SweepY<g, NP, true, true>(Dc, ld, hc, list, cnt, B, bits);
    else if (c0 == 0)
      SweepY<g, NP, true, false>(Dc, ld, hc, list, cnt, B, bits);
    else if (last && bits)
      SweepY<g, NP, false, true>(Dc, ld, hc, list, cnt, B, bits);
    else
      SweepY<g, NP, false, false>(Dc, ld, hc, list, cnt, B, bits);
  });
  for (int p = 0; p < NP; p++)
    for (PetscInt j = nb; j % NMF_VLEN; j++) B.y[p][j] = 1.0;
}

/* the block's X of the pixels q and q + 1 a few sweeps ahead, into the cache: the sweeps go
   across pixels (a stride of n values), which the hardware prefetchers follow poorly */
#define NMF_PREFETCH_PIXELS 6
/* the l-th pixel of a pass: the listed data pixels, or every owned pixel */
static inline PetscInt PassPixel(const NMFPassA &a, PetscInt l) { return a.pixels ? a.pixels[l] : l; }
template <typename T>
static inline void PrefetchX(const T *X, PetscInt n, const NMFPassA &a, PetscInt l, PetscInt i0, PetscInt nb)
{
  for (PetscInt la = l + NMF_PREFETCH_PIXELS; la < PetscMin(l + NMF_PREFETCH_PIXELS + 2, a.npixels); la++) {
    const PetscInt qa    = PassPixel(a, la);
    const char    *begin = (const char *)(X + (size_t)qa * n + i0), *end = (const char *)(X + (size_t)qa * n + i0 + nb);
    for (const char *c = begin; c < end + 63; c += 64) __builtin_prefetch(c < end ? c : end - 1);
  }
}

/* the start of a sweep of NP pixels q0, q1 over the channel block i0 .. i0 + nb - 1: their H
   rows into h, the X of the pixels l + NMF_PREFETCH_PIXELS.. of the sweep's list prefetched
   ahead, their X loaded into B; returns the count of nonzero vectors */
template <int NP, typename T>
static PetscInt SweepStart(const NMFPassA &a, const T *X, PetscInt l, PetscInt q0, PetscInt q1, PetscInt i0, PetscInt nb, NMFSweepBuffers &B, const double *h[2])
{
  const PetscInt n = a.n, k = a.k;
  const T       *x[2] = {X + (size_t)q0 * n + i0, NP > 1 ? X + (size_t)q1 * n + i0 : nullptr};
  h[0]                = a.H + (size_t)q0 * k;
  h[1]                = NP > 1 ? a.H + (size_t)q1 * k : nullptr;
  PrefetchX(X, n, a, l, i0, nb);
  return SweepLoadX<NP>(x, nb, B);
}

/* D transposed and padded: Dp[c npad + i] = Dt[c n + i], 0 for n <= i < npad */
static PetscInt PaddedD(const NMFPassA &a, std::vector<double> &Dp)
{
  const PetscInt n = a.n, k = a.k, npad = (n + NMF_VLEN - 1) / NMF_VLEN * NMF_VLEN;
  Dp.assign((size_t)npad * k, 0.0);
  for (PetscInt c = 0; c < k; c++)
    for (PetscInt i = 0; i < n; i++) Dp[(size_t)c * npad + i] = a.Dt[(size_t)c * n + i];
  return npad;
}

/* Pass A (KL) with the blocked kernels: num[:, q] = D^T (x_q / (y + shift)) when num != NULL;
   sums[0] += sum Y (as colsum(D) . h_q), sums[1] += sum max(X, eps) log Y when sums != NULL */
template <typename T>
static void PassAKL(const NMFPassA &a, const T *X, double *num, double *sums)
{
  const PetscInt      n = a.n, k = a.k, pl = a.p_local, np = a.npixels, nbmax = BlockChannels(k);
  const double        scale = a.scale, shift = a.shift, eps = a.eps;
  std::vector<double> Dp;
  const PetscInt      npad = PaddedD(a, Dp);
  auto                Bv   = std::make_unique<NMFSweepBuffers>();
  NMFSweepBuffers    &B    = *Bv;
  NMFV                s1 = NMFVZero(), bits[2] = {NMFVZero(), NMFVZero()};
  double              ncoarse = 0; /* the lanes in bits */
  const NMFV          veps = NMFVSet(eps), vshift = NMFVSet(shift), vscale = NMFVSet(scale);

  for (PetscInt v = 0; v < NMF_BLOCK_MAX / NMF_VLEN; v++) B.all[v] = (int)v;
  if (num)
    for (PetscInt e = 0; e < pl * k; e++) num[e] = 0;
  for (PetscInt i0 = 0; i0 < n; i0 += nbmax) {
    const PetscInt nb = PetscMin(nbmax, n - i0), nv = (nb + NMF_VLEN - 1) / NMF_VLEN;
    const double  *Db = Dp.data() + i0;
    for (PetscInt l = 0; l < np; l += 2) {
      const PetscInt q = PassPixel(a, l), q1 = l + 1 < np ? PassPixel(a, l + 1) : q;
      auto           sweep = [&](auto NPc) {
        constexpr int  NP = decltype(NPc)::value;
        const double  *h[2];
        const PetscInt cnt = SweepStart<NP>(a, X, l, q, q1, i0, nb, B, h);
        if (!sums && !cnt) return;
        /* Y on every vector for the loss, else only where X != 0.  sum max(X, eps) log Y: in a
           block where X = 0 on whole vectors, every lane's eps log Y with the coarse log (the
           high bits of Y; the pad lanes' Y = 0 add no bits) and (max(X, eps) - eps) log Y with
           the full log on the listed vectors; in a block without, max(X, eps) log Y on all */
        const bool dense = cnt == nv;
        if (sums) {
          SweepYAll<NP>(Db, npad, k, h, B.all, nv, nb, B, dense ? nullptr : bits);
          if (!dense) ncoarse += NP * nb;
        } else
          SweepYAll<NP>(Db, npad, k, h, B.nonzero, cnt, nb, B, nullptr);
        const NMFV vsub = dense ? NMFVZero() : veps;
        NMFV       s1p[NP]; /* the sweep's own sums (in registers, not through the captured s1) */
        for (int p = 0; p < NP; p++) s1p[p] = NMFVZero();
        for (PetscInt l = 0; l < cnt; l++) {
          const PetscInt j = (PetscInt)B.nonzero[l] * NMF_VLEN;
          for (int p = 0; p < NP; p++) {
            const NMFV xv = NMFVMul(NMFVLoad(B.x[p] + j), vscale), yv = NMFVLoad(B.y[p] + j);
            if (sums) s1p[p] = NMFVFma(NMFVSub(NMFVMax(xv, veps), vsub), NMFVLog(yv), s1p[p]); /* max(X, eps) log Y */
            if (num) NMFVStore(B.r[p] + j, NMFVDiv(xv, NMFVAdd(yv, vshift)));                  /* X / (Y + shift) */
          }
        }
        for (int p = 0; p < NP; p++) s1 = NMFVAdd(s1, s1p[p]);
        if (!num) return;
        ForComponentGroups(k, [&](auto G, PetscInt c0) {
          double *t[2] = {num + (size_t)q * k + c0, NP > 1 ? num + (size_t)q1 * k + c0 : nullptr};
          SweepNum<decltype(G)::value, NP>(Db + c0 * npad, npad, B.nonzero, cnt, B, t);
        });
      };
      if (l + 1 < np)
        sweep(std::integral_constant<int, 2>());
      else
        sweep(std::integral_constant<int, 1>());
    }
  }
  if (sums) {
    /* sum Y = sum_q colsum(D) . h_q */
    std::vector<double> colsum(k, 0.0);
    for (PetscInt c = 0; c < k; c++)
      for (PetscInt i = 0; i < n; i++) colsum[c] += a.channel_w ? a.channel_w[i] * a.Dt[(size_t)c * n + i] : a.Dt[(size_t)c * n + i]; /* over the unmasked channels */
    double s0 = 0;
    for (PetscInt l = 0; l < np; l++)
      for (PetscInt c = 0; c < k; c++) s0 += colsum[c] * a.H[(size_t)PassPixel(a, l) * k + c];
    sums[0] += s0;
    const double log2_bits = NMFVSum(bits[0]) + NMFVSum(bits[1]);
    sums[1] += NMFVSum(s1) + eps * M_LN2 * (log2_bits / 1048576.0 - 1023.0 * ncoarse); /* + eps sum log Y, coarse: log2 Y ~ bits / 2^20 - 1023 */
  }
}

/* Pass B (KL) with the blocked kernels: At[c n + i] += x_i / y_i h_q[c] */
template <typename T>
static void PassBKL(const NMFPassA &a, const T *X, double *At)
{
  const PetscInt      n = a.n, k = a.k, np = a.npixels, nbmax = BlockChannels(k);
  std::vector<double> Dp, Ap;
  const PetscInt      npad = PaddedD(a, Dp);
  auto                Bv   = std::make_unique<NMFSweepBuffers>();
  NMFSweepBuffers    &B    = *Bv;

  const NMFV vscale = NMFVSet(a.scale);

  Ap.assign((size_t)npad * k, 0.0);
  for (PetscInt i0 = 0; i0 < n; i0 += nbmax) {
    const PetscInt nb = PetscMin(nbmax, n - i0);
    const double  *Db = Dp.data() + i0;
    double        *Ab = Ap.data() + i0;
    for (PetscInt l = 0; l < np; l += 2) {
      const PetscInt q = PassPixel(a, l), q1 = l + 1 < np ? PassPixel(a, l + 1) : q;
      auto           sweep = [&](auto NPc) {
        constexpr int  NP = decltype(NPc)::value;
        const double  *h[2];
        const PetscInt cnt = SweepStart<NP>(a, X, l, q, q1, i0, nb, B, h);
        if (!cnt) return; /* X = 0: adds nothing */
        SweepYAll<NP>(Db, npad, k, h, B.nonzero, cnt, nb, B, nullptr);
        for (PetscInt l = 0; l < cnt; l++) {
          const PetscInt j = (PetscInt)B.nonzero[l] * NMF_VLEN;
          for (int p = 0; p < NP; p++) NMFVStore(B.r[p] + j, NMFVDiv(NMFVMul(NMFVLoad(B.x[p] + j), vscale), NMFVLoad(B.y[p] + j))); /* X / Y */
        }
        ForComponentGroups(k, [&](auto G, PetscInt c0) {
          const double *hc[2] = {h[0] + c0, NP > 1 ? h[1] + c0 : nullptr};
          SweepA<decltype(G)::value, NP>(Ab + c0 * npad, npad, hc, B.nonzero, cnt, B);
        });
      };
      if (l + 1 < np)
        sweep(std::integral_constant<int, 2>());
      else
        sweep(std::integral_constant<int, 1>());
    }
  }
  for (PetscInt c = 0; c < k; c++)
    for (PetscInt i = 0; i < n; i++) At[(size_t)c * n + i] += Ap[(size_t)c * npad + i];
}

/* ---------------------------------------------------------------- the general loops (l2)
   Pass A over the owned pixels, for each pixel q with y = D h_q:
     num[:, q] = D^T (x_q / (y + shift))     (KL)   or   D^T x_q   (l2)      when num != NULL
     sums[0] += sum y, sums[1] += sum max(x, eps) log y                (KL)
     sums[0] += sum (y - x)^2                                          (l2)      when sums != NULL
   KL takes the blocked kernels above (any k); these loops remain for l2 (channel blocks inside
   each pixel, the block's y in L1).  K: unused (0), the components are a.k. */
template <int K, typename T>
static void PassA(const NMFPassA &a, const T *X, double *num, double *sums)
{
  const PetscInt n = a.n, k = a.k;
  const double   scale = a.scale;
  double         y[NMF_CHANNEL_BLOCK];
  double         s0 = 0;

  if (!a.l2) {
    PassAKL(a, X, num, sums);
    return;
  }
  if (num)
    for (PetscInt e = 0; e < a.p_local * k; e++) num[e] = 0;
  for (PetscInt l = 0; l < a.npixels; l++) {
    const PetscInt q = PassPixel(a, l);
    for (PetscInt i0 = 0; i0 < n; i0 += NMF_CHANNEL_BLOCK) {
      const PetscInt nb = PetscMin((PetscInt)NMF_CHANNEL_BLOCK, n - i0);
      const double  *Db = a.Dt + i0;
      const T       *x  = X + (size_t)q * n + i0;
      const double  *h  = a.H + (size_t)q * k;
      for (PetscInt j = 0; j < nb; j++) y[j] = 0;
      for (PetscInt c = 0; c < k; c++) {
        const double *d = Db + (size_t)c * n, hc = h[c];
#pragma omp simd
        for (PetscInt j = 0; j < nb; j++) y[j] += d[j] * hc; /* y = (D h)_i */
      }
      if (sums && a.channel_w) {
        const double *w = a.channel_w + i0;
#pragma omp simd reduction(+ \
                           : s0)
        for (PetscInt j = 0; j < nb; j++) {
          const double dv = y[j] - scale * (double)x[j];
          s0 += w[j] * dv * dv; /* (Y - X)^2 over the unmasked channels */
        }
      } else if (sums) {
#pragma omp simd reduction(+ \
                           : s0)
        for (PetscInt j = 0; j < nb; j++) {
          const double dv = y[j] - scale * (double)x[j];
          s0 += dv * dv; /* (Y - X)^2 */
        }
      }
      if (!num) continue;
      for (PetscInt c = 0; c < k; c++) {
        const double *d  = Db + (size_t)c * n;
        double        tc = 0;
#pragma omp simd reduction(+ \
                           : tc)
        for (PetscInt j = 0; j < nb; j++) tc += d[j] * (scale * (double)x[j]); /* D^T X */
        num[(size_t)q * k + c] += tc;
      }
    }
  }
  if (sums) sums[0] += s0;
}

/* Pass B over the owned pixels (the W step), with y = D h_q:
     KL: At[c n + i] += x_i / y_i h_q[c]     (A = (X / Y) H^T, transposed): the blocked kernels
     l2: At[c n + i] += x_i h_q[c]           (X H^T, transposed) */
template <int K, typename T>
static void PassB(const NMFPassA &a, const T *X, double *At)
{
  const PetscInt n = a.n, k = a.k;
  const double   scale = a.scale;
  double         r[NMF_CHANNEL_BLOCK];

  if (!a.l2) {
    PassBKL(a, X, At);
    return;
  }
  for (PetscInt l = 0; l < a.npixels; l++) {
    const PetscInt q = PassPixel(a, l);
    for (PetscInt i0 = 0; i0 < n; i0 += NMF_CHANNEL_BLOCK) {
      const PetscInt nb = PetscMin((PetscInt)NMF_CHANNEL_BLOCK, n - i0);
      double        *Ab = At + i0;
      const T       *x  = X + (size_t)q * n + i0;
      const double  *h  = a.H + (size_t)q * k;
#pragma omp simd
      for (PetscInt j = 0; j < nb; j++) r[j] = scale * (double)x[j];
      for (PetscInt c = 0; c < k; c++) {
        double      *acc = Ab + (size_t)c * n;
        const double hc  = h[c];
#pragma omp simd
        for (PetscInt j = 0; j < nb; j++) acc[j] += r[j] * hc; /* A[i, c] += X[i, q] H[c, q] */
      }
    }
  }
}

/* The passes take k at run time: the blocked kernels are compiled for each group size of
   components (1 .. NMF_GROUP_MAX), which covers every k at the same cost per component */
template <typename T, class F>
static void WithK(PetscInt k, F f)
{
  (void)k;
  f(std::integral_constant<int, 0>());
}

/* the stored X of nmf (p_local n values, pixel-major), dispatched on its type */
template <class F>
static void WithX(NMF nmf, F f)
{
  switch (nmf->xtype) {
  case NMF_DATA_FLOAT32: f((const float *)nmf->Xc); break;
  case NMF_DATA_UINT16: f((const uint16_t *)nmf->Xc); break;
  case NMF_DATA_UINT8: f((const uint8_t *)nmf->Xc); break;
  default: f((const double *)nmf->Xc); break;
  }
}

void NMFPassASetup_Private(NMF nmf, const double *D, const double *H, std::vector<double> &Dt, NMFPassA *a)
{
  const PetscInt n = nmf->n, k = nmf->k;
  Dt.resize(n * k);
  for (PetscInt i = 0; i < n; i++)
    for (PetscInt c = 0; c < k; c++) Dt[c * n + i] = D[i * k + c];
  a->n = n, a->k = k, a->p_local = nmf->p_local;
  a->pixels  = nmf->data_pixels.empty() ? nullptr : nmf->data_pixels.data(); /* the navigation mask: the data pixels only */
  a->npixels = a->pixels ? (PetscInt)nmf->data_pixels.size() : nmf->p_local;
  a->Dt = Dt.data(), a->H = H;
  a->channel_w = nmf->channel_w.empty() ? nullptr : nmf->channel_w.data();
  a->scale     = nmf->xscale;
  a->shift = 0.0, a->eps = nmf->log_shift, a->l2 = nmf->l2 ? true : false;
}

PetscErrorCode NMFPassA_Private(NMF nmf, const NMFPassA &a, double *num, double *sums)
{
  PetscFunctionBegin;
  WithX(nmf, [&](auto X) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(X)>>;
    WithK<T>(a.k, [&](auto K) { PassA<decltype(K)::value, T>(a, X, num, sums); });
  });
  PetscFunctionReturn(0);
}

PetscErrorCode NMFPassB_Private(NMF nmf, const NMFPassA &a, double *At)
{
  PetscFunctionBegin;
  WithX(nmf, [&](auto X) {
    using T = std::remove_const_t<std::remove_pointer_t<decltype(X)>>;
    WithK<T>(a.k, [&](auto K) { PassB<decltype(K)::value, T>(a, X, At); });
  });
  PetscFunctionReturn(0);
}

/* The regularization terms of H: sums[0] += sum mu_c log(H + epsilon_reg), sums[1] += sum H .* HL */
void NMFRegularizationSums_Private(NMF nmf, const double *H, const double *HL, double *sums)
{
  const PetscInt k = nmf->k, pl = nmf->p_local;
  bool           has_mu = false;
  for (double v : nmf->mu) has_mu = has_mu || v != 0;
  if (has_mu)
    for (PetscInt q = 0; q < pl; q++)
      for (PetscInt c = 0; c < k; c++) sums[0] += nmf->mu[nmf->mu.size() == 1 ? 0 : c] * std::log(H[q * k + c] + nmf->epsilon_reg);
  if (HL)
    for (PetscInt e = 0; e < pl * k; e++) sums[1] += H[e] * HL[e];
}

/* The losses from the global sums: data = sum Y - sum max(X, eps) log Y + const_KL (KL) or
   0.5 sum (Y - X)^2 (l2), log_reg, Lapl = 0.5 lambda_L sum H .* HL; each divided by n p. */
void NMFLossFromSums_Private(NMF nmf, const double sums[4], NMFLoss *loss)
{
  const double numel = (double)nmf->n_data * (double)nmf->p_data; /* the unmasked entries */
  const double data  = nmf->l2 ? 0.5 * sums[0] : (sums[0] - sums[1]) + nmf->const_KL;
  const double lapl  = 0.5 * nmf->lambda_L * sums[3];
  loss->kl           = data / numel;
  loss->log_reg      = sums[2] / numel;
  loss->lapl         = lapl / numel;
  loss->full         = loss->kl + loss->log_reg + loss->lapl;
  loss->raw          = data + sums[2] + lapl;
}

/* The end of a loss evaluation: the regularization sums of H (Laplacian and log terms) into
   sums[2..3], the global sums, the loss terms.  sums[0..1] hold the rank's data-term sums. */
static PetscErrorCode FinishLoss(NMF nmf, Vec Hvec, double sums[4], NMFLoss *loss)
{
  std::vector<double> HL;
  const PetscScalar  *H;

  PetscFunctionBegin;
  if (nmf->lambda_L != 0) {
    HL.resize(nmf->p_local * nmf->k);
    PetscCall(NMFApplyLaplacian_Private(nmf, Hvec, HL.data()));
  }
  PetscCall(VecGetArrayRead(Hvec, &H));
  NMFRegularizationSums_Private(nmf, H, HL.empty() ? nullptr : HL.data(), sums + 2);
  PetscCall(VecRestoreArrayRead(Hvec, &H));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, sums, 4, MPI_DOUBLE, MPI_SUM, nmf->comm));
  NMFLossFromSums_Private(nmf, sums, loss);
  PetscFunctionReturn(0);
}

/* The losses of any (W, H) (doc/algorithm.md, section 5): Y = max(G W, eps) max(H, eps) for KL. */
PetscErrorCode NMFLoss_Private(NMF nmf, const double *W, Vec Hvec, NMFLoss *loss)
{
  const PetscInt      n = nmf->n, k = nmf->k, pl = nmf->p_local;
  std::vector<double> D(n * k), Dt, Hf(pl * k);
  const PetscScalar  *H;
  double              sums[4] = {0, 0, 0, 0};
  NMFPassA            a;

  PetscFunctionBegin;
  NMFComputeD_Private(nmf, W, D.data());
  PetscCall(VecGetArrayRead(Hvec, &H));
  for (PetscInt e = 0; e < pl * k; e++) Hf[e] = nmf->l2 ? H[e] : PetscMax(H[e], nmf->log_shift);
  if (!nmf->l2)
    for (double &d : D) d = PetscMax(d, nmf->log_shift);
  NMFPassASetup_Private(nmf, D.data(), Hf.data(), Dt, &a);
  PetscCall(NMFPassA_Private(nmf, a, nullptr, sums));
  PetscCall(VecRestoreArrayRead(Hvec, &H));
  PetscCall(FinishLoss(nmf, Hvec, sums, loss));
  PetscFunctionReturn(0);
}

/* The same losses with the data replaced by true_D true_H (the const_KL of the real X is kept). */
PetscErrorCode NMFLossTruth_Private(NMF nmf, const double *W, Vec Hvec, NMFLoss *loss)
{
  const PetscInt      n = nmf->n, k = nmf->k, pl = nmf->p_local;
  const double        eps = nmf->log_shift;
  std::vector<double> D(n * k), hf(k);
  const PetscScalar  *H, *TH;
  double              sums[4] = {0, 0, 0, 0};
  const double       *TD      = nmf->true_D.data();

  PetscFunctionBegin;
  NMFComputeD_Private(nmf, W, D.data());
  if (!nmf->l2)
    for (double &d : D) d = PetscMax(d, eps);
  PetscCall(VecGetArrayRead(Hvec, &H));
  PetscCall(VecGetArrayRead(nmf->true_H, &TH));
  for (PetscInt q = 0; q < pl; q++) {
    if (NMFPixelMasked_Private(nmf, q)) continue; /* no data term there */
    for (PetscInt c = 0; c < k; c++) hf[c] = nmf->l2 ? H[q * k + c] : PetscMax(H[q * k + c], eps);
    for (PetscInt i = 0; i < n; i++) {
      double y = 0, x = 0;
      if (NMFChannelMasked_Private(nmf, i)) continue;
      for (PetscInt c = 0; c < k; c++) {
        y += D[i * k + c] * hf[c];
        x += TD[i * k + c] * TH[q * k + c]; /* (true_D true_H)[i, q] */
      }
      if (nmf->l2)
        sums[0] += (y - x) * (y - x);
      else {
        sums[0] += y;
        sums[1] += PetscMax(x, eps) * std::log(y);
      }
    }
  }
  PetscCall(VecRestoreArrayRead(nmf->true_H, &TH));
  PetscCall(VecRestoreArrayRead(Hvec, &H));
  PetscCall(FinishLoss(nmf, Hvec, sums, loss));
  PetscFunctionReturn(0);
}

/* A double view of the owned pixels q0 .. q0 + nq - 1 (all channels, pixel-major): a pointer
   into X when it is stored as double with scale 1, else a converted (and scaled) copy in buf.
   Pixels excluded by the navigation mask read as zeros (a copy then too): whatever they hold, the
   preparation, the start values and the SVD see no data there. */
PetscErrorCode NMFXBlock_Private(NMF nmf, PetscInt q0, PetscInt nq, std::vector<double> &buf, const double **x)
{
  const size_t n = (size_t)nmf->n, off = (size_t)q0 * n, len = (size_t)nq * n;
  bool         masked = false;

  PetscFunctionBegin;
  if (!nmf->pixel_masked.empty())
    for (PetscInt q = q0; q < q0 + nq; q++) masked = masked || nmf->pixel_masked[q];
  if (nmf->xtype == NMF_DATA_FLOAT64 && nmf->xscale == 1.0 && !masked) {
    *x = (const double *)nmf->Xc + off;
    PetscFunctionReturn(0);
  }
  buf.resize(len);
  WithX(nmf, [&](auto X) {
    for (size_t e = 0; e < len; e++) buf[e] = nmf->xscale * (double)X[off + e];
  });
  if (masked)
    for (PetscInt q = 0; q < nq; q++)
      if (nmf->pixel_masked[q0 + q]) std::fill(buf.begin() + (size_t)q * n, buf.begin() + (size_t)(q + 1) * n, 0.0);
  *x = buf.data();
  PetscFunctionReturn(0);
}
