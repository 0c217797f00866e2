// How many Gaussians two cameras share. The view-ordering scheduler maximises the overlap of
// consecutive cameras, because loads = sum |V(k)| - sum |V(k) ∩ V(k-1)|: minimising what must
// cross PCIe is the same as maximising the shared Gaussians along the path.
#pragma once

#include <cstdint>
#include <vector>

namespace splat {

using VisibleSet = std::vector<std::uint32_t>;  // sorted, unique global Gaussian ids

struct OverlapOptions {
  // Above this many visible ids in the batch, overlaps are estimated from a consistent hash
  // sample of the ids (the same ids are kept for every camera, so sample intersections
  // estimate true ones) instead of counted exactly.
  std::size_t exact_limit = 4'000'000;
  double sample_rate = 1.0 / 16.0;
};

// Symmetric B x B matrix (row-major) of |V(i) ∩ V(j)|; the diagonal holds |V(i)|.
std::vector<double> pairwise_overlap(const std::vector<VisibleSet>& visible,
                                     const OverlapOptions& options = {});

// |a ∩ b| for sorted unique id lists.
std::size_t intersection_size(const VisibleSet& a, const VisibleSet& b);

}  // namespace splat
