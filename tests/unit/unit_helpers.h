/* Shared helpers of the unit tests: building small keyed maps, moving abundance vectors to and
   from full serial arrays indexed by the global pixel, and the serial references that several
   tests need (dense Laplacian, espm's bisection).

   Conventions of the serial references: every map is pixel-major, X[q*n + i], H[q*k + c]
   (column q of X or H is contiguous); W (m x k), G (n x m), D (n x k) are row-major.
   A PETSc error aborts the whole run (PCALL); value checks use CHECK, not REQUIRE, wherever
   the other ranks would otherwise wait in a collective call. */
#ifndef SMOOTHNMF_UNIT_HELPERS_H
#define SMOOTHNMF_UNIT_HELPERS_H

#include <catch2/catch.hpp>
#include <smoothnmf/private/nmfimpl.h>
#include <algorithm>
#include <cmath>
#include <functional>
#include <vector>

#define PCALL(call) PetscCallAbort(PETSC_COMM_WORLD, (call))

inline int CommSize(MPI_Comm comm)
{
  int size;
  MPI_Comm_size(comm, &size);
  return size;
}

inline int CommRank(MPI_Comm comm)
{
  int rank;
  MPI_Comm_rank(comm, &rank);
  return rank;
}

/* w <- max(w, d), where a NaN d makes w infinite (std::max would drop it) */
inline void KeepWorst(double &w, double d)
{
  if (!(d <= w)) w = std::isnan(d) ? INFINITY : d;
}

/* largest |a - b| / max(1, |b|): the relative error for entries >= 1, absolute below */
inline double MaxRelDiff(const std::vector<double> &a, const std::vector<double> &b)
{
  if (a.size() != b.size()) return INFINITY;
  double r = 0;
  for (size_t e = 0; e < a.size(); e++) {
    KeepWorst(r, std::abs(a[e] - b[e]) / std::max(1.0, std::abs(b[e])));
  }
  return r;
}

/* largest |a - b| / |b|: a purely relative error, for arrays without zeros */
inline double MaxRelErr(const std::vector<double> &a, const std::vector<double> &b)
{
  if (a.size() != b.size()) return INFINITY;
  double r = 0;
  for (size_t e = 0; e < a.size(); e++) {
    KeepWorst(r, a[e] == b[e] ? 0.0 : std::abs(a[e] - b[e]) / std::abs(b[e]));
  }
  return r;
}

inline double RelDiff(double a, double b) { return MaxRelDiff({a}, {b}); }

/* the values per pixel of a DMDA's vectors: a data DMDA's channels (NMFCreateDataDM), else its dof */
inline PetscInt PixelDof(DM da)
{
  PetscInt dof;
  PCALL(NMFDataDMGetChannels(da, &dof));
  return dof;
}

/* a vector of dof values per owned pixel of da: NMFCreateDataVec for a data DMDA (its grid has one
   dof), else a global vector of the DMDA */
inline Vec PixelVec(DM da)
{
  PetscInt dof;
  Vec      v;
  PCALL(DMDAGetInfo(da, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &dof, NULL, NULL, NULL, NULL, NULL));
  if (PixelDof(da) != dof)
    PCALL(NMFCreateDataVec(da, &v));
  else
    PCALL(DMCreateGlobalVector(da, &v));
  return v;
}

/* Calls f(q, values) for every owned pixel of a 1-D or 2-D DMDA vector, q the global pixel index
   (i nx + j for pixel (i, j) of an image), values its PixelDof entries.  A DMDA's global vector
   holds the owned block row-major (x fastest), PixelDof values per pixel. */
inline void ForEachOwnedPixel(DM da, Vec v, const std::function<void(PetscInt, PetscScalar *)> &f)
{
  PetscInt       dim, nx, xs, ys, xm, ym;
  PetscScalar   *a;
  const PetscInt dof = PixelDof(da);
  PCALL(DMDAGetInfo(da, &dim, &nx, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  PCALL(DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL));
  if (dim == 1) ys = 0, ym = 1;
  PCALL(VecGetArray(v, &a));
  for (PetscInt i = ys; i < ys + ym; i++)
    for (PetscInt j = xs; j < xs + xm; j++) f(dim == 2 ? i * nx + j : j, a + (size_t)((i - ys) * xm + (j - xs)) * dof);
  PCALL(VecRestoreArray(v, &a));
}

/* the full map (p pixels x dof, pixel-major) of a distributed DMDA vector, on every rank */
inline std::vector<double> GatherPixels(DM da, Vec v)
{
  PetscInt nx, ny, dim;
  MPI_Comm comm;
  PCALL(DMDAGetInfo(da, &dim, &nx, &ny, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL));
  const PetscInt dof = PixelDof(da);
  PCALL(PetscObjectGetComm((PetscObject)da, &comm));
  const PetscInt      p = dim == 2 ? nx * ny : nx;
  std::vector<double> full(p * dof, 0.0);
  ForEachOwnedPixel(da, v, [&](PetscInt q, PetscScalar *x) {
    for (PetscInt c = 0; c < dof; c++) full[q * dof + c] = x[c];
  });
  MPI_Allreduce(MPI_IN_PLACE, full.data(), (int)full.size(), MPI_DOUBLE, MPI_SUM, comm);
  return full;
}

/* the global pixel index of each owned pixel, in the local storage order of da's vectors (the
   order of the solver's p_local arrays: num, den, nu, H Delta) */
inline std::vector<PetscInt> OwnedPixelIndices(DM da)
{
  Vec                v;
  const PetscScalar *a;
  PetscInt           len;
  const PetscInt     dof = PixelDof(da);
  v                      = PixelVec(da);
  ForEachOwnedPixel(da, v, [&](PetscInt q, PetscScalar *x) {
    for (PetscInt c = 0; c < dof; c++) x[c] = (double)q;
  });
  PCALL(VecGetLocalSize(v, &len));
  PCALL(VecGetArrayRead(v, &a));
  std::vector<PetscInt> idx(len / dof);
  for (PetscInt l = 0; l < len / dof; l++) idx[l] = (PetscInt)a[l * dof];
  PCALL(VecRestoreArrayRead(v, &a));
  PCALL(VecDestroy(&v));
  return idx;
}

/* A vector of da with entry c of pixel q set to f(q, c) */
inline Vec KeyedVec(DM da, const std::function<double(PetscInt, PetscInt)> &f)
{
  Vec            v   = PixelVec(da);
  const PetscInt dof = PixelDof(da);
  ForEachOwnedPixel(da, v, [&](PetscInt q, PetscScalar *x) {
    for (PetscInt c = 0; c < dof; c++) x[c] = f(q, c);
  });
  return v;
}

/* An NMF on a keyed map X[q, i] = fx(q, i): n channels, image ny x nx (ny = 0: nx pixels, no
   shape), k components, silent. */
inline NMF MakeKeyedNMF(MPI_Comm comm, PetscInt n, PetscInt ny, PetscInt nx, PetscInt k, const std::function<double(PetscInt, PetscInt)> &fx)
{
  DM  da;
  NMF nmf;
  PCALL(NMFCreateDataDM(comm, n, ny, nx, NULL, NULL, &da));
  Vec X = KeyedVec(da, fx);
  PCALL(NMFCreate(comm, &nmf));
  PCALL(NMFSetData(nmf, da, X));
  PCALL(NMFSetNComponents(nmf, k));
  PCALL(NMFSetVerbose(nmf, 0));
  PCALL(VecDestroy(&X)); /* the NMF holds its own references */
  PCALL(DMDestroy(&da));
  return nmf;
}

/* the full keyed map, pixel-major, p pixels x dof */
inline std::vector<double> KeyedFull(PetscInt p, PetscInt dof, const std::function<double(PetscInt, PetscInt)> &f)
{
  std::vector<double> a(p * dof);
  for (PetscInt q = 0; q < p; q++)
    for (PetscInt c = 0; c < dof; c++) a[q * dof + c] = f(q, c);
  return a;
}

/* Spec section 2, from the definition: the dense p x p graph Laplacian of the ny x nx
   4-neighbour grid with free borders (pixel (i, j) = i nx + j); ny = 0 gives the identity. */
inline std::vector<double> DenseLaplacian(PetscInt ny, PetscInt nx)
{
  const PetscInt      p = ny > 0 ? ny * nx : nx;
  std::vector<double> L(p * p, 0.0);
  if (ny == 0) {
    for (PetscInt q = 0; q < p; q++) L[q * p + q] = 1; /* Delta = I without a shape */
    return L;
  }
  const int di[4] = {-1, 1, 0, 0}, dj[4] = {0, 0, -1, 1};
  for (PetscInt i = 0; i < ny; i++)
    for (PetscInt j = 0; j < nx; j++)
      for (int d = 0; d < 4; d++) {
        const PetscInt ii = i + di[d], jj = j + dj[d];
        if (ii < 0 || ii >= ny || jj < 0 || jj >= nx) continue; /* free border: no neighbour */
        L[(i * nx + j) * p + ii * nx + jj] = -1;                /* Delta[q, r] = -1 for a neighbour r */
        L[(i * nx + j) * p + i * nx + j] += 1;                  /* Delta[q, q] = number of neighbours */
      }
  return L;
}

/* (H Delta)[c, q] = sum_r H[c, r] Delta[r, q], dense, H pixel-major (p x k) */
inline std::vector<double> DenseApplyLaplacian(const std::vector<double> &L, const std::vector<double> &H, PetscInt p, PetscInt k)
{
  std::vector<double> HL(p * k, 0.0);
  for (PetscInt q = 0; q < p; q++)
    for (PetscInt r = 0; r < p; r++)
      if (L[r * p + q] != 0)
        for (PetscInt c = 0; c < k; c++) HL[q * k + c] += H[r * k + c] * L[r * p + q];
  return HL;
}

/* f_q(x) = sum_c max(num[c,q] / (x + den[c,q]), eps) - 1 (spec section 4) */
inline double SimplexResidual(PetscInt k, const double *num, const double *den, double eps, double x)
{
  double s = 0;
  for (PetscInt c = 0; c < k; c++) s += std::max(num[c] / (x + den[c]), eps);
  return s - 1;
}

/* espm's dichotomy_simplex on p pixels, serially, as spec section 4 writes it.  global = true:
   the loop runs while max over ALL pixels of |f(mid)| > tol (espm); global = false: each pixel
   stops on its own (the variant the solver must NOT implement; used to show the test data
   tell the two apart).  At most 100 steps. */
inline std::vector<double> SerialSimplexNu(PetscInt k, PetscInt p, const double *num, const double *den, double eps, double tol, bool global)
{
  std::vector<double> a(p), b(p), mid(p), fmid(p);
  for (PetscInt q = 0; q < p; q++) {
    const double *t = num + q * k, *d = den + q * k;
    double        amax = -INFINITY, nmax = -INFINITY, dmin = INFINITY;
    for (PetscInt c = 0; c < k; c++) {
      if (t[c] > 0) amax = std::max(amax, t[c] / 2 - d[c]); /* a = max_{c: num > 0} (num/2 - den) */
      nmax = std::max(nmax, t[c]);
      dmin = std::min(dmin, d[c]);
    }
    a[q]    = amax;
    b[q]    = 2.0 * k * nmax - dmin; /* b = 2 k max(num) - min(den) */
    mid[q]  = (a[q] + b[q]) / 2;
    fmid[q] = SimplexResidual(k, t, d, eps, mid[q]);
  }
  auto step = [&](PetscInt q) {
    const double fa = SimplexResidual(k, num + q * k, den + q * k, eps, a[q]);
    if (fa * fmid[q] <= 0)
      b[q] = mid[q]; /* f(a) f(mid) <= 0: the root is in [a, mid] */
    else
      a[q] = mid[q];
    mid[q]  = (a[q] + b[q]) / 2;
    fmid[q] = SimplexResidual(k, num + q * k, den + q * k, eps, mid[q]);
  };
  if (global) {
    for (int it = 0; it < 100; it++) {
      double fmax = 0;
      for (PetscInt q = 0; q < p; q++) fmax = std::max(fmax, std::abs(fmid[q]));
      if (!(fmax > tol)) break; /* one test for the whole map */
      for (PetscInt q = 0; q < p; q++) step(q);
    }
  } else {
    for (PetscInt q = 0; q < p; q++)
      for (int it = 0; it < 100 && std::abs(fmid[q]) > tol; it++) step(q);
  }
  return mid;
}

/* what a solve gave: W, H gathered by global pixel, the losses table, n_iter and the stop reason */
struct FitResult {
  std::vector<double> W, H, losses;
  PetscInt            n_iter;
  NMFConvergedReason  reason;
};
inline FitResult GetFitResult(NMF nmf)
{
  FitResult     r;
  PetscInt      m, k, ncol;
  const double *W, *table;
  Vec           H;
  DM            daH;
  PCALL(NMFGetW(nmf, &m, &k, &W));
  r.W.assign(W, W + m * k);
  PCALL(NMFGetH(nmf, &H));
  PCALL(NMFGetAbundanceDM(nmf, &daH));
  r.H = GatherPixels(daH, H);
  PCALL(NMFGetLosses(nmf, &r.n_iter, &ncol, &table));
  r.losses.assign(table, table + r.n_iter * ncol);
  PCALL(NMFGetConvergedReason(nmf, &r.reason));
  return r;
}

#endif
