#!/bin/bash
# -help lists the solver's options typed, with their current values: numbers as numbers (PETSc's
# "<1. : 1.>" of PetscOptionsReal, "<now 200 : formerly 200>" of PetscOptionsInt), booleans as
# TRUE/FALSE, the type and the init with their choices; a value given on the command line shows
# as the current one; the program's own options in their own section.
# usage: help_typed.sh BUILD_DIR
set -eu
build=$1
help=$("$build/smoothnmf" -help -nmf_lambda_L 0.25 -nmf_max_iter 17 2>&1 || true)
check() { printf '%s\n' "$help" | grep -q -E -- "$1" || { echo "FAIL: -help has no line matching: $1"; printf '%s\n' "$help" | grep -E -- "-nmf_|^smoothnmf program" | head -40; exit 1; }; }
check '^ *-nmf_lambda_L <0\.25 : 1\.>'                          # a real, given 0.25, default 1
check '^ *-nmf_max_iter <now 17 : formerly 200>'                # an integer
check '^ *-nmf_force_simplex: <TRUE : TRUE>'                    # a bool
check '^ *-nmf_epsilon_reg <1\. : 1\.>'
check '^ *-nmf_algo <now log_surrogate : formerly log_surrogate>.*log_surrogate l2_surrogate projected_gradient'
check '^ *-nmf_init <now default : formerly default>.*nndsvda'
check '^ *-nmf_mu <0\.>'                                        # a real array
check '^ *-nmf_view'
check '^ *-nmf_monitor'
check 'smoothnmf program options'
check '^ *-G <'
check '^ *-checkpoint <'
echo "-help lists the typed options with their values"
