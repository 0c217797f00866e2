#!/usr/bin/env bash
# The first command of the README: installs dependencies, builds splatstream (with the CUDA
# backend where nvcc is found), generates the embedded default scene (a procedural still life
# rendered by our own renderer from known Gaussians) and trains on it. Ends with the output
# folder and the test PSNR. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
SPLAT_SKIP_TORCH=1 ./tools/setup-deps.sh  # libtorch is only needed by the test suite
cmake -S . -B build/release -DSPLAT_ORACLE_TESTS=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"$(nproc)" --target splatstream
./tools/build-viewer.sh >/dev/null
bin=build/release/src/app/splatstream
data=out/orbit-scene
run=out/orbit-run
echo "== generating the orbit scene into $data"
"$bin" generate --scene orbit --out "$data" --gaussians 60000 --views 48 --resolution 256x256
echo "== training on it (configs/quickstart.yaml) into $run"
"$bin" train --data "$data" --out "$run" --config configs/quickstart.yaml
echo "== done: model $run/point_cloud.ply, test renders in $run/test/, metrics in $run/metrics.json"
echo "   look at it: $bin view $run   (then open the address it prints)"
