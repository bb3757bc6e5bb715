#!/bin/sh
# The whole test suite: installs what is missing, builds, and runs every test with CTest.
set -e
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
. ./scripts/mpi-env.sh
cd build
ctest --output-on-failure -j"$(nproc)"
