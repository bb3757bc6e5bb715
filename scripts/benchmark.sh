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
# usage: scripts/benchmark.sh [--quick] [--no-sklearn] [--wait-idle[=SECONDS]] [--summary]
#   --quick       only the real map (uint8) and the 400 x 400 float64 map at 1 and 2 ranks, 200 x 200 at 2
#   --no-sklearn  skip the scikit-learn baseline
#   --wait-idle   on a shared machine: before each timed run, wait (at most SECONDS, default 300)
#                 until the cores have been idle for 10 s; the "cpu" column (CPU time / wall time of
#                 the iterations) tells afterwards whether a run had the cores to itself; a timing
#                 target whose run had less than 0.9 of its cores is reported as not judged
#   --summary     run nothing: print the summary of the last run again, from its logs in BENCH_OUT
# environment: BUILD (build directory, default build), REAL_MAP (default ../shared/data/real_edx_80x80.hspy),
#   BENCH_TMP (where the generated maps go, default a new directory under /tmp), BENCH_OUT (where the
#   logs and summary are kept, default $BUILD/benchmark), ITERS_REAL (30), ITERS_BIG (10), BIG (400),
#   SMALL (200), CHANNELS (1917), ESPM_SECONDS_PER_ITER (18.9: espm on the real map, measured on the
#   development machine for issue 5), PYTHON (/usr/bin/python3)
set -euo pipefail
cd "$(dirname "$0")/.."
. ./scripts/mpi-env.sh

quick=0 sklearn=1 wait_idle=0 summary_only=0
for a in "$@"; do
  case $a in
  --quick) quick=1 ;;
  --no-sklearn) sklearn=0 ;;
  --summary) summary_only=1 ;;
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

OUT=${BENCH_OUT:-$BUILD/benchmark}
# 4. the summary, from the RESULT lines of the logs in $OUT
summary() {
  for name in $(cat "$OUT/runs.txt") sklearn; do if [ -f "$OUT/$name.log" ]; then cat "$OUT/$name.log"; fi; done | grep -h -E '^(RESULT|SKLEARN) ' |
    awk -v espm="$ESPM" -v big="$BIG" -v small="$SMALL" -v header="$(cat "$OUT/header.txt")" -f scripts/benchmark/summary.awk | tee "$OUT/summary.txt"
}
. scripts/benchmark/scale_run.sh
if [ $summary_only = 1 ]; then
  [ -f "$OUT/runs.txt" ] || { echo "benchmark.sh: no run to summarise in $OUT (runs.txt is missing)" >&2; exit 1; }
  summary
  scale_summary
  exit 0
fi

# 1. build (configures when needed; a no-op when up to date)
[ -f "$BUILD/CMakeCache.txt" ] || cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target smoothnmf_benchmark smoothnmf_demo_map >/dev/null

mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/summary.txt "$OUT"/runs.txt
TMP=${BENCH_TMP:-$(mktemp -d /tmp/smoothnmf_bench.XXXXXX)}
mkdir -p "$TMP"
trap 'rm -f "$TMP"/map_*.hspy "$TMP"/scale_result.h5; rmdir "$TMP" 2>/dev/null || true' EXIT

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo "+uncommitted" || true)
{
  echo "smoothnmf benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit$dirty, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/header.txt"
# idle_percent SECONDS: the share of all cores' time spent idle over the next SECONDS (from /proc/stat;
# the load average lags by minutes)
idle_percent() {
  local u n s i w x y z rest t1 t2 i1
  read -r _ u n s i w x y z rest </proc/stat; t1=$((u + n + s + i + w + x + y + z)) i1=$i
  sleep "$1"
  read -r _ u n s i w x y z rest </proc/stat; t2=$((u + n + s + i + w + x + y + z))
  echo $((100 * (i - i1) / (t2 - t1 > 0 ? t2 - t1 : 1)))
}
pct=$(idle_percent 2)
if [ "$pct" -lt 90 ]; then
  echo "warning: the machine is busy (the cores were $pct% idle over 2 s): the timings will be off; run the benchmark on an idle machine, or with --wait-idle" >&2
fi

COMMON="-nmf_n_components 4 -nmf_lambda_L 1 -nmf_mu 0.2 -nmf_no_stop_criterion -nmf_random_state 1 -nmf_verbose 0"

# with --wait-idle: wait until the cores have been >= 95% idle for two 5-second samples
idle() {
  [ "$wait_idle" -gt 0 ] || return 0
  local start ok=0 pct=0
  start=$(date +%s)
  while [ $(($(date +%s) - start)) -lt "$wait_idle" ]; do
    pct=$(idle_percent 5)
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

# 5. the scale run (issue 11): scripts/benchmark/scale_run.sh
[ $quick = 1 ] || [ "${SCALE:-1}" = 0 ] || scale_run
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/header.txt"

summary
scale_summary
echo
echo "logs and summary: $OUT"
