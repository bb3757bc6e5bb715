# Sourced by scripts/benchmark.sh (uses its run, $BUILD, $TMP, $OUT, $MPIEXEC): the end-to-end run at
# scale of issue 11.  A generated SCALE_NY x SCALE_NX x SCALE_N uint16 map (1024 x 1024 x 2048 =
# 2.1e9 values, past 2^31), gzip-compressed in chunks of 15 x 15 pixels x all channels at level 4
# (what HyperSpy 1.7 writes for that shape), factorized at 2 ranks: the time to read, set up
# (nndsvda), per iteration and to write the result, and the peak memory per rank against its share
# of X as stored (uint16), with the target peak <= 1.3 x share + the O((n + p_local) k) rest: 16
# doubles per owned pixel and component (H, its copies and work arrays) plus 16 per channel and
# component (W, G W and their work arrays), plus the libraries' own resident memory, measured as
# the peak of the real map's run (a 12 MB map).
SCALE_NY=${SCALE_NY:-1024} SCALE_NX=${SCALE_NX:-1024} SCALE_N=${SCALE_N:-2048} SCALE_ITERS=${SCALE_ITERS:-5}
scale_run() {
  local map="$TMP/map_scale.hspy" values=$((SCALE_NY * SCALE_NX * SCALE_N))
  local need_mb=$((values * 2 / 1000000 + 500)) free_mb avail_mb
  free_mb=$(df -Pm "$TMP" | awk 'NR == 2 { print $4 }')
  avail_mb=$(awk '/MemAvailable/ { print int($2 / 1024) }' /proc/meminfo)
  if [ "$free_mb" -lt "$need_mb" ] || [ "$avail_mb" -lt $((values * 2 / 1000000 + 3000)) ]; then
    echo "(skipped the scale run: it needs $need_mb MB of disk ($free_mb free in $TMP) and $((values * 2 / 1000000 + 3000)) MB of memory ($avail_mb available))"
    return 0
  fi
  echo
  echo "generating the ${SCALE_NY}x${SCALE_NX}x$SCALE_N uint16 map (gzip 4, chunks 15 x 15 x $SCALE_N) at 2 ranks in $TMP"
  local t0 t1
  t0=$(date +%s.%N)
  "$MPIEXEC" -n 2 --oversubscribe "$BUILD/smoothnmf_demo_map" -o "$map" -ny "$SCALE_NY" -nx "$SCALE_NX" -n "$SCALE_N" -k 4 -seed 1 -dtype uint16 -chunks 15,15 -gzip 4
  t1=$(date +%s.%N)
  echo "generated and written in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s; $(du -m "$map" | cut -f1) MB on disk"
  # the page cache holds the file after writing it: drop it where we may, so the read comes from the disk
  sync
  if [ -w /proc/sys/vm/drop_caches ]; then echo 3 >/proc/sys/vm/drop_caches && echo "(page cache dropped before the read)"; fi
  run scale_uint16_np2 2 "$map" -nmf_init nndsvda -nmf_max_iter "$SCALE_ITERS" -bench_passes 0 -bench_write "$TMP/scale_result.h5"
  rm -f "$map" "$TMP/scale_result.h5"
}

# the verdicts of the scale run, from its RESULT line and the real map's (the libraries' resident memory)
scale_summary() {
  local log="$OUT/scale_uint16_np2.log"
  [ -f "$log" ] || return 0
  grep -h '^RESULT ' "$log" "$OUT/real_uint8.log" 2>/dev/null | awk '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
    v["label"] == "real_uint8" { base = v["peak_rss_mb"] }
    v["label"] == "scale_uint16_np2" { for (key in v) s[key] = v[key] }
    END {
      if (!("n" in s)) exit
      pl = s["p"] / s["ranks"]; rest = 16 * 8 * (s["n"] + pl) * s["k"] / 1e6
      limit = 1.3 * s["share_stored_mb"] + rest + base
      printf "\nscale run: %d x %d x %d uint16 (%.2e values), %d ranks, k %d, %d iterations\n", s["ny"], s["nx"], s["n"], s["p"] * s["n"], s["ranks"], s["k"], s["n_iter"]
      printf "  read %.2f s, set-up (nndsvda) %.2f s, per iteration %.3f s, write %.2f s\n", s["read_s"], s["init_s"], s["t_iter_s"], s["write_s"]
      printf "  peak memory per rank %.0f MB, share of X as stored %.0f MB (%.3f x); limit 1.3 x share + rest %.0f MB + libraries %.0f MB = %.0f MB: %s\n", s["peak_rss_mb"], s["share_stored_mb"], s["peak_rss_mb"] / s["share_stored_mb"], rest, base, limit, (s["peak_rss_mb"] <= limit ? "yes" : "NO")
      printf "  result written no slower than the map was read (%.2f s <= %.2f s): %s\n", s["write_s"], s["read_s"], (s["write_s"] <= s["read_s"] ? "yes" : "NO")
      printf "  ran to completion past 2^31 values: %s\n", (s["n_iter"] == '"$SCALE_ITERS"' && s["p"] * s["n"] > 2147483647 ? "yes" : "NO")
    }' | tee -a "$OUT/summary.txt"
}
