#!/bin/bash
# -log_view reports the NMF log events: through the program (reading a map, solving, writing the
# result) and through the installed-package example (the redistribution of its Mat).  Each event
# must appear with a count of at least 1 (the H and W steps once per iteration).
# usage: log_view.sh BUILD_DIR WORK
set -eu
build=$1; work=$2
tmp=$(mktemp -d "$work/logview.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mpi="${MPIEXEC:-mpiexec} --oversubscribe"
$mpi -n 1 "$build/tests/embedding/write_app_data" "$tmp/data.h5"
$mpi -n 2 "$build/smoothnmf" -i "$tmp/data.h5:/X" -o "$tmp/out.h5" -nmf_n_components 3 -nmf_max_iter 12 \
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
exit $fail
