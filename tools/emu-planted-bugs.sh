#!/usr/bin/env bash
# Proves that the emulated CUDA suite catches the bugs a GPU would hide: plants each bug in the
# real sources, rebuilds gpu_tests, runs the test that must catch it, and fails if that test
# still passes. Every planted file is put back (also on failure or Ctrl-C).
#   tools/emu-planted-bugs.sh [emulated build dir] [emulated ThreadSanitizer build dir]
# The planted edits are text substitutions; one that no longer matches its source is an error,
# so a refactor cannot quietly turn this check into one that proves nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
emu=${1:-build/emu}
tsan=${2:-build/emu-tsan}
saved=$(mktemp -d)
planted=""
restore() {
  if [[ -n $planted ]]; then cp "$saved/original" "$planted"; fi
  rm -rf "$saved"
}
trap restore EXIT

caught=0
missed=0
# plant <name> <file> <perl substitution> <build dir> <test name> [VAR=value ...]
plant() {
  local name=$1 file=$2 edit=$3 build=$4 test=$5
  shift 5
  cp "$file" "$saved/original"
  planted=$file
  perl -0pi -e "$edit" "$file"
  if cmp -s "$file" "$saved/original"; then
    echo "error: planted bug '$name' no longer applies to $file; update $0" >&2
    exit 1
  fi
  cmake --build "$build" -j"$(nproc)" --target gpu_tests >/dev/null
  local output
  output=$(mktemp)
  if env "$@" timeout 900 "$build/tests/gpu/gpu_tests" "$test" >"$output" 2>&1; then
    echo "MISSED: $name: '$test' still passes"
    missed=$((missed + 1))
  else
    echo "caught: $name: $(grep -m1 -E 'FAILED|fault|divergence|red zone|ThreadSanitizer|error' "$output" |
      cut -c1-160)"
    caught=$((caught + 1))
  fi
  rm -f "$output"
  cp "$saved/original" "$file"
  planted=""
}

# 1. The barrier after a batch is loaded into shared memory, removed: threads read slots that
#    others have not written yet (poisoned with NaN), seen under the reverse thread order.
plant "barrier removed from the rasterizer's batch loop" cuda/rasterize.cu \
  's/(if \(entry < end\) load_into_batch\([^\n]*\n)\s*__syncthreads\(\);\n/$1/' \
  "$emu" "cuda renderer equals the cpu reference on random scenes" SPLAT_EMU_ORDER=reverse

# 2. The warp vote moved under a divergent branch: only contributing lanes reach it.
plant "warp vote under a divergent branch" cuda/rasterize.cu \
  's/if \(__any_sync\(kFullWarp, contributes\)\)/if (contributes && __any_sync(kFullWarp, contributes))/' \
  "$emu" "cuda renderer equals the cpu reference on random scenes"

# 3. A kernel writing one element past the end of its arena buffer: the arena's red zone.
plant "one-past-the-end write to an arena buffer" cuda/sequence.cu \
  's/if \(i < count\) out\[i\]/if (i <= count) out[i]/' \
  "$emu" "cuda backend: a kernel on the compute stream is ordered by events"

# 4. The compute stream no longer waits for the upload of the rows it unpacks.
if [[ -x $tsan/tests/gpu/gpu_tests ]]; then
  plant "missing event wait between the upload and compute streams" offload/offload_engine.cpp \
    's/\n\s*compute_\.wait\(\*half\.h2d_done\);\n/\n/' \
    "$tsan" "cuda offload: a short run on a tiny scene equals resident" \
    TSAN_OPTIONS="halt_on_error=1 exitcode=66" OMP_NUM_THREADS=1
else
  echo "error: no ThreadSanitizer build of gpu_tests in $tsan" >&2
  exit 1
fi

echo "planted bugs: $caught caught, $missed missed"
((missed == 0))
