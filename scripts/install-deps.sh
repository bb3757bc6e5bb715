#!/bin/sh
# Installs, with apt, whatever smoothnmf needs to build and test on Debian 12.
# Packages already present are left alone; run as root or with sudo available.
set -e
# python3-h5py and python3-matplotlib: scripts/report.py (the picture of a result);
# python3-hyperspy: the tests load the .hspy outputs with HyperSpy itself.
# clang-format: the code style (.clang-format; scripts/format.sh, the test style_clang_format).
# pybind11-dev, python3-dev, python3-petsc4py, python3-mpi4py, python3-sklearn: the Python package
# smoothnmf (src/python) for Debian's /usr/bin/python3.
PKGS="build-essential cmake pkg-config libopenmpi-dev openmpi-bin libhdf5-openmpi-dev libpetsc-real-dev libslepc-real-dev liblapack-dev catch2 clang-format python3-h5py python3-matplotlib python3-hyperspy pybind11-dev python3-dev python3-petsc4py python3-mpi4py python3-sklearn"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends $missing
