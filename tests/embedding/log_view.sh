#!/bin/bash
# -log_view reports the NMF log events: through the program (reading a generated 20 x 16 map,
# solving, writing the result) and through the installed-package example (the redistribution of
# its Mat).  Each event must appear with a count of at least 1 (the H and W steps once per iteration).
# The program's summary of stages lists the six NMF stages (read, init, H step, W step, loss, write), each with a
# time > 0; at 2 ranks the loss stage (pass A, which overlaps the ghost exchange of H) holds the
# messages.
# usage: log_view.sh BUILD_DIR WORK
set -eu
build=$1; work=$2
tmp=$(mktemp -d "$work/logview.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mpi="${MPIEXEC:-mpiexec} --oversubscribe"
$mpi -n 1 "$build/tests/embedding/write_app_data" "$tmp/data.h5"
$mpi -n 2 "$build/smoothnmf_demo_map" -o "$tmp/map.hspy" -ny 20 -nx 16 -n 32 -k 3 -seed 1 > /dev/null
$mpi -n 2 "$build/smoothnmf" -i "$tmp/map.hspy" -o "$tmp/out.h5" -nmf_n_components 3 -nmf_max_iter 12 \
  -nmf_no_stop_criterion -nmf_verbose 0 -log_view > "$tmp/program.log"
$mpi -n 2 "$work/app-cmake/app" -app_nmf_n_components 3 -app_nmf_max_iter 12 -app_nmf_no_stop_criterion \
  -app_nmf_verbose 0 -log_view > "$tmp/app.log"
count() { awk -v ev="$1" '$1 == ev { print $2; exit }' "$2"; }
fail=0
check() { # EVENT LOG MIN
  c=$(count "$1" "$2")
  if [ -z "$c" ] || [ "$c" -lt "$3" ]; then echo "FAILED: $1 counted '${c}' times in $(basename "$2"), expected >= $3"; fail=1
  else echo "$(basename "$2"): $1 $c"; fi
}
for ev in NMFSetUp NMFIORead NMFIOWrite; do check $ev "$tmp/program.log" 1; done
for ev in NMFHStep NMFWStep; do check $ev "$tmp/program.log" 12; done
check NMFLoss "$tmp/program.log" 13 # the initial iterate and one per iteration
for ev in NMFSetUp NMFRedistribute; do check $ev "$tmp/app.log" 1; done
for ev in NMFHStep NMFWStep; do check $ev "$tmp/app.log" 12; done
stage() { # NAME COLUMN: the COLUMN-th number of the stage's line in the summary of stages
  awk -v name="$1" -v col="$2" '/^Summary of Stages/ { on = 1; next }
    on && /^ *[0-9]+:/ { line = $0; sub(/^ *[0-9]+: */, "", line); split(line, part, ":")
      if (part[1] == name) { split(part[2], f, " "); print f[col]; exit } }' "$tmp/program.log"
}
for st in "NMF read" "NMF init" "NMF H step" "NMF W step" "NMF loss" "NMF write"; do
  t=$(stage "$st" 1)
  if [ -z "$t" ] || ! awk -v t="$t" 'BEGIN { exit !(t > 0) }'; then echo "FAILED: stage '$st' with time '$t', expected > 0"; fail=1
  else echo "program.log: stage $st $t s"; fi
done
m=$(stage "NMF loss" 5)
if [ -z "$m" ] || ! awk -v m="$m" 'BEGIN { exit !(m > 0) }'; then echo "FAILED: stage 'NMF loss' with '$m' messages, expected > 0"; fail=1
else echo "program.log: stage NMF loss $m messages"; fi
exit $fail
