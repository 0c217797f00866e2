// What the disk tier (offload.host_budget) will hold where, for a model of a given size: the
// store's chunks in host memory and in the spill file, and the file's size while a spatial
// reorder writes the reordered copy beside the old one. Printed before the first step and by
// `splatstream plan`; the engine warns when the spill folder has less free space.
#pragma once

#include <cstddef>
#include <string>

namespace splat {

struct DiskTierPlan {
  bool enabled = false;
  std::size_t chunk_rows = 0, chunk_bytes = 0;
  std::size_t resident_chunks = 0;        // what the budget holds
  std::size_t store_bytes = 0;            // the whole store at the planned size
  std::size_t host_bytes = 0;             // of it in host memory at most
  std::size_t disk_bytes = 0;             // in the spill file
  std::size_t disk_bytes_reordering = 0;  // the file at its largest (a reorder's second copy)
  std::string describe() const;
};

// `reorders`: the rows are put in spatial order after densifications (model.spatial_order).
DiskTierPlan plan_disk_tier(std::size_t host_budget, std::size_t chunk_rows, int sh_degree,
                            std::size_t gaussians, bool reorders);

}  // namespace splat
