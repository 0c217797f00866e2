#include "offload/disk_tier_plan.hpp"

#include <algorithm>

#include "core/byte_size.hpp"
#include "core/error.hpp"
#include "model/gaussian_model.hpp"
#include "offload/gaussian_store.hpp"

namespace splat {

DiskTierPlan plan_disk_tier(std::size_t host_budget, std::size_t chunk_rows, int sh_degree,
                            std::size_t gaussians, bool reorders) {
  DiskTierPlan p;
  if (host_budget == 0) return p;
  p.enabled = true;
  const std::size_t row_floats =
      3 * (kGeometryWidth + static_cast<std::size_t>(sh_coefficient_count(sh_degree)) * 3);
  p.chunk_rows = chunk_rows;
  p.chunk_bytes = chunk_rows * (row_floats * sizeof(float) + sizeof(std::int32_t));
  p.resident_chunks = host_budget / p.chunk_bytes;
  const std::size_t chunks = (gaussians + chunk_rows - 1) / chunk_rows;
  p.store_bytes = chunks * p.chunk_bytes;
  p.host_bytes = std::min(chunks, p.resident_chunks) * p.chunk_bytes;
  // Every chunk evicted keeps its slot: the file can hold the whole store.
  p.disk_bytes = chunks > p.resident_chunks ? p.store_bytes : 0;
  p.disk_bytes_reordering = reorders && p.disk_bytes > 0 ? 2 * p.store_bytes : p.disk_bytes;
  return p;
}

std::string DiskTierPlan::describe() const {
  if (!enabled) return "disk tier: off (offload.host_budget 0: the whole store in host memory)";
  return str_cat(
      "disk tier: offload.host_budget holds ", resident_chunks, " store chunks of ",
      format_bytes(chunk_bytes), " (", chunk_rows, " Gaussians each); store ",
      format_bytes(store_bytes), ": at most ", format_bytes(host_bytes),
      " in host memory, the spill file up to ", format_bytes(disk_bytes),
      disk_bytes_reordering > disk_bytes
          ? str_cat(" (", format_bytes(disk_bytes_reordering), " while a reorder writes its copy)")
          : std::string());
}

}  // namespace splat
