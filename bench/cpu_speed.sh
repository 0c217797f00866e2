#!/usr/bin/env bash
# CPU trainer speed, two builds in one run (the machines are noisy, so only ratios measured
# side by side mean anything):
#
#   bench/cpu_speed.sh BEFORE_BUILD AFTER_BUILD OUT_DIR [STEPS]
#
# BEFORE_BUILD and AFTER_BUILD are CMake build folders (src/app/splatstream, bench/render_bench).
# For each shared dataset run below, both builds train the same STEPS (default 2000) on the CPU
# backend with the same config; then both render_bench binaries run the random scenes and the
# trained case (the AFTER build's lego model at 8 of its training views). Writes OUT_DIR/runs.tsv,
# OUT_DIR/render-bench-{before,after}.txt and OUT_DIR/summary.md.
set -euo pipefail

if [[ $# -lt 3 ]]; then
  sed -n '2,12p' "$0"
  exit 2
fi
before=$(realpath "$1")
after=$(realpath "$2")
out=$3
steps=${4:-2000}
root=$(cd "$(dirname "$0")/.." && pwd)
data=$root/../shared/data
mkdir -p "$out"
out=$(realpath "$out")
for build in "$before" "$after"; do
  for binary in src/app/splatstream bench/render_bench; do
    [[ -x $build/$binary ]] || { echo "cpu_speed.sh: $build/$binary is missing" >&2; exit 1; }
  done
done

# name, dataset folder, config overrides
runs=(
  "lego-quarter|$data/lego|--set data.resolution=4"
  "bartoszek-half|$data/bartoszek|--set data.resolution=2"
)

printf 'run\tbuild\tseconds\tsteps_per_second\ttest_psnr\tgaussians\n' >"$out/runs.tsv"
for spec in "${runs[@]}"; do
  IFS='|' read -r name dir overrides <<<"$spec"
  for side in before after; do
    build=$before
    [[ $side == after ]] && build=$after
    run_dir=$out/train-$name-$side
    rm -rf "$run_dir"
    echo "== $name, $side build: $steps steps" >&2
    # shellcheck disable=SC2086  # overrides are separate words
    "$build/src/app/splatstream" -q train --data "$dir" --out "$run_dir" --set backend=cpu \
      --set train.iterations="$steps" --set "train.eval_at=[$steps]" $overrides >/dev/null
    python3 - "$run_dir/metrics.json" "$name" "$side" "$steps" >>"$out/runs.tsv" <<'EOF'
import json, sys
path, name, side, steps = sys.argv[1:]
m = json.load(open(path))
# Training time alone (the run's own clock), not loading or the final evaluation.
seconds = float(m["train_seconds"])
psnr = m["evaluations"][-1]["psnr"]
print(f"{name}\t{side}\t{seconds:.1f}\t{int(steps) / seconds:.2f}\t{psnr:.2f}\t{m['num_gaussians']}")
EOF
  done
done

model=$out/train-lego-quarter-after/point_cloud.ply
for side in before after; do
  build=$before
  [[ $side == after ]] && build=$after
  echo "== render_bench, $side build" >&2
  "$build/bench/render_bench" --scene all --iterations 3 --model "$model" --data "$data/lego" \
    --set data.resolution=4 | tee "$out/render-bench-$side.txt"
done

python3 - "$out" <<'EOF' >"$out/summary.md"
import csv, re, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(f"{out}/runs.tsv"), delimiter="\t"))
print("## Whole training runs (CPU backend)\n")
print("| run | before s | after s | speed-up | before PSNR | after PSNR |")
print("|---|---|---|---|---|---|")
by = {(r["run"], r["build"]): r for r in rows}
for name in dict.fromkeys(r["run"] for r in rows):
    b, a = by[(name, "before")], by[(name, "after")]
    print(f"| {name} | {b['seconds']} | {a['seconds']} | "
          f"{float(b['seconds']) / float(a['seconds']):.2f}x | {b['test_psnr']} | {a['test_psnr']} |")
print("\n## render_bench, ms per view (median)\n")
print("| scene | phase | before | after | speed-up |")
print("|---|---|---|---|---|")
def parse(path):
    result = {}
    for line in open(path):
        f = line.split()
        if len(f) < 4:
            continue
        values = dict(re.findall(r"(forward|loss|backward|total)\s+([0-9.]+) ms", line))
        result[f[1]] = values
    return result
before, after = parse(f"{out}/render-bench-before.txt"), parse(f"{out}/render-bench-after.txt")
for scene in after:
    for phase in ("forward", "loss", "backward", "total"):
        b, a = float(before[scene][phase]), float(after[scene][phase])
        print(f"| {scene} | {phase} | {b:.2f} | {a:.2f} | {b / a:.2f}x |")
    print(f"| {scene} | backward / forward | {float(before[scene]['backward']) / float(before[scene]['forward']):.2f} | "
          f"{float(after[scene]['backward']) / float(after[scene]['forward']):.2f} | |")
EOF
cat "$out/summary.md"
