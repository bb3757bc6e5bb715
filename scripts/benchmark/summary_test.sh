#!/bin/bash
# ctest bench_summary: the verdicts of scripts/benchmark/summary.awk on made-up RESULT lines. A
# target met prints "yes", one missed prints "NO", and a timing target whose run had less than 0.9
# of its cores (cpu_share) is "not judged"; memory and MPI bytes are judged whatever the CPU share.
# usage: summary_test.sh
set -euo pipefail
awk_file="$(dirname "$0")/summary.awk"
result() { # result LABEL RANKS T_ITER PASSES PEAK_OVER_SHARE CPU COLL P2P
  echo "RESULT label=$1 ranks=$2 ny=400 nx=400 n=1917 x_type=float64 t_iter_s=$3 passes64_per_iter=$4 peak_rss_mb=100 share64_mb=90 peak_over_share64=$5 cpu_share=$6 mpi_coll_bytes_per_iter=$7 mpi_p2p_bytes_per_iter=$8 mpi_bytes_per_iter=$(($7 + $8))"
}
summarise() { awk -v espm=18.9 -v big=400 -v small=200 -v header=test -f "$awk_file"; }
fail=0
expect() { # expect OUTPUT PATTERN: PATTERN (a grep -E expression) is a line of OUTPUT
  grep -qE "$2" <<<"$1" || { echo "FAIL: no line matches: $2"; echo "$1"; fail=1; }
}

# all met: 3 passes, 0.02 s/iter (945x espm; scikit-learn 0.5 s = 25x), 1.9x at 2 ranks, memory 1.05
out=$({ result real_uint8 1 0.02 3 0.9 1.0 0 0
        result big_float64_np1 1 0.9 5.8 1.04 1.0 0 0
        result big_float64_np2 2 0.47 6.1 1.05 0.96 61600 14240
        result small_float64_np2 2 0.12 6 1.17 1.0 61600 7120
        echo "SKLEARN t_iter_s=0.5 cpu_share=1.0"; } | summarise)
expect "$out" 'streaming passes of X \(target <= 6\): yes$'
expect "$out" '25\.0x slower \(target >= 20x\): yes$'
expect "$out" '945x slower \(target >= 500x\): yes$'
expect "$out" 'X as float64: 2 ranks 1\.91x faster .*: yes$'
expect "$out" 'big_float64_np2 .*1\.050 x its share .*: yes$'
expect "$out" 'collectives .*: 61600 -> 61600 \(x 1\.000\)$'
expect "$out" 'point to point .*: 7120 -> 14240 \(x 2\.000\)$'
if grep -q warning <<<"$out"; then echo "FAIL: a warning for undisturbed runs"; fail=1; fi

# missed: 7 passes, 0.04 s/iter (12.5x scikit-learn, 472x espm), 1.5x at 2 ranks, memory 1.4
out=$({ result real_uint8 1 0.04 7 0.9 1.0 0 0
        result big_float64_np1 1 0.9 5.8 1.4 1.0 0 0
        result big_float64_np2 2 0.6 6.1 1.05 1.0 61600 14240
        echo "SKLEARN t_iter_s=0.5 cpu_share=1.0"; } | summarise)
expect "$out" 'streaming passes of X \(target <= 6\): NO$'
expect "$out" '12\.5x slower \(target >= 20x\): NO$'
expect "$out" '472x slower \(target >= 500x\): NO$'
expect "$out" 'X as float64: 2 ranks 1\.50x faster .*: NO$'
expect "$out" 'big_float64_np1 .*1\.400 x its share .*: NO$'

# disturbed: the 2-rank run and scikit-learn had 0.7 of their cores; a missed target is not judged
out=$({ result real_uint8 1 0.02 3 0.9 1.0 0 0
        result big_float64_np1 1 0.9 5.8 1.4 1.0 0 0
        result big_float64_np2 2 0.6 6.1 1.05 0.70 61600 14240
        echo "SKLEARN t_iter_s=0.3 cpu_share=0.7"; } | summarise)
expect "$out" 'target >= 20x\): not judged, disturbed run \(cpu 0\.70\)$'
expect "$out" 'X as float64: 2 ranks 1\.50x faster .*: not judged, disturbed run \(cpu 0\.70\)$'
expect "$out" 'big_float64_np1 .*1\.400 x its share .*: NO$'
expect "$out" '^warning: .* in big_float64_np2: '
[ $fail = 0 ] && echo "bench_summary: OK"
exit $fail
