// Tile binning: every (Gaussian, tile) pair a projected Gaussian covers, grouped by tile (a
// counting sort on the tile id) and ordered front to back within each tile (by depth, then id,
// so the order is deterministic and the same on every backend). The id is the row index unless
// the caller gives each row an order key: a subset of a model (the offload working set) passes
// its rows' global ids, so equal depths blend in the whole model's order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "render/projected_gaussians.hpp"

namespace splat {

struct TileBins {
  int tiles_x = 0, tiles_y = 0;
  // Pairs are numbered Gaussian by Gaussian: Gaussian g owns [pair_begin[g], pair_begin[g+1]).
  std::vector<std::size_t> pair_begin;       // N + 1
  std::vector<std::uint32_t> pair_gaussian;  // per pair
  std::vector<std::uint32_t> pair_tile;      // per pair
  // Entries are the pairs sorted by tile, then depth: tile t owns [tile_begin[t], tile_begin[t+1]).
  std::vector<std::size_t> tile_begin;        // tiles + 1
  std::vector<std::uint32_t> entry_pair;      // per entry: its pair
  std::vector<std::uint32_t> entry_gaussian;  // per entry: its Gaussian

  std::size_t tile_count() const { return static_cast<std::size_t>(tiles_x) * tiles_y; }
  std::size_t pair_count() const { return pair_gaussian.size(); }
  std::size_t max_entries_per_tile() const;
};

// order_keys: N distinct ids that break depth ties in place of the row index (nullptr: the row
// index).
template <class S>
void bin_tiles(const ProjectedGaussians<S>& projected, int width, int height, TileBins& bins,
               const std::uint32_t* order_keys = nullptr);

}  // namespace splat
