/* The AVX-512 building blocks of the passes over X (src/kernels.cpp, through kernels_simd.h):
   the division by a reciprocal estimate refined by Newton steps, a vectorized log and the
   masked loads of X.  Accuracy: the quotient to about 1 ulp, the log to a few ulp
   (tests/unit/test_kernels.cpp measures both). */
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
  const __m512d e    = _mm512_getexp_pd(y);                                        /* floor(log2 y) */
  const __m512d m    = _mm512_getmant_pd(y, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src); /* y / 2^e in [1, 2) */
  const __m512i idx  = _mm512_srli_epi64(_mm512_castpd_si512(m), 48);              /* low 4 bits: the table index */
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
  p                  = _mm512_mul_pd(_mm512_mul_pd(p, r), r);                                                                     /* log1p(r) - r */
  const __m512d lo   = _mm512_add_pd(_mm512_add_pd(p, r), mlog);                                                                  /* log(m) */
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
  return _mm512_fmadd_pd(r, _mm512_fnmadd_pd(y, q, x), q); /* q <- q + r (x - y q) */
}

/* 8 values of X (masked) as doubles */
static inline __m512d NMFLoad8(const double *p, __mmask8 m) { return _mm512_maskz_loadu_pd(m, p); }
static inline __m512d NMFLoad8(const float *p, __mmask8 m) { return _mm512_cvtps_pd(_mm256_maskz_loadu_ps(m, p)); }
static inline __m512d NMFLoad8(const uint16_t *p, __mmask8 m) { return _mm512_cvtepi32_pd(_mm256_cvtepu16_epi32(_mm_maskz_loadu_epi16(m, p))); }
static inline __m512d NMFLoad8(const uint8_t *p, __mmask8 m) { return _mm512_cvtepi32_pd(_mm256_cvtepu8_epi32(_mm_maskz_loadu_epi8((__mmask16)m, p))); }

static inline __mmask8 NMFTailMask(long remaining) { return remaining >= 8 ? (__mmask8)0xFF : (__mmask8)((1u << remaining) - 1); }

#endif
#endif
