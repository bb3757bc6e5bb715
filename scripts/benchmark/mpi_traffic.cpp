/* PMPI wrappers that count the MPI traffic of the benchmark (see mpi_traffic.h for what each
   call counts).  Each wrapper calls its PMPI_ twin; the counting itself costs a few
   PMPI_Comm_size / PMPI_Type_size calls, only while counting is on. */
#include "mpi_traffic.h"
#include <mpi.h>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace bench {

static bool            counting = false;
static TrafficCounters counters;
/* persistent send requests (MPI_Send_init, MPI_Ssend_init) -> the bytes one start sends */
static std::unordered_map<MPI_Request, double> persistent_sends;

void TrafficStart(void)
{
  memset(&counters, 0, sizeof(counters));
  counting = true;
}

void TrafficStop(void) { counting = false; }

void TrafficGet(TrafficCounters *c) { *c = counters; }

bool TrafficIsPointToPoint(int f) { return f <= TF_SENDRECV_REPLACE; }

const char *TrafficName(int f)
{
  static const char *names[TF_COUNT] = {"MPI_Send", "MPI_Ssend", "MPI_Rsend", "MPI_Isend", "MPI_Issend", "MPI_Irsend", "MPI_Start(all) of Send_init", "MPI_Sendrecv", "MPI_Sendrecv_replace", "MPI_Allreduce", "MPI_Iallreduce", "MPI_Reduce", "MPI_Bcast", "MPI_Ibcast", "MPI_Allgather", "MPI_Allgatherv", "MPI_Gather", "MPI_Gatherv", "MPI_Scatter", "MPI_Scatterv", "MPI_Alltoall", "MPI_Alltoallv", "MPI_Reduce_scatter", "MPI_Reduce_scatter_block", "MPI_Scan", "MPI_Exscan", "MPI_Neighbor_alltoallv", "MPI_Ineighbor_alltoallv", "MPI_Barrier"};
  return f >= 0 && f < TF_COUNT ? names[f] : "?";
}

static double Bytes(long long count, MPI_Datatype type)
{
  if (count <= 0 || type == MPI_DATATYPE_NULL) return 0;
  int size = 0;
  PMPI_Type_size(type, &size);
  return (double)count * size;
}

static int CommSize(MPI_Comm comm)
{
  int size = 1;
  if (comm != MPI_COMM_NULL) PMPI_Comm_size(comm, &size);
  return size;
}

static int CommRank(MPI_Comm comm)
{
  int rank = 0;
  PMPI_Comm_rank(comm, &rank);
  return rank;
}

static bool Intercomm(MPI_Comm comm)
{
  int flag = 0;
  PMPI_Comm_test_inter(comm, &flag);
  return flag != 0;
}

/* a message this rank sends to dest of comm: < 0 when it is no traffic (-1: a communicator of
   one rank; -2: to itself or to MPI_PROC_NULL), else its bytes */
static double SendBytes(long long count, MPI_Datatype type, int dest, MPI_Comm comm)
{
  const bool inter = Intercomm(comm);
  if (!inter && CommSize(comm) < 2) return -1;
  if (dest == MPI_PROC_NULL || (!inter && dest == CommRank(comm))) return -2;
  return Bytes(count, type);
}

static void CountMessage(int f, double bytes)
{
  if (bytes == -1)
    counters.calls_trivial++;
  else if (bytes >= 0) {
    counters.calls[f]++;
    counters.bytes[f] += bytes;
  }
}

static void CountP2P(int f, long long count, MPI_Datatype type, int dest, MPI_Comm comm)
{
  if (counting && comm != MPI_COMM_NULL) CountMessage(f, SendBytes(count, type, dest, comm));
}

/* a collective on comm: adds bytes (computed only when the communicator has > 1 rank) */
template <class F>
static void CountCollective(int f, MPI_Comm comm, F bytes)
{
  if (!counting) return;
  if (CommSize(comm) < 2) {
    counters.calls_trivial++;
    return;
  }
  counters.calls[f]++;
  counters.bytes[f] += bytes();
}

/* the sum of counts[r] over the ranks r != self of a communicator of P ranks */
static long long SumOthers(const int counts[], int P, int self)
{
  long long s = 0;
  for (int r = 0; r < P; r++)
    if (r != self) s += counts[r];
  return s;
}

/* the ranks a neighborhood collective sends to (its out-neighbours), in order */
static std::vector<int> OutNeighbors(MPI_Comm comm)
{
  int topo = MPI_UNDEFINED;
  PMPI_Topo_test(comm, &topo);
  std::vector<int> out;
  if (topo == MPI_DIST_GRAPH) {
    int indeg = 0, outdeg = 0, weighted = 0;
    PMPI_Dist_graph_neighbors_count(comm, &indeg, &outdeg, &weighted);
    std::vector<int> src(indeg + 1), sw(indeg + 1), dw(outdeg + 1);
    out.resize(outdeg);
    PMPI_Dist_graph_neighbors(comm, indeg, src.data(), weighted ? sw.data() : MPI_UNWEIGHTED, outdeg, out.data(), weighted ? dw.data() : MPI_UNWEIGHTED);
  } else if (topo == MPI_GRAPH) {
    int nn = 0, rank = CommRank(comm);
    PMPI_Graph_neighbors_count(comm, rank, &nn);
    out.resize(nn);
    PMPI_Graph_neighbors(comm, rank, nn, out.data());
  } else if (topo == MPI_CART) {
    int nd = 0;
    PMPI_Cartdim_get(comm, &nd);
    for (int d = 0; d < nd; d++) {
      int lo, hi;
      PMPI_Cart_shift(comm, d, 1, &lo, &hi);
      out.push_back(lo);
      out.push_back(hi);
    }
  }
  return out;
}

static double NeighborBytes(const int sendcounts[], MPI_Datatype type, MPI_Comm comm)
{
  const std::vector<int> out  = OutNeighbors(comm);
  const int              self = CommRank(comm);
  long long              s    = 0;
  for (size_t j = 0; j < out.size(); j++)
    if (out[j] != self && out[j] != MPI_PROC_NULL) s += sendcounts[j];
  return Bytes(s, type);
}

} // namespace bench

using namespace bench;

extern "C" {

/* ---------------------------------------------------------------- point to point */

int MPI_Send(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm)
{
  CountP2P(TF_SEND, count, type, dest, comm);
  return PMPI_Send(buf, count, type, dest, tag, comm);
}

int MPI_Ssend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm)
{
  CountP2P(TF_SSEND, count, type, dest, comm);
  return PMPI_Ssend(buf, count, type, dest, tag, comm);
}

int MPI_Rsend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm)
{
  CountP2P(TF_RSEND, count, type, dest, comm);
  return PMPI_Rsend(buf, count, type, dest, tag, comm);
}

int MPI_Isend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm, MPI_Request *req)
{
  CountP2P(TF_ISEND, count, type, dest, comm);
  return PMPI_Isend(buf, count, type, dest, tag, comm, req);
}

int MPI_Issend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm, MPI_Request *req)
{
  CountP2P(TF_ISSEND, count, type, dest, comm);
  return PMPI_Issend(buf, count, type, dest, tag, comm, req);
}

int MPI_Irsend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm, MPI_Request *req)
{
  CountP2P(TF_IRSEND, count, type, dest, comm);
  return PMPI_Irsend(buf, count, type, dest, tag, comm, req);
}

int MPI_Sendrecv(const void *sbuf, int scount, MPI_Datatype stype, int dest, int stag, void *rbuf, int rcount, MPI_Datatype rtype, int source, int rtag, MPI_Comm comm, MPI_Status *status)
{
  CountP2P(TF_SENDRECV, scount, stype, dest, comm);
  return PMPI_Sendrecv(sbuf, scount, stype, dest, stag, rbuf, rcount, rtype, source, rtag, comm, status);
}

int MPI_Sendrecv_replace(void *buf, int count, MPI_Datatype type, int dest, int stag, int source, int rtag, MPI_Comm comm, MPI_Status *status)
{
  CountP2P(TF_SENDRECV_REPLACE, count, type, dest, comm);
  return PMPI_Sendrecv_replace(buf, count, type, dest, stag, source, rtag, comm, status);
}

/* persistent sends: the size is recorded whether counting or not (PETSc creates its requests
   once, at set-up, and starts them at every ghost exchange) */
int MPI_Send_init(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm, MPI_Request *req)
{
  int err = PMPI_Send_init(buf, count, type, dest, tag, comm, req);
  if (err == MPI_SUCCESS) persistent_sends[*req] = SendBytes(count, type, dest, comm);
  return err;
}

int MPI_Ssend_init(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm, MPI_Request *req)
{
  int err = PMPI_Ssend_init(buf, count, type, dest, tag, comm, req);
  if (err == MPI_SUCCESS) persistent_sends[*req] = SendBytes(count, type, dest, comm);
  return err;
}

static void CountStart(MPI_Request req)
{
  if (!counting) return;
  auto it = persistent_sends.find(req);
  if (it == persistent_sends.end()) return; /* a persistent receive */
  CountMessage(TF_PERSISTENT_SEND, it->second);
}

int MPI_Start(MPI_Request *req)
{
  CountStart(*req);
  return PMPI_Start(req);
}

int MPI_Startall(int count, MPI_Request reqs[])
{
  for (int i = 0; i < count; i++) CountStart(reqs[i]);
  return PMPI_Startall(count, reqs);
}

int MPI_Request_free(MPI_Request *req)
{
  if (req) persistent_sends.erase(*req);
  return PMPI_Request_free(req);
}

/* ---------------------------------------------------------------- collectives */

int MPI_Allreduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm)
{
  CountCollective(TF_ALLREDUCE, comm, [&] { return Bytes(count, type); });
  return PMPI_Allreduce(sbuf, rbuf, count, type, op, comm);
}

int MPI_Iallreduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm, MPI_Request *req)
{
  CountCollective(TF_IALLREDUCE, comm, [&] { return Bytes(count, type); });
  return PMPI_Iallreduce(sbuf, rbuf, count, type, op, comm, req);
}

int MPI_Reduce(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, int root, MPI_Comm comm)
{
  CountCollective(TF_REDUCE, comm, [&] { return CommRank(comm) == root ? 0.0 : Bytes(count, type); });
  return PMPI_Reduce(sbuf, rbuf, count, type, op, root, comm);
}

int MPI_Bcast(void *buf, int count, MPI_Datatype type, int root, MPI_Comm comm)
{
  CountCollective(TF_BCAST, comm, [&] { return CommRank(comm) == root ? Bytes(count, type) : 0.0; });
  return PMPI_Bcast(buf, count, type, root, comm);
}

int MPI_Ibcast(void *buf, int count, MPI_Datatype type, int root, MPI_Comm comm, MPI_Request *req)
{
  CountCollective(TF_IBCAST, comm, [&] { return CommRank(comm) == root ? Bytes(count, type) : 0.0; });
  return PMPI_Ibcast(buf, count, type, root, comm, req);
}

int MPI_Allgather(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype, MPI_Comm comm)
{
  CountCollective(TF_ALLGATHER, comm, [&] { return (CommSize(comm) - 1) * (sbuf == MPI_IN_PLACE ? Bytes(rcount, rtype) : Bytes(scount, stype)); });
  return PMPI_Allgather(sbuf, scount, stype, rbuf, rcount, rtype, comm);
}

int MPI_Allgatherv(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, const int rcounts[], const int displs[], MPI_Datatype rtype, MPI_Comm comm)
{
  CountCollective(TF_ALLGATHERV, comm, [&] { return (CommSize(comm) - 1) * (sbuf == MPI_IN_PLACE ? Bytes(rcounts[CommRank(comm)], rtype) : Bytes(scount, stype)); });
  return PMPI_Allgatherv(sbuf, scount, stype, rbuf, rcounts, displs, rtype, comm);
}

int MPI_Gather(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype, int root, MPI_Comm comm)
{
  CountCollective(TF_GATHER, comm, [&] { return CommRank(comm) == root ? 0.0 : Bytes(scount, stype); });
  return PMPI_Gather(sbuf, scount, stype, rbuf, rcount, rtype, root, comm);
}

int MPI_Gatherv(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, const int rcounts[], const int displs[], MPI_Datatype rtype, int root, MPI_Comm comm)
{
  CountCollective(TF_GATHERV, comm, [&] { return CommRank(comm) == root ? 0.0 : Bytes(scount, stype); });
  return PMPI_Gatherv(sbuf, scount, stype, rbuf, rcounts, displs, rtype, root, comm);
}

int MPI_Scatter(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype, int root, MPI_Comm comm)
{
  CountCollective(TF_SCATTER, comm, [&] { return CommRank(comm) == root ? (CommSize(comm) - 1) * Bytes(scount, stype) : 0.0; });
  return PMPI_Scatter(sbuf, scount, stype, rbuf, rcount, rtype, root, comm);
}

int MPI_Scatterv(const void *sbuf, const int scounts[], const int displs[], MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype, int root, MPI_Comm comm)
{
  CountCollective(TF_SCATTERV, comm, [&] { return CommRank(comm) == root ? Bytes(SumOthers(scounts, CommSize(comm), root), stype) : 0.0; });
  return PMPI_Scatterv(sbuf, scounts, displs, stype, rbuf, rcount, rtype, root, comm);
}

int MPI_Alltoall(const void *sbuf, int scount, MPI_Datatype stype, void *rbuf, int rcount, MPI_Datatype rtype, MPI_Comm comm)
{
  CountCollective(TF_ALLTOALL, comm, [&] { return (CommSize(comm) - 1) * (sbuf == MPI_IN_PLACE ? Bytes(rcount, rtype) : Bytes(scount, stype)); });
  return PMPI_Alltoall(sbuf, scount, stype, rbuf, rcount, rtype, comm);
}

int MPI_Alltoallv(const void *sbuf, const int scounts[], const int sdispls[], MPI_Datatype stype, void *rbuf, const int rcounts[], const int rdispls[], MPI_Datatype rtype, MPI_Comm comm)
{
  CountCollective(TF_ALLTOALLV, comm, [&] {
    const int P = CommSize(comm), self = CommRank(comm);
    return sbuf == MPI_IN_PLACE ? Bytes(SumOthers(rcounts, P, self), rtype) : Bytes(SumOthers(scounts, P, self), stype);
  });
  return PMPI_Alltoallv(sbuf, scounts, sdispls, stype, rbuf, rcounts, rdispls, rtype, comm);
}

int MPI_Reduce_scatter(const void *sbuf, void *rbuf, const int rcounts[], MPI_Datatype type, MPI_Op op, MPI_Comm comm)
{
  CountCollective(TF_REDUCE_SCATTER, comm, [&] {
    long long s = 0;
    for (int r = 0, P = CommSize(comm); r < P; r++) s += rcounts[r];
    return Bytes(s, type);
  });
  return PMPI_Reduce_scatter(sbuf, rbuf, rcounts, type, op, comm);
}

int MPI_Reduce_scatter_block(const void *sbuf, void *rbuf, int rcount, MPI_Datatype type, MPI_Op op, MPI_Comm comm)
{
  CountCollective(TF_REDUCE_SCATTER_BLOCK, comm, [&] { return CommSize(comm) * Bytes(rcount, type); });
  return PMPI_Reduce_scatter_block(sbuf, rbuf, rcount, type, op, comm);
}

int MPI_Scan(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm)
{
  CountCollective(TF_SCAN, comm, [&] { return Bytes(count, type); });
  return PMPI_Scan(sbuf, rbuf, count, type, op, comm);
}

int MPI_Exscan(const void *sbuf, void *rbuf, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm)
{
  CountCollective(TF_EXSCAN, comm, [&] { return Bytes(count, type); });
  return PMPI_Exscan(sbuf, rbuf, count, type, op, comm);
}

int MPI_Neighbor_alltoallv(const void *sbuf, const int scounts[], const int sdispls[], MPI_Datatype stype, void *rbuf, const int rcounts[], const int rdispls[], MPI_Datatype rtype, MPI_Comm comm)
{
  CountCollective(TF_NEIGHBOR_ALLTOALLV, comm, [&] { return NeighborBytes(scounts, stype, comm); });
  return PMPI_Neighbor_alltoallv(sbuf, scounts, sdispls, stype, rbuf, rcounts, rdispls, rtype, comm);
}

int MPI_Ineighbor_alltoallv(const void *sbuf, const int scounts[], const int sdispls[], MPI_Datatype stype, void *rbuf, const int rcounts[], const int rdispls[], MPI_Datatype rtype, MPI_Comm comm, MPI_Request *req)
{
  CountCollective(TF_INEIGHBOR_ALLTOALLV, comm, [&] { return NeighborBytes(scounts, stype, comm); });
  return PMPI_Ineighbor_alltoallv(sbuf, scounts, sdispls, stype, rbuf, rcounts, rdispls, rtype, comm, req);
}

int MPI_Barrier(MPI_Comm comm)
{
  CountCollective(TF_BARRIER, comm, [] { return 0.0; });
  return PMPI_Barrier(comm);
}

} /* extern "C" */
