#!/bin/bash
# -help through the installed-package example lists the solver options with the example's
# prefix (-app_nmf_...), shows a value given on the command line, and solves nothing.
# usage: help_example.sh WORK
set -u
out=$("${MPIEXEC:-mpiexec}" -n 1 "$1/app-cmake/app" -help -app_nmf_n_components 3 2>&1)
fail() { echo "FAILED: $*" >&2; printf '%s\n' "$out" | grep -E -- "-app_|-nmf_" >&2; exit 1; }
for opt in -app_nmf_n_components -app_nmf_lambda_L -app_nmf_tol -app_nmf_max_iter -app_nmf_init -app_nmf_view -app_pixels -app_uneven; do
  printf '%s\n' "$out" | grep -q -- "^ *$opt[ :]" || fail "-help does not list $opt"
done
printf '%s\n' "$out" | grep -q -- "^ *-app_nmf_n_components <now 3 " || fail "-help does not show -app_nmf_n_components 3"
printf '%s\n' "$out" | grep -q -- "^ *-nmf_n_components" && fail "-help lists the options without the prefix"
printf '%s\n' "$out" | grep -q "stop reason" && fail "the example solved with -help"
printf '%s\n' "$out" | grep -E -- "^ *-app_nmf_n_components|^ *-app_nmf_tol"
exit 0
