/* The parallel map read (NMFIOReadMapCompact, NMFIOReadMapLayout) against the values written:
   chunked, gzip-compressed datasets whose chunks straddle the ranks' blocks (chunk sizes that do
   not divide the image, chunks split along the channels too, tiny chunks read several together),
   a contiguous one, in every stored type the solver keeps (uint8, uint16, float32, float64, and
   int32, which HDF5 converts), read into every in-memory type, in both layouts (pixels_first
   (ny, nx, n) and (p, n), channels_first (n, p)), into an image DMDA and a pixel-list DMDA.
   The chunked datasets also pass through a counting filter after deflate: each rank must
   decompress every chunk that meets its block exactly once, and no other chunk. */
#include "unit_helpers.h"
#include <smoothnmf/private/ioimpl.h>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <unistd.h>

/* ---------------------------------------------------------------- a filter that counts */

static const H5Z_filter_t COUNTING_FILTER     = 300; /* in HDF5's range for testing (256-511) */
static long               chunks_decompressed = 0;

/* the identity; counts the chunks it "decompresses" (H5Z_FLAG_REVERSE: reading) */
static size_t CountingFilter(unsigned flags, size_t, const unsigned[], size_t nbytes, size_t *, void **)
{
  if (flags & H5Z_FLAG_REVERSE) chunks_decompressed++;
  return nbytes;
}

static void RegisterCountingFilter(void)
{
  static const H5Z_class2_t cls = {H5Z_CLASS_T_VERS, COUNTING_FILTER, 1, 1, "smoothnmf test: counts decompressed chunks", NULL, NULL, CountingFilter};
  if (H5Zfilter_avail(COUNTING_FILTER) <= 0) H5Zregister(&cls);
}

/* ---------------------------------------------------------------- the test maps */

/* the value of channel c of global pixel g: small integers, exact in every type */
static double Value(hsize_t g, hsize_t c)
{
  return (double)((g * 7 + c * 3) % 251);
}

/* a map (ny x nx pixels, nc channels) and how a dataset stores it: its layout and shape, its
   chunks (none: contiguous) */
struct MapCase {
  const char *name;
  hsize_t     NY, NX, NC;
  NMFLayout   layout;
  int         nd; /* 3: (ny, nx, n); 2: (p, n), or (n, p) channels_first */
  hsize_t     chunk[3];
  bool        chunked;
};

static void FileDims(const MapCase &m, hsize_t d[3])
{
  const hsize_t NY = m.NY, NX = m.NX, NC = m.NC;
  if (m.nd == 3)
    d[0] = NY, d[1] = NX, d[2] = NC;
  else if (m.layout == NMF_LAYOUT_CHANNELS_FIRST)
    d[0] = NC, d[1] = NY * NX;
  else
    d[0] = NY * NX, d[1] = NC;
}

/* the file coordinates of channel c of pixel g */
static void FileCoords(const MapCase &m, hsize_t g, hsize_t c, hsize_t x[3])
{
  if (m.nd == 3)
    x[0] = g / m.NX, x[1] = g % m.NX, x[2] = c;
  else if (m.layout == NMF_LAYOUT_CHANNELS_FIRST)
    x[0] = c, x[1] = g;
  else
    x[0] = g, x[1] = c;
}

/* writes the map as dataset /NAME_TYPE of file (serially, on one rank) */
static void WriteCase(hid_t file, const MapCase &m, const char *tname, hid_t ftype)
{
  const hsize_t NY = m.NY, NX = m.NX, NC = m.NC;
  hsize_t       d[3], x[3];
  FileDims(m, d);
  std::vector<double> v((size_t)(NY * NX * NC));
  for (hsize_t g = 0; g < NY * NX; g++)
    for (hsize_t c = 0; c < NC; c++) {
      FileCoords(m, g, c, x);
      v[m.nd == 3 ? (x[0] * NX + x[1]) * NC + x[2] : x[0] * d[1] + x[1]] = Value(g, c);
    }
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  if (m.chunked) {
    H5Pset_chunk(dcpl, m.nd, m.chunk);
    H5Pset_deflate(dcpl, 1);
    H5Pset_filter(dcpl, COUNTING_FILTER, H5Z_FLAG_MANDATORY, 0, NULL);
  }
  hid_t space = H5Screate_simple(m.nd, d, NULL);
  hid_t dset  = H5Dcreate2(file, (std::string(m.name) + "_" + tname).c_str(), ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  REQUIRE(dset >= 0);
  REQUIRE(H5Dwrite(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0);
  H5Dclose(dset);
  H5Sclose(space);
  H5Pclose(dcpl);
}

/* the chunks that hold the rank's pixels (all channels), as chunk coordinates */
static size_t ChunksOfBlock(const MapCase &m, const NMFIOBlock &b)
{
  std::set<std::vector<hsize_t>> chunks;
  hsize_t                        x[3];
  for (PetscInt i = b.ys; i < b.ys + b.ym; i++)
    for (PetscInt j = b.xs; j < b.xs + b.xm; j++)
      for (hsize_t c = 0; c < m.NC; c++) {
        FileCoords(m, (hsize_t)i * b.M + j, c, x);
        std::vector<hsize_t> key(m.nd);
        for (int k = 0; k < m.nd; k++) key[k] = x[k] / m.chunk[k];
        chunks.insert(key);
      }
  return chunks.size();
}

/* the largest difference between what the rank read (pixel-major, local pixel q at q n) and Value */
template <typename T>
static double BlockError(const T *x, const NMFIOBlock &b)
{
  const size_t n     = (size_t)b.dof;
  double       worst = 0;
  size_t       q     = 0;
  for (PetscInt i = b.ys; i < b.ys + b.ym; i++)
    for (PetscInt j = b.xs; j < b.xs + b.xm; j++, q++)
      for (size_t c = 0; c < n; c++) KeepWorst(worst, std::fabs((double)x[q * n + c] - Value((hsize_t)i * b.M + j, c)));
  return worst;
}

static double CompactError(NMFDataType type, const void *x, const NMFIOBlock &b)
{
  switch (type) {
  case NMF_DATA_UINT8:
    return BlockError((const uint8_t *)x, b);
  case NMF_DATA_UINT16:
    return BlockError((const uint16_t *)x, b);
  case NMF_DATA_FLOAT32:
    return BlockError((const float *)x, b);
  default:
    return BlockError((const double *)x, b);
  }
}

TEST_CASE("the map read gives the file's values and decompresses each chunk once per rank", "[read]")
{
  MPI_Comm comm = PETSC_COMM_WORLD;
  RegisterCountingFilter();
  /* 13 x 11 x 7: odd sizes, that no chunk shape divides.  The 4 x 3 x 65536 maps have chunks of
     float64 larger than HDF5's default chunk cache (1 MiB) that several boxes of a rank's
     block cut (image rows of a channels_first or (p, n) dataset, the partial and whole rows of
     a pixel list): outside the cache, such a chunk would be decompressed again for each box */
  const MapCase cases[] = {
    {"image_chunks_4x3", 13, 11, 7, NMF_LAYOUT_PIXELS_FIRST, 3, {4, 3, 7}, true},
    {"image_chunks_5x4x3", 13, 11, 7, NMF_LAYOUT_PIXELS_FIRST, 3, {5, 4, 3}, true}, /* the channels cut too */
    {"image_chunks_1x1", 13, 11, 7, NMF_LAYOUT_PIXELS_FIRST, 3, {1, 1, 7}, true},   /* tiny: read a tile at a time */
    {"image_contiguous", 13, 11, 7, NMF_LAYOUT_PIXELS_FIRST, 3, {0, 0, 0}, false},
    {"pixels_chunks_10x4", 13, 11, 7, NMF_LAYOUT_PIXELS_FIRST, 2, {10, 4, 0}, true},
    {"cf_chunks_3x17", 13, 11, 7, NMF_LAYOUT_CHANNELS_FIRST, 2, {3, 17, 0}, true},
    {"cf_contiguous", 13, 11, 7, NMF_LAYOUT_CHANNELS_FIRST, 2, {0, 0, 0}, false},
    {"image_big_chunks", 4, 3, 65536, NMF_LAYOUT_PIXELS_FIRST, 3, {2, 2, 65536}, true},
    {"pixels_big_chunks", 4, 3, 65536, NMF_LAYOUT_PIXELS_FIRST, 2, {5, 65536, 0}, true},
    {"cf_big_chunks", 4, 3, 65536, NMF_LAYOUT_CHANNELS_FIRST, 2, {65536, 5, 0}, true},
  };
  const struct {
    const char *name;
    hid_t       type;
  } stored[] = {{"uint8", H5T_STD_U8LE}, {"uint16", H5T_STD_U16LE}, {"float32", H5T_IEEE_F32LE}, {"float64", H5T_IEEE_F64LE}, {"int32", H5T_STD_I32LE}};

  /* the file, written by rank 0 alone */
  char dir[] = "/tmp/smoothnmf_read_map.XXXXXX";
  int  made  = CommRank(comm) == 0 && mkdtemp(dir) ? 1 : 0;
  MPI_Bcast(&made, 1, MPI_INT, 0, comm);
  MPI_Bcast(dir, sizeof(dir), MPI_CHAR, 0, comm);
  REQUIRE(made);
  const std::string path = std::string(dir) + "/maps.h5";
  if (CommRank(comm) == 0) {
    hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(file >= 0);
    for (const MapCase &m : cases)
      for (const auto &s : stored) WriteCase(file, m, s.name, s.type);
    H5Fclose(file);
  }
  MPI_Barrier(comm);

  for (const MapCase &m : cases)
    for (bool image : {true, false}) {
      DM         da;
      NMFIOBlock b;
      PCALL(NMFCreateDataDM(comm, (PetscInt)m.NC, image ? (PetscInt)m.NY : 0, (PetscInt)(image ? m.NX : m.NY * m.NX), NULL, NULL, &da));
      PCALL(NMFIOGetBlock_Private(da, &b));
      const size_t expected_chunks = m.chunked ? ChunksOfBlock(m, b) : 0;
      for (const auto &s : stored) {
        const std::string spec = path + ":/" + m.name + "_" + s.name;
        for (NMFDataType type : {NMF_DATA_UINT8, NMF_DATA_UINT16, NMF_DATA_FLOAT32, NMF_DATA_FLOAT64}) {
          INFO(spec << ", read into " << NMFDataTypes[type] << " on an " << (image ? "image" : "pixel-list") << " DMDA, rank " << CommRank(comm) << " of " << CommSize(comm));
          void *x             = NULL;
          chunks_decompressed = 0;
          PCALL(NMFIOReadMapCompact(comm, spec.c_str(), m.layout, da, type, &x));
          CHECK(CompactError(type, x, b) == 0);
          if (m.chunked) CHECK(chunks_decompressed == (long)expected_chunks);
          PCALL(PetscFree(x));
        }
        INFO(spec << ", read into a Vec on an " << (image ? "image" : "pixel-list") << " DMDA, rank " << CommRank(comm) << " of " << CommSize(comm));
        Vec                X;
        const PetscScalar *x;
        PCALL(NMFCreateDataVec(da, &X));
        chunks_decompressed = 0;
        PCALL(NMFIOReadMapLayout(comm, spec.c_str(), m.layout, da, X));
        PCALL(VecGetArrayRead(X, &x));
        CHECK(BlockError(x, b) == 0);
        PCALL(VecRestoreArrayRead(X, &x));
        if (m.chunked) CHECK(chunks_decompressed == (long)expected_chunks);
        PCALL(VecDestroy(&X));
      }
      PCALL(DMDestroy(&da));
    }
  MPI_Barrier(comm);
  if (CommRank(comm) == 0) {
    unlink(path.c_str());
    rmdir(dir);
  }
}
