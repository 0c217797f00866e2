// The row order of the Gaussians: Morton (Z-order) of their means, so that Gaussians near each
// other in space sit in nearby rows. A camera's visible set then covers few of the offload
// store's chunks, which is what chunk culling and the disk tier read by. The order is part of
// the training state: it is applied to the initial model and, through densification (the one
// place rows are appended), at the same steps in every mode, so resident and offload training
// keep the same rows in the same places.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/densify_target.hpp"
#include "model/gaussian_model.hpp"

namespace splat {

enum class SpatialOrder { None, Morton };
SpatialOrder parse_spatial_order(const std::string& name);

// Bits per axis of the Morton code: 21 x 3 = 63, so even a model whose bounding box is stretched
// by far outliers keeps 2^21 cells across it.
constexpr int kMortonBitsPerAxis = 21;

// Interleaves the low 21 bits of three cell coordinates (x in bit 0).
std::uint64_t morton_code(std::uint32_t x, std::uint32_t y, std::uint32_t z);

// The new order as new_to_old[i] = the row that moves to row i: rows sorted by the Morton code
// of their mean within the means' bounding box, equal codes in their current order. `means` is
// count x 3 floats.
std::vector<std::uint32_t> morton_order(const float* means, std::size_t count);
// The same for a model wherever it lives.
std::vector<std::uint32_t> morton_order(const DensifyTarget& target);

bool is_identity(const std::vector<std::uint32_t>& new_to_old);

// Reorders the rows of `target` by `order`; false when they already were in that order.
bool reorder_rows(DensifyTarget& target, SpatialOrder order);

}  // namespace splat
