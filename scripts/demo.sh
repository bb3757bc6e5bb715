#!/bin/sh
# The main job on a built-in demo map: installs what is missing, builds, generates a synthetic
# 96 x 96 pixel x 512 channel EDX-like map with 3 phases as a HyperSpy file (uint16, chunked,
# gzip, calibrated axes, ground truth in /truth), factorizes it on 2 ranks into an HDF5 result
# and a HyperSpy file, and draws the result: demo/report.png.
set -e
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh >/dev/null
. ./scripts/mpi-env.sh
PYTHON=/usr/bin/python3 # Debian's, with python3-h5py and python3-matplotlib
mkdir -p demo
mpirun -n 2 build/smoothnmf_demo_map -o demo/demo_map.hspy -ny 96 -nx 96 -n 512 -k 3 -counts 300 -seed 1 \
  -dtype uint16 -chunks 32,32 -gzip 4
mpirun -n 2 build/smoothnmf -i demo/demo_map.hspy -o demo/demo_result.h5 -o_hspy demo/demo_result.hspy -o_overwrite \
  -nmf_n_components 3 -nmf_lambda_L 1 -nmf_mu 0.05 -nmf_max_iter 200 -nmf_random_state 0 -nmf_scree 10 -nmf_view
$PYTHON scripts/report.py demo/demo_result.h5 -o demo/report.png
echo "result: demo/demo_result.h5 (/W, /H, /GW, /losses, /scree, /axes)"
echo "        demo/demo_result.hspy (hyperspy.api.load: [spectra GW, maps H])"
echo "        demo/report.png (maps, spectra, losses, scree)"
