#!/usr/bin/env bash
# Proves that the emulated CUDA suite catches the bugs a GPU would hide: plants each bug in the
# real sources, rebuilds gpu_tests, runs the test that must catch it, and fails if that test
# still passes. Every planted file is put back (also on failure or Ctrl-C).
#   tools/emu-planted-bugs.sh [emulated build dir]
# The planted edits are text substitutions; one that no longer matches its source is an error,
# so a refactor cannot quietly turn this check into one that proves nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
emu=${1:-build/emu}
saved=$(mktemp -d)
planted=""
restore() {
  if [[ -n $planted ]]; then cp "$saved/original" "$planted"; fi
  rm -rf "$saved"
}
trap restore EXIT

caught=0
missed=0
# plant <name> <file> <perl substitution> <check command...>: the check must fail with the bug.
plant() {
  local name=$1 file=$2 edit=$3
  shift 3
  cp "$file" "$saved/original"
  planted=$file
  perl -0pi -e "$edit" "$file"
  if cmp -s "$file" "$saved/original"; then
    echo "error: planted bug '$name' no longer applies to $file; update $0" >&2
    exit 1
  fi
  local output
  output=$(mktemp)
  if "$@" >"$output" 2>&1; then
    echo "MISSED: $name: the check still passes"
    missed=$((missed + 1))
  else
    echo "caught: $name: $(grep -m1 -E 'FAILED|fault|divergence|red zone|differ|error' "$output" |
      cut -c1-160)"
    caught=$((caught + 1))
  fi
  rm -f "$output"
  cp "$saved/original" "$file"
  planted=""
}

# gpu_test <test name> [VAR=value ...]: rebuilds gpu_tests and runs one test case.
gpu_test() {
  local test=$1
  shift
  cmake --build "$emu" -j"$(nproc)" --target gpu_tests
  env "$@" timeout 900 "$emu/tests/gpu/gpu_tests" "$test"
}

# offload_equals_resident_slowly: rebuilds splatstream and trains a tiny lego resident and
# offloaded (two cameras a batch, so rows leave and come back) with every asynchronous copy
# slowed down, as over a slow link: work that does not wait for a copy reads the old bytes.
# The two models must be the same bytes (checked here without the bug, every run).
offload_equals_resident_slowly() {
  cmake --build "$emu" -j"$(nproc)" --target splatstream
  local run=(train --data "${SPLAT_SHARED_DATA:-../shared/data}/lego" --set backend=cuda
    --set data.resolution=64 --set train.iterations=4 --set train.batch_size=2
    --set model.random_init_count=300 --set model.sh_degree=1 --set seed=11
    --set model.random_init_region=cameras --set densify.until=0)
  export SPLAT_EMU_COPY_DELAY_US=3000
  "$emu/src/app/splatstream" "${run[@]}" --out "$saved/resident" &&
    "$emu/src/app/splatstream" "${run[@]}" --out "$saved/offload" --set mode=offload \
      --set offload.gpu_budget=1MiB --set optimizer.untouched=dense --set scheduler.order=sampled &&
    cmp "$saved/resident/point_cloud.ply" "$saved/offload/point_cloud.ply"
  local status=$?
  unset SPLAT_EMU_COPY_DELAY_US
  rm -rf "$saved/resident" "$saved/offload"
  return $status
}

# 1. The barrier after a batch is loaded into shared memory, removed: threads read slots that
#    others have not written yet (poisoned with NaN), seen under the reverse thread order.
plant "barrier removed from the rasterizer's batch loop" cuda/rasterize.cu \
  's/(if \(entry < end\) load_into_batch\([^\n]*\n)\s*__syncthreads\(\);\n/$1/' \
  gpu_test "cuda renderer equals the cpu reference on random scenes" SPLAT_EMU_ORDER=reverse

# 2. The warp vote moved under a divergent branch: only contributing lanes reach it.
plant "warp vote under a divergent branch" cuda/rasterize.cu \
  's/if \(__any_sync\(kFullWarp, contributes\)\)/if (contributes && __any_sync(kFullWarp, contributes))/' \
  gpu_test "cuda renderer equals the cpu reference on random scenes"

# 3. A kernel writing one element past the end of its arena buffer: the arena's red zone.
plant "one-past-the-end write to an arena buffer" cuda/sequence.cu \
  's/if \(i < count\) out\[i\]/if (i <= count) out[i]/' \
  gpu_test "cuda backend: a kernel on the compute stream is ordered by events"

# 4. The compute stream no longer waits for the upload of the rows it unpacks: with slow copies
#    the unpack reads the staging block before the rows land. (ThreadSanitizer reports the same
#    bug as a race: tests/emu/runtime_race_check.sh.)
echo "check without a planted bug: offload equals resident with slow copies"
offload_equals_resident_slowly >/dev/null 2>&1 ||
  { echo "error: offload differs from resident with slow copies and no planted bug" >&2; exit 1; }
plant "missing event wait between the upload and compute streams" offload/offload_engine_transfers.cpp \
  's/\n\s*compute_\.wait\(\*half\.h2d_done\);\n/\n/' offload_equals_resident_slowly

# Leave the build as the sources are, not as the last planted bug made it.
cmake --build "$emu" -j"$(nproc)" --target gpu_tests splatstream >/dev/null
echo "planted bugs: $caught caught, $missed missed"
((missed == 0))
