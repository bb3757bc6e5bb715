/* The loops over X (the hot paths).  Each pass visits the owned pixels once and, within a
   pixel, blocks of channels: the block's column of Y = D h, the ratio X / Y and their
   contributions stay in L1, so no n x p temporary is ever stored and X is read once per pass.
   D = G W is kept transposed (Dt[c n + i]) so the channel loops are unit-stride and vectorize.
   X is stored pixel-major as double, float, uint16 or uint8 (value = scale * stored). */
#include "nmf_impl.h"
#include "kernels_avx512.h"
#include <cmath>
#include <cstdint>
#include <type_traits>

#if defined(SMOOTHNMF_HAVE_MVEC)
/* glibc's libmvec has vector variants of log (<= 4 ulp): let the channel loops call them */
  #pragma omp declare simd notinbranch
extern "C" double log(double);
#endif

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

/* Pass A over the owned pixels, for each pixel q with y = D h_q:
     num[:, q] = D^T (x_q / (y + shift))     (KL)   or   D^T x_q   (l2)      when num != NULL
     sums[0] += sum y, sums[1] += sum max(x, eps) log y                (KL)
     sums[0] += sum (y - x)^2                                          (l2)      when sums != NULL
   Loops: channel blocks outside, pixels inside, so the block of D (and y, r) stays in L1; the
   number of components K is a compile-time constant (0: the runtime a.k) so y and the K
   partial sums of D^T r live in registers. */
template <int K, typename T>
static void PassA(const NMFPassA &a, const T *X, double *num, double *sums)
{
  const PetscInt n = a.n, k = K ? K : a.k;
  const double   scale = a.scale, shift = a.shift, eps = a.eps;
  double         y[NMF_CHANNEL_BLOCK];
  double         s0 = 0, s1 = 0;
  PetscInt       qstart = 0;

  if (num)
    for (PetscInt e = 0; e < a.p_local * k; e++) num[e] = 0;
#if defined(SMOOTHNMF_HAVE_AVX512)
  if (K && num && !a.l2) { /* two pixels at a time */
    __m512d v0 = _mm512_setzero_pd(), v1 = _mm512_setzero_pd();
    for (; qstart + 1 < a.p_local; qstart += 2) {
      const PetscInt q = qstart;
      for (PetscInt i0 = 0; i0 < n; i0 += NMF_CHANNEL_BLOCK) {
        const PetscInt nb = PetscMin((PetscInt)NMF_CHANNEL_BLOCK, n - i0);
        NMFPassABlock8x2<K ? K : 1, T>(nb, n, a.Dt + i0, a.H + q * k, a.H + (q + 1) * k, X + (size_t)q * n + i0, X + (size_t)(q + 1) * n + i0, scale, shift, eps, sums != nullptr, num + q * k, num + (q + 1) * k, v0, v1);
      }
    }
    s0 += _mm512_reduce_add_pd(v0);
    s1 += _mm512_reduce_add_pd(v1);
  }
#endif
  for (PetscInt q = qstart; q < a.p_local; q++) {
    for (PetscInt i0 = 0; i0 < n; i0 += NMF_CHANNEL_BLOCK) {
      const PetscInt nb = PetscMin((PetscInt)NMF_CHANNEL_BLOCK, n - i0);
      const double  *Db = a.Dt + i0;
      const T      *x = X + (size_t)q * n + i0;
      const double *h = a.H + q * k;
#if defined(SMOOTHNMF_HAVE_AVX512)
      if (K && num && !a.l2) {
        __m512d v0 = _mm512_setzero_pd(), v1 = _mm512_setzero_pd();
        NMFPassABlock8<K ? K : 1, T>(nb, n, Db, h, x, scale, shift, eps, sums != nullptr, num + q * k, v0, v1);
        s0 += _mm512_reduce_add_pd(v0);
        s1 += _mm512_reduce_add_pd(v1);
        continue;
      }
#endif
      if (K && num && !a.l2) {
        /* y = D h, r = x / (y + shift), t_c += D[i, c] r, and sum Y, in one sweep (K <= 8 partial
           sums in registers; the unused ones are compiled away) */
        const double h0 = h[0], h1 = K > 1 ? h[1] : 0, h2 = K > 2 ? h[2] : 0, h3 = K > 3 ? h[3] : 0;
        const double h4 = K > 4 ? h[4] : 0, h5 = K > 5 ? h[5] : 0, h6 = K > 6 ? h[6] : 0, h7 = K > 7 ? h[7] : 0;
        double       t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0;
#pragma omp simd reduction(+ : t0, t1, t2, t3, t4, t5, t6, t7, s0)
        for (PetscInt j = 0; j < nb; j++) {
          const double d0 = Db[j], d1 = K > 1 ? Db[n + j] : 0, d2 = K > 2 ? Db[2 * n + j] : 0, d3 = K > 3 ? Db[3 * n + j] : 0;
          const double d4 = K > 4 ? Db[4 * n + j] : 0, d5 = K > 5 ? Db[5 * n + j] : 0, d6 = K > 6 ? Db[6 * n + j] : 0, d7 = K > 7 ? Db[7 * n + j] : 0;
          double       yv = d0 * h0;
          if (K > 1) yv += d1 * h1;
          if (K > 2) yv += d2 * h2;
          if (K > 3) yv += d3 * h3;
          if (K > 4) yv += d4 * h4;
          if (K > 5) yv += d5 * h5;
          if (K > 6) yv += d6 * h6;
          if (K > 7) yv += d7 * h7;                       /* y = (D h)_i */
          const double r = scale * (double)x[j] / (yv + shift); /* X / Y */
          t0 += d0 * r;                                   /* D^T (X / Y) */
          if (K > 1) t1 += d1 * r;
          if (K > 2) t2 += d2 * r;
          if (K > 3) t3 += d3 * r;
          if (K > 4) t4 += d4 * r;
          if (K > 5) t5 += d5 * r;
          if (K > 6) t6 += d6 * r;
          if (K > 7) t7 += d7 * r;
          s0 += yv;
          y[j] = yv;
        }
        const double t[8] = {t0, t1, t2, t3, t4, t5, t6, t7};
        for (PetscInt c = 0; c < k; c++) num[q * k + c] += t[c];
        if (sums) {
#pragma omp simd reduction(+ : s1)
          for (PetscInt j = 0; j < nb; j++) s1 += PetscMax(scale * (double)x[j], eps) * log(y[j]); /* max(X, eps) log Y */
        } else s0 = 0;
        continue;
      }
      /* the general path: any k, the l2 loss, or the loss alone */
      for (PetscInt j = 0; j < nb; j++) y[j] = 0;
      for (PetscInt c = 0; c < k; c++) {
        const double *d = Db + c * n, hc = h[c];
#pragma omp simd
        for (PetscInt j = 0; j < nb; j++) y[j] += d[j] * hc; /* y = (D h)_i */
      }
      if (sums) {
        if (a.l2) {
#pragma omp simd reduction(+ : s0)
          for (PetscInt j = 0; j < nb; j++) {
            const double dv = y[j] - scale * (double)x[j];
            s0 += dv * dv; /* (Y - X)^2 */
          }
        } else {
#pragma omp simd reduction(+ : s0, s1)
          for (PetscInt j = 0; j < nb; j++) {
            s0 += y[j];                                                  /* sum Y */
            s1 += PetscMax(scale * (double)x[j], eps) * log(y[j]);      /* sum max(X, eps) log Y */
          }
        }
      }
      if (!num) continue;
      double r[NMF_CHANNEL_BLOCK];
      if (a.l2) {
#pragma omp simd
        for (PetscInt j = 0; j < nb; j++) r[j] = scale * (double)x[j];
      } else {
#pragma omp simd
        for (PetscInt j = 0; j < nb; j++) r[j] = scale * (double)x[j] / (y[j] + shift);
      }
      for (PetscInt c = 0; c < k; c++) {
        const double *d  = Db + c * n;
        double        tc = 0;
#pragma omp simd reduction(+ : tc)
        for (PetscInt j = 0; j < nb; j++) tc += d[j] * r[j]; /* D^T (X / Y) */
        num[q * k + c] += tc;
      }
    }
  }
  if (sums) {
    sums[0] += s0;
    sums[1] += s1;
  }
}

/* Pass B over the owned pixels (the W step), with y = D h_q:
     KL: At[c n + i] += x_i / y_i h_q[c]     (A = (X / Y) H^T, transposed)
     l2: At[c n + i] += x_i h_q[c]           (X H^T, transposed)
   Channel blocks outside, pixels inside: the blocks of D and A stay in L1. */
template <int K, typename T>
static void PassB(const NMFPassA &a, const T *X, double *At)
{
  const PetscInt n = a.n, k = K ? K : a.k;
  const double   scale = a.scale;
  double         r[NMF_CHANNEL_BLOCK];
  PetscInt       qstart = 0;

#if defined(SMOOTHNMF_HAVE_AVX512)
  if (K && !a.l2) /* two pixels at a time */
    for (; qstart + 1 < a.p_local; qstart += 2) {
      const PetscInt q = qstart;
      for (PetscInt i0 = 0; i0 < n; i0 += NMF_CHANNEL_BLOCK) {
        const PetscInt nb = PetscMin((PetscInt)NMF_CHANNEL_BLOCK, n - i0);
        NMFPassBBlock8x2<K ? K : 1, T>(nb, n, a.Dt + i0, a.H + q * k, a.H + (q + 1) * k, X + (size_t)q * n + i0, X + (size_t)(q + 1) * n + i0, scale, At + i0);
      }
    }
#endif
  for (PetscInt q = qstart; q < a.p_local; q++) {
    for (PetscInt i0 = 0; i0 < n; i0 += NMF_CHANNEL_BLOCK) {
      const PetscInt nb = PetscMin((PetscInt)NMF_CHANNEL_BLOCK, n - i0);
      const double  *Db = a.Dt + i0;
      double        *Ab = At + i0;
      const T      *x = X + (size_t)q * n + i0;
      const double *h = a.H + q * k;
#if defined(SMOOTHNMF_HAVE_AVX512)
      if (K && !a.l2) {
        NMFPassBBlock8<K ? K : 1, T>(nb, n, Db, h, x, scale, Ab);
        continue;
      }
#endif
      if (K && !a.l2) {
#pragma omp simd
        for (PetscInt j = 0; j < nb; j++) {
          double yv = 0;
          for (PetscInt c = 0; c < K; c++) yv += Db[c * n + j] * h[c];
          const double rv = scale * (double)x[j] / yv;                 /* X / Y */
          for (PetscInt c = 0; c < K; c++) Ab[c * n + j] += rv * h[c]; /* A[i, c] += (X / Y)[i, q] H[c, q] */
        }
        continue;
      }
      if (a.l2) {
#pragma omp simd
        for (PetscInt j = 0; j < nb; j++) r[j] = scale * (double)x[j];
      } else {
        double y[NMF_CHANNEL_BLOCK];
        for (PetscInt j = 0; j < nb; j++) y[j] = 0;
        for (PetscInt c = 0; c < k; c++) {
          const double *d = Db + c * n, hc = h[c];
#pragma omp simd
          for (PetscInt j = 0; j < nb; j++) y[j] += d[j] * hc;
        }
#pragma omp simd
        for (PetscInt j = 0; j < nb; j++) r[j] = scale * (double)x[j] / y[j];
      }
      for (PetscInt c = 0; c < k; c++) {
        double      *acc = Ab + c * n;
        const double hc  = h[c];
#pragma omp simd
        for (PetscInt j = 0; j < nb; j++) acc[j] += r[j] * hc;
      }
    }
  }
}

/* K = k for the common small k (the inner loops unroll), else 0 (runtime k) */
template <typename T, class F>
static void WithK(PetscInt k, F f)
{
  switch (k) {
  case 2: f(std::integral_constant<int, 2>()); break;
  case 3: f(std::integral_constant<int, 3>()); break;
  case 4: f(std::integral_constant<int, 4>()); break;
  case 5: f(std::integral_constant<int, 5>()); break;
  case 6: f(std::integral_constant<int, 6>()); break;
  case 8: f(std::integral_constant<int, 8>()); break;
  default: f(std::integral_constant<int, 0>()); break;
  }
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
  a->Dt = Dt.data(), a->H = H;
  a->scale = nmf->xscale;
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
  const double numel = (double)nmf->n * (double)nmf->p;
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

/* The losses of any (W, H) (algorithm notes, section 5): Y = max(G W, eps) max(H, eps) for KL. */
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
  const double       *TD = nmf->true_D.data();

  PetscFunctionBegin;
  NMFComputeD_Private(nmf, W, D.data());
  if (!nmf->l2)
    for (double &d : D) d = PetscMax(d, eps);
  PetscCall(VecGetArrayRead(Hvec, &H));
  PetscCall(VecGetArrayRead(nmf->true_H, &TH));
  for (PetscInt q = 0; q < pl; q++) {
    for (PetscInt c = 0; c < k; c++) hf[c] = nmf->l2 ? H[q * k + c] : PetscMax(H[q * k + c], eps);
    for (PetscInt i = 0; i < n; i++) {
      double y = 0, x = 0;
      for (PetscInt c = 0; c < k; c++) {
        y += D[i * k + c] * hf[c];
        x += TD[i * k + c] * TH[q * k + c]; /* (true_D true_H)[i, q] */
      }
      if (nmf->l2) sums[0] += (y - x) * (y - x);
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
   into X when it is stored as double with scale 1, else a converted (and scaled) copy in buf. */
PetscErrorCode NMFXBlock_Private(NMF nmf, PetscInt q0, PetscInt nq, std::vector<double> &buf, const double **x)
{
  const size_t off = (size_t)q0 * nmf->n, len = (size_t)nq * nmf->n;

  PetscFunctionBegin;
  if (nmf->xtype == NMF_DATA_FLOAT64 && nmf->xscale == 1.0) {
    *x = (const double *)nmf->Xc + off;
    PetscFunctionReturn(0);
  }
  buf.resize(len);
  WithX(nmf, [&](auto X) {
    for (size_t e = 0; e < len; e++) buf[e] = nmf->xscale * (double)X[off + e];
  });
  *x = buf.data();
  PetscFunctionReturn(0);
}
