#!/bin/bash
# ctest bench_smoke_npN: the benchmark on a tiny generated map (24 x 20 x 64, 5 iterations) at NP
# ranks prints its RESULT line with positive times, passes and memory; the MPI bytes counted in the
# iterations are > 0 at 2 or more ranks (ghost exchange and reductions) and exactly 0 at 1 rank,
# where the solver still calls MPI (reductions on a communicator of one rank, counted apart as
# trivial calls > 0) but nothing travels.
# usage: smoke_test.sh BUILD_DIR NP
set -euo pipefail
build=$1; np=$2
mpi="${MPIEXEC:-mpiexec} -n $np --oversubscribe"
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
$mpi "$build/smoothnmf_demo_map" -o "$dir/map.hspy" -ny 24 -nx 20 -n 64 -k 3 -seed 1 -dtype uint16 >/dev/null
$mpi "$build/smoothnmf_benchmark" -i "$dir/map.hspy" -nmf_n_components 3 -nmf_max_iter 5 -nmf_no_stop_criterion \
  -nmf_random_state 1 -nmf_verbose 0 -bench_passes 3 -bench_label smoke | tee "$dir/out.txt"
line=$(grep '^RESULT ' "$dir/out.txt")
[ "$(grep -c '^RESULT ' "$dir/out.txt")" = 1 ] || { echo "FAIL: expected one RESULT line"; exit 1; }
get() { echo "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
fail=0
check() { # check KEY AWK-CONDITION-ON-v
  local v; v=$(get "$1")
  if [ -z "$v" ] || ! awk -v v="$v" "BEGIN { exit !($2) }"; then echo "FAIL: $1=$v, expected $2"; fail=1; fi
}
check ranks "v == $np"
check n_iter "v == 5"
for key in t_iter_s fit_s pass64_s pass_stored_s passes64_per_iter passes_stored_per_iter peak_rss_mb share64_mb share_stored_mb peak_over_share64; do
  check "$key" "v > 0"
done
check hwm_reset "v == 1"
if [ "$np" -gt 1 ]; then
  check mpi_bytes_per_iter "v > 0"
  check mpi_p2p_bytes_per_iter "v > 0"
  check mpi_coll_bytes_per_iter "v > 0"
else
  check mpi_bytes_per_iter "v == 0"
  check mpi_calls_per_iter "v == 0"
  check mpi_trivial_calls_per_iter "v > 0"
fi
[ $fail = 0 ] && echo "bench_smoke_np$np: OK"
exit $fail
