/* Parallel HDF5 I/O of maps, matrices, abundances and the result file: each rank reads and
   writes its own pixel block as a hyperslab. */
#include <smoothnmf/private/ioimpl.h>
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

const char *const NMFLayouts[] = {"pixels_first", "channels_first", "NMFLayout", "NMF_LAYOUT_", nullptr};

/* ------------------------------------------------------------------ maps */

/*@
   NMFIOGetMapShape - Gets the shape of a pixel-major input map.

   Collective

   Input Parameters:
+  comm - the communicator
-  spec - "FILE[:DATASET]"

   Output Parameters:
+  ndims   - 3 for (ny, nx, n), 2 for (p, n)
.  dims    - the dataset's dimensions (ndims of them)
-  dataset - the resolved dataset path (room for at least 256 characters), or NULL

   Level: intermediate
@*/
PetscErrorCode NMFIOGetMapShape(MPI_Comm comm, const char spec[], PetscInt *ndims, PetscInt dims[3], char dataset[])
try {
  NMFMapInfo info;

  PetscFunctionBegin;
  NMFIOReadGuard guard(comm, spec); /* a crash or no answer inside HDF5: one line (read_guard.cpp) */
  PetscCall(NMFIOGetMapInfo(comm, spec, NMF_LAYOUT_PIXELS_FIRST, &info));
  *ndims = info.ndims;
  for (PetscInt i = 0; i < info.ndims; i++) dims[i] = info.dims[i];
  if (dataset) PetscCall(PetscStrncpy(dataset, info.dataset, 256));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFIOReadMap - Reads the rank's own pixels of a pixel-major map: NMFIOReadMapLayout() with
   NMF_LAYOUT_PIXELS_FIRST.  A 3-D (ny, nx, n) or 2-D (p, n) dataset is read with the pixel order
   i nx + j.

   Collective

   Input Parameters:
+  comm - the communicator of da
.  spec - "FILE[:DATASET]"
-  da   - a DMDA from NMFCreateDataDM()

   Output Parameter:
.  X - a global vector of da, filled

   Level: intermediate
@*/
PetscErrorCode NMFIOReadMap(MPI_Comm comm, const char spec[], DM da, Vec X)
{
  PetscFunctionBegin;
  PetscCall(NMFIOReadMapLayout(comm, spec, NMF_LAYOUT_PIXELS_FIRST, da, X));
  PetscFunctionReturn(0);
}

/* Selects the block's pixels x all n channels of a channels-first (n, p) dataset; the pixel
   order is i nx + j.  The selection comes back channel-major: buf[i pl + q]. */
static void SelectPixelsChannelsFirst(hid_t space, const hsize_t dims[], const NMFIOBlock &b)
{
  if (b.dim == 2) {
    hsize_t start[2] = {0, (hsize_t)(b.ys * b.M + b.xs)}, stride[2] = {1, (hsize_t)b.M}, count[2] = {1, (hsize_t)b.ym}, block[2] = {dims[0], (hsize_t)b.xm};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, stride, count, block);
  } else {
    hsize_t start[2] = {0, (hsize_t)b.xs}, count[2] = {dims[0], (hsize_t)b.xm};
    H5Sselect_hyperslab(space, H5S_SELECT_SET, start, NULL, count, NULL);
  }
}

/* Reads the selection into buf in the memory type mtype: collectively, and where HDF5 refuses the
   collective read on any rank, every rank reads its block again with independent transfer. */
static PetscErrorCode ReadSelectionAs(MPI_Comm comm, hid_t dset, hid_t mspace, hid_t fspace, hid_t mtype, void *buf, bool *ok)
{
  PetscFunctionBegin;
  hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  herr_t st = H5Dread(dset, mtype, mspace, fspace, dxpl, buf);
  PetscCall(NMFIOAllOK_Private(comm, st >= 0, ok));
  if (!*ok) {
    H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_INDEPENDENT);
    st = H5Dread(dset, mtype, mspace, fspace, dxpl, buf);
    PetscCall(NMFIOAllOK_Private(comm, st >= 0, ok));
  }
  H5D_mpio_actual_io_mode_t mode   = H5D_MPIO_NO_COLLECTIVE;
  uint32_t                  lcause = 0, gcause = 0;
  H5Pget_mpio_actual_io_mode(dxpl, &mode);
  H5Pget_mpio_no_collective_cause(dxpl, &lcause, &gcause);
  PetscCall(PetscInfo(NULL, "map read with %s transfer (HDF5 no-collective causes 0x%x, global 0x%x)\n", mode == H5D_MPIO_NO_COLLECTIVE ? "independent" : "collective", (unsigned)lcause, (unsigned)gcause));
  H5Pclose(dxpl);
  PetscFunctionReturn(0);
}

/* The rank's pixels of the map's dataset as a file selection, after checking that the dataset
   fits the layout it was distributed for (file and dataset closed on failure). */
static PetscErrorCode SelectRankPixels(MPI_Comm comm, const char spec[], NMFLayout layout, const NMFIOBlock &b, hid_t file, hid_t dset, const std::string &dpath, hsize_t d[8], hid_t *fspace)
{
  PetscFunctionBegin;
  const int  nd = NMFIOGetDims_Private(dset, d);
  const bool cf = layout == NMF_LAYOUT_CHANNELS_FIRST;
  bool       fits;
  if (cf)
    fits = nd == 2 && (PetscInt)d[0] == b.dof && (PetscInt)d[1] == b.M * b.N;
  else
    fits = (nd == 3 && (PetscInt)d[2] == b.dof && (PetscInt)(d[0] * d[1]) == b.M * b.N && (b.dim == 1 || ((PetscInt)d[0] == b.N && (PetscInt)d[1] == b.M))) || (nd == 2 && (PetscInt)d[1] == b.dof && (PetscInt)d[0] == b.M * b.N);
  if (!fits) NMFIOCloseAll_Private(dset, file);
  PetscCheck(fits, comm, PETSC_ERR_FILE_UNEXPECTED, "the map '%s' (dataset %s, %s) does not match the layout it was distributed for (%" PetscInt_FMT " pixels x %" PetscInt_FMT " channels)", spec, dpath.c_str(), NMFLayouts[layout], b.M * b.N, b.dof);
  *fspace = H5Dget_space(dset);
  if (cf)
    SelectPixelsChannelsFirst(*fspace, d, b);
  else
    NMFIOSelectPixels_Private(*fspace, nd, d, b);
  PetscFunctionReturn(0);
}

/* ------------------------------------------------------------------ chunked maps, tile by tile */

/* A box of the dataset that the rank reads and where its values go: the box (fstart, count) of
   the file space, and the box of the same shape at mstart of a memory space of dimensions mdims
   over the buffer base.  The memory space has the file's rank: HDF5 then maps the two boxes
   chunk by chunk; a 1-D memory space makes it map every element through a callback. */
struct ReadPiece {
  hsize_t fstart[3], count[3], mdims[3], mstart[3];
  char   *base;
};

/* A run of consecutive pixels of the dataset's pixel axis: the first one, how many, and the local
   index of the first one in the rank's block */
struct PixelRun {
  hsize_t first, len, q;
};

/* The rank's pixels as runs along a pixel axis of `width` pixels per image row (width = p for a
   pixel list): an image block is one run per block row (one run in all when its rows are whole
   image rows); a 1-D block xs..xs+xm is one run. */
static std::vector<PixelRun> RankRuns(const NMFIOBlock &b, hsize_t width)
{
  std::vector<PixelRun> runs;
  if (b.dim == 1 || (hsize_t)b.xm == width)
    runs.push_back({(hsize_t)b.ys * width + (hsize_t)b.xs, (hsize_t)b.xm * (hsize_t)b.ym, 0});
  else
    for (hsize_t r = 0; r < (hsize_t)b.ym; r++) runs.push_back({((hsize_t)b.ys + r) * width + (hsize_t)b.xs, (hsize_t)b.xm, r * (hsize_t)b.xm});
  return runs;
}

/* The boxes the rank reads from a dataset of dimensions d, and where each goes: pixel-major
   values of rsz bytes into dst (the values of local pixel q start at q n), or, channels_first,
   channel-major into dst (value i of local pixel q at i pl + q). */
static std::vector<ReadPiece> RankPieces(NMFLayout layout, int nd, const hsize_t d[], const NMFIOBlock &b, size_t rsz, char *dst)
{
  std::vector<ReadPiece> pieces;
  const hsize_t          n = (hsize_t)b.dof, pl = (hsize_t)b.xm * (hsize_t)b.ym;
  if (layout == NMF_LAYOUT_CHANNELS_FIRST) { /* (n, p): a box (n, len) per run */
    for (const PixelRun &r : RankRuns(b, b.dim == 2 ? (hsize_t)b.M : d[1])) pieces.push_back({{0, r.first}, {n, r.len}, {n, pl}, {0, r.q}, dst});
  } else if (nd == 3 && b.dim == 2) { /* (ny, nx, n), an image block: one box */
    pieces.push_back({{(hsize_t)b.ys, (hsize_t)b.xs, 0}, {(hsize_t)b.ym, (hsize_t)b.xm, n}, {(hsize_t)b.ym, (hsize_t)b.xm, n}, {0, 0, 0}, dst});
  } else if (nd == 3) { /* (ny, nx, n) read as a pixel list: the range cut at image rows, whole rows together */
    const hsize_t nx = d[1], end = (hsize_t)(b.xs + b.xm);
    hsize_t       g = (hsize_t)b.xs;
    while (g < end) {
      const hsize_t i = g / nx, j = g % nx;
      hsize_t       rows = 1, len = std::min(nx - j, end - g);
      if (j == 0 && end - g >= nx) rows = (end - g) / nx, len = nx;
      pieces.push_back({{i, j, 0}, {rows, len, n}, {rows, len, n}, {0, 0, 0}, dst + (g - (hsize_t)b.xs) * n * rsz});
      g += rows * len;
    }
  } else { /* (p, n): a box (len, n) per run */
    for (const PixelRun &r : RankRuns(b, b.dim == 2 ? (hsize_t)b.M : d[0])) pieces.push_back({{r.first, 0}, {r.len, n}, {r.len, n}, {0, 0}, dst + r.q * n * rsz});
  }
  return pieces;
}

/* The tile of a chunked dataset: the chunk shape, doubled along the last dimensions first while
   it holds fewer than TILE_BYTES of values of esz bytes (small chunks are read together) and does
   not yet cover the dataset along that dimension.  Returns the number of chunks in a tile. */
static size_t ChooseTile(int nd, const hsize_t chunk[], const hsize_t d[], size_t esz, hsize_t tile[])
{
  const size_t TILE_BYTES = 4 << 20;
  size_t       bytes = esz, chunks = 1;
  for (int k = 0; k < nd; k++) bytes *= (size_t)(tile[k] = chunk[k]);
  for (int k = nd - 1; k >= 0; k--)
    while (bytes < TILE_BYTES && tile[k] < d[k]) {
      tile[k] *= 2;
      bytes *= 2;
      chunks *= 2;
    }
  return chunks;
}

/* Reads the pieces from a chunked dataset one tile at a time: the tiles (boxes of whole chunks)
   are visited once each, in order, and each piece's part of a tile is read with one H5Dread
   before the next tile.  With a chunk cache that holds a tile's chunks, every chunk the rank
   needs is read and decompressed once, however the pieces cut it.  Independent transfer: each
   rank reads its own tiles. */
static herr_t ReadPiecesByTile(hid_t dset, hid_t rtype, int nd, const hsize_t tile[], const std::vector<ReadPiece> &pieces)
{
  hsize_t lo[3], hi[3], t[3], first[3], last[3];
  herr_t  st = 0;
  if (pieces.empty() || pieces[0].count[0] * pieces[0].count[1] == 0) return 0; /* a rank without pixels */
  for (int k = 0; k < nd; k++) {
    lo[k] = pieces[0].fstart[k];
    hi[k] = pieces[0].fstart[k] + pieces[0].count[k];
    for (const ReadPiece &p : pieces) {
      lo[k] = std::min(lo[k], p.fstart[k]);
      hi[k] = std::max(hi[k], p.fstart[k] + p.count[k]);
    }
    first[k] = t[k] = lo[k] / tile[k];
    last[k]         = (hi[k] - 1) / tile[k];
  }
  hid_t              fspace = H5Dget_space(dset);
  std::vector<hid_t> mspaces;
  for (const ReadPiece &p : pieces) mspaces.push_back(H5Screate_simple(nd, p.mdims, NULL));
  for (bool more = true; more && st >= 0;) {
    for (size_t i = 0; i < pieces.size() && st >= 0; i++) { /* this tile's part of every piece */
      const ReadPiece &p = pieces[i];
      hsize_t          fstart[3], count[3], mstart[3];
      bool             empty = false;
      for (int k = 0; k < nd; k++) {
        const hsize_t a = std::max(p.fstart[k], t[k] * tile[k]), e = std::min(p.fstart[k] + p.count[k], (t[k] + 1) * tile[k]);
        empty     = empty || a >= e;
        fstart[k] = a;
        count[k]  = a < e ? e - a : 0;
        mstart[k] = p.mstart[k] + (a - p.fstart[k]);
      }
      if (empty) continue;
      st = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, fstart, NULL, count, NULL);
      if (st >= 0) st = H5Sselect_hyperslab(mspaces[i], H5S_SELECT_SET, mstart, NULL, count, NULL);
      if (st >= 0) st = H5Dread(dset, rtype, mspaces[i], fspace, H5P_DEFAULT, p.base);
    }
    int k = nd - 1; /* the next tile, the last dimension fastest */
    while (k >= 0 && t[k] == last[k]) t[k] = first[k], k--;
    if (k < 0)
      more = false;
    else
      t[k]++;
  }
  for (hid_t m : mspaces) H5Sclose(m);
  H5Sclose(fspace);
  return st;
}

/* Reopens a chunked dataset with a chunk cache that holds a tile's chunks, plus one, and a slot
   for every chunk of the dataset (up to 2^20, 8 MB of slots), so that the chunks of a tile never
   evict each other; returns the tile in tile[] (dset is replaced; -1 when the reopening failed). */
static void ReopenWithTileCache(hid_t file, const std::string &dpath, hid_t dcpl, int nd, const hsize_t d[], hid_t *dset, hsize_t tile[])
{
  hsize_t chunk[3];
  hid_t   ftype = H5Dget_type(*dset);
  size_t  esz = H5Tget_size(ftype), chunk_bytes = esz, nchunks = 1;
  H5Tclose(ftype);
  H5Pget_chunk(dcpl, nd, chunk);
  for (int k = 0; k < nd; k++) {
    chunk_bytes *= (size_t)chunk[k];
    nchunks *= (size_t)((d[k] + chunk[k] - 1) / chunk[k]);
  }
  const size_t tile_chunks = ChooseTile(nd, chunk, d, esz, tile);
  hid_t        dapl        = H5Pcreate(H5P_DATASET_ACCESS);
  H5Pset_chunk_cache(dapl, std::min(std::max(nchunks, (size_t)1), (size_t)1 << 20), (tile_chunks + 1) * chunk_bytes, 1.0);
  H5Dclose(*dset);
  *dset = H5Dopen2(file, dpath.c_str(), dapl);
  H5Pclose(dapl);
}

/* Reads the rank's block of the map into dst, pixel-major, as values of the memory type mtype
   (a channels_first dataset is read into a buffer and transposed in memory).  The values are
   read in the stored type where it is not wider than mtype, and converted in place afterwards:
   HDF5 1.10 reads collectively only without conversion, and converts through a small buffer a
   piece at a time.  A chunked dataset is read tile by tile (ReadPiecesByTile, every chunk once,
   independent transfer); a contiguous one with one collective read (independent where HDF5
   refuses). */
static PetscErrorCode ReadRankBlock(MPI_Comm comm, const char spec[], NMFLayout layout, DM da, hid_t mtype, char *dst)
{
  hid_t       file, dset;
  std::string dpath;
  hsize_t     d[8];
  NMFIOBlock  b;
  bool        ok;

  PetscFunctionBegin;
  PetscCall(NMFIOGetBlock_Private(da, &b));
  PetscCall(NMFIOOpenDataset_Private(comm, spec, &file, &dset, &dpath));
  const bool cf     = layout == NMF_LAYOUT_CHANNELS_FIRST;
  hid_t      fspace = -1;
  PetscCall(SelectRankPixels(comm, spec, layout, b, file, dset, dpath, d, &fspace));
  const int         nd = H5Sget_simple_extent_ndims(fspace);
  const size_t      pl = (size_t)b.xm * (size_t)b.ym, nloc = pl * (size_t)b.dof, sz = H5Tget_size(mtype);
  hid_t             ftype = H5Dget_type(dset), ntype = H5Tget_native_type(ftype, H5T_DIR_ASCEND);
  const bool        convert_after = ntype >= 0 && H5Tequal(ntype, mtype) <= 0 && H5Tget_size(ntype) <= sz;
  const hid_t       rtype         = convert_after ? ntype : mtype; /* the type HDF5 reads into */
  const size_t      rsz           = H5Tget_size(rtype);
  hid_t             dcpl          = H5Dget_create_plist(dset);
  const bool        chunked       = H5Pget_layout(dcpl) == H5D_CHUNKED;
  char             *buf           = dst;
  std::vector<char> cfbuf; /* channels_first: channel-major, value i of pixel q at i pl + q */
  if (cf) {
    cfbuf.resize(nloc * sz);
    buf = cfbuf.data();
  }
  if (chunked) {
    hsize_t tile[3];
    ReopenWithTileCache(file, dpath, dcpl, nd, d, &dset, tile);
    herr_t st = dset < 0 ? -1 : ReadPiecesByTile(dset, rtype, nd, tile, RankPieces(layout, nd, d, b, rsz, buf));
    PetscCall(NMFIOAllOK_Private(comm, st >= 0, &ok));
    std::string shape = std::to_string((unsigned long long)tile[0]);
    for (int k = 1; k < nd; k++) shape += " x " + std::to_string((unsigned long long)tile[k]);
    PetscCall(PetscInfo(NULL, "chunked map read tile by tile (tiles of %s values), independent transfer\n", shape.c_str()));
  } else {
    hsize_t nmem   = (hsize_t)nloc;
    hid_t   mspace = cf ? H5Screate_simple(1, &nmem, NULL) : NMFIOCreateBlockMemSpace_Private(nd, d, b);
    PetscCall(ReadSelectionAs(comm, dset, mspace, fspace, rtype, buf, &ok));
    H5Sclose(mspace);
  }
  if (ok && convert_after) ok = H5Tconvert(ntype, mtype, nloc, buf, NULL, H5P_DEFAULT) >= 0; /* in place: buf has room for nloc values of sz bytes */
  PetscCall(NMFIOAllOK_Private(comm, ok, &ok));
  if (ok && cf)
    for (size_t q = 0; q < pl; q++)
      for (size_t i = 0; i < (size_t)b.dof; i++) memcpy(dst + (q * b.dof + i) * sz, buf + (i * pl + q) * sz, sz);
  H5Pclose(dcpl);
  if (ntype >= 0) H5Tclose(ntype);
  H5Tclose(ftype);
  H5Sclose(fspace);
  NMFIOCloseAll_Private(dset, file);
  PetscCheck(ok, comm, PETSC_ERR_FILE_READ, "reading the map '%s' (dataset %s) failed: the file is truncated or damaged", spec, dpath.c_str());
  PetscFunctionReturn(0);
}

/*@
   NMFIOReadMapLayout - Reads the rank's own pixels of a map, in either layout, into a vector of
   the solver's distribution.

   Collective

   Input Parameters:
+  comm   - the communicator of da
.  spec   - "FILE[:DATASET]"
.  layout - NMF_LAYOUT_PIXELS_FIRST or NMF_LAYOUT_CHANNELS_FIRST
-  da     - a DMDA from NMFCreateDataDM() whose sizes fit the dataset

   Output Parameter:
.  X - a vector from NMFCreateDataVec(da), filled (any integer or floating type converted to
       double); a map of n p >= 2^31 values needs NMFIOReadMapCompact() instead

   Notes:
   Each rank reads a hyperslab of the dataset: collectively where parallel HDF5 allows it (the
   values in their stored type, converted afterwards), else independently.  A channels_first
   dataset is transposed in memory, one rank block at a time.  Logged as the event NMFIORead.

   Level: intermediate
@*/
PetscErrorCode NMFIOReadMapLayout(MPI_Comm comm, const char spec[], NMFLayout layout, DM da, Vec X)
try {
  PetscScalar *x;
  NMFIOBlock   b;
  PetscInt     nloc;

  PetscFunctionBegin;
  PetscCall(NMFInitializePackage());
  PetscCall(NMFPhaseBegin_Private(NMF_PHASE_READ));
  PetscCall(NMFIOGetBlock_Private(da, &b));
  PetscCall(VecGetLocalSize(X, &nloc));
  PetscCheck((size_t)nloc == (size_t)b.xm * b.ym * b.dof, PETSC_COMM_SELF, PETSC_ERR_ARG_SIZ, "the vector for the map holds %" PetscInt_FMT " values on this rank, expected n p_local = %" PetscInt_FMT " x %" PetscInt_FMT ": create it with NMFCreateDataVec()", nloc, b.dof, b.xm * b.ym);
  PetscCall(VecGetArray(X, &x));
  PetscErrorCode ierr = ReadRankBlock(comm, spec, layout, da, H5T_NATIVE_DOUBLE, (char *)x);
  PetscCall(VecRestoreArray(X, &x));
  PetscCall(ierr);
  PetscCall(NMFPhaseEnd_Private(NMF_PHASE_READ));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFIOChooseDataType - Chooses the in-memory type of a map for -data_type.

   Collective

   Input Parameters:
+  comm    - the communicator
.  spec    - "FILE[:DATASET]"
-  request - "float64", "float32", or "native" (the dataset's own type when it is uint8, uint16
             or float32, else float64)

   Output Parameter:
.  type - the NMFDataType to read the map into

   Level: intermediate
@*/
PetscErrorCode NMFIOChooseDataType(MPI_Comm comm, const char spec[], const char request[], NMFDataType *type)
{
  hid_t       file, dset;
  std::string dpath;

  PetscFunctionBegin;
  NMFIOReadGuard guard(comm, spec); /* a crash or no answer inside HDF5: one line (read_guard.cpp) */
  PetscCheck(!strcmp(request, "native") || !strcmp(request, "float32") || !strcmp(request, "float64"), comm, PETSC_ERR_ARG_WRONG, "-data_type %s: expected native, float32 or float64", request);
  if (!strcmp(request, "float64"))
    *type = NMF_DATA_FLOAT64;
  else if (!strcmp(request, "float32"))
    *type = NMF_DATA_FLOAT32;
  else {
    PetscCall(NMFIOOpenDataset_Private(comm, spec, &file, &dset, &dpath));
    hid_t ftype = H5Dget_type(dset), ntype = H5Tget_native_type(ftype, H5T_DIR_ASCEND);
    *type = NMF_DATA_FLOAT64;
    if (H5Tequal(ntype, H5T_NATIVE_UINT8) > 0)
      *type = NMF_DATA_UINT8;
    else if (H5Tequal(ntype, H5T_NATIVE_UINT16) > 0)
      *type = NMF_DATA_UINT16;
    else if (H5Tequal(ntype, H5T_NATIVE_FLOAT) > 0)
      *type = NMF_DATA_FLOAT32;
    H5Tclose(ntype);
    H5Tclose(ftype);
    NMFIOCloseAll_Private(dset, file);
  }
  PetscFunctionReturn(0);
}

/*@
   NMFIOReadMapCompact - Reads the rank's own pixels of a map (as NMFIOReadMapLayout) into an
   array of the given type, HDF5 converting the stored type, for NMFSetDataCompact.

   Collective

   Input Parameters:
+  comm   - the communicator
.  spec   - "FILE[:DATASET]"
.  layout - NMF_LAYOUT_PIXELS_FIRST or NMF_LAYOUT_CHANNELS_FIRST
.  da     - the data DMDA (from NMFCreateDataDM)
-  type   - the in-memory type

   Output Parameter:
.  array - the rank's pixels, pixel-major, allocated with PetscMalloc (NMFSetDataCompact takes it)

   Level: intermediate
@*/
PetscErrorCode NMFIOReadMapCompact(MPI_Comm comm, const char spec[], NMFLayout layout, DM da, NMFDataType type, void **array)
try {
  NMFIOBlock   b;
  char        *buf;
  const hid_t  mtypes[] = {H5T_NATIVE_DOUBLE, H5T_NATIVE_FLOAT, H5T_NATIVE_UINT16, H5T_NATIVE_UINT8};
  const size_t sizes[]  = {sizeof(double), sizeof(float), sizeof(uint16_t), sizeof(uint8_t)};

  PetscFunctionBegin;
  PetscCall(NMFInitializePackage());
  PetscCall(NMFPhaseBegin_Private(NMF_PHASE_READ));
  PetscCall(NMFIOGetBlock_Private(da, &b));
  PetscCall(PetscMalloc(PetscMax((size_t)b.xm * b.ym * b.dof * sizes[type], 1), &buf));
  PetscErrorCode ierr = ReadRankBlock(comm, spec, layout, da, mtypes[type], buf);
  if (ierr) PetscCall(PetscFree(buf));
  PetscCall(ierr);
  *array = buf;
  PetscCall(NMFPhaseEnd_Private(NMF_PHASE_READ));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFIOReadMapAs - Reads the rank's own pixels of a map in the in-memory type that -data_type
   asks for (NMFIOChooseDataType(), NMFIOReadMapCompact()), for NMFSetDataCompact().

   Collective

   Input Parameters:
+  comm    - the communicator of da
.  spec    - "FILE[:DATASET]"
.  layout  - NMF_LAYOUT_PIXELS_FIRST or NMF_LAYOUT_CHANNELS_FIRST
.  da      - the data DMDA (from NMFCreateDataDM)
-  request - "native", "float32" or "float64"

   Output Parameters:
+  type  - the type the map was read into
-  array - the rank's pixels, pixel-major, n p_local values (a 64-bit size: any size of map);
           NULL on failure

   Level: intermediate
@*/
PetscErrorCode NMFIOReadMapAs(MPI_Comm comm, const char spec[], NMFLayout layout, DM da, const char request[], NMFDataType *type, void **array)
{
  PetscFunctionBegin;
  *array = NULL;
  PetscCall(NMFIOChooseDataType(comm, spec, request, type));
  PetscCall(NMFIOReadMapCompact(comm, spec, layout, da, *type, array));
  PetscFunctionReturn(0);
}

/*@
   NMFIOWriteMap - Writes a map as a pixel-major dataset, (ny, nx, n), or (p, n) for a 1-D da;
   each rank writes its own block.

   Collective

   Input Parameters:
+  comm        - the communicator of da
.  path        - the file
.  dataset     - the new dataset's name
.  da          - the DMDA (NMFCreateDataDM())
.  x           - the rank's pixels, n values each (n p_local, pixel-major: the array of a
                 NMFCreateDataVec() vector, or any array of that 64-bit size)
-  create_file - PETSC_TRUE to create (truncate) the file, PETSC_FALSE to add to an existing one

   Level: intermediate
@*/
PetscErrorCode NMFIOWriteMap(MPI_Comm comm, const char path[], const char dataset[], DM da, const PetscReal x[], PetscBool create_file)
try {
  hid_t      file;
  NMFIOBlock b;
  bool       ok;

  PetscFunctionBegin;
  PetscCall(NMFIOGetBlock_Private(da, &b));
  if (create_file)
    PetscCall(NMFIOCreateFile_Private(comm, path, &file));
  else
    PetscCall(NMFIOOpenFile_Private(comm, path, H5F_ACC_RDWR, &file));
  hsize_t   d[3];
  const int nd     = NMFIOMapShape_Private(b, d);
  hid_t     fspace = H5Screate_simple(nd, d, NULL);
  hid_t     lcpl   = H5Pcreate(H5P_LINK_CREATE);
  H5Pset_create_intermediate_group(lcpl, 1);
  hid_t dset = H5Dcreate2(file, dataset, H5T_IEEE_F64LE, fspace, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  H5Pclose(lcpl);
  if (dset < 0) {
    H5Sclose(fspace);
    H5Fclose(file);
  }
  PetscCheck(dset >= 0, comm, PETSC_ERR_FILE_WRITE, "cannot create the dataset '%s' in '%s'", dataset, path);
  NMFIOSelectPixels_Private(fspace, nd, d, b);
  hid_t mspace = NMFIOCreateBlockMemSpace_Private(nd, d, b);
  hid_t dxpl   = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  herr_t st = H5Dwrite(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, x);
  H5Pclose(dxpl);
  H5Sclose(mspace);
  H5Sclose(fspace);
  H5Dclose(dset);
  herr_t cl = H5Fclose(file);
  PetscCall(NMFIOAllOK_Private(comm, st >= 0 && cl >= 0, &ok));
  PetscCheck(ok, comm, PETSC_ERR_FILE_WRITE, "writing '%s:%s' failed", path, dataset);
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* ------------------------------------------------------------------ small matrices, abundances */

/*@
   NMFIOReadMatrix - Reads a small 2-D dataset (W, G, a mask) whole on every rank.

   Collective

   Input Parameters:
+  comm - the communicator
-  spec - "FILE:DATASET"

   Output Parameters:
+  rows, cols - its shape
-  values     - row-major values, allocated with PetscMalloc1() (free them with PetscFree())

   Notes:
   A shape of more than 2^28 values is refused before anything is allocated (a damaged header).

   Level: intermediate
@*/
PetscErrorCode NMFIOReadMatrix(MPI_Comm comm, const char spec[], PetscInt *rows, PetscInt *cols, PetscReal **values)
try {
  hid_t       file, dset;
  std::string dpath;
  hsize_t     d[8];
  bool        ok;

  PetscFunctionBegin;
  NMFIOReadGuard guard(comm, spec); /* a crash or no answer inside HDF5: one line (read_guard.cpp) */
  PetscCall(NMFIOOpenDataset_Private(comm, spec, &file, &dset, &dpath));
  int nd = NMFIOGetDims_Private(dset, d);
  if (nd != 2) NMFIOCloseAll_Private(dset, file);
  PetscCheck(nd == 2, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' has %d dimensions: expected a 2-D matrix", spec, nd);
  /* W, G and their masks are n x m with n channels and m components or references: a shape
     past 2^28 values (2 GiB) is a damaged header, refused before anything is allocated */
  const hsize_t limit = (hsize_t)1 << 28;
  const bool    small = d[0] <= limit && d[1] <= limit && d[0] * d[1] <= limit;
  if (!small) NMFIOCloseAll_Private(dset, file);
  PetscCheck(small, comm, PETSC_ERR_FILE_UNEXPECTED, "'%s' has the shape (%llu, %llu): more than 2^28 values, too large for a matrix of spectra (W, G or a mask); the file is probably damaged", spec, (unsigned long long)d[0], (unsigned long long)d[1]);
  *rows = (PetscInt)d[0];
  *cols = (PetscInt)d[1];
  PetscCall(PetscMalloc1(PetscMax(d[0] * d[1], 1), values));
  herr_t st = H5Dread(dset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *values);
  NMFIOCloseAll_Private(dset, file);
  PetscCall(NMFIOAllOK_Private(comm, st >= 0, &ok));
  PetscCheck(ok, comm, PETSC_ERR_FILE_READ, "reading '%s' failed: the file is truncated or damaged", spec);
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFIOReadAbundance - Reads an H-shaped dataset, (k, ny, nx) or (k, p), into a vector of the
   abundance DM; each rank reads its own block.

   Collective

   Input Parameters:
+  nmf  - the object (its data and n_components set)
-  spec - "FILE:DATASET"

   Output Parameter:
.  H - a global vector of the abundance DM (NMFGetAbundanceDM()), filled; its object name (e.g.
       "the initial H") names it in error messages

   Level: intermediate
@*/
PetscErrorCode NMFIOReadAbundance(NMF nmf, const char spec[], Vec H)
try {
  hid_t          file, dset;
  std::string    dpath;
  hsize_t        d[8];
  const PetscInt k = nmf->k, pl = nmf->p_local;
  bool           ok;

  PetscFunctionBegin;
  NMFIOReadGuard guard(PetscObjectComm((PetscObject)nmf), spec); /* a crash or no answer inside HDF5: one line (read_guard.cpp) */
  PetscCall(NMFIOOpenDataset_Private(nmf->comm, spec, &file, &dset, &dpath));
  int  nd   = NMFIOGetDims_Private(dset, d);
  bool fits = (nd == 2 && (PetscInt)d[0] == k && (PetscInt)d[1] == nmf->p) || (nd == 3 && nmf->has_shape && (PetscInt)d[0] == k && (PetscInt)d[1] == nmf->ny && (PetscInt)d[2] == nmf->nx);
  if (!fits) NMFIOCloseAll_Private(dset, file);
  const std::string got  = NMFIOShapeText_Private(nd, d);
  const char       *what = NULL;
  PetscCall(PetscObjectGetName((PetscObject)H, &what));
  if (nmf->has_shape)
    PetscCheck(fits, nmf->comm, PETSC_ERR_ARG_SIZ, "%s '%s' has shape %s, expected (%" PetscInt_FMT ", %" PetscInt_FMT ", %" PetscInt_FMT ") or (%" PetscInt_FMT ", %" PetscInt_FMT ")", what, spec, got.c_str(), k, nmf->ny, nmf->nx, k, nmf->p);
  else
    PetscCheck(fits, nmf->comm, PETSC_ERR_ARG_SIZ, "%s '%s' has shape %s, expected (%" PetscInt_FMT ", %" PetscInt_FMT ")", what, spec, got.c_str(), k, nmf->p);
  hid_t fspace = H5Dget_space(dset);
  if (nd == 3) {
    hsize_t start[3] = {0, (hsize_t)nmf->ys, (hsize_t)nmf->xs}, count[3] = {(hsize_t)k, (hsize_t)nmf->ym, (hsize_t)nmf->xm};
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL);
  } else {
    const PetscInt nxr      = nmf->has_shape ? nmf->nx : nmf->p;
    hsize_t        start[2] = {0, (hsize_t)(nmf->ys * nxr + nmf->xs)}, stride[2] = {1, (hsize_t)nxr}, count[2] = {(hsize_t)k, (hsize_t)nmf->ym}, block[2] = {1, (hsize_t)nmf->xm};
    H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, stride, count, block);
  }
  std::vector<double> buf(k * pl); /* component-major, as in the file */
  hsize_t             nloc   = (hsize_t)(k * pl);
  hid_t               mspace = H5Screate_simple(1, &nloc, NULL);
  hid_t               dxpl   = H5Pcreate(H5P_DATASET_XFER);
  H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE);
  herr_t st = H5Dread(dset, H5T_NATIVE_DOUBLE, mspace, fspace, dxpl, buf.data());
  H5Pclose(dxpl);
  H5Sclose(mspace);
  H5Sclose(fspace);
  NMFIOCloseAll_Private(dset, file);
  PetscCall(NMFIOAllOK_Private(nmf->comm, st >= 0, &ok));
  PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_READ, "reading '%s' failed: the file is truncated or damaged", spec);
  PetscScalar *h;
  PetscCall(VecGetArray(H, &h));
  for (PetscInt c = 0; c < k; c++)
    for (PetscInt q = 0; q < pl; q++) h[q * k + c] = buf[c * pl + q];
  PetscCall(VecRestoreArray(H, &h));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* ------------------------------------------------------------------ small writers */

/*@
   NMFIOWriteAbundance - Writes an H-shaped vector (daH has k dof per pixel, like the abundance
   DM) as (k, ny, nx), or (k, p) for a 1-D daH, into a new dataset of an existing file (parent
   groups are created); each rank writes its own block.

   Collective

   Input Parameters:
+  comm    - the communicator of daH
.  path    - an existing file
.  dataset - the new dataset's name
-  daH, H  - the DMDA and a global vector of it

   Level: advanced
@*/
PetscErrorCode NMFIOWriteAbundance(MPI_Comm comm, const char path[], const char dataset[], DM daH, Vec H)
try {
  hid_t  file;
  herr_t st;
  bool   ok;

  PetscFunctionBegin;
  PetscCall(NMFIOOpenFile_Private(comm, path, H5F_ACC_RDWR, &file));
  PetscErrorCode ierr = NMFIOWriteComponentMajor_Private(file, dataset, daH, H, &st);
  herr_t         cl   = H5Fclose(file);
  PetscCall(ierr);
  PetscCall(NMFIOAllOK_Private(comm, st >= 0 && cl >= 0, &ok));
  PetscCheck(ok, comm, PETSC_ERR_FILE_WRITE, "writing '%s:%s' failed", path, dataset);
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFIOWriteMatrix - Writes a small replicated matrix into a new dataset of an existing file
   (parent groups are created); rank 0 writes.

   Collective

   Input Parameters:
+  comm       - the communicator
.  path       - an existing file
.  dataset    - the new dataset's name
.  rows, cols - the shape
-  values     - row-major values, the same on every rank

   Level: advanced
@*/
PetscErrorCode NMFIOWriteMatrix(MPI_Comm comm, const char path[], const char dataset[], PetscInt rows, PetscInt cols, const PetscReal values[])
try {
  hid_t       file;
  PetscMPIInt rank;
  bool        ok;

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(comm, &rank));
  PetscCall(NMFIOOpenFile_Private(comm, path, H5F_ACC_RDWR, &file));
  hsize_t d[2] = {(hsize_t)rows, (hsize_t)cols};
  herr_t  st   = NMFIOWriteSmall_Private(file, dataset, 2, d, values, rank);
  herr_t  cl   = H5Fclose(file);
  PetscCall(NMFIOAllOK_Private(comm, st >= 0 && cl >= 0, &ok));
  PetscCheck(ok, comm, PETSC_ERR_FILE_WRITE, "writing '%s:%s' failed", path, dataset);
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/* ------------------------------------------------------------------ the result file */

struct ResultCtx {
  NMF               nmf;
  const char       *input;
  const NMFMapInfo *map; /* or NULL: no /axes */
  double            read_seconds;
};

static void WriteAxisGroup(hid_t loc, const char *name, const NMFAxis &a)
{
  hid_t g = H5Gcreate2(loc, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  NMFIOAttrUTF8_Private(g, "name", a.name);
  NMFIOAttrUTF8_Private(g, "units", a.units);
  NMFIOAttrDoubles_Private(g, "scale", &a.scale, 1);
  NMFIOAttrDoubles_Private(g, "offset", &a.offset, 1);
  NMFIOAttrInt_Private(g, "size", a.size);
  NMFIOAttrBoolEnum_Private(g, "navigate", a.navigate);
  H5Gclose(g);
}

static PetscErrorCode WriteResultBody(hid_t file, void *ctx_)
{
  const ResultCtx *ctx = (const ResultCtx *)ctx_;
  NMF              nmf = ctx->nmf;
  PetscMPIInt      rank;
  const PetscInt   k = nmf->k, n = nmf->n, m = nmf->G.empty() ? n : nmf->m;
  herr_t           st = 0, sh;
  bool             ok;
  double           t0 = MPI_Wtime();

  PetscFunctionBegin;
  PetscCallMPI(MPI_Comm_rank(nmf->comm, &rank));
  hsize_t dW[2] = {(hsize_t)m, (hsize_t)k}, dGW[2] = {(hsize_t)n, (hsize_t)k};
  st |= NMFIOWriteSmall_Private(file, "W", 2, dW, nmf->W.data(), rank);
  st |= NMFIOWriteSmall_Private(file, "GW", 2, dGW, nmf->GW.data(), rank);
  hid_t lg = H5Gcreate2(file, "losses", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  for (size_t j = 0; j < nmf->loss_names.size(); j++) {
    hsize_t dl = (hsize_t)nmf->n_iter;
    st |= NMFIOWriteSmall_Private(lg, nmf->loss_names[j].c_str(), 1, &dl, nmf->losses[j].data(), rank);
  }
  H5Gclose(lg);
  PetscCall(NMFIOWriteComponentMajor_Private(file, "H", nmf->daH, nmf->H, &sh)); /* (k, ny, nx) or (k, p) */
  st |= sh;
  if (nmf->scree_n > 0) { /* the leading singular values of X, and ||X||_F^2 */
    hsize_t ds = (hsize_t)nmf->scree_n;
    st |= NMFIOWriteSmall_Private(file, "scree", 1, &ds, nmf->scree.data(), rank);
    hid_t d = H5Dopen2(file, "scree", H5P_DEFAULT);
    if (d >= 0) {
      NMFIOAttrDoubles_Private(d, "sum_of_squares", &nmf->scree_sum_squares, 1);
      H5Dclose(d);
    }
  }
  if (nmf->select.complete) st |= NMFIOWriteSelectKGroup_Private(file, nmf, false, rank); /* the table of NMFSelectK that chose k */
  if (nmf->nav_mask || !nmf->signal_mask.empty()) {                                       /* the masks of the fit, 1 = excluded */
    hid_t mg = H5Gcreate2(file, "masks", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (nmf->nav_mask) { /* (1, ny, nx) or (1, p), as -navigation_mask reads it */
      PetscCall(NMFIOWriteComponentMajor_Private(mg, "navigation", nmf->daX, nmf->nav_mask, &sh));
      st |= sh;
    }
    if (!nmf->signal_mask.empty()) {
      std::vector<double> sm(nmf->signal_mask.begin(), nmf->signal_mask.end());
      hsize_t             dn = (hsize_t)sm.size();
      st |= NMFIOWriteSmall_Private(mg, "signal", 1, &dn, sm.data(), rank);
    }
    H5Gclose(mg);
  }
  if (ctx->map) {
    NMFAxis  axes[3];
    PetscInt na;
    NMFIOOutputAxes_Private(nmf, ctx->map, axes, &na);
    hid_t g = H5Gcreate2(file, "axes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    for (PetscInt i = 0; i < na; i++) WriteAxisGroup(g, ("axis-" + std::to_string(i)).c_str(), axes[i]);
    NMFIOAttrUTF8_Private(g, "title", ctx->map->title);
    NMFIOAttrUTF8_Private(g, "signal_type", ctx->map->signal_type);
    H5Gclose(g);
  }
  PetscCall(NMFIOAllOK_Private(nmf->comm, st >= 0, &ok));
  const std::string why = ok ? "" : NMFIOWriteFailureReason_Private(nmf->comm, file);
  PetscCheck(ok, nmf->comm, PETSC_ERR_FILE_WRITE, "writing the result datasets failed%s", why.empty() ? " (disk full?)" : why.c_str());

  /* attributes of /: the run and every parameter under espm's name */
  hid_t          root = H5Gopen2(file, "/", H5P_DEFAULT);
  PetscErrorCode ierr = NMFIOWriteRunAttributes_Private(nmf, root, ctx->input, ctx->read_seconds, MPI_Wtime() - t0);
  H5Gclose(root);
  PetscCall(ierr);
  PetscFunctionReturn(0);
}

/*@
   NMFIOWriteResult - Writes the result file of a solved object: /W, /H, /GW, /losses/NAME and
   the attributes (n_iter, stop_reason, const_KL, reconstruction_err, n_ranks, the timings and
   every parameter under espm's name); with NMFSetScree() also /scree, the leading singular
   values of X, with the attribute sum_of_squares (||X||_F^2).

   Collective

   Input Parameters:
+  nmf          - a solved object
.  path         - the file to write
.  input_spec   - a description of the input, recorded as the attribute input
-  read_seconds - the time spent reading the input, recorded

   Notes:
   The file is written under a temporary name and renamed when complete; on error nothing is
   left at path.  Logged as the event NMFIOWrite.

   Level: beginner
@*/
PetscErrorCode NMFIOWriteResult(NMF nmf, const char path[], const char input_spec[], PetscReal read_seconds)
try {
  ResultCtx ctx = {nmf, input_spec, NULL, read_seconds};

  PetscFunctionBegin;
  PetscCheck(nmf->solved, nmf->comm, PETSC_ERR_ORDER, "NMFIOWriteResult needs a solved NMF");
  PetscCall(NMFIOWriteAtomic_Private(nmf->comm, path, NMFIOOutputBytes_Private(nmf, 1), WriteResultBody, &ctx));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS

/*@
   NMFIOWriteResultWithAxes - NMFIOWriteResult() plus the input's axes: the group /axes holds one
   group per axis of the input map in pixel-major order (axis-0, axis-1[, axis-2]; the last is the
   channel axis of /GW, the others the image or pixel axes of /H) with the attributes name,
   units, scale, offset, size and navigate, as in a .hspy file.

   Collective

   Input Parameters:
+  nmf          - a solved object
.  path         - the file to write
.  map          - the input's NMFIOGetMapInfo() (its spec is recorded as the attribute input)
-  read_seconds - the time spent reading the input

   Level: intermediate
@*/
PetscErrorCode NMFIOWriteResultWithAxes(NMF nmf, const char path[], const NMFMapInfo *map, PetscReal read_seconds)
try {
  ResultCtx ctx = {nmf, map->spec, map, read_seconds};

  PetscFunctionBegin;
  PetscCheck(nmf->solved, nmf->comm, PETSC_ERR_ORDER, "NMFIOWriteResultWithAxes needs a solved NMF");
  PetscCall(NMFIOWriteAtomic_Private(nmf->comm, path, NMFIOOutputBytes_Private(nmf, 1), WriteResultBody, &ctx));
  PetscFunctionReturn(0);
}
NMF_CATCH_EXCEPTIONS
