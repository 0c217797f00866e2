// The disk tier of the engine (offload.host_budget): the store keeps at most the budget's chunks
// in host memory and the rest in a spill file; each batch pins the chunks its cameras see, in
// the order they are first used, and announces the next batch's, which are read ahead while this
// one trains and kept over chunks no one announced when something must leave (Belady over what
// the schedule knows).
#include <algorithm>

#include "core/byte_size.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "offload/disk_tier_plan.hpp"
#include "offload/offload_engine.hpp"
#include "offload/phase_timer.hpp"

namespace splat {

void OffloadEngine::enable_disk_tier() {
  SPLAT_REQUIRE(!options_.spill_dir.empty(),
                "offload.host_budget is set but offload.spill_dir names no folder");
  const std::size_t chunk = store_.chunk_bytes();
  const std::size_t limit = options_.host_budget / chunk;
  SPLAT_REQUIRE(limit >= 4, "offload.host_budget (", format_bytes(options_.host_budget),
                ") holds fewer than 4 store chunks of ", format_bytes(chunk), " (",
                store_.chunk_rows(), " Gaussians at SH degree ", store_.sh_degree(),
                "): raise it to at least ", format_bytes(4 * chunk), ", or set it to 0 (no cap)");
  auto file = std::make_unique<SpillFile>(options_.spill_dir, chunk);
  metrics_.disk.enabled = true;
  metrics_.disk.chunk_bytes = chunk;
  metrics_.disk.chunk_rows = store_.chunk_rows();
  metrics_.disk.resident_limit = limit;
  metrics_.disk.peak_read_bytes_per_second = file->measure_read_bytes_per_second(4);
  log_info("disk tier: offload.host_budget ", format_bytes(options_.host_budget), " holds ", limit,
           " store chunks of ", format_bytes(chunk), "; spill file in ", options_.spill_dir,
           file->direct() ? " (direct I/O)" : " (buffered I/O)", ", sequential reads ",
           metrics_.disk.peak_read_bytes_per_second / 1e9, " GB/s");
  store_.enable_spill(std::move(file), limit);
}

void OffloadEngine::pin_batch_chunks(const BatchRequest& r, const BatchPlan& plan) {
  if (!store_.spills()) return;
  // This batch's chunks by the step that first needs them (the gather worker's order).
  std::vector<std::size_t> order;
  std::vector<std::uint8_t> seen(store_.chunk_count(), 0);
  const auto add = [&](std::size_t c) {
    if (c < seen.size() && !seen[c]) seen[c] = 1, order.push_back(c);
  };
  for (int k = 0; k < static_cast<int>(plan.schedule.order.size()); ++k)
    for (std::uint32_t id : plan.visible[plan.schedule.order[k]]) add(store_.chunk_of(id));
  const std::size_t this_batch = order.size();
  // The next batch's, as far as the bounds tell (culling by chunks keeps them on the host).
  if (r.next_views && options_.chunk_culling)
    for (int v : *r.next_views)
      for (std::size_t block : chunk_culler_.candidate_blocks(r.source->camera(v))) {
        // Every store chunk the block's rows fall in (chunks may be smaller than blocks).
        const std::size_t first_row = block * ChunkCuller::kBlockRows;
        const std::size_t end_row = std::min(first_row + ChunkCuller::kBlockRows, store_.size());
        if (first_row >= end_row) continue;
        for (std::size_t c = store_.chunk_of(first_row); c <= store_.chunk_of(end_row - 1); ++c)
          add(c);
      }
  store_.set_next_use(order);
  store_.pin(std::vector<std::size_t>(order.begin(), order.begin() + this_batch));
  store_.prefetch(std::vector<std::size_t>(order.begin() + this_batch, order.end()));
}

void OffloadEngine::warn_disk_tier_space() const {
  const std::size_t planned = options_.growth.planned(store_.size(), completed_step_);
  const DiskTierPlan p = plan_disk_tier(options_.host_budget, store_.chunk_rows(),
                                        store_.sh_degree(), planned, /*reorders=*/true);
  log_info(p.describe());
  // The file's current slots are already on the device; what may still come is the rest.
  const std::size_t written = store_.spill_file()->file_slots() * store_.chunk_bytes();
  const std::size_t free = free_bytes_in(options_.spill_dir);
  if (free > 0 && free + written < p.disk_bytes_reordering)
    log_warn("offload.spill_dir: ", options_.spill_dir, " has ", format_bytes(free),
             " free, but the spill file may need up to ", format_bytes(p.disk_bytes_reordering),
             " (", format_bytes(written), " written so far): a full folder stops the run");
}

void OffloadEngine::record_disk_metrics() {
  if (!store_.spills()) return;
  const SpillStats& s = store_.spill_stats();
  ExecutorMetrics::Disk& d = metrics_.disk;
  d.read_bytes = s.read_bytes;
  d.write_bytes = s.write_bytes;
  d.read_seconds = s.read_seconds;
  d.chunk_uses = s.chunk_uses;
  d.chunk_hits = s.chunk_hits;
  d.peak_resident_chunks = s.peak_resident_chunks;
  d.file_bytes = store_.spill_file()->file_slots() * store_.chunk_bytes();
}

}  // namespace splat
