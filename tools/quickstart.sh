#!/usr/bin/env bash
# The first command of the README: installs dependencies, builds splatstream (with the CUDA
# backend where nvcc is found) and runs the main job on the embedded default.
set -euo pipefail
cd "$(dirname "$0")/.."
SPLAT_SKIP_TORCH=1 ./tools/setup-deps.sh  # libtorch is only needed by the test suite
cmake -S . -B build/release -DSPLAT_ORACLE_TESTS=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"$(nproc)" --target splatstream
bin=build/release/src/app/splatstream
echo "== $bin device"
"$bin" device --backend auto --budget 512MiB
