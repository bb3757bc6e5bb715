/* Writes the bad input files of the bad-input test matrix into a directory.

     make_bad_inputs DIR
     make_bad_inputs --checkpoints DIR   from DIR/ckpt.h5 (a checkpoint smoothnmf wrote), damaged
                                         copies: ckpt_truncated.h5 (the first half),
                                         ckpt_damaged.h5 (bytes of /H overwritten),
                                         ckpt_v99.h5 (format_version 99)

   The map is small, (ny, nx, n) = (6, 5, 8), float64 and strictly positive, so every
   failure is the one a file was made for. Serial HDF5 calls (the library is the parallel
   build, opened with the default sec2 driver). */
#include <hdf5.h>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>
#include <cerrno>
#include <sys/stat.h>

static const int NY = 6, NX = 5, N = 8, P = NY * NX, K = 2, M = 4;

static void Die(const std::string &what)
{
  fprintf(stderr, "make_bad_inputs: %s\n", what.c_str());
  exit(1);
}

static hid_t Create(const std::string &path)
{
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (f < 0) Die("cannot create " + path);
  return f;
}

static void Close(hid_t f, const std::string &path)
{
  if (H5Fclose(f) < 0) Die("cannot close " + path);
}

/* A float64 dataset at `name` (intermediate groups created), of the given shape. */
static void Write(hid_t f, const std::string &name, const std::vector<hsize_t> &dims, const std::vector<double> &v)
{
  size_t len = 1;
  for (hsize_t d : dims) len *= d;
  if (len != v.size()) Die("internal: " + name + " has the wrong number of values");
  hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t space = H5Screate_simple((int)dims.size(), dims.data(), NULL);
  hid_t d     = H5Dcreate2(f, name.c_str(), H5T_IEEE_F64LE, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  if (d < 0 || H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0) Die("cannot write " + name);
  H5Dclose(d);
  H5Sclose(space);
  H5Pclose(lcpl);
}

/* Strictly positive values, different everywhere. */
static std::vector<double> Positive(size_t len, double base = 1.0)
{
  std::vector<double> v(len);
  for (size_t i = 0; i < len; i++) v[i] = base + 0.5 * std::sin(0.7 * (double)i) + 0.01 * (double)(i % 13);
  return v;
}

/* The map (NY, NX, N) with one entry replaced: pixel (i, j), channel c. */
static std::vector<double> MapWith(int i, int j, int c, double value)
{
  std::vector<double> x           = Positive((size_t)P * N, 2.0);
  x[((size_t)i * NX + j) * N + c] = value;
  return x;
}

static void WriteMapFile(const std::string &path, const std::vector<double> &x)
{
  hid_t f = Create(path);
  Write(f, "/X", {NY, NX, N}, x);
  Close(f, path);
}

static std::vector<char> ReadBytes(const std::string &path)
{
  FILE *in = fopen(path.c_str(), "rb");
  if (!in) Die("cannot read " + path);
  std::vector<char> bytes;
  char              buf[65536];
  size_t            got;
  while ((got = fread(buf, 1, sizeof buf, in)) > 0) bytes.insert(bytes.end(), buf, buf + got);
  fclose(in);
  return bytes;
}

static void WriteBytes(const std::string &path, const std::vector<char> &bytes, size_t len)
{
  FILE *out = fopen(path.c_str(), "wb");
  if (!out || fwrite(bytes.data(), 1, len, out) != len) Die("cannot write " + path);
  fclose(out);
}

/* the file offset and size of a contiguous dataset */
static void DatasetBytes(const std::string &path, const char *name, haddr_t *offset, hsize_t *size)
{
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  hid_t d = f < 0 ? -1 : H5Dopen2(f, name, H5P_DEFAULT);
  if (d < 0) Die("cannot open " + path + ":" + name);
  *offset = H5Dget_offset(d);
  *size   = H5Dget_storage_size(d);
  H5Dclose(d);
  H5Fclose(f);
  if (*offset == HADDR_UNDEF || *size == 0) Die(path + ":" + name + " is not contiguous");
}

/* damaged copies of a checkpoint */
static int Checkpoints(const std::string &dir)
{
  const std::string ck    = dir + "ckpt.h5";
  std::vector<char> bytes = ReadBytes(ck);
  WriteBytes(dir + "ckpt_truncated.h5", bytes, bytes.size() / 2);
  haddr_t off;
  hsize_t size;
  DatasetBytes(ck, "/H", &off, &size);
  for (hsize_t b = size / 3; b < size / 3 + 24 && off + b < bytes.size(); b++) bytes[off + b] ^= 0x5a; /* three values of H */
  WriteBytes(dir + "ckpt_damaged.h5", bytes, bytes.size());
  const std::string v99  = dir + "ckpt_v99.h5";
  std::vector<char> orig = ReadBytes(ck);
  WriteBytes(v99, orig, orig.size());
  hid_t     f = H5Fopen(v99.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  hid_t     a = f < 0 ? -1 : H5Aopen_by_name(f, "/", "format_version", H5P_DEFAULT, H5P_DEFAULT);
  long long v = 99;
  if (a < 0 || H5Awrite(a, H5T_NATIVE_LLONG, &v) < 0) Die("cannot change the format_version of " + v99);
  H5Aclose(a);
  Close(f, v99);
  return 0;
}

/* a chunked, gzip-compressed map whose last row of pixels (owned by the last rank at 3 ranks)
   is one chunk, overwritten with garbage: only that rank's read fails */
static void BadChunkMap(const std::string &path)
{
  hid_t   f       = Create(path);
  hsize_t dims[3] = {NY, NX, N}, chunk[3] = {1, NX, N};
  hid_t   space = H5Screate_simple(3, dims, NULL);
  hid_t   dcpl  = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(dcpl, 3, chunk);
  H5Pset_deflate(dcpl, 4);
  hid_t               d = H5Dcreate2(f, "/X", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
  std::vector<double> x = Positive((size_t)P * N, 2.0);
  if (d < 0 || H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x.data()) < 0) Die("cannot write " + path);
  H5Dclose(d);
  H5Pclose(dcpl);
  H5Sclose(space);
  Close(f, path);
  f                 = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  d                 = H5Dopen2(f, "/X", H5P_DEFAULT);
  hsize_t  coord[3] = {NY - 1, 0, 0}, size;
  haddr_t  off;
  unsigned mask;
  if (H5Dget_chunk_info_by_coord(d, coord, &mask, &off, &size) < 0) Die("no chunk info in " + path);
  H5Dclose(d);
  H5Fclose(f);
  std::vector<char> bytes = ReadBytes(path);
  for (hsize_t b = 0; b < size; b++) bytes[off + b] = 0x5a;
  WriteBytes(path, bytes, bytes.size());
}

int main(int argc, char **argv)
{
  if (argc == 3 && std::string(argv[1]) == "--checkpoints") return Checkpoints(std::string(argv[2]) + "/");
  if (argc != 2) Die("usage: make_bad_inputs DIR | make_bad_inputs --checkpoints DIR");
  if (mkdir(argv[1], 0755) != 0 && errno != EEXIST) Die(std::string("cannot create the directory ") + argv[1]);
  const std::string dir = std::string(argv[1]) + "/";

  /* huge_pk.h5: a declared, never written 8192 x 8192 x 4 uint8 map (chunked: the file stays
     small): its p k values of H pass 2^31 - 1 at k = 33 and must be refused before reading */
  {
    const std::string path = dir + "huge_pk.h5";
    hid_t             f    = Create(path);
    hsize_t           d[3] = {8192, 8192, 4}, c[3] = {256, 256, 4};
    hid_t             space = H5Screate_simple(3, d, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 3, c);
    hid_t ds = H5Dcreate2(f, "/X", H5T_STD_U8LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (ds < 0) Die("cannot create " + path + ":/X");
    H5Dclose(ds);
    H5Pclose(dcpl);
    H5Sclose(space);
    Close(f, path);
  }

  /* good.h5: a valid map, and next to it every auxiliary dataset, right or wrong */
  {
    const std::string path = dir + "good.h5";
    hid_t             f    = Create(path);
    Write(f, "/X", {NY, NX, N}, Positive((size_t)P * N, 2.0));
    Write(f, "/P", {P, N}, Positive((size_t)P * N, 2.0));         /* (pixels, channels), no image shape */
    Write(f, "/X4d", {2, 3, 5, N}, Positive((size_t)P * N, 2.0)); /* 4-D */
    Write(f, "/X1d", {P}, Positive(P, 2.0));                      /* 1-D */
    Write(f, "/W_ok", {N, K}, Positive((size_t)N * K));
    Write(f, "/W_bad", {N - 1, K}, Positive((size_t)(N - 1) * K));        /* one row short */
    Write(f, "/H_transposed", {K, NX, NY}, Positive((size_t)K * P));      /* (k, nx, ny): image sides swapped */
    Write(f, "/H_bad_k", {K + 1, NY, NX}, Positive((size_t)(K + 1) * P)); /* k + 1 maps */
    Write(f, "/G_ok", {N, M}, Positive((size_t)N * M));
    Write(f, "/G_bad_rows", {N - 1, M}, Positive((size_t)(N - 1) * M)); /* rows != channels */
    {
      std::vector<double> g = Positive((size_t)N * M);
      for (int j = 0; j < M; j++) g[3 * M + j] = 0.0; /* channel 3 all zero */
      Write(f, "/G_zero_row", {N, M}, g);
    }
    {
      std::vector<double> g = Positive((size_t)N * M);
      g[5 * M + 2]          = -0.25;
      Write(f, "/G_negative", {N, M}, g);
    }
    {
      std::vector<double> h                       = Positive((size_t)K * P);
      h[(size_t)1 * P + (NY - 1) * NX + (NX - 1)] = -0.5; /* component 1, last pixel */
      Write(f, "/H_negative", {K, NY, NX}, h);
    }
    {
      std::vector<double> w = Positive((size_t)N * K);
      w[2 * K + 1]          = std::numeric_limits<double>::quiet_NaN();
      Write(f, "/W_nan", {N, K}, w);
    }
    {
      std::vector<double> g = Positive((size_t)N * M);
      g[6 * M + 1]          = std::numeric_limits<double>::infinity();
      Write(f, "/G_inf", {N, M}, g);
    }
    { /* ground truths: a good true_H, one infinite (component 0, pixel 26: the last rank's block at 3 ranks) */
      std::vector<double> h = Positive((size_t)K * P);
      Write(f, "/H_ok", {K, NY, NX}, h);
      h[0 * P + 26] = std::numeric_limits<double>::infinity();
      Write(f, "/H_true_inf", {K, NY, NX}, h);
    }
    { /* a W whose header says (N, 2^40): chunked, nothing written (what a damaged size looks like) */
      hsize_t dims[2] = {N, (hsize_t)1 << 40}, chunk[2] = {N, 1};
      hid_t   space = H5Screate_simple(2, dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
      H5Pset_chunk(dcpl, 2, chunk);
      hid_t d = H5Dcreate2(f, "/W_huge", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
      if (d < 0) Die("cannot create /W_huge");
      H5Dclose(d);
      H5Pclose(dcpl);
      H5Sclose(space);
    }
    Write(f, "/X0", {0, N}, {});       /* no pixels */
    Write(f, "/X0c", {NY, NX, 0}, {}); /* no channels */
    {
      std::vector<double> g = Positive((size_t)N * M);
      g[2 * M + 3]          = std::numeric_limits<double>::quiet_NaN();
      Write(f, "/G_nan", {N, M}, g);
    }
    { /* fixed_H masks (k, ny, nx), -1 free: held values that break the simplex at pixel 17 */
      std::vector<double> over((size_t)K * P, -1.0), all((size_t)K * P, -1.0), inf((size_t)K * P, -1.0);
      over[0 * P + 17] = 0.8, over[1 * P + 17] = 0.5;            /* both held, sum 1.3 */
      all[0 * P + 23] = 0.3, all[1 * P + 23] = 0.2;              /* both held, sum 0.5 */
      over[0 * P + 3] = 0.4;                                     /* one held, fine */
      inf[1 * P + 11] = std::numeric_limits<double>::infinity(); /* held at infinity */
      Write(f, "/mask_H_over_one", {K, NY, NX}, over);
      Write(f, "/mask_H_all_held", {K, NY, NX}, all);
      Write(f, "/mask_H_inf", {K, NY, NX}, inf);
    }
    { /* navigation and signal masks (issue 15): 1 = excluded */
      std::vector<double> nav(P, 0.0), two(P, 0.0), all(P, 1.0), sig(N, 0.0), sig_all(N, 1.0), sig_half(N, 0.0);
      two[19]     = 2;   /* not 0 or 1, at pixel 19 (a rank other than 0 at 3 ranks) */
      sig_half[5] = 0.5; /* not 0 or 1, at channel 5 */
      Write(f, "/nav_ok", {NY, NX}, nav);
      Write(f, "/nav_wrong_shape", {NY, NX - 1}, std::vector<double>((size_t)NY * (NX - 1), 0.0));
      Write(f, "/nav_two", {NY, NX}, two);
      Write(f, "/nav_all", {NY, NX}, all);
      Write(f, "/sig_wrong_shape", {N + 1}, std::vector<double>(N + 1, 0.0));
      Write(f, "/sig_all", {N}, sig_all);
      Write(f, "/sig_half", {N}, sig_half);
    }
    Write(f, "/mask_W_bad", {N, K + 1}, std::vector<double>((size_t)N * (K + 1), -1.0)); /* k + 1 columns */
    Write(f, "/mask_H_bad", {K, NY, NX - 1}, std::vector<double>((size_t)K * NY * (NX - 1), -1.0));
    { /* a string-typed dataset */
      hid_t type = H5Tcopy(H5T_C_S1);
      H5Tset_size(type, 16);
      hsize_t           dims[2] = {P, N};
      std::vector<char> text((size_t)P * N * 16, 'a');
      hid_t             space = H5Screate_simple(2, dims, NULL);
      hid_t             d     = H5Dcreate2(f, "/Xstr", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      if (d < 0 || H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()) < 0) Die("cannot write /Xstr");
      H5Dclose(d);
      H5Sclose(space);
      H5Tclose(type);
    }
    H5Gclose(H5Gcreate2(f, "/a_group", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)); /* a group, not a dataset */
    Close(f, path);
  }

  /* bad values in X. At 3 ranks the 6 x 5 image is split into row blocks, so the last
     pixel is owned by the last rank and the middle one by another rank than rank 0. */
  WriteMapFile(dir + "negative.h5", MapWith(NY - 1, NX - 1, N - 1, -1.5));
  WriteMapFile(dir + "nan.h5", MapWith(NY / 2, NX / 2, N / 2, std::numeric_limits<double>::quiet_NaN()));
  WriteMapFile(dir + "inf.h5", MapWith(NY - 2, 1, 0, std::numeric_limits<double>::infinity()));

  /* degenerate maps (issue 16): no counts at all, one value everywhere, counts in one pixel only */
  WriteMapFile(dir + "zeros.h5", std::vector<double>((size_t)P * N, 0.0));
  WriteMapFile(dir + "constant.h5", std::vector<double>((size_t)P * N, 3.0));
  {
    std::vector<double> x((size_t)P * N, 0.0);
    for (int c = 0; c < N; c++) x[(size_t)(P - 1) * N + c] = 1.0 + c % 3; /* the last pixel (the last rank's) */
    WriteMapFile(dir + "one_pixel.h5", x);
  }

  /* a map of the same shape with other values (a checkpoint of good.h5 does not fit it) */
  WriteMapFile(dir + "good_other.h5", Positive((size_t)P * N, 2.5));
  /* an existing file where an output is asked for */
  WriteMapFile(dir + "existing_output.h5", Positive((size_t)P * N, 2.0));
  BadChunkMap(dir + "bad_chunk.h5");

  /* two signals under /Experiments (a HyperSpy file with two signals), no :DATASET */
  {
    const std::string path = dir + "two_signals.hspy";
    hid_t             f    = Create(path);
    Write(f, "/Experiments/first/data", {NY, NX, N}, Positive((size_t)P * N, 2.0));
    Write(f, "/Experiments/second/data", {NY, NX, N}, Positive((size_t)P * N, 3.0));
    Close(f, path);
  }

  /* a file that is not HDF5 */
  {
    const std::string path = dir + "not_hdf5.h5";
    FILE             *t    = fopen(path.c_str(), "w");
    if (!t) Die("cannot create " + path);
    for (int i = 0; i < 64; i++) fprintf(t, "this is a text file, line %d, and not an HDF5 file\n", i);
    fclose(t);
  }

  /* a truncated HDF5 file: a valid file (large enough that /X is at its end), cut in half */
  {
    const std::string full = dir + "truncated_full.h5", path = dir + "truncated.h5";
    {
      hid_t     f   = Create(full);
      const int big = 40;
      Write(f, "/X", {big, big, N}, Positive((size_t)big * big * N, 2.0));
      Close(f, full);
    }
    FILE *in = fopen(full.c_str(), "rb");
    if (!in) Die("cannot read " + full);
    std::vector<char> bytes;
    char              buf[65536];
    size_t            got;
    while ((got = fread(buf, 1, sizeof buf, in)) > 0) bytes.insert(bytes.end(), buf, buf + got);
    fclose(in);
    FILE *out = fopen(path.c_str(), "wb");
    if (!out || fwrite(bytes.data(), 1, bytes.size() / 2, out) != bytes.size() / 2) Die("cannot write " + path);
    fclose(out);
    remove(full.c_str());
  }
  return 0;
}
