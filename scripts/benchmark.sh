#!/bin/bash
# The benchmark of issue 5 (README.md, "Benchmark"): builds what it needs, then, one run at a time
#   1. the real 80 x 80 x 1917 map at 1 rank (k 4, lambda_L 1, mu 0.2, nndsvda, 30 iterations),
#      X kept as stored (uint8) and as float64;
#   2. scikit-learn's KL multiplicative updates on the same map (scripts/sklearn_kl_baseline.py);
#   3. generated 200 x 200 and 400 x 400 x 1917-channel maps (uint16 .hspy under a temporary
#      directory, deleted at the end): the 400 x 400 one at 1 and 2 ranks (10 iterations, random
#      init), X as float64 and as uint16, and the 200 x 200 one at 2 ranks (the MPI bytes of the
#      two sizes);
#   4. a summary: passes of X per iteration, speed-up 2 vs 1 rank, MPI bytes per iteration at both
#      sizes, peak memory over the share of X, the ratios to scikit-learn and espm, each against
#      the target of issue 5.
# It takes about three minutes on the 2-core development machine; keep the machine otherwise idle.
#
# usage: scripts/benchmark.sh [--quick] [--no-sklearn] [--wait-idle[=SECONDS]]
#   --quick       only the real map (uint8) and the 400 x 400 float64 map at 1 and 2 ranks, 200 x 200 at 2
#   --no-sklearn  skip the scikit-learn baseline
#   --wait-idle   on a shared machine: before each timed run, wait (at most SECONDS, default 300)
#                 until the cores have been idle for 10 s; the "cpu" column (CPU time / wall time of
#                 the iterations) tells afterwards whether a run had the cores to itself
# environment: BUILD (build directory, default build), REAL_MAP (default ../shared/data/real_edx_80x80.hspy),
#   BENCH_TMP (where the generated maps go, default a new directory under /tmp), BENCH_OUT (where the
#   logs and summary are kept, default $BUILD/benchmark), ITERS_REAL (30), ITERS_BIG (10), BIG (400),
#   SMALL (200), CHANNELS (1917), ESPM_SECONDS_PER_ITER (18.9: espm on the real map, measured on the
#   development machine for issue 5), PYTHON (/usr/bin/python3)
set -euo pipefail
cd "$(dirname "$0")/.."
. ./scripts/mpi-env.sh

quick=0 sklearn=1 wait_idle=0
for a in "$@"; do
  case $a in
  --quick) quick=1 ;;
  --no-sklearn) sklearn=0 ;;
  --wait-idle) wait_idle=300 ;;
  --wait-idle=*) wait_idle=${a#--wait-idle=} ;;
  -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "benchmark.sh: unknown argument $a (see --help)" >&2; exit 2 ;;
  esac
done

BUILD=${BUILD:-build}
REAL_MAP=${REAL_MAP:-../shared/data/real_edx_80x80.hspy}
ITERS_REAL=${ITERS_REAL:-30} ITERS_BIG=${ITERS_BIG:-10} BIG=${BIG:-400} SMALL=${SMALL:-200} CHANNELS=${CHANNELS:-1917}
ESPM=${ESPM_SECONDS_PER_ITER:-18.9}
PYTHON=${PYTHON:-/usr/bin/python3}
MPIEXEC=${MPIEXEC:-mpiexec}

# 1. build (configures when needed; a no-op when up to date)
[ -f "$BUILD/CMakeCache.txt" ] || cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target smoothnmf_benchmark smoothnmf_demo_map >/dev/null

OUT=${BENCH_OUT:-$BUILD/benchmark}
mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/summary.txt "$OUT"/runs.txt
TMP=${BENCH_TMP:-$(mktemp -d /tmp/smoothnmf_bench.XXXXXX)}
mkdir -p "$TMP"
trap 'rm -f "$TMP"/map_*.hspy; rmdir "$TMP" 2>/dev/null || true' EXIT

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo "+uncommitted" || true)
{
  echo "smoothnmf benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit$dirty, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/header.txt"
load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
  echo "warning: the machine is busy (load $load): the timings will be off; run the benchmark on an idle machine" >&2
fi

COMMON="-nmf_n_components 4 -nmf_lambda_L 1 -nmf_mu 0.2 -nmf_no_stop_criterion -nmf_random_state 1 -nmf_verbose 0"

# with --wait-idle: wait until the cores have been >= 95% idle for two 5-second samples
idle() {
  [ "$wait_idle" -gt 0 ] || return 0
  local start ok=0 t1 t2 i1 i2 u n s i w x y z rest pct=0
  start=$(date +%s)
  while [ $(($(date +%s) - start)) -lt "$wait_idle" ]; do
    read -r _ u n s i w x y z rest </proc/stat; t1=$((u + n + s + i + w + x + y + z)) i1=$i
    sleep 5
    read -r _ u n s i w x y z rest </proc/stat; t2=$((u + n + s + i + w + x + y + z)) i2=$i
    pct=$((100 * (i2 - i1) / (t2 - t1 > 0 ? t2 - t1 : 1)))
    if [ "$pct" -ge 95 ]; then ok=$((ok + 1)); else ok=0; fi
    [ $ok -ge 2 ] && return 0
  done
  echo "(the cores are still busy, $pct% idle: running anyway)"
}

# run NAME NP MAP [options]: one benchmark run, its output in $OUT/NAME.log
run() {
  local name=$1 np=$2 map=$3
  shift 3
  idle
  echo
  echo "=== $name: $np rank(s), $(basename "$map") $*"
  "$MPIEXEC" -n "$np" --oversubscribe "$BUILD/smoothnmf_benchmark" -i "$map" $COMMON -bench_label "$name" "$@" | tee "$OUT/$name.log"
  echo "$name" >>"$OUT/runs.txt"
}

# 2. the real map
if [ -f "$REAL_MAP" ]; then
  run real_uint8 1 "$REAL_MAP" -nmf_init nndsvda -nmf_max_iter "$ITERS_REAL"
  [ $quick = 1 ] || run real_float64 1 "$REAL_MAP" -nmf_init nndsvda -nmf_max_iter "$ITERS_REAL" -bench_data_type float64
  if [ $sklearn = 1 ] && [ $quick = 0 ]; then
    echo
    echo "=== scikit-learn: NMF(solver='mu', beta_loss='kullback-leibler', init='nndsvda'), k 4, on $(basename "$REAL_MAP")"
    if "$PYTHON" -c 'import sklearn' 2>/dev/null; then
      idle
      "$PYTHON" scripts/sklearn_kl_baseline.py "$REAL_MAP" --k 4 --iters 10 --repeat 1 2>/dev/null | tee "$OUT/sklearn.log"
    else
      echo "(skipped: $PYTHON has no scikit-learn)"
    fi
  fi
else
  echo "(the real map $REAL_MAP is missing: its runs are skipped)"
fi

# 3. generated maps: uint16, contiguous (no compression: quick to write and read)
need_mb=$(((BIG * BIG + SMALL * SMALL) * CHANNELS * 2 / 1000000 + 200))
free_mb=$(df -Pm "$TMP" | awk 'NR == 2 { print $4 }')
if [ "$free_mb" -lt "$need_mb" ]; then
  echo "benchmark.sh: $TMP has $free_mb MB free, the generated maps need $need_mb MB: set BENCH_TMP to a larger disk" >&2
  exit 1
fi
avail_mb=$(awk '/MemAvailable/ { print int($2 / 1024) }' /proc/meminfo)
big64_mb=$((BIG * BIG * CHANNELS * 8 / 1000000))
echo
echo "generating ${SMALL}x${SMALL} and ${BIG}x${BIG} x $CHANNELS-channel maps (uint16) in $TMP ($free_mb MB free on disk, $avail_mb MB of memory available)"
for s in "$SMALL" "$BIG"; do
  "$MPIEXEC" -n 2 --oversubscribe "$BUILD/smoothnmf_demo_map" -o "$TMP/map_$s.hspy" -ny "$s" -nx "$s" -n "$CHANNELS" -k 4 -seed 1 -dtype uint16 -chunks 0
done
BIGOPT="-nmf_init random -nmf_max_iter $ITERS_BIG"
# X as float64 at 1 rank holds X and its float64 copy of the streaming pass: twice the share
if [ "$avail_mb" -gt $((2 * big64_mb + 1000)) ]; then
  run big_float64_np1 1 "$TMP/map_$BIG.hspy" $BIGOPT -bench_data_type float64
  run big_float64_np2 2 "$TMP/map_$BIG.hspy" $BIGOPT -bench_data_type float64
else
  echo "(skipped the ${BIG}x${BIG} float64 runs: they need $((2 * big64_mb)) MB of memory, $avail_mb MB available)"
fi
if [ $quick = 0 ]; then
  run big_uint16_np1 1 "$TMP/map_$BIG.hspy" $BIGOPT
  run big_uint16_np2 2 "$TMP/map_$BIG.hspy" $BIGOPT
fi
run small_float64_np2 2 "$TMP/map_$SMALL.hspy" $BIGOPT -bench_data_type float64
rm -f "$TMP"/map_*.hspy
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/header.txt"

# 4. the summary, from the RESULT lines
for name in $(cat "$OUT/runs.txt") sklearn; do [ -f "$OUT/$name.log" ] && cat "$OUT/$name.log"; done | grep -h -E '^(RESULT|SKLEARN) ' | awk -v espm="$ESPM" -v big="$BIG" -v small="$SMALL" -v header="$(cat "$OUT/header.txt")" '
function kv(line, arr,   n, i, f, eq) {
  n = split(line, f, " ")
  for (i = 2; i <= n; i++) { eq = index(f[i], "="); if (eq) arr[substr(f[i], 1, eq - 1)] = substr(f[i], eq + 1) }
}
function val(run, key) { return V[run SUBSEP key] + 0 }
function str(run, key) { return V[run SUBSEP key] }
function has(run) { return (run SUBSEP "ranks") in V }
function mark(ok) { return ok ? "yes" : "NO" }
/^RESULT / { delete a; kv($0, a); for (k in a) V[a["label"] SUBSEP k] = a[k]; order[++nruns] = a["label"] }
/^SKLEARN / { delete a; kv($0, a); sk = a["t_iter_s"] + 0; skcpu = a["cpu_share"] + 0 }
END {
  print ""
  print "================================================================ summary"
  print header
  printf "%-18s %5s %-14s %-7s %8s %8s %8s %7s %7s %8s %8s %8s %8s %5s\n", "run", "ranks", "map", "X kept", "init s", "s/iter", "pass64 s", "passes", "p.kept", "MPI B/it", "p2p B/it", "peak MB", "peak/X64", "cpu"
  for (i = 1; i <= nruns; i++) {
    r = order[i]
    if (val(r, "cpu_share") < 0.9) busy = busy " " r
    printf "%-18s %5d %-14s %-7s %8.3f %8.4f %8.4f %7.2f %7.2f %8.0f %8.0f %8.1f %8.3f %5.2f\n", r, val(r, "ranks"), str(r, "ny") "x" str(r, "nx") "x" str(r, "n"), str(r, "x_type"), val(r, "init_s"), val(r, "t_iter_s"), val(r, "pass64_s"), val(r, "passes64_per_iter"), val(r, "passes_stored_per_iter"), val(r, "mpi_bytes_per_iter"), val(r, "mpi_p2p_bytes_per_iter"), val(r, "peak_rss_mb"), val(r, "peak_over_share64"), val(r, "cpu_share")
  }
  if (busy != "") print "warning: CPU time / wall time below 0.9 in" busy ": other processes took the cores, those timings are off"
  print ""
  print "targets of issue 5 (measured in this run):"
  if (has("real_uint8")) {
    t = val("real_uint8", "t_iter_s")
    printf "  real map, 1 rank: %.4f s per iteration = %.2f float64 streaming passes of X (target <= 6): %s\n", t, val("real_uint8", "passes64_per_iter"), mark(val("real_uint8", "passes64_per_iter") <= 6)
    if (has("real_float64")) printf "    (X kept as float64: %.4f s per iteration = %.2f passes)\n", val("real_float64", "t_iter_s"), val("real_float64", "passes64_per_iter")
    if (sk > 0) printf "  scikit-learn KL updates: %.4f s per iteration (cpu %.2f), %.1fx slower (target >= 20x): %s\n", sk, skcpu, sk / t, mark(sk / t >= 20)
    printf "  espm (%.1f s per iteration, issue 5): %.0fx slower (target >= 500x): %s\n", espm, espm / t, mark(espm / t >= 500)
  }
  split("float64 uint16", types, " ")
  for (j = 1; j <= 2; j++) {
    r1 = "big_" types[j] "_np1"; r2 = "big_" types[j] "_np2"
    if (has(r1) && has(r2)) printf "  %sx%s, X as %s: 2 ranks %.2fx faster than 1 (%.3f -> %.3f s per iteration; target >= 1.8): %s\n", big, big, types[j], val(r1, "t_iter_s") / val(r2, "t_iter_s"), val(r1, "t_iter_s"), val(r2, "t_iter_s"), mark(val(r1, "t_iter_s") / val(r2, "t_iter_s") >= 1.8)
  }
  for (i = 1; i <= nruns; i++) {
    r = order[i]
    if (r ~ /^big_/) printf "  %-17s peak resident memory per rank %.1f MB = %.3f x its share of X as float64 (%.1f MB; target <= 1.3): %s\n", r, val(r, "peak_rss_mb"), val(r, "peak_over_share64"), val(r, "share64_mb"), mark(val(r, "peak_over_share64") <= 1.3)
  }
  rs = "small_float64_np2"; rb = "big_float64_np2"
  if (has(rs) && has(rb)) {
    printf "  MPI bytes per rank per iteration at 2 ranks, %sx%s -> %sx%s (p x %.0f): %.0f -> %.0f (x %.3f)\n", small, small, big, big, (big * big) / (small * small), val(rs, "mpi_bytes_per_iter"), val(rb, "mpi_bytes_per_iter"), val(rb, "mpi_bytes_per_iter") / val(rs, "mpi_bytes_per_iter")
    printf "    collectives (W-step sums, losses, bisection; independent of p): %.0f -> %.0f (x %.3f)\n", val(rs, "mpi_coll_bytes_per_iter"), val(rb, "mpi_coll_bytes_per_iter"), val(rb, "mpi_coll_bytes_per_iter") / val(rs, "mpi_coll_bytes_per_iter")
    printf "    point to point (ghost layer of H; the block perimeter, x %.1f): %.0f -> %.0f (x %.3f)\n", big / small, val(rs, "mpi_p2p_bytes_per_iter"), val(rb, "mpi_p2p_bytes_per_iter"), val(rb, "mpi_p2p_bytes_per_iter") / val(rs, "mpi_p2p_bytes_per_iter")
  }
}' | tee "$OUT/summary.txt"
echo
echo "logs and summary: $OUT"
