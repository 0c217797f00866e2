// Tile binning: every (Gaussian, tile) pair a projected Gaussian covers, grouped by tile (a
// counting sort on the tile id) and ordered front to back within each tile (by depth, then id,
// so the order is deterministic and the same on every backend).
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

template <class S>
void bin_tiles(const ProjectedGaussians<S>& projected, int width, int height, TileBins& bins);

}  // namespace splat
