#!/bin/sh
# The whole test suite: installs what is missing, builds, and runs every test with CTest.
set -e
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
. ./scripts/mpi-env.sh
cd build
# a test that fails is run once more (timing-sensitive signal tests on a loaded machine); a real failure fails twice
ctest --output-on-failure -j"$(nproc)" --repeat until-pass:2
