/* The passes over X: the vectorized log and quotient against libm, and passes A and B on every
   storage type (double, float, uint16, uint8), dense and sparse X, every k from 1 to 32, with and
   without the loss sums, against a plain serial loop. */
#include "unit_helpers.h"
#include "kernels_simd.h"
#include <cstdint>
#include <cstring>

#if defined(SMOOTHNMF_HAVE_AVX512)
TEST_CASE("vector log and quotient against libm", "[kernels]")
{
  double maxlog = 0, maxdiv = 0;
  for (int e = -300; e <= 300; e += 3)
    for (int s = 0; s < 64; s++) {
      double y[8], x[8], l[8], q[8];
      for (int j = 0; j < 8; j++) {
        y[j] = std::ldexp(1.0 + (s * 8 + j) / 512.0, e) * (1 + 1e-3 * j);
        x[j] = 1.0 + 0.37 * j + s;
      }
      _mm512_storeu_pd(l, NMFLog8(_mm512_loadu_pd(y)));
      _mm512_storeu_pd(q, NMFDiv8(_mm512_loadu_pd(x), _mm512_loadu_pd(y)));
      for (int j = 0; j < 8; j++) {
        const double ref = std::log(y[j]);
        KeepWorst(maxlog, std::abs(l[j] - ref) / std::max(1.0, std::abs(ref))); /* relative, absolute near 0 */
        KeepWorst(maxdiv, std::abs(q[j] - x[j] / y[j]) / std::abs(x[j] / y[j]));
      }
    }
  CHECK(maxlog < 1e-15);
  CHECK(maxdiv < 4e-16); /* about 1 ulp */
}
#endif

/* the vector layer of whatever the machine has (AVX-512, AVX2 or scalar): log, coarse log and
   quotient against libm */
TEST_CASE("vector layer: log, coarse log and quotient against libm", "[kernels]")
{
  double maxlog = 0, maxdiv = 0, maxcoarse = 0;
  for (int e = -300; e <= 300; e += 3)
    for (int s = 0; s < 64; s++) {
      double y[NMF_VLEN], x[NMF_VLEN], l[NMF_VLEN], q[NMF_VLEN], b[NMF_VLEN];
      for (int j = 0; j < NMF_VLEN; j++) {
        y[j] = std::ldexp(1.0 + (s * 8 + j) / 512.0, e) * (1 + 1e-3 * j);
        x[j] = 1.0 + 0.37 * j + s;
      }
      NMFVStore(l, NMFVLog(NMFVLoad(y)));
      NMFVStore(q, NMFVDiv(NMFVLoad(x), NMFVLoad(y)));
      NMFVStore(b, NMFVHighBits(NMFVLoad(y)));
      for (int j = 0; j < NMF_VLEN; j++) {
        const double ref = std::log(y[j]);
        KeepWorst(maxlog, std::abs(l[j] - ref) / std::max(1.0, std::abs(ref))); /* relative, absolute near 0 */
        KeepWorst(maxdiv, std::abs(q[j] - x[j] / y[j]) / std::abs(x[j] / y[j]));
        KeepWorst(maxcoarse, std::abs((b[j] / 1048576.0 - 1023) * M_LN2 - ref)); /* log2 y ~ bits / 2^20 - 1023 */
      }
    }
  CHECK(maxlog < 1e-15);
  CHECK(maxdiv < 4e-16); /* about 1 ulp */
  CHECK(maxcoarse < 0.09);
}

/* the counts of a map: sparse (runs of zeros across whole vectors and both pixels of a sweep,
   and single zeros) or dense (no zero) */
static double KeyedCount(bool dense, PetscInt q, PetscInt i)
{
  if (dense) return (double)(1 + (q * 7 + i * 13) % 200);
  if ((i / 6 + q / 2) % 4 != 0) return 0;
  return (q + 3 * i) % 7 == 0 ? 0 : (double)(1 + (q + 3 * i) % 200);
}

/* Passes A and B on X stored as T against a plain serial loop of the same sums, and the same map
   as double (a Vec): num = D^T (X / (Y + shift)), sum Y, sum max(X, eps) log Y, A = (X / Y) H^T;
   pass A with and without each of num and the loss sums */
template <typename T>
static void CompareStorage(NMFDataType type, PetscInt k, PetscInt n, bool dense, double shift)
{
  const PetscInt ny = 5, nx = 7; /* 35 pixels: odd, so some rank has a lone last pixel */
  auto           fx  = [dense](PetscInt q, PetscInt i) { return KeyedCount(dense, q, i); };
  NMF            dbl = MakeKeyedNMF(PETSC_COMM_WORLD, n, ny, nx, k, fx);
  NMF            cmp;
  const PetscInt pl = dbl->p_local;
  PCALL(NMFCreate(PETSC_COMM_WORLD, &cmp));
  T *raw;
  PCALL(PetscMalloc1(pl * n, &raw));
  for (PetscInt q = 0; q < pl; q++) {
    PetscInt qg;
    PCALL(NMFGlobalPixelIndex_Private(dbl, q, &qg));
    for (PetscInt i = 0; i < n; i++) raw[(size_t)q * n + i] = (T)fx(qg, i);
  }
  PCALL(NMFSetDataCompact(cmp, dbl->daX, type, raw));
  cmp->k = k;
  std::vector<double> D(n * k), H(pl * k), Dt, Dt2;
  for (PetscInt e = 0; e < n * k; e++) D[e] = 0.1 + ((e * 7) % 13) / 13.0;
  for (PetscInt e = 0; e < pl * k; e++) H[e] = 0.05 + ((e * 5) % 9) / 9.0;
  NMFPassA a, b;
  NMFPassASetup_Private(dbl, D.data(), H.data(), Dt, &a);
  NMFPassASetup_Private(cmp, D.data(), H.data(), Dt2, &b);
  a.shift = b.shift = shift;
  /* the serial reference */
  std::vector<double> ref(pl * k, 0.0), Aref(n * k, 0.0);
  double              sref[2] = {0, 0};
  for (PetscInt q = 0; q < pl; q++) {
    PetscInt qg;
    PCALL(NMFGlobalPixelIndex_Private(dbl, q, &qg));
    for (PetscInt i = 0; i < n; i++) {
      double y = 0;
      for (PetscInt c = 0; c < k; c++) y += D[i * k + c] * H[q * k + c];
      const double x = fx(qg, i);
      for (PetscInt c = 0; c < k; c++) {
        ref[q * k + c] += D[i * k + c] * x / (y + shift); /* D^T (X / (Y + shift)) */
        Aref[c * n + i] += x / y * H[q * k + c];          /* (X / Y) H^T */
      }
      sref[0] += y;
      sref[1] += std::max(x, 1e-14) * std::log(y);
    }
  }
  /* the eps log Y terms of zero counts are coarse (their scale is eps): compare with 1e-12 */
  const double tol_log = dense ? 1e-13 : 1e-12;
  for (int mode = 0; mode < 3; mode++) { /* num and sums, num alone, sums alone */
    const bool          want_num = mode != 2, want_sums = mode != 1;
    std::vector<double> num1(pl * k, -1.0), num2(pl * k, -1.0);
    double              s1[2] = {0, 0}, s2[2] = {0, 0};
    PCALL(NMFPassA_Private(dbl, a, want_num ? num1.data() : nullptr, want_sums ? s1 : nullptr));
    PCALL(NMFPassA_Private(cmp, b, want_num ? num2.data() : nullptr, want_sums ? s2 : nullptr));
    INFO("k " << k << " n " << n << (dense ? " dense" : " sparse") << " type " << (int)type << " shift " << shift << " mode " << mode);
    if (want_num) {
      CHECK(MaxRelErr(num1, ref) < 1e-13);
      CHECK(MaxRelErr(num2, ref) < 1e-13);
    }
    if (want_sums) {
      CHECK(RelDiff(s1[0], sref[0]) < 1e-13);
      CHECK(RelDiff(s2[0], sref[0]) < 1e-13);
      CHECK(std::abs(s1[1] - sref[1]) < tol_log * (1 + std::abs(sref[1])));
      CHECK(std::abs(s2[1] - sref[1]) < tol_log * (1 + std::abs(sref[1])));
    } else {
      CHECK(s1[0] == 0);
      CHECK(s2[1] == 0);
    }
  }
  std::vector<double> At1(n * k, 0.5), At2(n * k, 0.5); /* pass B adds to At */
  for (double &v : Aref) v += 0.5;
  PCALL(NMFPassB_Private(dbl, a, At1.data()));
  PCALL(NMFPassB_Private(cmp, b, At2.data()));
  CHECK(MaxRelDiff(At1, Aref) < 1e-13);
  CHECK(MaxRelDiff(At2, Aref) < 1e-13);
  PCALL(NMFDestroy(&cmp));
  PCALL(NMFDestroy(&dbl));
}

TEST_CASE("passes over X on every storage type and k", "[kernels]")
{
  /* every k from 1 to 32 (one group of components, several, uneven ones), with n not a multiple
     of the vector length (tails) and n across several channel blocks */
  for (PetscInt k = 1; k <= 32; k++)
    for (bool dense : {false, true}) {
      const PetscInt n = k % 2 ? 37 : 301;
      CompareStorage<double>(NMF_DATA_FLOAT64, k, n, dense, 0.0);
      CompareStorage<float>(NMF_DATA_FLOAT32, k, n, dense, 0.0);
      CompareStorage<uint16_t>(NMF_DATA_UINT16, k, n, dense, 0.0);
      CompareStorage<uint8_t>(NMF_DATA_UINT8, k, n, dense, 0.0);
    }
  for (PetscInt k : {2, 7, 8, 9, 16, 17, 31, 32}) { /* the other n, and a shift (the l2_surrogate's X / (Y + eps)) */
    const PetscInt n = k % 2 ? 301 : 1029;
    CompareStorage<uint8_t>(NMF_DATA_UINT8, k, n, false, 0.25);
    CompareStorage<float>(NMF_DATA_FLOAT32, k, n, true, 0.0);
    CompareStorage<uint16_t>(NMF_DATA_UINT16, k, n, false, 0.0);
  }
}
