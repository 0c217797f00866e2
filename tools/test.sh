#!/usr/bin/env bash
# The whole test suite, from a clean clone: installs dependencies, builds the CPU-only
# configuration and runs every test, builds the CUDA configuration (compile only where there is
# no GPU) and runs its tests (GPU tests report "skipped" without a GPU), runs the CUDA path on
# the CPU (SPLAT_CUDA=EMU: every GPU test under two thread orders, the emulator's own tests,
# ThreadSanitizer over the emulated streams, planted bugs it must catch, a dry run of the GPU
# check), runs the stream tests under ThreadSanitizer, fuzzes the model-file parsers for a few
# seconds each, runs the browser viewer against `splatstream view` in headless chromium, and
# fails if fewer tests ran than the floor in tests/min_test_count.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jobs=$(nproc)

./tools/setup-deps.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
ran_total=0
run_ctest() {  # run_ctest <build dir> [ctest args...]
  local dir=$1
  shift
  ctest --test-dir "$dir" --output-on-failure --timeout 900 -j"$jobs" "$@" | tee "$log"
  local ran
  ran=$(sed -n 's/.*tests passed, [0-9]* tests failed out of \([0-9]*\).*/\1/p' "$log" | tail -1)
  ran_total=$((ran_total + ${ran:-0}))
}

echo "== CPU-only configuration"
cmake -S . -B build/cpu -DSPLAT_CUDA=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/cpu -j"$jobs"
run_ctest build/cpu

echo "== The viewer in headless chromium (viewer/tests/browser_test.mjs)"
./tools/build-viewer.sh
(cd viewer && node tests/browser_test.mjs "$root/build/cpu/src/app/splatstream" "$root/build/viewer-test")

if [[ -x /usr/local/cuda/bin/nvcc ]] || command -v nvcc >/dev/null; then
  echo "== CUDA configuration against Debian's unpatched CMake modules (configure only)"
  ./tools/check-stock-cmake.sh
  echo "== CUDA configuration (architectures: ${SPLAT_TEST_CUDA_ARCHS:=90})"
  cmake -S . -B build/cuda -DSPLAT_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="$SPLAT_TEST_CUDA_ARCHS" \
    -DSPLAT_ORACLE_TESTS=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/cuda -j"$jobs"
  # The oracle and slow tests already ran above on the same CPU code; here the CUDA build's own
  # CPU tests and its GPU tests (skipped without a GPU).
  run_ctest build/cuda -L 'cpu|gpu' -LE slow
else
  echo "== CUDA configuration skipped: no nvcc on this machine"
fi

if [[ -d /usr/local/cuda/include/cccl ]]; then
  echo "== CUDA emulated on the CPU (SPLAT_CUDA=EMU): the emulator's tests, then every GPU test"
  # Without the viewer: its server is a shared library, and this build also makes the
  # statically linked folder of the GPU check's dry run.
  cmake -S . -B build/emu -DSPLAT_CUDA=EMU -DSPLAT_ORACLE_TESTS=OFF -DSPLAT_VIEWER=OFF \
    -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build/emu -j"$jobs" --target gpu_tests emu_device_test emu_runtime_test emu_probe \
    splatstream model_spread
  run_ctest build/emu -R '^emu'
  SPLAT_EMU_ORDER=forward run_ctest build/emu -R '^gpu_tests'
  # Races and missing barriers show as wrong results only under some thread orders: the kernels
  # again in a random order.
  order=random:$((RANDOM % 1000))
  echo "== the kernels' tests again in thread order $order (SPLAT_EMU_ORDER=$order repeats it)"
  SPLAT_EMU_ORDER=$order run_ctest build/emu \
    -R '^gpu_tests:cuda (renderer|loss|device rows|adam|culling)'

  echo "== ThreadSanitizer over the emulation: fibers, streams, events, the backend contract"
  cmake -S . -B build/emu-tsan -DSPLAT_CUDA=EMU -DSPLAT_TSAN=ON -DSPLAT_ORACLE_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build build/emu-tsan -j"$jobs" --target gpu_tests emu_device_test emu_runtime_test \
    emu_probe emu_runtime_race_probe
  TSAN_OPTIONS="halt_on_error=1" run_ctest build/emu-tsan -R '^emu'
  spec="cuda backend: buffers*,cuda backend: events*,cuda backend: host tasks*,cuda backend: a failing*"
  spec+=",cuda backend: timing*,cuda backend: arena*,cuda backend: a bad*"
  # The backend contract's streams, events and host tasks (not its million-thread kernel: a
  # fiber per GPU thread under ThreadSanitizer is too slow for that here).
  TSAN_OPTIONS="halt_on_error=1" build/emu-tsan/tests/gpu/gpu_tests "$spec"

  echo "== Planted bugs the emulated suite must catch"
  ./tools/emu-planted-bugs.sh build/emu

  echo "== The GPU check, dry-run against the emulated build at toy sizes"
  ./tools/build-portable.sh --emu --out build/portable-emu >/dev/null
  SPLAT_GPU_CHECK_SIZE=small OUT=build/gpu-check-dry build/portable-emu/gpu-check.sh
else
  echo "== CUDA emulation skipped: no CUDA toolkit headers (CCCL) in /usr/local/cuda/include/cccl"
fi

echo "== ThreadSanitizer: streams, arena, image cache and the offload engine's threads"
cmake -S . -B build/tsan -DSPLAT_CUDA=OFF -DSPLAT_TSAN=ON -DSPLAT_ORACLE_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/tsan -j"$jobs" --target core_tests io_tests offload_e2e_tests
TSAN_OPTIONS="halt_on_error=1 allocator_may_return_null=1" build/tsan/tests/core/core_tests
# The engine's own threads (gather and Adam workers, copy and compute streams); one OpenMP
# thread, since libgomp's internals are invisible to TSan and would be reported as races.
OMP_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1" build/tsan/tests/offload/offload_e2e_tests \
  "[threads]"
# The image cache's decoding threads (the k-NN's OpenMP would report libgomp's own races).
TSAN_OPTIONS="halt_on_error=1" build/tsan/tests/io/io_tests \
  "image cache*,undistorted images are cached*"

echo "== Fuzzing the model-file parsers (libFuzzer, AddressSanitizer; skipped without it)"
SPLAT_FUZZ_SECONDS=${SPLAT_FUZZ_SECONDS:-5} ./tools/fuzz.sh

floor=$(cat tests/min_test_count)
echo "== $ran_total tests ran (floor $floor)"
if ((ran_total < floor)); then
  echo "error: the suite shrank: $ran_total tests ran, tests/min_test_count says at least $floor" >&2
  exit 1
fi
