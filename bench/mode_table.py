#!/usr/bin/env python3
"""Tables of bench/compare_modes.sh, in Markdown and CSV, from the runs' metrics.json files.

  mode_table.py modes DIR MODE...   -> DIR/modes.md, DIR/modes.csv
  mode_table.py largest DIR BUDGET  -> DIR/largest-n.md, DIR/largest-n.csv (from largest-n.tsv)
"""
import csv
import json
import sys
from pathlib import Path

GB = 1e9
MIB = 1 << 20


def mode_row(name, metrics, resident_rate, plan=None):
    n = metrics["num_gaussians"]
    memory = metrics["memory"]
    rate = metrics["images_per_second"]
    streamed = metrics.get("offload")
    seconds = metrics["train_seconds"]
    # PCIe rates are averaged over the whole training time: the traffic a run sustains, not the
    # copy engine's peak (the per-phase seconds in metrics.json give that).
    h2d = streamed["h2d_bytes"] / seconds / GB if streamed and seconds > 0 else 0.0
    d2h = streamed["d2h_bytes"] / seconds / GB if streamed and seconds > 0 else 0.0
    device = memory["peak_device_bytes"]
    psnr = metrics["test"]["psnr"]
    disk = streamed.get("disk") if streamed else None
    return {
        "mode": name,
        "gaussians": n,
        "images_per_s": round(rate, 3),
        "ratio_to_resident": round(rate / resident_rate, 3) if resident_rate else "",
        # The CPU backend's resident mode has no device arena: its "device" memory is host memory.
        "peak_device_mib": round(device / MIB, 1) if device else "",
        # What `splatstream plan` said the run lays out in its device budget, next to the peak.
        "planned_device_mib": round(plan["allocated_bytes"] / MIB, 1)
        if plan and plan.get("allocated_bytes") else "",
        "peak_host_mib": round(memory["peak_host_bytes"] / MIB, 1),
        # The plan's host figure is the model store alone (the process also holds images).
        "planned_host_mib": round(plan["host_bytes"] / MIB, 1)
        if plan and plan.get("host_bytes") else "",
        "device_bytes_per_gaussian": round(device / n) if device and n else "",
        "host_bytes_per_gaussian": round(memory["peak_host_bytes"] / n) if n else "",
        "h2d_gb_per_s": round(h2d, 3),
        "d2h_gb_per_s": round(d2h, 3),
        # Copy-stream rate of the run's own chunks against the pinned-copy peak measured at
        # its start (both from metrics.json).
        "h2d_copy_gb_per_s": round(streamed.get("h2d_gbps", 0.0), 2) if streamed else "",
        "h2d_peak_gb_per_s": round(streamed["pinned_copy_peak"]["h2d_gbps"], 2)
        if streamed and "pinned_copy_peak" in streamed else "",
        "loads_over_minimum": round(streamed["h2d_bytes"] / streamed["h2d_bytes_lower_bound"], 3)
        if streamed and streamed.get("h2d_bytes_lower_bound") else "",
        # Share of the batches' time the compute stream stood waiting for an upload.
        "upload_wait_share": round(streamed["seconds"]["compute_waits_for_uploads"]
                                   / streamed["seconds"]["batches"], 4)
        if streamed and streamed["seconds"].get("batches") else "",
        # Culling work and the store's locality: spheres tested over Gaussians kept, and rows
        # of the store chunks holding each batch's visible Gaussians over those Gaussians.
        "culling_tested_over_visible": round(streamed["culling_tested_rows"]
                                             / streamed["culling_visible_rows"], 2)
        if streamed and streamed.get("culling_visible_rows") else "",
        "chunk_rows_over_touched": round(streamed["touched_chunk_rows"] / streamed["touched_rows"], 2)
        if streamed and streamed.get("touched_rows") else "",
        # The disk tier (offload.host_budget), when the run had one: its read rate against the
        # spill device's measured sequential peak, the share of a batch's chunks already in
        # host memory, and bytes read over the bytes of the visible Gaussians they served.
        "disk_read_gb_per_s": round(disk["disk_read_gbps"], 3) if disk else "",
        "disk_peak_gb_per_s": round(disk["disk_peak_read_gbps"], 3) if disk else "",
        "chunk_hit_rate": round(disk["chunk_hit_rate"], 3) if disk else "",
        "disk_read_over_visible": round(disk["read_bytes_over_visible_bytes"], 2) if disk else "",
        "test_psnr": round(psnr, 2) if psnr is not None else "",
    }


def write(dir_path, stem, rows, notes):
    columns = list(rows[0].keys())
    with open(dir_path / f"{stem}.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(str(row[c]) for c in columns) + " |")
    text = "\n".join(lines) + "\n\n" + "\n".join(notes) + "\n"
    (dir_path / f"{stem}.md").write_text(text)
    print(text)


def modes(dir_path, names):
    runs = {m: json.loads((dir_path / f"metrics-{m}.json").read_text()) for m in names}
    resident_rate = runs["resident"]["images_per_second"] if "resident" in runs else 0
    plan_path = dir_path / "plan.json"
    plans = json.loads(plan_path.read_text())["modes"] if plan_path.exists() else {}
    rows = [mode_row(m, runs[m], resident_rate, plans.get(m)) for m in names]
    notes = [
        "planned_device / planned_host: `splatstream plan --json` for the same configuration "
        "(plan.json): the bytes the run lays out in its budget, and the model store. The "
        "measured device peak is at most the planned layout and, on the CPU backend, below it by "
        "at most 4 B per Gaussian and per working-set row plus 64 KiB (the plan counts the CUDA "
        "build's device id list and slot table, which the CPU backend keeps in host memory); "
        "the host peak adds images and the renderer.",
        "Peak host memory is the process's peak resident set (images, model, the renderer's "
        "workspaces on the CPU backend); peak device memory is the arena's peak, empty where "
        "the backend has none (CPU resident).",
        "h2d / d2h: bytes moved each way over the training time (the offload object of "
        "metrics.json); resident moves none. h2d_copy: the rate of the run's chunk copies while "
        "the copy stream ran them; h2d_peak: large pinned copies measured at the run's start; "
        "loads_over_minimum: bytes sent to the device over what the batches' distinct visible "
        "Gaussians require. upload_wait_share: the share of the batches' time the compute stream "
        "stood waiting for an upload (stream-ordered timestamps; the device's clock on CUDA).",
        "offload-geometry: mode offload with offload.resident: geometry (geometry and its Adam "
        "state on the device, only the SH streams). offload-chunks: mode offload with "
        "offload.culling: chunks (the culling set on the host, culled by 4,096-row blocks).",
        "disk_*: the disk tier's columns, empty without offload.host_budget (see "
        "docs/choosing-memory.md).",
        "culling_tested_over_visible: spheres tested per Gaussian kept (culling on the device tests "
        "every Gaussian for every camera); chunk_rows_over_touched: rows of the 65,536-row store "
        "chunks holding each batch's visible Gaussians, over those Gaussians.",
    ]
    machine = dir_path / "machine.txt"
    if machine.exists():
        notes = ["```", machine.read_text().rstrip(), "```", ""] + notes
    write(dir_path, "modes", rows, notes)


def largest(dir_path, budget):
    rows = []
    for line in (dir_path / "largest-n.tsv").read_text().splitlines():
        mode, best, refused_at, why = (line.split("\t") + [""] * 4)[:4]
        rows.append({"mode": mode, "budget": budget, "largest_n_trained": best,
                     "first_n_refused": refused_at if why and "not refused" not in why else "",
                     "why": why.strip()})
    write(dir_path, "largest-n", rows,
          ["Doubling search over generated cities (2 steps each, SH degree 1, the ground truth "
           "as the model): the largest N that trained, and the first that did not."])


if __name__ == "__main__":
    kind, folder = sys.argv[1], Path(sys.argv[2])
    if kind == "modes":
        modes(folder, sys.argv[3:])
    else:
        largest(folder, sys.argv[3])
