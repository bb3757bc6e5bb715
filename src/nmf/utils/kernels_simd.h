/* A thin layer over the machine's double vectors for the passes over X (src/kernels.cpp),
   selected at compile time: AVX-512 (8 lanes), AVX2 with FMA (4 lanes), or plain double
   (1 lane).  The same kernels are written once against it:
     NMFV                    a vector of NMF_VLEN doubles
     NMFVLoad/Store/Set/...  the usual arithmetic (NMFVFma(a, b, c) = a b + c)
     NMFVLoadX(x)            NMF_VLEN stored values of X (double, float, uint16, uint8) as doubles
     NMFVDiv(x, y)           x / y to about 1 ulp: a reciprocal estimate refined by Newton steps
     NMFVLog(y)              log y to a few ulp (AVX-512: the 16-entry table of kernels_avx512.h; AVX2: NMFVLog below)
     NMFVLogCoarse(y)        log y to about 0.09 absolute, for the eps log Y terms of zero counts
     NMFVHighBits(y)         the high 32 bits of positive y as doubles b: log2 y ~ b / 2^20 - 1023
                             (Mitchell's approximation, the coarse log; error below 0.09), so a sum
                             of coarse logs is one sum of these and a multiply at the end
   Accuracy: tests/unit/test_kernels.cpp measures the quotient and both logs against libm. */
#ifndef SMOOTHNMF_KERNELS_SIMD_H
#define SMOOTHNMF_KERNELS_SIMD_H
#include "kernels_avx512.h"
#include <cmath>
#include <cstdint>
#include <cstring>
#if !defined(SMOOTHNMF_HAVE_AVX512) && defined(__AVX2__) && defined(__FMA__)
  #define SMOOTHNMF_HAVE_AVX2 1
  #include <immintrin.h>
#endif

/* the 8 centres of the AVX2 log: c_i = 1 + (i + 1/2) / 8 and log c_i, i the top three fraction
   bits of the mantissa */
struct NMFLogCentres {
  alignas(64) double logc[8];
  NMFLogCentres()
  {
    for (int i = 0; i < 8; i++) logc[i] = (double)logl(1.0L + (i + 0.5L) / 8);
  }
};
static const NMFLogCentres nmf_log_centres;

#if defined(SMOOTHNMF_HAVE_AVX512)
  #define NMF_VLEN 8
typedef __m512d      NMFV;
static inline NMFV   NMFVZero() { return _mm512_setzero_pd(); }
static inline NMFV   NMFVSet(double v) { return _mm512_set1_pd(v); }
static inline NMFV   NMFVLoad(const double *p) { return _mm512_loadu_pd(p); }
static inline void   NMFVStore(double *p, NMFV v) { _mm512_storeu_pd(p, v); }
static inline NMFV   NMFVAdd(NMFV a, NMFV b) { return _mm512_add_pd(a, b); }
static inline NMFV   NMFVSub(NMFV a, NMFV b) { return _mm512_sub_pd(a, b); }
static inline NMFV   NMFVMul(NMFV a, NMFV b) { return _mm512_mul_pd(a, b); }
static inline NMFV   NMFVMax(NMFV a, NMFV b) { return _mm512_max_pd(a, b); }
static inline NMFV   NMFVFma(NMFV a, NMFV b, NMFV c) { return _mm512_fmadd_pd(a, b, c); }
static inline double NMFVSum(NMFV a) { return _mm512_reduce_add_pd(a); }
static inline bool   NMFVAnyNonzero(NMFV a) { return _mm512_cmpneq_pd_mask(a, _mm512_setzero_pd()) != 0; }
static inline NMFV   NMFVDiv(NMFV x, NMFV y) { return NMFDiv8(x, y); }
static inline NMFV   NMFVLog(NMFV y) { return NMFLog8(y); }
static inline NMFV   NMFVLogCoarse(NMFV y) { return NMFLogCoarse8(y); }
static inline NMFV   NMFVHighBits(NMFV y) { return _mm512_cvtepi32_pd(_mm512_cvtepi64_epi32(_mm512_srli_epi64(_mm512_castpd_si512(y), 32))); }
static inline NMFV   NMFVLoadX(const double *p) { return _mm512_loadu_pd(p); }
static inline NMFV   NMFVLoadX(const float *p) { return _mm512_cvtps_pd(_mm256_loadu_ps(p)); }
static inline NMFV   NMFVLoadX(const uint16_t *p) { return _mm512_cvtepi32_pd(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p))); }
static inline NMFV   NMFVLoadX(const uint8_t *p) { return _mm512_cvtepi32_pd(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p))); }
#elif defined(SMOOTHNMF_HAVE_AVX2)
  #define NMF_VLEN 4
typedef __m256d      NMFV;
static inline NMFV   NMFVZero() { return _mm256_setzero_pd(); }
static inline NMFV   NMFVSet(double v) { return _mm256_set1_pd(v); }
static inline NMFV   NMFVLoad(const double *p) { return _mm256_loadu_pd(p); }
static inline void   NMFVStore(double *p, NMFV v) { _mm256_storeu_pd(p, v); }
static inline NMFV   NMFVAdd(NMFV a, NMFV b) { return _mm256_add_pd(a, b); }
static inline NMFV   NMFVSub(NMFV a, NMFV b) { return _mm256_sub_pd(a, b); }
static inline NMFV   NMFVMul(NMFV a, NMFV b) { return _mm256_mul_pd(a, b); }
static inline NMFV   NMFVMax(NMFV a, NMFV b) { return _mm256_max_pd(a, b); }
static inline NMFV   NMFVFma(NMFV a, NMFV b, NMFV c) { return _mm256_fmadd_pd(a, b, c); }
static inline double NMFVSum(NMFV a)
{
  const __m128d s = _mm_add_pd(_mm256_castpd256_pd128(a), _mm256_extractf128_pd(a, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}
static inline bool NMFVAnyNonzero(NMFV a) { return _mm256_movemask_pd(_mm256_cmp_pd(a, _mm256_setzero_pd(), _CMP_NEQ_UQ)) != 0; }
/* the high 32 bits of each y (sign, exponent, 20 bits of mantissa) as doubles */
static inline NMFV NMFVHighBits(NMFV y)
{
  const __m256 f = _mm256_castpd_ps(y);
  return _mm256_cvtepi32_pd(_mm_castps_si128(_mm_shuffle_ps(_mm256_castps256_ps128(f), _mm256_extractf128_ps(f, 1), _MM_SHUFFLE(3, 1, 3, 1))));
}

/* x / y, correctly rounded: the division instruction (on AVX2 machines it has the throughput of a
   reciprocal estimate with its Newton steps, which measured 2.5 times slower on znver3) */
static inline NMFV NMFVDiv(NMFV x, NMFV y) { return _mm256_div_pd(x, y); }

/* the exponent e = floor(log2 y) and mantissa m = y / 2^e in [1, 2) of positive, normal y; e as
   a double by the 2^52 trick (AVX2 has no 64-bit integer to double conversion) */
static inline void NMFVFrexp(NMFV y, NMFV *e, NMFV *m, __m256i *bits)
{
  const __m256i b     = _mm256_castpd_si256(y);
  const __m256i magic = _mm256_set1_epi64x(0x4330000000000000LL);                                                                                        /* 2^52 */
  *e                  = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(b, 52), magic)), _mm256_set1_pd(4503599627370496.0 + 1023)); /* biased exponent - 1023 */
  *m                  = _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(b, _mm256_set1_epi64x(0x000FFFFFFFFFFFFFLL)), _mm256_set1_epi64x(0x3FF0000000000000LL)));
  *bits               = b;
}

/* log y for positive, normal y: y = 2^e m, m in [1, 2) in eight intervals around their centres c
   (c is m with its fraction cut to three bits, plus 1/16: bit operations, no table), log m =
   log c + 2 atanh(s) with s = (m - c) / (m + c), |s| <= 1/33, = log c + 2 s (1 + z/3 + ... + z^5/11),
   z = s^2 <= 9.2e-4 (the first term left out, z^6/13 < 5e-20); log c from an 8-entry table read by
   two in-register permutes.  m - c is exact, the quotient correctly rounded: a few ulp in all.
   (Measured on znver3: 1.7 ns a value, against 3.4 ns for the 16-entry Taylor log with its four
   permutes per table.) */
static inline NMFV NMFVLog(NMFV y)
{
  NMFV    e, m;
  __m256i b;
  NMFVFrexp(y, &e, &m, &b);
  const __m256i mb  = _mm256_castpd_si256(m);
  const __m256i cut = _mm256_or_si256(_mm256_and_si256(mb, _mm256_set1_epi64x((long long)0xFFFE000000000000ULL)), _mm256_set1_epi64x(1LL << 48));
  const NMFV    c   = _mm256_castsi256_pd(cut);                                /* c = 1 + (i + 1/2) / 8 */
  const NMFV    s   = _mm256_div_pd(_mm256_sub_pd(m, c), _mm256_add_pd(m, c)); /* s = (m - c) / (m + c) */
  const NMFV    z = _mm256_mul_pd(s, s), z2 = _mm256_mul_pd(z, z);
  const NMFV    P = _mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_set1_pd(1.0 / 11), z, _mm256_set1_pd(1.0 / 9)), _mm256_mul_pd(z2, z),
                                    _mm256_fmadd_pd(_mm256_fmadd_pd(_mm256_set1_pd(1.0 / 7), z, _mm256_set1_pd(1.0 / 5)), z, _mm256_set1_pd(1.0 / 3))); /* 1/3 + z/5 + z^2/7 + z^3/9 + z^4/11 */
  /* log c_i: i = bits 49..51 of m; the two halves of the table by permutes, bit 2 of i picks the half */
  const __m256i i2  = _mm256_slli_epi64(_mm256_and_si256(_mm256_srli_epi64(mb, 49), _mm256_set1_epi64x(3)), 1); /* 2 (i & 3) */
  const __m256i idx = _mm256_or_si256(i2, _mm256_slli_epi64(_mm256_add_epi64(i2, _mm256_set1_epi64x(1)), 32));
  const NMFV    lo  = _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(_mm256_load_pd(nmf_log_centres.logc)), idx));
  const NMFV    hi  = _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(_mm256_load_pd(nmf_log_centres.logc + 4)), idx));
  const NMFV    lc  = _mm256_blendv_pd(lo, hi, _mm256_castsi256_pd(_mm256_slli_epi64(mb, 12))); /* bit 51 of m into the sign bit */
  const NMFV    s2  = _mm256_add_pd(s, s);
  const NMFV    lm  = _mm256_add_pd(lc, _mm256_fmadd_pd(_mm256_mul_pd(s2, z), P, s2));                                            /* log m = log c + 2 s + 2 s z P(z) */
  return _mm256_fmadd_pd(e, _mm256_set1_pd(0x1.62e42fefa39efp-1), _mm256_fmadd_pd(e, _mm256_set1_pd(0x1.abc9e3b39803fp-56), lm)); /* e ln 2 + log m */
}

/* log y to about 0.09 (absolute): (e + m - 1) ln 2 */
static inline NMFV NMFVLogCoarse(NMFV y)
{
  NMFV    e, m;
  __m256i b;
  NMFVFrexp(y, &e, &m, &b);
  return _mm256_mul_pd(_mm256_add_pd(e, _mm256_sub_pd(m, _mm256_set1_pd(1.0))), _mm256_set1_pd(0x1.62e42fefa39efp-1));
}
static inline NMFV NMFVLoadX(const double *p) { return _mm256_loadu_pd(p); }
static inline NMFV NMFVLoadX(const float *p) { return _mm256_cvtps_pd(_mm_loadu_ps(p)); }
static inline NMFV NMFVLoadX(const uint16_t *p) { return _mm256_cvtepi32_pd(_mm_cvtepu16_epi32(_mm_loadl_epi64((const __m128i *)p))); }
static inline NMFV NMFVLoadX(const uint8_t *p)
{
  int32_t v;
  memcpy(&v, p, 4);
  return _mm256_cvtepi32_pd(_mm_cvtepu8_epi32(_mm_cvtsi32_si128(v)));
}
#else
  #define NMF_VLEN 1
typedef double       NMFV;
static inline NMFV   NMFVZero() { return 0.0; }
static inline NMFV   NMFVSet(double v) { return v; }
static inline NMFV   NMFVLoad(const double *p) { return *p; }
static inline void   NMFVStore(double *p, NMFV v) { *p = v; }
static inline NMFV   NMFVAdd(NMFV a, NMFV b) { return a + b; }
static inline NMFV   NMFVSub(NMFV a, NMFV b) { return a - b; }
static inline NMFV   NMFVMul(NMFV a, NMFV b) { return a * b; }
static inline NMFV   NMFVMax(NMFV a, NMFV b) { return a > b ? a : b; }
static inline NMFV   NMFVFma(NMFV a, NMFV b, NMFV c) { return a * b + c; }
static inline double NMFVSum(NMFV a) { return a; }
static inline bool   NMFVAnyNonzero(NMFV a) { return a != 0; }
static inline NMFV   NMFVDiv(NMFV x, NMFV y) { return x / y; }
static inline NMFV   NMFVLog(NMFV y) { return std::log(y); }
static inline NMFV   NMFVLogCoarse(NMFV y) { return std::log(y); }
template <typename T>
static inline NMFV NMFVLoadX(const T *p) { return (double)*p; }
static inline NMFV NMFVHighBits(NMFV y)
{
  uint64_t b;
  memcpy(&b, &y, sizeof b);
  return (double)(uint32_t)(b >> 32);
}
#endif
#endif
