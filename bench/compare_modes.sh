#!/usr/bin/env bash
# Resident, naive, offload and offload with resident geometry training on the same generated
# scene in one run, through `splatstream train`, and a table of what each costs
# (bench/mode_table.py). With --largest-n, also the largest generated city each mode trains
# within --budget, found by doubling N.
# Results go to bench/results/<machine>-<date>/ with the machine and the commit they came from.
# Timings are measured here and never asserted anywhere.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=${SPLATSTREAM:-$root/build/cpu/src/app/splatstream}
backend=cpu
gaussians=100000   # ground truth of the comparison scene
views=16
resolution=128x96
block=20000        # Gaussians per city block: a small N still makes a city of several blocks
steps=20
batch=4
budget=48MiB       # offload.gpu_budget (and device.memory_budget of resident on a GPU); holds
                   # the resident geometry of the default scene too
largest=0
start_n=100000
max_n=16000000
out=""

usage() {
  cat <<USAGE
usage: bench/compare_modes.sh [--backend cpu|cuda] [--gaussians N] [--views V]
         [--resolution WxH] [--steps S] [--batch B] [--budget BYTES] [--out DIR]
         [--largest-n [--start-n N] [--max-n N]]
USAGE
}

while [[ $# -gt 0 ]]; do
  case $1 in
    --backend) backend=$2; shift 2 ;;
    --gaussians) gaussians=$2; shift 2 ;;
    --views) views=$2; shift 2 ;;
    --resolution) resolution=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --budget) budget=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --largest-n) largest=1; shift ;;
    --start-n) start_n=$2; shift 2 ;;
    --max-n) max_n=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ -x $bin ]] || { echo "no splatstream binary at $bin (build first, or set SPLATSTREAM)" >&2; exit 1; }

# The machine names the results folder: the GPU where one is present, else the CPU's core count.
gpu_name=""
if command -v nvidia-smi >/dev/null 2>&1; then
  gpu_name=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1 || true)
fi
cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
if [[ -n $gpu_name ]]; then
  machine=$(echo "$gpu_name" | tr 'A-Z ' 'a-z-' | tr -cd 'a-z0-9-')
else
  machine="cpu-$(nproc)core"
fi
out=${out:-$root/bench/results/$machine-$(date +%Y-%m-%d)}
work=$(mktemp -d "${TMPDIR:-/tmp}/splat-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

{
  # A GPU machine may lack git: the portable folder records the commit it was built from.
  if command -v git >/dev/null 2>&1 && git -C "$root" rev-parse HEAD >/dev/null 2>&1; then
    echo "commit: $(git -C "$root" rev-parse HEAD)$(git -C "$root" diff --quiet HEAD -- src offload cache cuda tools || echo ' (with local changes)')"
  else
    echo "commit: $(cat "$root/COMMIT" "$root/portable/COMMIT" 2>/dev/null | head -1 || echo unknown) (portable build)"
  fi
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "cpu: $cpu_model"
  echo "cores: $(nproc)"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  echo "gpu: ${gpu_name:-none}"
  echo "backend: $backend"
  echo "scene: city, $gaussians ground-truth Gaussians, $views views at $resolution"
  echo "training: $steps steps of $batch cameras from the ground truth (SH degree 1), no" \
       "densification, offload.gpu_budget $budget"
} > "$out/machine.txt"
cat "$out/machine.txt"

generate() {  # N DIR
  [[ -f $2/ground_truth.ply ]] && return 0
  "$bin" generate --scene city --camera-set aerial --gaussians "$1" --views "$views" \
    --resolution "$resolution" --block-gaussians "$block" --backend "$backend" --quiet \
    --out "$2" > "$2.log" 2>&1
}

# Same recipe in every mode: only `mode` differs. Every run starts from the ground truth with
# densification off, so every mode trains exactly N Gaussians and the bytes per Gaussian compare
# like for like; the final PSNR then says each mode keeps the scene, not how fast it learns one.
# offload-geometry is mode offload with offload.resident: geometry; offload-chunks is mode
# offload with offload.culling: chunks.
train() {  # MODE DATA RUN STEPS [extra --set args...]
  local mode=$1 data=$2 run=$3 n_steps=$4 resident=culling culling=gaussians
  shift 4
  if [[ $mode == offload-geometry ]]; then mode=offload resident=geometry; fi
  if [[ $mode == offload-chunks ]]; then mode=offload culling=chunks; fi
  "$bin" train --data "$data" --out "$run" --config "$root/configs/offload.yaml" \
    --set backend="$backend" --set mode="$mode" --set offload.resident="$resident" \
    --set offload.culling="$culling" \
    --set train.iterations="$n_steps" \
    --set train.eval_at="[$n_steps]" --set train.batch_size="$batch" \
    --set offload.gpu_budget="$budget" --set device.memory_budget="$budget" \
    --set densify.until=0 --set train.log_every=1000000 "$@" > "$run.log" 2>&1
}

scene=$work/scene
echo "generating the comparison scene ($gaussians Gaussians)..."
generate "$gaussians" "$scene"
modes=(resident naive offload offload-chunks offload-geometry)
# What `splatstream plan` says each mode takes, for the table to put next to what each run
# measured: the same configuration as the runs below (the plan covers every mode at once).
"$bin" plan --data "$scene" --config "$root/configs/offload.yaml" --set backend="$backend" \
  --set train.iterations="$steps" --set train.eval_at="[$steps]" --set train.batch_size="$batch" \
  --set offload.gpu_budget="$budget" --set device.memory_budget="$budget" \
  --set densify.until=0 --set model.sh_degree=1 --set model.init_ply="$scene/ground_truth.ply" \
  --json > "$out/plan.json" 2> "$work/plan.log" || { cat "$work/plan.log" >&2; exit 1; }
for mode in "${modes[@]}"; do
  echo "training $mode..."
  if ! train "$mode" "$scene" "$work/$mode" "$steps" --set model.sh_degree=1 \
       --set model.init_ply="$scene/ground_truth.ply"; then
    echo "$mode failed:" >&2; tail -3 "$work/$mode.log" >&2; exit 1
  fi
  cp "$work/$mode/metrics.json" "$out/metrics-$mode.json"
  grep -m1 'offload plan' "$work/$mode.log" > "$out/plan-$mode.txt" || true
done
tables() {  # the Markdown and CSV tables, where python3 exists (a bare GPU machine may lack it)
  if command -v python3 >/dev/null 2>&1; then
    python3 "$here/mode_table.py" "$@"
  else
    echo "no python3 here: make the tables elsewhere with bench/mode_table.py $*"
  fi
}
tables modes "$out" "${modes[@]}"

if [[ $largest == 1 ]]; then
  # Each N is a city of N Gaussians trained for two steps from its own ground truth (so the
  # model has exactly N); a mode's largest N is the last that trained before one was refused.
  : > "$out/largest-n.tsv"
  for mode in "${modes[@]}"; do
    if [[ $mode == resident && $backend == cpu ]]; then
      printf '%s\t\t\tno device arena on the CPU backend: resident memory is not budgeted\n' \
        "$mode" >> "$out/largest-n.tsv"
      continue
    fi
    n=$start_n best=0 refused=""
    while (( n <= max_n )); do
      echo "largest N: $mode at $n..."
      generate "$n" "$work/city-$n"
      if train "$mode" "$work/city-$n" "$work/$mode-$n" 2 --set model.sh_degree=1 \
           --set model.init_ply="$work/city-$n/ground_truth.ply" --set data.test_every=0; then
        best=$n
      else
        refused=$(grep -m1 -i 'error' "$work/$mode-$n.log" | tr '\t' ' ' || true)
        break
      fi
      rm -rf "$work/$mode-$n"
      n=$((n * 2))
    done
    (( n > max_n )) && refused="not refused up to --max-n $max_n"
    printf '%s\t%s\t%s\t%s\n' "$mode" "$best" "$n" "$refused" >> "$out/largest-n.tsv"
  done
  tables largest "$out" "$budget"
fi
echo "tables in $out"
