/* smoothnmf_demo_map: writes a synthetic EDX-like spectrum image of any size, made of k phases
   with peaked spectra on a decaying background and smooth abundance maps on the simplex, with
   Poisson counts, and its ground truth beside it.  Every value is keyed by its global index, so
   the map is the same whatever the number of ranks that write it.

   With -o FILE.hspy: a HyperSpy file, /Experiments/<title>/data of shape (ny, nx, n) in the
   chosen dtype (default uint16), chunked and gzip-compressed, with calibrated axes (y, x in nm,
   Energy in keV) that hyperspy.api.load opens as a spectrum image.  Otherwise: an HDF5 file
   with the map at /X (float64).  Either way the ground truth is in /truth: spectra (n, k),
   each summing to 1, and maps (k, ny, nx), the abundances (on the simplex).  The file is
   written under a temporary name and renamed when complete.

     mpirun -n P smoothnmf_demo_map -o demo.hspy [-ny 64 -nx 64 -n 256 -k 3 -counts 200 -seed 1]
         [-dtype uint16] [-chunks 16,16] [-gzip 4] [-energy_offset 0.2 -energy_scale 0.01]
         [-pixel_size 2] [-title "Synthetic EDX map"] */
#include <smoothnmf.h>
#include <smoothnmf_io.h>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <unistd.h>
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
    double g = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
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

struct GeneratorOptions {
  char      out[PETSC_MAX_PATH_LEN] = "", dtype[32] = "uint16", title[128] = "Synthetic EDX map";
  PetscInt  ny = 64, nx = 64, n = 256, k = 3, seed = 1, map_seed = -1, chunks[2] = {16, 16}, gzip = 4;
  PetscReal counts = 200, energy_offset = 0.2, energy_scale = 0.01, pixel_size = 2.0;
  PetscBool hspy = PETSC_FALSE, has_dtype = PETSC_FALSE;
};

static PetscErrorCode ReadOptions(MPI_Comm comm, GeneratorOptions *o)
{
  PetscBool flg;
  PetscInt  nchunks = 2;

  PetscFunctionBegin;
  PetscOptionsBegin(comm, NULL, "smoothnmf_demo_map options", NULL);
  PetscCall(PetscOptionsString("-o", "output file: FILE.hspy (HyperSpy) or FILE.h5 (/X)", NULL, o->out, o->out, sizeof(o->out), &flg));
  PetscCall(PetscOptionsInt("-ny", "image rows", NULL, o->ny, &o->ny, NULL));
  PetscCall(PetscOptionsInt("-nx", "image columns", NULL, o->nx, &o->nx, NULL));
  PetscCall(PetscOptionsInt("-n", "energy channels", NULL, o->n, &o->n, NULL));
  PetscCall(PetscOptionsInt("-k", "number of phases", NULL, o->k, &o->k, NULL));
  PetscCall(PetscOptionsReal("-counts", "mean counts per pixel", NULL, o->counts, &o->counts, NULL));
  PetscCall(PetscOptionsInt("-seed", "random seed", NULL, o->seed, &o->seed, NULL));
  PetscCall(PetscOptionsInt("-map_seed", "seed of the abundance maps and the noise (default: -seed); another value gives new maps of the same spectra", NULL, o->map_seed, &o->map_seed, NULL));
  PetscCall(PetscOptionsString("-dtype", ".hspy: stored type, uint8 uint16 uint32 int16 int32 float32 float64", NULL, o->dtype, o->dtype, sizeof(o->dtype), &o->has_dtype));
  PetscCall(PetscOptionsIntArray("-chunks", ".hspy: chunk shape rows,columns (every channel in each chunk); 0 for a contiguous dataset", NULL, o->chunks, &nchunks, &flg));
  if (flg && nchunks == 1) o->chunks[1] = o->chunks[0];
  PetscCall(PetscOptionsInt("-gzip", ".hspy: deflate level, 0 (none) to 9", NULL, o->gzip, &o->gzip, NULL));
  PetscCall(PetscOptionsReal("-energy_offset", ".hspy: energy of channel 0 (keV)", NULL, o->energy_offset, &o->energy_offset, NULL));
  PetscCall(PetscOptionsReal("-energy_scale", ".hspy: energy step per channel (keV)", NULL, o->energy_scale, &o->energy_scale, NULL));
  PetscCall(PetscOptionsReal("-pixel_size", ".hspy: pixel size (nm)", NULL, o->pixel_size, &o->pixel_size, NULL));
  PetscCall(PetscOptionsString("-title", ".hspy: the signal's title", NULL, o->title, o->title, sizeof(o->title), NULL));
  PetscOptionsEnd();
  PetscCheck(o->out[0], comm, PETSC_ERR_ARG_WRONG, "give the output file with -o FILE.hspy or -o FILE.h5");
  const size_t len = strlen(o->out);
  o->hspy          = len > 5 && !strcmp(o->out + len - 5, ".hspy") ? PETSC_TRUE : PETSC_FALSE;
  PetscCheck(o->ny >= 2 && o->nx >= 2 && o->n >= 2 && o->k >= 1 && o->counts > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "need ny, nx >= 2, n >= 2, k >= 1 and counts > 0");
  PetscCheck(o->hspy || !o->has_dtype, comm, PETSC_ERR_ARG_WRONG, "-dtype applies to .hspy output only (the /X of an .h5 output is float64)");
  PetscCheck(o->chunks[0] >= 0 && o->chunks[1] >= 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-chunks %" PetscInt_FMT ",%" PetscInt_FMT ": expected sizes >= 0", o->chunks[0], o->chunks[1]);
  PetscCheck(o->energy_scale > 0 && o->pixel_size > 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "-energy_scale and -pixel_size must be > 0");
  if (o->chunks[0] == 0 || o->chunks[1] == 0) o->chunks[0] = o->chunks[1] = 0;
  PetscFunctionReturn(0);
}

/* spectra D (n x k, row-major): a decaying background plus three Gaussian peaks per phase, each summing to 1 */
static void Spectra(const GeneratorOptions &o, std::vector<double> &D)
{
  const PetscInt n = o.n, k = o.k, seed = o.seed;
  D.assign(n * k, 0.0);
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
}

/* the abundances of pixel (i, j): two Gaussian blobs per phase, normalized onto the simplex */
static void Abundances(const GeneratorOptions &o, PetscInt i, PetscInt j, double *h)
{
  const PetscInt ny = o.ny, nx = o.nx, seed = o.map_seed >= 0 ? o.map_seed : o.seed;
  double         hs = 0;
  for (PetscInt c = 0; c < o.k; c++) {
    double f = 0.05;
    for (int b = 0; b < 2; b++) {
      double cy = ny * KeyedUniform(seed, 4, c * 2 + b), cx = nx * KeyedUniform(seed, 5, c * 2 + b), r = 0.15 * (nx + ny) * (0.5 + KeyedUniform(seed, 6, c * 2 + b));
      f += std::exp(-((i - cy) * (i - cy) + (j - cx) * (j - cx)) / (2 * r * r));
    }
    h[c] = f;
    hs += f;
  }
  for (PetscInt c = 0; c < o.k; c++) h[c] /= hs;
}

static void SetAxis(NMFAxis *a, const char *name, const char *units, double scale, double offset, PetscInt size, PetscBool navigate)
{
  memset(a, 0, sizeof(*a));
  snprintf(a->name, sizeof(a->name), "%s", name);
  snprintf(a->units, sizeof(a->units), "%s", units);
  a->scale    = scale;
  a->offset   = offset;
  a->size     = size;
  a->navigate = navigate;
}

/* the in-memory type of the generated counts: the stored type itself when the solver has it
   (no conversion, no double copy of a large map), else float64 */
static NMFDataType GeneratedType(const GeneratorOptions &o)
{
  if (!o.hspy || !strcmp(o.dtype, "float64")) return NMF_DATA_FLOAT64;
  if (!strcmp(o.dtype, "uint8")) return NMF_DATA_UINT8;
  if (!strcmp(o.dtype, "uint16")) return NMF_DATA_UINT16;
  if (!strcmp(o.dtype, "float32")) return NMF_DATA_FLOAT32;
  return NMF_DATA_FLOAT64;
}

static PetscErrorCode WriteFiles(MPI_Comm comm, const GeneratorOptions &o, const char path[], DM da, NMFDataType xtype, const void *x, DM daH, Vec Ht, const std::vector<double> &D)
{
  PetscFunctionBegin;
  if (o.hspy) {
    NMFMapInfo info;
    PetscCall(PetscMemzero(&info, sizeof(info)));
    snprintf(info.title, sizeof(info.title), "%s", o.title);
    snprintf(info.signal_type, sizeof(info.signal_type), "EDS_TEM");
    info.ndims   = 3;
    info.dims[0] = o.ny;
    info.dims[1] = o.nx;
    info.dims[2] = o.n;
    SetAxis(&info.axes[0], "y", "nm", o.pixel_size, 0.0, o.ny, PETSC_TRUE);
    SetAxis(&info.axes[1], "x", "nm", o.pixel_size, 0.0, o.nx, PETSC_TRUE);
    SetAxis(&info.axes[2], "Energy", "keV", o.energy_scale, o.energy_offset, o.n, PETSC_FALSE);
    info.has_axes = PETSC_TRUE;
    PetscCall(NMFIOWriteHspyMap(comm, path, &info, da, xtype, x, o.dtype, o.chunks, o.chunks[0] ? o.gzip : 0));
  } else
    PetscCall(NMFIOWriteMap(comm, path, "/X", da, (const PetscReal *)x, PETSC_TRUE));
  PetscCall(NMFIOWriteMatrix(comm, path, "/truth/spectra", o.n, o.k, D.data()));
  PetscCall(NMFIOWriteAbundance(comm, path, "/truth/maps", daH, Ht));
  PetscFunctionReturn(0);
}

/* the counts of the owned pixels into x (of type T, n per pixel, pixel-major, 64-bit offsets);
   *too_big: a count that T cannot hold */
template <typename T>
static void GenerateCounts(const GeneratorOptions &o, const std::vector<double> &D, PetscInt xs, PetscInt ys, PetscInt xm, PetscInt ym, T *x, PetscScalar *ht, double *too_big)
{
  const PetscInt n = o.n, k = o.k, nx = o.nx;
  const double   tmax = std::is_integral<T>::value ? (double)std::numeric_limits<T>::max() : HUGE_VAL;
  for (PetscInt i = ys; i < ys + ym; i++)
    for (PetscInt j = xs; j < xs + xm; j++) {
      const PetscInt q  = (i - ys) * xm + (j - xs);
      PetscScalar   *h  = ht + (size_t)q * k;
      T             *px = x + (size_t)q * n;
      Abundances(o, i, j, h);
      for (PetscInt e = 0; e < n; e++) {
        double lam = 0;
        for (PetscInt c = 0; c < k; c++) lam += o.counts * D[e * k + c] * h[c];
        const double v = KeyedPoisson(lam, o.map_seed >= 0 ? o.map_seed : o.seed, ((PetscInt64)i * nx + j) * n + e);
        if (v > tmax) *too_big = PetscMax(*too_big, v);
        px[e] = (T)v;
      }
    }
}

static PetscErrorCode Run(MPI_Comm comm)
{
  GeneratorOptions o;
  DM               da, daH;
  Vec              Ht;
  PetscMPIInt      rank;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(ReadOptions(comm, &o));
  const PetscInt      n = o.n, k = o.k;
  std::vector<double> D;
  Spectra(o, D);

  /* X (n counts per pixel, in 64-bit sizes) and the true abundances (k per pixel), with the same ownership */
  PetscCall(NMFCreateDataDM(comm, n, o.ny, o.nx, NULL, NULL, &da));
  PetscCall(DMDACreateCompatibleDMDA(da, k, &daH));
  PetscCall(DMCreateGlobalVector(daH, &Ht));
  PetscInt xs, ys, xm, ym;
  PetscCall(DMDAGetCorners(da, &xs, &ys, NULL, &xm, &ym, NULL));
  const NMFDataType xtype   = GeneratedType(o);
  const size_t      sizes[] = {sizeof(double), sizeof(float), sizeof(uint16_t), sizeof(uint8_t)};
  const size_t      nvalues = (size_t)xm * ym * n;
  void             *x       = NULL;
  double            too_big = 0;
  PetscScalar      *ht;
  PetscCall(PetscMalloc(PetscMax(nvalues, (size_t)1) * sizes[xtype], &x));
  PetscCall(VecGetArray(Ht, &ht));
  switch (xtype) {
  case NMF_DATA_UINT8: GenerateCounts(o, D, xs, ys, xm, ym, (uint8_t *)x, ht, &too_big); break;
  case NMF_DATA_UINT16: GenerateCounts(o, D, xs, ys, xm, ym, (uint16_t *)x, ht, &too_big); break;
  case NMF_DATA_FLOAT32: GenerateCounts(o, D, xs, ys, xm, ym, (float *)x, ht, &too_big); break;
  default: GenerateCounts(o, D, xs, ys, xm, ym, (double *)x, ht, &too_big); break;
  }
  PetscCall(VecRestoreArray(Ht, &ht));
  PetscCallMPI(MPI_Allreduce(MPI_IN_PLACE, &too_big, 1, MPI_DOUBLE, MPI_MAX, comm));
  if (too_big > 0) PetscCall(PetscFree(x));
  PetscCheck(too_big == 0, comm, PETSC_ERR_ARG_OUTOFRANGE, "the map holds the value %g, which %s cannot store exactly: choose a wider type (e.g. uint32 or float64) or fewer -counts", too_big, o.dtype);

  /* written under a temporary name, renamed when complete */
  long long tag = (long long)getpid();
  PetscCallMPI(MPI_Bcast(&tag, 1, MPI_LONG_LONG, 0, comm));
  const std::string tmp  = std::string(o.out) + ".tmp" + std::to_string(tag);
  PetscErrorCode    ierr = WriteFiles(comm, o, tmp.c_str(), da, xtype, x, daH, Ht, D);
  PetscCall(PetscFree(x));
  int ok = !ierr && (rank != 0 || rename(tmp.c_str(), o.out) == 0);
  if (rank == 0 && !ok) unlink(tmp.c_str());
  PetscCall(ierr);
  PetscCallMPI(MPI_Bcast(&ok, 1, MPI_INT, 0, comm));
  PetscCheck(ok, comm, PETSC_ERR_FILE_WRITE, "cannot rename '%s' to '%s'", tmp.c_str(), o.out);
  if (o.hspy)
    PetscCall(PetscPrintf(comm, "wrote %s: a HyperSpy signal '%s', %" PetscInt_FMT " x %" PetscInt_FMT " pixels x %" PetscInt_FMT " channels (%s%s), %" PetscInt_FMT " phases, truth in /truth\n", o.out, o.title, o.ny, o.nx, n, o.dtype, o.chunks[0] && o.gzip ? ", chunked, gzip" : "", k));
  else
    PetscCall(PetscPrintf(comm, "wrote %s:/X, %" PetscInt_FMT " x %" PetscInt_FMT " pixels x %" PetscInt_FMT " channels, %" PetscInt_FMT " phases, truth in /truth\n", o.out, o.ny, o.nx, n, k));
  PetscCall(VecDestroy(&Ht));
  PetscCall(DMDestroy(&daH));
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
