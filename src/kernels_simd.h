/* A thin layer over the machine's double vectors for the passes over X (src/kernels.cpp),
   selected at compile time: AVX-512 (8 lanes), AVX2 with FMA (4 lanes), or plain double
   (1 lane).  The same kernels are written once against it:
     NMFV                    a vector of NMF_VLEN doubles
     NMFVLoad/Store/Set/...  the usual arithmetic (NMFVFma(a, b, c) = a b + c)
     NMFVLoadX(x)            NMF_VLEN stored values of X (double, float, uint16, uint8) as doubles
     NMFVDiv(x, y)           x / y to about 1 ulp: a reciprocal estimate refined by Newton steps
     NMFVLog(y)              log y to a few ulp (the 16-entry table of kernels_avx512.h)
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

/* the 16-entry table of the vector logs: log(m) = log1p(m invc_i - 1) - log(invc_i),
   invc_i ~ 1 / (1 + (i + 1/2) / 16), i the top four fraction bits of the mantissa m in [1, 2) */
struct NMFLogTable {
  alignas(64) double invc[16];
  alignas(64) double mlog[16];
  NMFLogTable()
  {
    for (int i = 0; i < 16; i++) {
      invc[i] = 1.0 / (1.0 + (i + 0.5) / 16);
      mlog[i] = (double)(-logl((long double)invc[i]));
    }
  }
};
static const NMFLogTable nmf_log_table;

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
typedef __m256d    NMFV;
static inline NMFV NMFVZero() { return _mm256_setzero_pd(); }
static inline NMFV NMFVSet(double v) { return _mm256_set1_pd(v); }
static inline NMFV NMFVLoad(const double *p) { return _mm256_loadu_pd(p); }
static inline void NMFVStore(double *p, NMFV v) { _mm256_storeu_pd(p, v); }
static inline NMFV NMFVAdd(NMFV a, NMFV b) { return _mm256_add_pd(a, b); }
static inline NMFV NMFVSub(NMFV a, NMFV b) { return _mm256_sub_pd(a, b); }
static inline NMFV NMFVMul(NMFV a, NMFV b) { return _mm256_mul_pd(a, b); }
static inline NMFV NMFVMax(NMFV a, NMFV b) { return _mm256_max_pd(a, b); }
static inline NMFV NMFVFma(NMFV a, NMFV b, NMFV c) { return _mm256_fmadd_pd(a, b, c); }
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

/* x / y to about 1 ulp: a 12-bit single-precision reciprocal estimate, two Newton steps in double
   (24, then 48 bits) and one correction of the quotient; y outside [1e-37, 1e37] (where the
   estimate in single precision fails) takes the division instruction */
static inline NMFV NMFVDiv(NMFV x, NMFV y)
{
  const NMFV ok = _mm256_and_pd(_mm256_cmp_pd(y, _mm256_set1_pd(1e-37), _CMP_GE_OQ), _mm256_cmp_pd(y, _mm256_set1_pd(1e37), _CMP_LE_OQ));
  if (_mm256_movemask_pd(ok) != 0xF) return _mm256_div_pd(x, y);
  const NMFV one = _mm256_set1_pd(1.0);
  NMFV       r   = _mm256_cvtps_pd(_mm_rcp_ps(_mm256_cvtpd_ps(y)));
  r              = _mm256_fmadd_pd(r, _mm256_fnmadd_pd(y, r, one), r); /* r <- r + r (1 - y r) */
  r              = _mm256_fmadd_pd(r, _mm256_fnmadd_pd(y, r, one), r);
  const NMFV q   = _mm256_mul_pd(x, r);
  return _mm256_fmadd_pd(r, _mm256_fnmadd_pd(y, q, x), q); /* q <- q + r (x - y q) */
}

/* the exponent e = floor(log2 y) and mantissa m = y / 2^e in [1, 2) of positive, normal y; e as
   a double by the 2^52 trick (AVX2 has no 64-bit integer to double conversion) */
static inline void NMFVFrexp(NMFV y, NMFV *e, NMFV *m, __m256i *bits)
{
  const __m256i b     = _mm256_castpd_si256(y);
  const __m256i magic = _mm256_set1_epi64x(0x4330000000000000LL); /* 2^52 */
  *e    = _mm256_sub_pd(_mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64(b, 52), magic)), _mm256_set1_pd(4503599627370496.0 + 1023)); /* biased exponent - 1023 */
  *m    = _mm256_castsi256_pd(_mm256_or_si256(_mm256_and_si256(b, _mm256_set1_epi64x(0x000FFFFFFFFFFFFFLL)), _mm256_set1_epi64x(0x3FF0000000000000LL)));
  *bits = b;
}

/* t[i & 15] for each 64-bit lane i, by permutes within registers (the gather instruction is slow
   on some AVX2 machines): the low two bits pick the double within each quarter of the table, the
   next two the quarter */
static inline NMFV NMFVTable16(const double *t, __m256i i)
{
  const __m256i j   = _mm256_slli_epi64(_mm256_and_si256(i, _mm256_set1_epi64x(3)), 1);                 /* 2 (i & 3) */
  const __m256i p   = _mm256_or_si256(j, _mm256_slli_epi64(_mm256_add_epi64(j, _mm256_set1_epi64x(1)), 32)); /* the 32-bit halves 2 (i & 3), 2 (i & 3) + 1 */
  const NMFV    q0  = _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(_mm256_load_pd(t)), p));
  const NMFV    q1  = _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(_mm256_load_pd(t + 4)), p));
  const NMFV    q2  = _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(_mm256_load_pd(t + 8)), p));
  const NMFV    q3  = _mm256_castps_pd(_mm256_permutevar8x32_ps(_mm256_castpd_ps(_mm256_load_pd(t + 12)), p));
  const NMFV    bit2 = _mm256_castsi256_pd(_mm256_slli_epi64(i, 61)), bit3 = _mm256_castsi256_pd(_mm256_slli_epi64(i, 60)); /* in the sign bits */
  return _mm256_blendv_pd(_mm256_blendv_pd(q0, q1, bit2), _mm256_blendv_pd(q2, q3, bit2), bit3);
}

/* log y for positive, normal y (|r| <= 1/33: Taylor to degree 9, error below 1e-16) */
static inline NMFV NMFVLog(NMFV y)
{
  NMFV    e, m;
  __m256i b;
  NMFVFrexp(y, &e, &m, &b);
  const __m256i idx  = _mm256_srli_epi64(b, 48); /* its low four bits: the top four fraction bits */
  const NMFV    invc = NMFVTable16(nmf_log_table.invc, idx);
  const NMFV    mlog = NMFVTable16(nmf_log_table.mlog, idx);
  const NMFV    r    = _mm256_fmsub_pd(m, invc, _mm256_set1_pd(1.0)); /* r = m invc - 1 */
  NMFV          p    = _mm256_set1_pd(1.0 / 9);
  p                  = _mm256_fmadd_pd(p, r, _mm256_set1_pd(-1.0 / 8));
  p                  = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 7));
  p                  = _mm256_fmadd_pd(p, r, _mm256_set1_pd(-1.0 / 6));
  p                  = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 5));
  p                  = _mm256_fmadd_pd(p, r, _mm256_set1_pd(-1.0 / 4));
  p                  = _mm256_fmadd_pd(p, r, _mm256_set1_pd(1.0 / 3));
  p                  = _mm256_fmadd_pd(p, r, _mm256_set1_pd(-1.0 / 2));
  p                  = _mm256_mul_pd(_mm256_mul_pd(p, r), r);     /* log1p(r) - r */
  const NMFV lo      = _mm256_add_pd(_mm256_add_pd(p, r), mlog); /* log(m) */
  return _mm256_fmadd_pd(e, _mm256_set1_pd(0x1.62e42fefa39efp-1), _mm256_fmadd_pd(e, _mm256_set1_pd(0x1.abc9e3b39803fp-56), lo)); /* e ln 2 + log(m) */
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
