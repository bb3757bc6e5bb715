#!/bin/sh
# The main job on a built-in demo map: installs what is missing, builds, generates a synthetic
# 96 x 96 pixel x 512 channel EDX-like map with 3 phases, and factorizes it on 2 ranks.
set -e
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh >/dev/null
. ./scripts/mpi-env.sh
mkdir -p demo
mpirun -n 2 build/smoothnmf_demo_map -o demo/demo_map.h5 -ny 96 -nx 96 -n 512 -k 3 -counts 300 -seed 1
mpirun -n 2 build/smoothnmf -i demo/demo_map.h5 -o demo/demo_result.h5 \
  -nmf_n_components 3 -nmf_lambda_L 1 -nmf_mu 0.05 -nmf_max_iter 200 -nmf_random_state 0 -nmf_view
echo "result: demo/demo_result.h5 (/W, /H, /GW, /losses)"
