/* AVX-512 versions of the inner loops of the passes over X (src/kernels.cpp), for k <= 8 known
   at compile time: 8 channels per vector, G W H and X / (G W H) in registers, the division by a
   reciprocal estimate refined by Newton steps, and a vectorized log.  Accuracy: the quotient to
   about 1 ulp, the log to a few ulp (tests/unit/test_kernels.cpp measures both). */
#ifndef SMOOTHNMF_KERNELS_AVX512_H
#define SMOOTHNMF_KERNELS_AVX512_H
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512DQ__)
  #define SMOOTHNMF_HAVE_AVX512 1
  #include <immintrin.h>
  #include <cmath>
  #include <cstdint>

/* log(m) = log1p(m invc_i - 1) - log(invc_i) with invc_i ~ 1 / (1 + (i + 1/2) / 16), i the top
   four fraction bits of the mantissa m in [1, 2) */
struct NMFLog8Table {
  alignas(64) double invc[16];
  alignas(64) double mlog[16];
  NMFLog8Table()
  {
    for (int i = 0; i < 16; i++) {
      invc[i] = 1.0 / (1.0 + (i + 0.5) / 16);
      mlog[i] = (double)(-logl((long double)invc[i]));
    }
  }
};
static const NMFLog8Table nmf_log8_table;

/* log y for 8 positive, normal y (|r| <= 1/33: Taylor to degree 9, error below 1e-16) */
static inline __m512d NMFLog8(__m512d y)
{
  const __m512d e    = _mm512_getexp_pd(y);                                          /* floor(log2 y) */
  const __m512d m    = _mm512_getmant_pd(y, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);     /* y / 2^e in [1, 2) */
  const __m512i idx  = _mm512_srli_epi64(_mm512_castpd_si512(m), 48);                 /* low 4 bits: the table index */
  const __m512d invc = _mm512_permutex2var_pd(_mm512_load_pd(nmf_log8_table.invc), idx, _mm512_load_pd(nmf_log8_table.invc + 8));
  const __m512d mlog = _mm512_permutex2var_pd(_mm512_load_pd(nmf_log8_table.mlog), idx, _mm512_load_pd(nmf_log8_table.mlog + 8));
  const __m512d r    = _mm512_fmsub_pd(m, invc, _mm512_set1_pd(1.0)); /* r = m invc - 1 */
  __m512d       p    = _mm512_set1_pd(1.0 / 9);
  p                  = _mm512_fmadd_pd(p, r, _mm512_set1_pd(-1.0 / 8));
  p                  = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0 / 7));
  p                  = _mm512_fmadd_pd(p, r, _mm512_set1_pd(-1.0 / 6));
  p                  = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0 / 5));
  p                  = _mm512_fmadd_pd(p, r, _mm512_set1_pd(-1.0 / 4));
  p                  = _mm512_fmadd_pd(p, r, _mm512_set1_pd(1.0 / 3));
  p                  = _mm512_fmadd_pd(p, r, _mm512_set1_pd(-1.0 / 2));
  p                  = _mm512_mul_pd(_mm512_mul_pd(p, r), r);           /* log1p(r) - r */
  const __m512d lo   = _mm512_add_pd(_mm512_add_pd(p, r), mlog);       /* log(m) */
  return _mm512_fmadd_pd(e, _mm512_set1_pd(0x1.62e42fefa39efp-1), _mm512_fmadd_pd(e, _mm512_set1_pd(0x1.abc9e3b39803fp-56), lo)); /* e ln 2 + log(m) */
}

/* log y to about 0.09 (absolute), for the eps log Y terms of zero counts only: their sum is
   scaled by eps = log_shift (1e-14), so the error stays below 1e-15 of each term's scale */
static inline __m512d NMFLogCoarse8(__m512d y)
{
  const __m512d e = _mm512_getexp_pd(y), m = _mm512_getmant_pd(y, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);
  return _mm512_mul_pd(_mm512_add_pd(e, _mm512_sub_pd(m, _mm512_set1_pd(1.0))), _mm512_set1_pd(0x1.62e42fefa39efp-1)); /* (e + m - 1) ln 2 */
}

/* x / y to about 1 ulp: a 14-bit reciprocal estimate, one Newton step, and one correction of the quotient */
static inline __m512d NMFDiv8(__m512d x, __m512d y)
{
  const __m512d one = _mm512_set1_pd(1.0);
  __m512d       r   = _mm512_rcp14_pd(y);
  r                 = _mm512_fmadd_pd(r, _mm512_fnmadd_pd(y, r, one), r); /* r <- r + r (1 - y r) */
  const __m512d q   = _mm512_mul_pd(x, r);
  return _mm512_fmadd_pd(r, _mm512_fnmadd_pd(y, q, x), q);                 /* q <- q + r (x - y q) */
}

/* 8 values of X (masked) as doubles */
static inline __m512d NMFLoad8(const double *p, __mmask8 m) { return _mm512_maskz_loadu_pd(m, p); }
static inline __m512d NMFLoad8(const float *p, __mmask8 m) { return _mm512_cvtps_pd(_mm256_maskz_loadu_ps(m, p)); }
static inline __m512d NMFLoad8(const uint16_t *p, __mmask8 m) { return _mm512_cvtepi32_pd(_mm256_cvtepu16_epi32(_mm_maskz_loadu_epi16(m, p))); }
static inline __m512d NMFLoad8(const uint8_t *p, __mmask8 m) { return _mm512_cvtepi32_pd(_mm256_cvtepu8_epi32(_mm_maskz_loadu_epi8((__mmask16)m, p))); }

static inline __mmask8 NMFTailMask(long remaining) { return remaining >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << remaining) - 1); }

/* Pass A on one block of nb channels of one pixel (K components): with y = D h,
   t[c] += sum D[i, c] x_i / (y_i + shift), s0 += sum y, s1 += sum max(x, eps) log y (if loss). */
template <int K, typename T>
static inline void NMFPassABlock8(PetscInt nb, PetscInt n, const double *Db, const double *h, const T *x, double scale, double shift, double eps, bool loss, double *t, __m512d &s0, __m512d &s1)
{
  __m512d hc[K], tc[K], d[K];
  for (int c = 0; c < K; c++) {
    hc[c] = _mm512_set1_pd(h[c]);
    tc[c] = _mm512_setzero_pd();
  }
  const __m512d vscale = _mm512_set1_pd(scale), vshift = _mm512_set1_pd(shift), veps = _mm512_set1_pd(eps), one = _mm512_set1_pd(1.0);
  for (PetscInt j = 0; j < nb; j += 8) {
    const __mmask8 m  = NMFTailMask(nb - j);
    const __m512d  xv = _mm512_mul_pd(NMFLoad8(x + j, m), vscale);
    __m512d        y  = _mm512_setzero_pd();
    for (int c = 0; c < K; c++) {
      d[c] = _mm512_maskz_loadu_pd(m, Db + c * n + j);
      y    = _mm512_fmadd_pd(d[c], hc[c], y); /* y = (D h)_i */
    }
    const __m512d ys = _mm512_mask_blend_pd(m, one, y); /* lanes past the block: y = 1 */
    const __m512d r  = NMFDiv8(xv, _mm512_add_pd(ys, vshift)); /* X / (Y + shift) */
    for (int c = 0; c < K; c++) tc[c] = _mm512_fmadd_pd(d[c], r, tc[c]); /* D^T (X / Y) */
    if (loss) {
      s0 = _mm512_add_pd(s0, y);                                              /* sum Y */
      s1 = _mm512_fmadd_pd(_mm512_max_pd(xv, veps), NMFLog8(ys), s1);         /* sum max(X, eps) log Y */
    }
  }
  for (int c = 0; c < K; c++) t[c] += _mm512_reduce_add_pd(tc[c]);
}

/* Pass B on one block: A[i, c] += x_i / y_i h[c] with y = D h. */
template <int K, typename T>
static inline void NMFPassBBlock8(PetscInt nb, PetscInt n, const double *Db, const double *h, const T *x, double scale, double *Ab)
{
  __m512d       hc[K];
  const __m512d vscale = _mm512_set1_pd(scale), one = _mm512_set1_pd(1.0);
  for (int c = 0; c < K; c++) hc[c] = _mm512_set1_pd(h[c]);
  for (PetscInt j = 0; j < nb; j += 8) {
    const __mmask8 m  = NMFTailMask(nb - j);
    const __m512d  xv = _mm512_mul_pd(NMFLoad8(x + j, m), vscale);
    __m512d        y  = _mm512_setzero_pd();
    for (int c = 0; c < K; c++) y = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(m, Db + c * n + j), hc[c], y);
    const __m512d r = NMFDiv8(xv, _mm512_mask_blend_pd(m, one, y)); /* X / Y */
    for (int c = 0; c < K; c++) {
      double *a = Ab + c * n + j;
      _mm512_mask_storeu_pd(a, m, _mm512_fmadd_pd(r, hc[c], _mm512_maskz_loadu_pd(m, a))); /* A[i, c] += (X / Y)[i, q] H[c, q] */
    }
  }
}
/* Pass B on one block of two pixels at once: the loads and stores of A and D are shared. */
template <int K, typename T>
static inline void NMFPassBBlock8x2(PetscInt nb, PetscInt n, const double *Db, const double *h1, const double *h2, const T *x1, const T *x2, double scale, double *Ab)
{
  __m512d       hc1[K], hc2[K];
  const __m512d vscale = _mm512_set1_pd(scale), one = _mm512_set1_pd(1.0);
  for (int c = 0; c < K; c++) {
    hc1[c] = _mm512_set1_pd(h1[c]);
    hc2[c] = _mm512_set1_pd(h2[c]);
  }
  for (PetscInt j = 0; j < nb; j += 8) {
    const __mmask8 m   = NMFTailMask(nb - j);
    const __m512d  xv1 = _mm512_mul_pd(NMFLoad8(x1 + j, m), vscale), xv2 = _mm512_mul_pd(NMFLoad8(x2 + j, m), vscale);
    if (!(_mm512_cmpneq_pd_mask(xv1, _mm512_setzero_pd()) | _mm512_cmpneq_pd_mask(xv2, _mm512_setzero_pd()))) continue; /* X = 0: adds nothing */
    __m512d y1 = _mm512_setzero_pd(), y2 = _mm512_setzero_pd();
    for (int c = 0; c < K; c++) {
      const __m512d d = _mm512_maskz_loadu_pd(m, Db + c * n + j);
      y1              = _mm512_fmadd_pd(d, hc1[c], y1);
      y2              = _mm512_fmadd_pd(d, hc2[c], y2);
    }
    const __m512d r1 = NMFDiv8(xv1, _mm512_mask_blend_pd(m, one, y1)), r2 = NMFDiv8(xv2, _mm512_mask_blend_pd(m, one, y2));
    for (int c = 0; c < K; c++) {
      double *a = Ab + c * n + j;
      _mm512_mask_storeu_pd(a, m, _mm512_fmadd_pd(r2, hc2[c], _mm512_fmadd_pd(r1, hc1[c], _mm512_maskz_loadu_pd(m, a))));
    }
  }
}

/* Pass A on one block of two pixels at once (the loads of D are shared). */
template <int K, typename T>
static inline void NMFPassABlock8x2(PetscInt nb, PetscInt n, const double *Db, const double *h1, const double *h2, const T *x1, const T *x2, double scale, double shift, double eps, bool loss, double *t1, double *t2, __m512d &s0, __m512d &s1)
{
  __m512d hc1[K], hc2[K], tc1[K], tc2[K];
  for (int c = 0; c < K; c++) {
    hc1[c] = _mm512_set1_pd(h1[c]);
    hc2[c] = _mm512_set1_pd(h2[c]);
    tc1[c] = tc2[c] = _mm512_setzero_pd();
  }
  const __m512d vscale = _mm512_set1_pd(scale), vshift = _mm512_set1_pd(shift), veps = _mm512_set1_pd(eps), one = _mm512_set1_pd(1.0);
  for (PetscInt j = 0; j < nb; j += 8) {
    const __mmask8 m   = NMFTailMask(nb - j);
    const __m512d  xv1 = _mm512_mul_pd(NMFLoad8(x1 + j, m), vscale), xv2 = _mm512_mul_pd(NMFLoad8(x2 + j, m), vscale);
    __m512d        d[K], y1 = _mm512_setzero_pd(), y2 = _mm512_setzero_pd();
    for (int c = 0; c < K; c++) {
      d[c] = _mm512_maskz_loadu_pd(m, Db + c * n + j);
      y1   = _mm512_fmadd_pd(d[c], hc1[c], y1);
      y2   = _mm512_fmadd_pd(d[c], hc2[c], y2);
    }
    const __m512d ys1 = _mm512_mask_blend_pd(m, one, y1), ys2 = _mm512_mask_blend_pd(m, one, y2);
    if (!(_mm512_cmpneq_pd_mask(xv1, _mm512_setzero_pd()) | _mm512_cmpneq_pd_mask(xv2, _mm512_setzero_pd()))) {
      /* X = 0 here (most of a spectrum of counts): X / Y adds nothing; the loss needs sum Y and eps log Y */
      if (loss) {
        s0 = _mm512_add_pd(s0, _mm512_add_pd(y1, y2));
        s1 = _mm512_fmadd_pd(veps, _mm512_add_pd(NMFLogCoarse8(ys1), NMFLogCoarse8(ys2)), s1);
      }
      continue;
    }
    const __m512d r1 = NMFDiv8(xv1, _mm512_add_pd(ys1, vshift)), r2 = NMFDiv8(xv2, _mm512_add_pd(ys2, vshift));
    for (int c = 0; c < K; c++) {
      tc1[c] = _mm512_fmadd_pd(d[c], r1, tc1[c]);
      tc2[c] = _mm512_fmadd_pd(d[c], r2, tc2[c]);
    }
    if (loss) {
      s0 = _mm512_add_pd(s0, _mm512_add_pd(y1, y2));
      s1 = _mm512_fmadd_pd(_mm512_max_pd(xv1, veps), NMFLog8(ys1), s1);
      s1 = _mm512_fmadd_pd(_mm512_max_pd(xv2, veps), NMFLog8(ys2), s1);
    }
  }
  for (int c = 0; c < K; c++) {
    t1[c] += _mm512_reduce_add_pd(tc1[c]);
    t2[c] += _mm512_reduce_add_pd(tc2[c]);
  }
}
#endif
#endif
