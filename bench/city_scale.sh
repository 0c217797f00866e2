#!/usr/bin/env bash
# The large-scene run: a generated city of N Gaussians (default 100M) trained in offload mode
# with configs/city-100m.yaml within --budget of GPU memory, long enough for a steady
# throughput. Two phases, so each fits one call on a lent GPU machine (the generated data stays
# in --data between calls): `generate`, then `train`; `all` runs both.
# Writes machine.txt, metrics.json, the plan and the logs to --out. Timings are measured here
# and never asserted anywhere.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=${SPLATSTREAM:-$root/build/cpu/src/app/splatstream}
phase=all
backend=cuda
gaussians=100000000
views=200
resolution=1600x900
steps=60
batch=8
budget=16GiB
data=$root/.scale/city
out=""

usage() {
  cat <<USAGE
usage: bench/city_scale.sh [generate|train|all] [--backend cuda|cpu] [--gaussians N]
         [--views V] [--resolution WxH] [--steps S] [--batch B] [--budget BYTES]
         [--data DIR] [--out DIR]
USAGE
}

while [[ $# -gt 0 ]]; do
  case $1 in
    generate|train|all) phase=$1; shift ;;
    --backend) backend=$2; shift 2 ;;
    --gaussians) gaussians=$2; shift 2 ;;
    --views) views=$2; shift 2 ;;
    --resolution) resolution=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --budget) budget=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ -x $bin ]] || { echo "no splatstream binary at $bin (build first, or set SPLATSTREAM)" >&2; exit 1; }
out=${out:-$root/bench/results/city-scale-$(date +%Y-%m-%d)}
mkdir -p "$out" "$(dirname "$data")"

if [[ $phase == generate || $phase == all ]]; then
  echo "generating a city of $gaussians Gaussians, $views aerial views at $resolution..."
  start=$(date +%s)
  "$bin" generate --scene city --camera-set aerial --gaussians "$gaussians" --views "$views" \
    --resolution "$resolution" --backend "$backend" --out "$data" > "$out/generate.log" 2>&1
  echo "generated in $(( $(date +%s) - start )) s"
fi

if [[ $phase == train || $phase == all ]]; then
  {
    echo "commit: $(cat "$root/portable/COMMIT" 2>/dev/null ||
                    git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)"
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores"
    echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
    echo "gpu: $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1 || echo none)"
    echo "scene: generated city, $gaussians Gaussians, $views aerial views at $resolution"
    echo "training: configs/city-100m.yaml, $steps steps of $batch cameras from the ground truth" \
         "(SH degree 1, no densification), offload.gpu_budget $budget, backend $backend"
  } > "$out/machine.txt"
  cat "$out/machine.txt"
  # From the ground truth with densification off: the model stays exactly N Gaussians, so the
  # throughput and memory are those of N.
  "$bin" train --data "$data" --out "$out/run" --config "$root/configs/city-100m.yaml" \
    --set backend="$backend" --set offload.gpu_budget="$budget" \
    --set model.sh_degree=1 --set model.init_ply="$data/ground_truth.ply" \
    --set densify.until=0 --set train.iterations="$steps" --set train.eval_at="[$steps]" \
    --set train.batch_size="$batch" --set train.checkpoint_every=0 > "$out/train.log" 2>&1 ||
    { echo "training failed:" >&2; tail -3 "$out/train.log" >&2; exit 1; }
  cp "$out/run/metrics.json" "$out/metrics.json"
  grep -m1 'offload plan' "$out/train.log" > "$out/plan.txt" || true
  grep -m1 'pinned copy peak' "$out/train.log" >> "$out/plan.txt" || true
  cat "$out/plan.txt"
  rm -f "$out/run/point_cloud.ply" "$out/run/checkpoints/latest.ckpt"  # model-sized
  echo "results in $out"
fi
