#include "render/tile_bins.hpp"

#include <algorithm>
#include <limits>

#include "core/error.hpp"
#include "math/tile_rect.hpp"

namespace splat {

std::size_t TileBins::max_entries_per_tile() const {
  std::size_t most = 0;
  for (std::size_t t = 0; t + 1 < tile_begin.size(); ++t)
    most = std::max(most, tile_begin[t + 1] - tile_begin[t]);
  return most;
}

template <class S>
void bin_tiles(const ProjectedGaussians<S>& p, int width, int height, TileBins& bins,
               const std::uint32_t* order_keys) {
  const std::size_t n = p.count();
  bins.tiles_x = tiles_across(width);
  bins.tiles_y = tiles_across(height);
  const std::size_t tiles = bins.tile_count();

  bins.pair_begin.assign(n + 1, 0);
  for (std::size_t g = 0; g < n; ++g) {
    const std::int32_t* r = &p.tile_rect[g * 4];
    const std::size_t area = tile_rect_empty(r) ? 0 : std::size_t(r[2] - r[0]) * (r[3] - r[1]);
    bins.pair_begin[g + 1] = bins.pair_begin[g] + area;
  }
  const std::size_t pairs = bins.pair_begin[n];
  SPLAT_REQUIRE(pairs < std::numeric_limits<std::uint32_t>::max(), "tile binning: ", pairs,
                " Gaussian-tile pairs exceed the 32-bit index range");
  bins.pair_gaussian.resize(pairs);
  bins.pair_tile.resize(pairs);
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t sg = 0; sg < static_cast<std::ptrdiff_t>(n); ++sg) {
    const std::size_t g = static_cast<std::size_t>(sg);
    const std::int32_t* r = &p.tile_rect[g * 4];
    std::size_t k = bins.pair_begin[g];
    for (int ty = r[1]; ty < r[3]; ++ty)
      for (int tx = r[0]; tx < r[2]; ++tx, ++k) {
        bins.pair_gaussian[k] = static_cast<std::uint32_t>(g);
        bins.pair_tile[k] = static_cast<std::uint32_t>(ty * bins.tiles_x + tx);
      }
  }

  // Counting sort by tile; pairs enter each tile in Gaussian order.
  bins.tile_begin.assign(tiles + 1, 0);
  for (std::size_t k = 0; k < pairs; ++k) ++bins.tile_begin[bins.pair_tile[k] + 1];
  for (std::size_t t = 0; t < tiles; ++t) bins.tile_begin[t + 1] += bins.tile_begin[t];
  std::vector<std::size_t> cursor(bins.tile_begin.begin(), bins.tile_begin.end() - 1);
  bins.entry_pair.resize(pairs);
  for (std::size_t k = 0; k < pairs; ++k)
    bins.entry_pair[cursor[bins.pair_tile[k]]++] = static_cast<std::uint32_t>(k);

  // Front to back within each tile; ties by id keep the order reproducible. The row index
  // last makes the order total even if two keys were equal, so std::sort's result is unique.
  bins.entry_gaussian.resize(pairs);
#pragma omp parallel for schedule(dynamic, 8)
  for (std::ptrdiff_t st = 0; st < static_cast<std::ptrdiff_t>(tiles); ++st) {
    const std::size_t t = static_cast<std::size_t>(st);
    auto* begin = bins.entry_pair.data() + bins.tile_begin[t];
    auto* end = bins.entry_pair.data() + bins.tile_begin[t + 1];
    std::sort(begin, end, [&](std::uint32_t a, std::uint32_t b) {
      const std::uint32_t ga = bins.pair_gaussian[a], gb = bins.pair_gaussian[b];
      const S da = p.depth[ga], db = p.depth[gb];
      if (da != db) return da < db;
      if (order_keys != nullptr && order_keys[ga] != order_keys[gb])
        return order_keys[ga] < order_keys[gb];
      return ga < gb;
    });
    for (auto* e = begin; e != end; ++e)
      bins.entry_gaussian[static_cast<std::size_t>(e - bins.entry_pair.data())] =
          bins.pair_gaussian[*e];
  }
}

template void bin_tiles<float>(const ProjectedGaussians<float>&, int, int, TileBins&,
                               const std::uint32_t*);
template void bin_tiles<double>(const ProjectedGaussians<double>&, int, int, TileBins&,
                                const std::uint32_t*);

}  // namespace splat
