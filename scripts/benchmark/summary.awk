# The summary of scripts/benchmark.sh: reads the RESULT lines of smoothnmf_benchmark and the SKLEARN
# line of sklearn_kl_baseline.py; prints the table and each target of issue 5.
# variables: espm (espm's seconds per iteration on the real map), big and small (the sizes of the
#   generated maps), header (the lines printed above the table)
function kv(line, arr,   n, i, f, eq) {
  n = split(line, f, " ")
  for (i = 2; i <= n; i++) { eq = index(f[i], "="); if (eq) arr[substr(f[i], 1, eq - 1)] = substr(f[i], eq + 1) }
}
function val(run, key) { return V[run SUBSEP key] + 0 }
function str(run, key) { return V[run SUBSEP key] }
function has(run) { return (run SUBSEP "ranks") in V }
function mark(ok) { return ok ? "yes" : "NO" }
# a timing target: judged only when its runs had the cores (CPU time / wall time >= 0.9)
function tmark(ok, r1, r2,   c) {
  c = val(r1, "cpu_share"); if (r2 != "" && val(r2, "cpu_share") < c) c = val(r2, "cpu_share")
  return c < 0.9 ? sprintf("not judged, disturbed run (cpu %.2f)", c) : mark(ok)
}
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
    printf "  real map, 1 rank: %.4f s per iteration = %.2f float64 streaming passes of X (target <= 6): %s\n", t, val("real_uint8", "passes64_per_iter"), tmark(val("real_uint8", "passes64_per_iter") <= 6, "real_uint8")
    if (has("real_float64")) printf "    (X kept as float64: %.4f s per iteration = %.2f passes)\n", val("real_float64", "t_iter_s"), val("real_float64", "passes64_per_iter")
    if (sk > 0) printf "  scikit-learn KL updates: %.4f s per iteration (cpu %.2f), %.1fx slower (target >= 20x): %s\n", sk, skcpu, sk / t, (skcpu < 0.9 ? sprintf("not judged, disturbed run (cpu %.2f)", skcpu) : tmark(sk / t >= 20, "real_uint8"))
    printf "  espm (%.1f s per iteration, issue 5): %.0fx slower (target >= 500x): %s\n", espm, espm / t, tmark(espm / t >= 500, "real_uint8")
  }
  split("float64 uint16", types, " ")
  for (j = 1; j <= 2; j++) {
    r1 = "big_" types[j] "_np1"; r2 = "big_" types[j] "_np2"
    if (has(r1) && has(r2)) printf "  %sx%s, X as %s: 2 ranks %.2fx faster than 1 (%.3f -> %.3f s per iteration; target >= 1.8): %s\n", big, big, types[j], val(r1, "t_iter_s") / val(r2, "t_iter_s"), val(r1, "t_iter_s"), val(r2, "t_iter_s"), tmark(val(r1, "t_iter_s") / val(r2, "t_iter_s") >= 1.8, r1, r2)
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
}
