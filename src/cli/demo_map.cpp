/* smoothnmf_demo_map: writes a synthetic EDX-like spectrum image, (ny, nx, n) counts at /X,
   made of k phases with peaked spectra on a decaying background and smooth abundance maps
   on the simplex, with Poisson noise.  Every value is keyed by its global index, so the map
   is the same whatever the number of ranks that write it.

     mpirun -n P smoothnmf_demo_map -o demo.h5 [-ny 64 -nx 64 -n 256 -k 3 -counts 200 -seed 1] */
#include <smoothnmf.h>
#include <smoothnmf_io.h>
#include <cmath>
#include <vector>

/* keyed uniform in [0, 1) from (seed, stream, index) */
static double KeyedUniform(PetscInt64 seed, PetscInt64 stream, PetscInt64 index)
{
  uint64_t z = (uint64_t)seed * 0x9e3779b97f4a7c15ULL ^ ((uint64_t)stream << 48) ^ (uint64_t)index;
  for (int r = 0; r < 2; r++) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
  }
  return (z >> 11) * 0x1.0p-53;
}

static double KeyedPoisson(double lam, PetscInt64 seed, PetscInt64 index)
{
  if (lam > 30) { /* normal approximation */
    double u1 = KeyedUniform(seed, 7, 2 * index) + 1e-300, u2 = KeyedUniform(seed, 7, 2 * index + 1);
    double g  = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
    return std::max(0.0, std::round(lam + std::sqrt(lam) * g));
  }
  double u = KeyedUniform(seed, 8, index), pk = std::exp(-lam), cdf = pk;
  int    c = 0;
  while (u > cdf && c < 1000) {
    c++;
    pk *= lam / c;
    cdf += pk;
  }
  return c;
}

static PetscErrorCode Run(MPI_Comm comm)
{
  char      out[PETSC_MAX_PATH_LEN] = "";
  PetscInt  ny = 64, nx = 64, n = 256, k = 3, seed = 1;
  PetscReal counts = 200;
  PetscBool flg;
  DM        da;
  Vec       X;

  PetscFunctionBegin;
  PetscOptionsBegin(comm, NULL, "smoothnmf_demo_map options", NULL);
  PetscCall(PetscOptionsString("-o", "output HDF5 file", NULL, out, out, sizeof(out), &flg));
  PetscCall(PetscOptionsInt("-ny", "image rows", NULL, ny, &ny, NULL));
  PetscCall(PetscOptionsInt("-nx", "image columns", NULL, nx, &nx, NULL));
  PetscCall(PetscOptionsInt("-n", "energy channels", NULL, n, &n, NULL));
  PetscCall(PetscOptionsInt("-k", "number of phases", NULL, k, &k, NULL));
  PetscCall(PetscOptionsReal("-counts", "mean counts per pixel", NULL, counts, &counts, NULL));
  PetscCall(PetscOptionsInt("-seed", "random seed", NULL, seed, &seed, NULL));
  PetscOptionsEnd();
  PetscCheck(flg && out[0], comm, PETSC_ERR_ARG_WRONG, "give the output file with -o FILE");
  PetscCheck(ny >= 2 && nx >= 2 && n >= 1 && k >= 1 && counts > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "need ny, nx >= 2, n >= 1, k >= 1 and counts > 0");

  /* spectra: a decaying background plus three Gaussian peaks per phase, each summing to 1 */
  std::vector<double> D(n * k, 0.0);
  for (PetscInt c = 0; c < k; c++) {
    double s = 0;
    for (PetscInt i = 0; i < n; i++) {
      double e = (double)i / n, v = 0.3 * std::exp(-4 * e);
      for (int j = 0; j < 3; j++) {
        double mu = 0.05 + 0.9 * KeyedUniform(seed, 1, c * 3 + j), w = 0.004 + 0.01 * KeyedUniform(seed, 2, c * 3 + j);
        v += (1.0 + KeyedUniform(seed, 3, c * 3 + j)) * std::exp(-0.5 * (e - mu) * (e - mu) / (w * w));
      }
      D[i * k + c] = v;
      s += v;
    }
    for (PetscInt i = 0; i < n; i++) D[i * k + c] /= s;
  }
  PetscCall(NMFCreateDataDM(comm, n, ny, nx, NULL, NULL, &da));
  PetscCall(DMCreateGlobalVector(da, &X));
  PetscInt xs, ys, xm, ym;
  PetscCall(DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL));
  PetscScalar *x;
  PetscCall(VecGetArray(X, &x));
  std::vector<double> h(k);
  for (PetscInt i = ys; i < ys + ym; i++)
    for (PetscInt j = xs; j < xs + xm; j++) {
      /* smooth maps: two Gaussian blobs per phase, then normalized onto the simplex */
      double hs = 0;
      for (PetscInt c = 0; c < k; c++) {
        double f = 0.05;
        for (int b = 0; b < 2; b++) {
          double cy = ny * KeyedUniform(seed, 4, c * 2 + b), cx = nx * KeyedUniform(seed, 5, c * 2 + b), r = 0.15 * (nx + ny) * (0.5 + KeyedUniform(seed, 6, c * 2 + b));
          f += std::exp(-((i - cy) * (i - cy) + (j - cx) * (j - cx)) / (2 * r * r));
        }
        h[c] = f;
        hs += f;
      }
      PetscScalar *px = x + ((i - ys) * xm + (j - xs)) * n;
      for (PetscInt e = 0; e < n; e++) {
        double lam = 0;
        for (PetscInt c = 0; c < k; c++) lam += counts * D[e * k + c] * h[c] / hs;
        px[e] = KeyedPoisson(lam, seed, ((PetscInt64)i * nx + j) * n + e);
      }
    }
  PetscCall(VecRestoreArray(X, &x));
  PetscCall(NMFIOWriteMap(comm, out, "/X", da, X, PETSC_TRUE));
  PetscCall(PetscPrintf(comm, "wrote %s:/X, %" PetscInt_FMT " x %" PetscInt_FMT " pixels x %" PetscInt_FMT " channels, %" PetscInt_FMT " phases\n", out, ny, nx, n, k));
  PetscCall(VecDestroy(&X));
  PetscCall(DMDestroy(&da));
  PetscFunctionReturn(0);
}

int main(int argc, char **argv)
{
  PetscErrorCode ierr = PetscInitialize(&argc, &argv, NULL, NULL);
  if (ierr) return 1;
  ierr = Run(PETSC_COMM_WORLD);
  PetscFinalize();
  return ierr ? 1 : 0;
}
