#!/usr/bin/env bash
# The disk tier on a generated city: one run with offload.host_budget (spilled) and, with --both,
# the same run with the whole store in memory, in one go; summary.md with throughput (and the
# ratio), disk read rate against the spill device's measured peak, the chunk hit rate, bytes read
# over the visible Gaussians' bytes, and peak host memory (the process's, from /usr/bin/time).
#   bench/disk_tier.sh --data DIR --sh-degree D --host-budget 4GiB [--gpu-budget 1GiB]
#                      [--steps 100] [--far-plane 200] [--spatial-order none] [--both] --out DIR
# Without --far-plane the dataset's own (a generated street city's splatstream.yaml) applies.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${SPLATSTREAM:-$root/build/cpu/src/app/splatstream}
data="" sh=3 host_budget="" gpu_budget=1GiB steps=100 far="" order=morton both=0 out=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --data) data=$2; shift 2 ;;
    --sh-degree) sh=$2; shift 2 ;;
    --host-budget) host_budget=$2; shift 2 ;;
    --gpu-budget) gpu_budget=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --far-plane) far=$2; shift 2 ;;
    --spatial-order) order=$2; shift 2 ;;
    --both) both=1; shift ;;
    --out) out=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n $data && -n $host_budget && -n $out ]] || { sed -n 2,7p "$0" >&2; exit 2; }
mkdir -p "$out"
run() {  # NAME [extra --set args]
  local name=$1; shift
  rm -rf "$out/$name"
  local far_set=()
  [[ -n $far ]] && far_set=(--set data.far_plane="$far")
  /usr/bin/time -v "$bin" train --data "$data" --out "$out/$name" --set backend=cpu \
    --set mode=offload --set model.init_ply="$data/ground_truth.ply" --set model.sh_degree="$sh" \
    --set model.spatial_order="$order" "${far_set[@]}" \
    --set offload.gpu_budget="$gpu_budget" --set offload.culling=chunks \
    --set train.iterations="$steps" --set train.eval_at="[$steps]" --set train.batch_size=1 \
    --set densify.until=0 --set train.log_every=10 "$@" > "$out/$name.log" 2>&1
  cp "$out/$name/metrics.json" "$out/metrics-$name.json"
  rm -rf "$out/$name"
}
run spilled --set offload.host_budget="$host_budget"
[[ $both == 1 ]] && run in-memory
python3 - "$out" "$both" <<'PY'
import json, re, sys
from pathlib import Path
out, both = Path(sys.argv[1]), sys.argv[2] == "1"
names = ["spilled"] + (["in-memory"] if both else [])
rows = []
for name in names:
    m = json.loads((out / f"metrics-{name}.json").read_text())
    log = (out / f"{name}.log").read_text()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", log).group(1)) * 1024
    d = (m.get("offload") or {}).get("disk") or {}
    rows.append([name, m["num_gaussians"], m["iterations"], round(m["images_per_second"], 3),
                 round(rss / 2**30, 2), round(d.get("disk_read_gbps", 0), 3),
                 round(d.get("disk_peak_read_gbps", 0), 3), round(d.get("chunk_hit_rate", 0), 3),
                 round(d.get("read_bytes_over_visible_bytes", 0), 2),
                 round(d.get("disk_read_bytes", 0) / 1e9, 1), round(d.get("disk_write_bytes", 0) / 1e9, 1),
                 round(m["test"]["psnr"], 2)])
head = ["run", "gaussians", "steps", "images/s", "peak RSS GiB", "disk read GB/s",
        "disk peak GB/s", "chunk hit rate", "read / visible bytes", "read GB", "written GB",
        "test PSNR"]
lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
lines += ["| " + " | ".join(str(v) for v in r) + " |" for r in rows]
if both:
    lines.append(f"\nspilled / in-memory throughput: {rows[0][3] / rows[1][3]:.3f}")
(out / "summary.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
PY
