#!/bin/bash
# The installed-package example against the program: writes the example's matrix as the map /X,
# runs the program smoothnmf on it and the example (built by install_example.sh) at NP ranks with
# the same solver options (the example's carry its prefix: -app_nmf_...), and checks
#   - the two result files agree to 1e-12 (n_iter, stop_reason, const_KL, reconstruction_err,
#     every loss, W, H, GW: reference_tool same),
#   - what the example printed (stop reason, iterations, final loss, W) is the program's result,
#     and its H, on its own rows, has the checksum of the program's H,
#   - with -app_uneven, the example's rows were really not owned as the solver owns pixels.
# usage: run_example.sh BUILD_DIR WORK NP cmake|pkgconfig [EXAMPLE OPTIONS...]
set -eu
build=$1; work=$2; np=$3; variant=$4; shift 4
app=$work/app-cmake/app
[ "$variant" = pkgconfig ] && app=$work/app-pkgconfig
tmp=$(mktemp -d "$work/run.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mpi="${MPIEXEC:-mpiexec} --oversubscribe"

solver="-nmf_n_components 3 -nmf_max_iter 40 -nmf_random_state 5 -nmf_verbose 0"
program_extra=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do # the example's image shape is the program's -shape_2d
  [ "${args[$i]}" = -app_image ] && program_extra="-shape_2d ${args[$((i + 1))]}"
done

$mpi -n 1 "$build/tests/embedding/write_app_data" "$tmp/data.h5"
# shellcheck disable=SC2086
$mpi -n "$np" "$build/smoothnmf" -i "$tmp/data.h5:/X" -o "$tmp/program.h5" $solver $program_extra
# shellcheck disable=SC2086
$mpi -n "$np" "$app" ${solver//-nmf_/-app_nmf_} -app_result "$tmp/app.h5" "$@" > "$tmp/app.out"
cat "$tmp/app.out"
"$build/tests/reference_tool" same "$tmp/program.h5" "$tmp/app.h5" 1e-12
"${PYTHON:-/usr/bin/python3}" "$(dirname "$0")/check_example.py" "$tmp/app.out" "$tmp/app.h5" "$tmp/program.h5" "$np" "$@"
