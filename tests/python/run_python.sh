#!/bin/bash
# Runs a Python check of the smoothnmf package at NP ranks (mpiexec -n NP python3 SCRIPT ARGS);
# it fails if the script fails or if anything printed a PETSc error traceback (errors reach
# Python as exceptions, never as PETSc's printout).
# usage: run_python.sh NP SCRIPT [ARGS...]
set -u
np=$1; shift
err=$(mktemp); trap 'rm -f "$err"' EXIT
"${MPIEXEC:-mpiexec}" -n "$np" --oversubscribe "${PYTHON:-/usr/bin/python3}" "$@" 2> >(tee "$err" >&2)
rc=$?
wait
if grep -q "PETSC ERROR" "$err"; then
  echo "FAIL: a PETSc error traceback was printed"
  exit 1
fi
exit $rc
