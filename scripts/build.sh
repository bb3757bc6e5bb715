#!/bin/sh
# Configures and builds smoothnmf in ./build (Release).  Usage: scripts/build.sh [extra cmake args]
set -e
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build build -j"$(nproc)"
