#!/usr/bin/env bash
# The GPU check for a short GPU slot, run from the folder tools/build-portable.sh makes:
#   OUT=/some/folder ./gpu-check.sh
# Steps, in order: the machine (nvidia-smi, ldd --version); the GPU tests; compute-sanitizer
# memcheck and racecheck on the renderer, loss and row-kernel tests; two resident CUDA runs
# compared (the float-atomics spread); a short resident/naive/offload/offload-chunks/
# offload-geometry mode table on a generated city that fits. About 6 minutes on an H100.
#
# Writes $OUT/gpu-check.log (every step's result, time and the lines that matter) and at most
# six more files: gpu_tests.txt, sanitizer.txt, spread.txt, modes.md, modes.txt, steps.tsv.
# SPLAT_GPU_CHECK_SIZE=small runs the same steps at toy sizes (the dry run against the emulated
# CUDA build, tools/test.sh); a step whose tool is missing (nvidia-smi, compute-sanitizer) is
# reported as skipped, never as passed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/gpu-check-out}
size=${SPLAT_GPU_CHECK_SIZE:-full}
bin=$here/bin
export SPLAT_SHARED_DATA=${SPLAT_SHARED_DATA:-$here/data}
mkdir -p "$out"
log=$out/gpu-check.log
steps=$out/steps.tsv
: >"$log"
printf 'step\tresult\tseconds\n' >"$steps"
failed=0

note() { echo "$*" | tee -a "$log"; }

# step <name> <timeout seconds> <output file or -> <command...>: runs it, records the result and
# the output's last lines in the log; the whole output goes to the file (appended) if one is named.
step() {
  local name=$1 limit=$2 file=$3
  shift 3
  local text start rc result
  text=$(mktemp)
  start=$(date +%s)
  timeout "$limit" "$@" >"$text" 2>&1
  rc=$?
  local seconds=$(($(date +%s) - start))
  case $rc in
    0) result=passed ;;
    77) result=skipped ;;
    124) result="FAILED (over ${limit} s)"; failed=1 ;;
    *) result="FAILED (rc $rc)"; failed=1 ;;
  esac
  note "== $name: $result in ${seconds} s"
  tail -n "${SPLAT_GPU_CHECK_TAIL:-15}" "$text" | sed 's/^/   /' >>"$log"
  if [[ "$file" != - ]]; then
    echo "== $name ($result)" >>"$out/$file"
    cat "$text" >>"$out/$file"
  fi
  printf '%s\t%s\t%s\n' "$name" "$result" "$seconds" >>"$steps"
  rm -f "$text"
}

skip() {  # skip <name> <why>
  note "== $1: skipped ($2)"
  printf '%s\tskipped\t0\n' "$1" >>"$steps"
}

note "gpu-check of $(cat "$here/COMMIT" 2>/dev/null || echo 'an unknown commit'), size $size, $(date -u '+%Y-%m-%d %H:%M UTC')"

# 1. The machine.
if command -v nvidia-smi >/dev/null; then
  step machine 60 - sh -c 'nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm \
    --format=csv,noheader; ldd --version | head -1'
else
  step machine 60 - sh -c 'echo "no nvidia-smi on this machine"; ldd --version | head -1'
fi
"$bin/splatstream" device --backend cuda --budget 1GiB >>"$log" 2>&1 ||
  note "   (splatstream device --backend cuda failed)"

# 2. The GPU tests, every case. (The dry run takes the quick ones: tools/test.sh has already run
#    them all under emulation, twice.)
tests=()
[[ $size == small ]] && tests=("cuda backend*,cuda adam*")
step gpu_tests 300 gpu_tests.txt "$bin/gpu_tests" --durations yes "${tests[@]}"

# 3. compute-sanitizer on the kernels whose indexing and shared memory matter most.
kernels='cuda renderer equals the cpu reference on random scenes,cuda renderer: many batches*,cuda loss and metrics equal the cpu reference,cuda device rows*'
if command -v compute-sanitizer >/dev/null; then
  for tool in memcheck racecheck; do
    step "sanitizer-$tool" 150 sanitizer.txt compute-sanitizer --tool "$tool" --error-exitcode 9 \
      "$bin/gpu_tests" "$kernels"
  done
else
  skip sanitizer "no compute-sanitizer on this machine"
fi

# 4. Two resident CUDA runs of one configuration: how far float atomics move the result. The
#    offload-vs-resident comparison in the GPU tests must allow this spread and no more.
# Under emulation the second run takes the reverse thread order, which changes the order of
# the float atomics as a GPU's scheduling does.
second=()
if [[ $size == small ]]; then
  run_args=(--set data.resolution=32 --set train.iterations=6 --set model.random_init_count=1000)
  second=(env SPLAT_EMU_ORDER=reverse)
else
  run_args=(--set data.resolution=4 --set train.iterations=1000)
fi
run_args+=(--data "$SPLAT_SHARED_DATA/lego" --set backend=cuda --set seed=3)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step resident-run-1 150 spread.txt "$bin/splatstream" train --out "$work/run1" "${run_args[@]}"
step resident-run-2 150 spread.txt "${second[@]}" "$bin/splatstream" train --out "$work/run2" \
  "${run_args[@]}"
step resident-spread 60 spread.txt "$bin/model_spread" "$work/run1/point_cloud.ply" \
  "$work/run2/point_cloud.ply"

# 5. The mode table on a generated city that every mode holds.
if [[ $size == small ]]; then
  modes_args=(--gaussians 10000 --views 4 --resolution 64x48 --steps 2 --batch 2 --budget 24MiB)
else
  modes_args=(--gaussians 1000000 --views 24 --resolution 640x360 --steps 40 --batch 4
    --budget 2GiB)
fi
step modes 240 modes.txt env SPLATSTREAM="$bin/splatstream" bash "$here/bench/compare_modes.sh" \
  --backend cuda "${modes_args[@]}" --out "$work/modes"
if compgen -G "$work/modes/*.md" >/dev/null; then
  cat "$work"/modes/*.md >"$out/modes.md"
  sed 's/^/   /' "$out/modes.md" >>"$log"
fi

note "== gpu-check: $( ((failed)) && echo FAILED || echo passed)"
exit $failed
