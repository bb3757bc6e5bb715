/* The passes over X: the vectorized log and quotient against libm, and passes A and B on every
   storage type (double, float, uint16, uint8) and several k against a plain serial loop. */
#include "unit_helpers.h"
#include "kernels_avx512.h"
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

/* the stored type of a map and its doubles: pass A and B must give the same sums */
template <typename T>
static void CompareStorage(NMFDataType type, PetscInt k)
{
  const PetscInt n = 37, ny = 5, nx = 7, p = ny * nx; /* n not a multiple of 8: masked tails */
  auto           fx = [](PetscInt q, PetscInt i) { return (double)(((q * 7 + i * 13) % 11) < 5 ? 0 : (q + 3 * i) % 200); };
  NMF            dbl = MakeKeyedNMF(PETSC_COMM_WORLD, n, ny, nx, k, fx);
  NMF            cmp;
  PCALL(NMFCreate(PETSC_COMM_WORLD, &cmp));
  T *raw;
  PCALL(PetscMalloc1(dbl->p_local * n, &raw));
  for (PetscInt q = 0; q < dbl->p_local; q++) {
    PetscInt qg;
    PCALL(NMFGlobalPixelIndex_Private(dbl, q, &qg));
    for (PetscInt i = 0; i < n; i++) raw[q * n + i] = (T)fx(qg, i);
  }
  PCALL(NMFSetDataCompact(cmp, dbl->daX, type, raw));
  cmp->k = k;
  std::vector<double> D(n * k), H(dbl->p_local * k), Dt;
  for (PetscInt e = 0; e < n * k; e++) D[e] = 0.1 + ((e * 7) % 13) / 13.0;
  for (PetscInt e = 0; e < dbl->p_local * k; e++) H[e] = 0.05 + ((e * 5) % 9) / 9.0;
  NMFPassA a, b;
  std::vector<double> num1(dbl->p_local * k), num2(dbl->p_local * k), At1(n * k, 0.0), At2(n * k, 0.0), ref(dbl->p_local * k, 0.0), Aref(n * k, 0.0);
  double              s1[2] = {0, 0}, s2[2] = {0, 0}, sref[2] = {0, 0};
  NMFPassASetup_Private(dbl, D.data(), H.data(), Dt, &a);
  NMFPassASetup_Private(cmp, D.data(), H.data(), Dt, &b);
  PCALL(NMFPassA_Private(dbl, a, num1.data(), s1));
  PCALL(NMFPassA_Private(cmp, b, num2.data(), s2));
  PCALL(NMFPassB_Private(dbl, a, At1.data()));
  PCALL(NMFPassB_Private(cmp, b, At2.data()));
  /* the serial reference */
  for (PetscInt q = 0; q < dbl->p_local; q++) {
    PetscInt qg;
    PCALL(NMFGlobalPixelIndex_Private(dbl, q, &qg));
    for (PetscInt i = 0; i < n; i++) {
      double y = 0;
      for (PetscInt c = 0; c < k; c++) y += D[i * k + c] * H[q * k + c];
      const double x = fx(qg, i);
      for (PetscInt c = 0; c < k; c++) {
        ref[q * k + c] += D[i * k + c] * x / y;  /* D^T (X / Y) */
        Aref[c * n + i] += x / y * H[q * k + c]; /* (X / Y) H^T */
      }
      sref[0] += y;
      sref[1] += std::max(x, 1e-14) * std::log(y);
    }
  }
  CHECK(MaxRelErr(num1, ref) < 1e-13);
  CHECK(MaxRelErr(num2, ref) < 1e-13);
  CHECK(MaxRelDiff(At1, Aref) < 1e-13);
  CHECK(MaxRelDiff(At2, Aref) < 1e-13);
  CHECK(RelDiff(s1[0], sref[0]) < 1e-13);
  CHECK(RelDiff(s2[0], sref[0]) < 1e-13);
  /* the eps log Y terms of zero counts are coarse (their scale is eps): compare with 1e-12 */
  CHECK(std::abs(s1[1] - sref[1]) < 1e-12 * (1 + std::abs(sref[1])));
  CHECK(std::abs(s2[1] - sref[1]) < 1e-12 * (1 + std::abs(sref[1])));
  PCALL(NMFDestroy(&cmp));
  PCALL(NMFDestroy(&dbl));
  (void)p;
}

TEST_CASE("passes over X on every storage type and k", "[kernels]")
{
  for (PetscInt k : {1, 2, 3, 4, 7, 9}) {
    CompareStorage<double>(NMF_DATA_FLOAT64, k);
    CompareStorage<float>(NMF_DATA_FLOAT32, k);
    CompareStorage<uint16_t>(NMF_DATA_UINT16, k);
    CompareStorage<uint8_t>(NMF_DATA_UINT8, k);
  }
}
