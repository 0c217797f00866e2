#!/usr/bin/env bash
# Runs on the GPU machine from the folder tools/build-portable.sh made: the GPU tests, the CPU
# tests built into that folder, and the benchmarks. Writes logs to ${OUT:-./gpu-results}.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/gpu-results}
data=${SPLAT_DATA:-$here/../data}
mkdir -p "$out"
nvidia-smi >"$out/nvidia-smi.txt" 2>&1 || true
failed=0
run() {  # run <name> <command...>
  local name=$1
  shift
  echo "== $name"
  if "$@" >"$out/$name.log" 2>&1; then echo "   ok"; else echo "   FAILED (rc $?)"; failed=1; fi
  tail -3 "$out/$name.log"
}
cd "$here/bin"
run device ./splatstream device --backend cuda --budget 4GiB
run gpu_tests ./gpu_tests
for tests in ./*_tests; do
  [[ "$tests" == ./gpu_tests ]] && continue
  run "$(basename "$tests")" "$tests" '~[slow]'
done
for bench in ./*_bench; do
  [[ -x "$bench" ]] && run "$(basename "$bench")" "$bench" --backend cuda
done
# Resident, naive, offload and offload with resident geometry on one scene that fits them all,
# in one run (the GPU mode table).
run modes env SPLATSTREAM="$here/bin/splatstream" bash "$here/../bench/compare_modes.sh" \
  --backend cuda --gaussians 2000000 --views 32 --resolution 960x540 --steps 50 --batch 4 \
  --budget 4GiB --out "$out/modes"
# The 100M-Gaussian city is longer than one call: bench/city_scale.sh generate, then train.
exit $failed
