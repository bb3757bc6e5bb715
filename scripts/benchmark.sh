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
#   5. the passes over X (section "kernels", kernels_section below): the real map at 1 rank for each
#      k of KS (default 2 .. 32), against 1.1 max(1, k/8) t(8); a dense generated map (DENSE_NY x
#      DENSE_NX x DENSE_N, DENSE_COUNTS mean counts: almost no zero count), k 4, X as float32 and
#      as uint16, against at most 6 float64 streaming passes per iteration, and its nndsvda set-up
#      against the time of 5 iterations;
#   6. the reads (section "read", read_section below): a READ_NY x READ_NX x READ_N uint16 map
#      (default 1024 x 1024 x 1024; 512 x 512 x 1024 with --quick) generated twice with
#      smoothnmf_demo_map at 2 ranks, chunked 64 x 64 pixels x all channels with gzip level 1, and
#      contiguous uncompressed (the write times of both are reported); then, for each, in the same
#      run: one h5py process reading the whole dataset (scripts/benchmark/h5py_read.py), and
#      smoothnmf's read (build/smoothnmf_read_timing) at 1 and 2 ranks with the write of a result
#      of the map's size (H, k x p, and W); every read from the page cache (the file is read once
#      with cat before each timed read); the checksums must agree; targets: 2 ranks read no slower
#      than h5py, 2 ranks faster than 1, the result written no slower than the map is read;
#   7. the scale run (scripts/benchmark/scale_run.sh): a generated SCALE_NY x SCALE_NX x SCALE_N
#      (1024 x 1024 x 2048) uint16 map in HyperSpy's gzip chunks at 2 ranks: read, set-up, time
#      per iteration, write, peak memory per rank against the share of X as stored;
#   8. the Python package (section "python", scripts/benchmark/python_vs_program.py): on the real map,
#      SmoothNMF.fit() in Python (the map in memory) against the program's set-up + iterations, same
#      options, 1 rank, alternating runs; target: Python <= 1.1 x the program.
#   9. the masks (section "masks", scripts/benchmark/mask_cost.py): the program on the real map, k 4,
#      without masks, with the vacuum helper and an energy range, with a scattered 20% of the pixels
#      and the range, alternated; target: each masked run at most 1.1 x the unmasked per iteration.
#  10. the rank selection (section "select_k", scripts/benchmark/select_k_cost.py): -nmf_select_k 2:5,
#      R 4, on the real map, against the same single fits run one by one; target: at most 1.05 x their
#      sum; and how often it finds the true k on generated maps (scripts/benchmark/select_k_accuracy.py,
#      with SELECT_K_ACCURACY=1: 15 maps, about half an hour); target 90%.
#
# usage: scripts/benchmark.sh [--quick] [--no-sklearn] [--wait-idle[=SECONDS]] [--summary] [--only-k] [--read]
#   --quick       only the real map (uint8) and the 400 x 400 float64 map at 1 and 2 ranks, 200 x 200 at 2
#                 (and no kernels section)
#   --only-k      only the kernels section (5.); its table is kept in BENCH_OUT/kernels.txt
#   --no-sklearn  skip the scikit-learn baseline
#   --wait-idle   on a shared machine: before each timed run, wait (at most SECONDS, default 300)
#                 until the cores have been idle for 10 s; the "cpu" column (CPU time / wall time of
#                 the iterations) tells afterwards whether a run had the cores to itself; a timing
#                 target whose run had less than 0.9 of its cores is reported as not judged
#   --summary     run nothing: print the summary of the last run again, from its logs in BENCH_OUT
#   --read        only the read section (with --quick: the smaller map)
#   --python      only the Python section
#   --masks       only the masks section
#   --select-k    only the rank selection section
# environment: BUILD (build directory, default build), REAL_MAP (default ../shared/data/real_edx_80x80.hspy),
#   BENCH_TMP (where the generated maps go, default a new directory under /tmp), BENCH_OUT (where the
#   logs and summary are kept, default $BUILD/benchmark), ITERS_REAL (30), ITERS_BIG (10), BIG (400),
#   SMALL (200), CHANNELS (1917), ESPM_SECONDS_PER_ITER (18.9: espm on the real map, measured on the
#   development machine for issue 5), PYTHON (/usr/bin/python3), KS ("2 3 ... 32"), ITERS_K (30),
#   DENSE_NY, DENSE_NX (256), DENSE_N (1024), DENSE_COUNTS (1000000), READ_NY, READ_NX, READ_N
#   (the read section's map), SCALE (0: no scale run), SCALE_NY, SCALE_NX, SCALE_N, SCALE_ITERS (5)
set -euo pipefail
cd "$(dirname "$0")/.."
. ./scripts/mpi-env.sh

quick=0 sklearn=1 wait_idle=0 summary_only=0 only_k=0 read_only=0 python_only=0 masks_only=0 select_k_only=0
for a in "$@"; do
  case $a in
  --quick) quick=1 ;;
  --read) read_only=1 ;;
  --no-sklearn) sklearn=0 ;;
  --summary) summary_only=1 ;;
  --only-k) only_k=1 ;;
  --python) python_only=1 ;;
  --masks) masks_only=1 ;;
  --select-k) select_k_only=1 ;;
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

# The read section (--read): reads and writes against one h5py process, see the top of this file.
# field KEY LINE: the value of KEY=... in a RESULT-style line
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
# judge TEXT BC-EXPRESSION: prints TEXT with yes or NO; a NO makes $all NO
judge() {
  local v=NO
  if awk "BEGIN { exit !($2) }"; then v=yes; else all=NO; fi
  printf '  %-34s %s\n' "$1:" "$v" | tee -a "$OUT/read.txt"
}
read_section() {
  local ny=${READ_NY:-1024} nx=${READ_NX:-1024} n=${READ_N:-1024}
  if [ $quick = 1 ]; then ny=${READ_NY:-512} nx=${READ_NX:-512}; fi
  local raw_mb=$((ny * nx * n * 2 / 1000000))
  READ_TMP=${TMP:-${BENCH_TMP:-$(mktemp -d /tmp/smoothnmf_read.XXXXXX)}} # within the full run: its directory
  local tmp=$READ_TMP
  mkdir -p "$tmp" "$OUT"
  rm -f "$OUT"/read*.log "$OUT"/read.txt
  if [ $read_only = 1 ]; then trap 'rm -f "$READ_TMP"/read_*.hspy "$READ_TMP"/result_*.h5; rmdir "$READ_TMP" 2>/dev/null || true' EXIT; fi
  local free_mb avail_mb
  free_mb=$(df -Pm "$tmp" | awk 'NR == 2 { print $4 }')
  avail_mb=$(awk '/MemAvailable/ { print int($2 / 1024) }' /proc/meminfo)
  # on disk: the uncompressed map and at most as much again for the gzip one; in memory: the
  # generator holds the map in the stored type, h5py reads it whole
  if [ "$free_mb" -lt $((2 * raw_mb + 200)) ] || [ "$avail_mb" -lt $((2 * raw_mb + 1000)) ]; then
    echo "benchmark.sh --read: the ${ny}x${nx}x$n map needs $((2 * raw_mb)) MB on disk ($free_mb MB free in $tmp, set BENCH_TMP) and $((2 * raw_mb)) MB of memory ($avail_mb MB available)" >&2
    [ $read_only = 1 ] && exit 1
    return 0
  fi
  cmake --build "$BUILD" -j"$(nproc)" --target smoothnmf_read_timing smoothnmf_demo_map >/dev/null
  {
    echo "smoothnmf read benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $commit$dirty, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "map ${ny} x ${nx} x $n uint16 ($raw_mb MB uncompressed); every read from the page cache (the file read once with cat just before)"
  } | tee "$OUT/read.txt"
  local kind opts t0 t1 line h5 r1 r2
  all=yes
  for kind in gzip raw; do
    if [ $kind = gzip ]; then opts="-chunks 64,64 -gzip 1"; else opts="-chunks 0"; fi
    t0=$(date +%s.%N)
    "$MPIEXEC" -n 2 --oversubscribe "$BUILD/smoothnmf_demo_map" -o "$tmp/read_$kind.hspy" -ny "$ny" -nx "$nx" -n "$n" -k 4 -seed 1 -dtype uint16 $opts -title read_$kind >/dev/null
    t1=$(date +%s.%N)
    echo
    echo "--- $kind: $(du -m "$tmp/read_$kind.hspy" | cut -f1) MB on disk, generated and written at 2 ranks in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s" | tee -a "$OUT/read.txt"
    cat "$tmp/read_$kind.hspy" >/dev/null
    h5=$("$PYTHON" scripts/benchmark/h5py_read.py "$tmp/read_$kind.hspy")
    for np in 1 2; do
      cat "$tmp/read_$kind.hspy" >/dev/null
      line=$("$MPIEXEC" -n "$np" --oversubscribe "$BUILD/smoothnmf_read_timing" -i "$tmp/read_$kind.hspy" -bench_result "$tmp/result_$kind.h5" -bench_label "$kind" | grep '^READ ')
      echo "$line" >>"$OUT/read_$kind.log"
      if [ "$np" = 1 ]; then r1=$line; else r2=$line; fi
    done
    printf '  %-28s %8s s (cpu %s s)\n' "h5py, 1 process, whole dataset" "$(field read_s "$h5")" "$(field read_cpu_s "$h5")" | tee -a "$OUT/read.txt"
    printf '  %-28s %8s s (cpu %s s), result written in %s s\n' "smoothnmf read, 1 rank" "$(field read_s "$r1")" "$(field read_cpu_s "$r1")" "$(field write_s "$r1")" | tee -a "$OUT/read.txt"
    printf '  %-28s %8s s (cpu %s s), result written in %s s\n' "smoothnmf read, 2 ranks" "$(field read_s "$r2")" "$(field read_cpu_s "$r2")" "$(field write_s "$r2")" | tee -a "$OUT/read.txt"
    judge "same values as h5py (checksum)" "$(field checksum "$h5") == $(field checksum "$r1") && $(field checksum "$h5") == $(field checksum "$r2")"
    judge "target: 2 ranks read <= h5py's" "$(field read_s "$r2") <= $(field read_s "$h5")"
    judge "target: 2 ranks faster than 1" "$(field read_s "$r2") < $(field read_s "$r1")"
    judge "target: result write <= read" "$(field write_s "$r2") <= $(field read_s "$r2")"
    rm -f "$tmp/read_$kind.hspy"
  done
  echo
  echo "all read targets met: $all (load average after: $(cut -d' ' -f1-3 /proc/loadavg); a loaded machine slows the reads: compare the cpu times)" | tee -a "$OUT/read.txt"
}

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo "+uncommitted" || true)
[ -f "$BUILD/CMakeCache.txt" ] || cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
if [ $read_only = 1 ]; then
  read_section
  exit 0
fi
# 8. the Python package against the program (python_vs_program.py)
python_section() {
  echo
  echo "=== python: SmoothNMF.fit() against the program on $(basename "$REAL_MAP")"
  if [ ! -f "$REAL_MAP" ]; then
    echo "(the real map $REAL_MAP is missing: skipped)"
  elif [ ! -d "$BUILD/python/smoothnmf" ]; then
    echo "(no Python package in $BUILD: configured with -DSMOOTHNMF_BUILD_PYTHON=OFF)"
  else
    cmake --build "$BUILD" -j"$(nproc)" --target smoothnmf_cli smoothnmf_python_core >/dev/null 2>&1
    idle
    "$PYTHON" scripts/benchmark/python_vs_program.py "$BUILD" "$REAL_MAP" --iters "$ITERS_REAL" | tee "$OUT/python.txt"
  fi
}

masks_section() {
  echo
  echo "=== masks: the cost of a navigation and a signal mask on $(basename "$REAL_MAP")"
  if [ ! -f "$REAL_MAP" ]; then
    echo "(the real map $REAL_MAP is missing: skipped)"
  else
    cmake --build "$BUILD" -j"$(nproc)" --target smoothnmf_cli >/dev/null 2>&1
    idle
    "$PYTHON" scripts/benchmark/mask_cost.py "$BUILD" "$REAL_MAP" | tee "$OUT/masks.txt"
  fi
}

select_k_section() {
  echo
  echo "=== select_k: the cost of the rank selection on $(basename "$REAL_MAP")"
  if [ ! -f "$REAL_MAP" ]; then
    echo "(the real map $REAL_MAP is missing: skipped)"
  else
    cmake --build "$BUILD" -j"$(nproc)" --target smoothnmf_cli smoothnmf_demo_map >/dev/null 2>&1
    idle
    "$PYTHON" scripts/benchmark/select_k_cost.py "$BUILD" "$REAL_MAP" | tee "$OUT/select_k.txt"
    if [ "${SELECT_K_ACCURACY:-0}" = 1 ]; then
      "$PYTHON" scripts/benchmark/select_k_accuracy.py "$BUILD" --min-share 0 -nmf_tol 1e-7 -nmf_max_iter 3000 | tee -a "$OUT/select_k.txt"
    fi
  fi
}

# 1. build (configures when needed; a no-op when up to date)
cmake --build "$BUILD" -j"$(nproc)" --target smoothnmf_benchmark smoothnmf_demo_map >/dev/null

mkdir -p "$OUT"
[ $only_k = 1 ] || rm -f "$OUT"/*.log "$OUT"/summary.txt "$OUT"/runs.txt
TMP=${BENCH_TMP:-$(mktemp -d /tmp/smoothnmf_bench.XXXXXX)}
mkdir -p "$TMP"
trap 'rm -f "$TMP"/map_*.hspy "$TMP"/scale_result.h5 "$TMP"/read_*.hspy "$TMP"/result_*.h5; rmdir "$TMP" 2>/dev/null || true' EXIT

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

if [ $python_only = 1 ]; then
  mkdir -p "$OUT"
  python_section
  exit 0
fi
if [ $masks_only = 1 ]; then
  mkdir -p "$OUT"
  masks_section
  exit 0
fi
if [ $select_k_only = 1 ]; then
  mkdir -p "$OUT"
  select_k_section
  exit 0
fi

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

# ---------------------------------------------------------------- 5. the kernels section
# The passes over X at every k and on a dense map (kernels_section; `--only-k` runs it alone).
# kernel_run NAME MAP [options]: one 1-rank run, its RESULT line appended to $OUT/kernels.results
kernel_run() {
  local name=$1 map=$2
  shift 2
  idle
  "$MPIEXEC" -n 1 "$BUILD/smoothnmf_benchmark" -i "$map" -bench_label "$name" -nmf_max_iter "${ITERS_K:-30}" -nmf_no_stop_criterion \
    -nmf_init random -nmf_random_state 1 -nmf_lambda_L 1 -nmf_mu 0.2 -nmf_verbose 0 "$@" >"$OUT/$name.log"
  grep -h '^RESULT ' "$OUT/$name.log" | tee -a "$OUT/kernels.results" | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^(label|k|x_type|t_iter_s|passes64_per_iter|cpu_share)=/) printf "%s ", $i; print "" }'
}
kernels_section() {
  local ks=${KS:-$(seq -s ' ' 2 32)} dny=${DENSE_NY:-256} dnx=${DENSE_NX:-256} dn=${DENSE_N:-1024} dcounts=${DENSE_COUNTS:-1000000}
  rm -f "$OUT/kernels.results" "$OUT/kernels.txt"
  echo
  echo "=== kernels: the real map at 1 rank, k = $ks"
  if [ -f "$REAL_MAP" ]; then
    for k in $ks; do kernel_run "kernels_k$k" "$REAL_MAP" -nmf_n_components "$k"; done
  else
    echo "(the real map $REAL_MAP is missing: its runs are skipped)"
  fi
  echo
  echo "=== kernels: a dense ${dny}x${dnx}x$dn map ($dcounts counts per pixel), k 4, X as float32 and as uint16"
  local dense="$TMP/map_dense.hspy"
  "$MPIEXEC" -n 2 "$BUILD/smoothnmf_demo_map" -o "$dense" -ny "$dny" -nx "$dnx" -n "$dn" -k 4 -seed 1 -counts "$dcounts" -dtype uint16 -chunks 0 >/dev/null
  local zeros
  zeros=$("$PYTHON" -c 'import sys, h5py, numpy
f = h5py.File(sys.argv[1], "r"); d = []
f.visititems(lambda n, o: d.append(o) if isinstance(o, h5py.Dataset) and o.ndim == 3 else None)
print("%.4f" % numpy.mean(d[0][...] == 0))' "$dense" 2>/dev/null || echo nan)
  echo "zero fraction of the dense map: $zeros" | tee "$OUT/kernels.zeros"
  kernel_run dense_float32 "$dense" -nmf_n_components 4 -bench_data_type float32
  kernel_run dense_uint16 "$dense" -nmf_n_components 4
  ITERS_K=10 kernel_run dense_uint16_nndsvda "$dense" -nmf_n_components 4 -nmf_init nndsvda # the later -nmf_init wins
  rm -f "$dense"
  awk -v zeros="$zeros" -v header="$(cat "$OUT/header.txt")" '
    function kv(line, arr,   n, i, f, eq) { n = split(line, f, " "); for (i = 2; i <= n; i++) { eq = index(f[i], "="); if (eq) arr[substr(f[i], 1, eq - 1)] = substr(f[i], eq + 1) } }
    function judged(ok, cpu) { return cpu < 0.9 ? sprintf("not judged (cpu %.2f)", cpu) : (ok ? "yes" : "NO") }
    { delete a; kv($0, a); lab = a["label"]; T[lab] = a["t_iter_s"] + 0; I[lab] = a["init_s"] + 0; P[lab] = a["passes64_per_iter"] + 0; C[lab] = a["cpu_share"] + 0; X[lab] = a["x_type"]
      if (lab ~ /^kernels_k/) { kk = substr(lab, 10) + 0; K[++nk] = kk } }
    END {
      print ""; print "================================================================ kernels"; print header
      if (nk) {
        t8 = T["kernels_k8"]
        printf "%4s %9s %9s %7s %5s  %s\n", "k", "s/iter", "target", "passes", "cpu", "t(k) <= 1.1 max(1, k/8) t(8)"
        for (i = 1; i <= nk; i++) {
          kk = K[i]; lab = "kernels_k" kk; tgt = 1.1 * (kk > 8 ? kk / 8 : 1) * t8
          printf "%4d %9.4f %9.4f %7.2f %5.2f  %s\n", kk, T[lab], tgt, P[lab], C[lab], (t8 > 0 ? judged(T[lab] <= tgt, C[lab] < C["kernels_k8"] ? C[lab] : C["kernels_k8"]) : "no k = 8 run")
        }
      }
      print ""
      printf "dense map (zero fraction %s), k 4: float64 streaming passes per iteration (target <= 6)\n", zeros
      split("dense_float32 dense_uint16", d, " ")
      for (j = 1; j <= 2; j++) if (d[j] in T) printf "  X as %-8s %.4f s per iteration = %.2f passes (cpu %.2f): %s\n", X[d[j]], T[d[j]], P[d[j]], C[d[j]], judged(P[d[j]] <= 6, C[d[j]])
      lab = "dense_uint16_nndsvda"
      if (lab in T) printf "  set-up of nndsvda (SLEPc SVD), X as uint16: %.3f s = %.2f iterations of %.4f s (target <= 5, cpu %.2f): %s\n", I[lab], I[lab] / T[lab], T[lab], C[lab], judged(I[lab] <= 5 * T[lab], C[lab])
    }' "$OUT/kernels.results" | tee "$OUT/kernels.txt"
}
if [ $only_k = 1 ]; then
  kernels_section
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "logs and table: $OUT"
  exit 0
fi

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

# 5. every k and the dense maps (kernels_section above), then the scale run (issue 11): scripts/benchmark/scale_run.sh
[ $quick = 1 ] || kernels_section
[ $quick = 1 ] || read_section
[ $quick = 1 ] || python_section
[ $quick = 1 ] || masks_section
[ $quick = 1 ] || select_k_section
[ $quick = 1 ] || [ "${SCALE:-1}" = 0 ] || scale_run
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/header.txt"

summary
[ -f "$OUT/kernels.txt" ] && cat "$OUT/kernels.txt"
[ -f "$OUT/read.txt" ] && { echo; cat "$OUT/read.txt"; }
[ -f "$OUT/python.txt" ] && { echo; cat "$OUT/python.txt"; }
[ -f "$OUT/masks.txt" ] && { echo; cat "$OUT/masks.txt"; }
[ -f "$OUT/select_k.txt" ] && { echo; cat "$OUT/select_k.txt"; }
scale_summary
echo
echo "logs and summary: $OUT"
