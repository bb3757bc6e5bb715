/* MPI traffic counters of the benchmark: PMPI wrappers (mpi_traffic.cpp) of the MPI calls that
   move data.  They are defined in the benchmark executable, which is linked with
   -rdynamic (CMake ENABLE_EXPORTS), so they interpose both the solver's own calls (static
   library, resolved at link time) and the calls PETSc makes from libpetsc.so (resolved by the
   dynamic linker to the executable's definitions first); each wrapper counts, then calls the
   PMPI_ entry point.

   What a call counts ("bytes" = count x MPI_Type_size of the datatype), only between
   TrafficStart() and TrafficStop(), and only on communicators of more than one rank (on a
   communicator of one rank nothing travels; such calls are counted in calls_trivial):
     point to point: MPI_Send, Ssend, Rsend, Isend, Issend, Irsend, Sendrecv (its send part),
       Sendrecv_replace, and persistent sends (MPI_Send_init / Ssend_init: the size is recorded
       at init, counted at each MPI_Start / MPI_Startall) -- the bytes this rank sends; messages
       to itself or to MPI_PROC_NULL are not counted;
     collectives: the payload this rank contributes, independent of the algorithm the MPI
       library picks: Allreduce, Iallreduce, Reduce_scatter(_block), Scan, Exscan: the
       reduced vector (count x size); Reduce: count x size on every rank but the root; Bcast,
       Ibcast: count x size at the root; Gather(v): the send buffer on every rank but the root;
       Scatter(v): the root's buffers for the other ranks; Allgather(v): the send buffer x
       (P - 1); Alltoall(v), (I)neighbor_alltoallv: the blocks for the other ranks; Barrier:
       a call, 0 bytes.
   One-sided calls (MPI_Put / Get / Accumulate, used only by PETSc's window SF types) are not
   counted. */
#ifndef SMOOTHNMF_BENCH_MPI_TRAFFIC_H
#define SMOOTHNMF_BENCH_MPI_TRAFFIC_H

namespace bench {

enum TrafficFunc {
  TF_SEND,
  TF_SSEND,
  TF_RSEND,
  TF_ISEND,
  TF_ISSEND,
  TF_IRSEND,
  TF_PERSISTENT_SEND, /* MPI_Start / MPI_Startall of an MPI_Send_init / MPI_Ssend_init request */
  TF_SENDRECV,
  TF_SENDRECV_REPLACE,
  TF_ALLREDUCE,
  TF_IALLREDUCE,
  TF_REDUCE,
  TF_BCAST,
  TF_IBCAST,
  TF_ALLGATHER,
  TF_ALLGATHERV,
  TF_GATHER,
  TF_GATHERV,
  TF_SCATTER,
  TF_SCATTERV,
  TF_ALLTOALL,
  TF_ALLTOALLV,
  TF_REDUCE_SCATTER,
  TF_REDUCE_SCATTER_BLOCK,
  TF_SCAN,
  TF_EXSCAN,
  TF_NEIGHBOR_ALLTOALLV,
  TF_INEIGHBOR_ALLTOALLV,
  TF_BARRIER,
  TF_COUNT
};

struct TrafficCounters {
  double    bytes[TF_COUNT]; /* bytes sent (point to point) or contributed (collectives) */
  long long calls[TF_COUNT]; /* calls (messages for point to point) on communicators of > 1 rank */
  long long calls_trivial;   /* calls on communicators of one rank: no traffic */
};

void        TrafficStart(void); /* zero the counters and start counting */
void        TrafficStop(void);  /* stop counting (the counters keep their values) */
void        TrafficGet(TrafficCounters *c);
const char *TrafficName(int f);
bool        TrafficIsPointToPoint(int f);

} // namespace bench

#endif
