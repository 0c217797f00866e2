#include "render/tile_bins.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include "core/error.hpp"
#include "math/tile_rect.hpp"

namespace splat {

namespace {

// The Gaussians that own pairs, sorted by depth, then order key (or row), then row.
template <class S>
std::vector<std::uint32_t> front_to_back(const ProjectedGaussians<S>& p,
                                         const std::vector<std::size_t>& pair_begin,
                                         const std::uint32_t* order_keys) {
  const std::size_t n = p.count();
  std::vector<std::uint32_t> binned;
  for (std::size_t g = 0; g < n; ++g)
    if (pair_begin[g + 1] > pair_begin[g]) binned.push_back(static_cast<std::uint32_t>(g));
  const auto key = [&](std::uint32_t g) { return order_keys != nullptr ? order_keys[g] : g; };
  if constexpr (std::is_same_v<S, float>) {
    // One 64-bit key per Gaussian: the depth's bits made to order as the float does, above the
    // tie key. Order keys are distinct, so the key breaks every tie, as the row does without them.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> packed(binned.size());
    for (std::size_t i = 0; i < binned.size(); ++i) {
      const std::uint32_t g = binned[i];
      std::uint32_t bits;
      std::memcpy(&bits, &p.depth[g], sizeof bits);
      bits ^= (bits >> 31) != 0 ? 0xFFFFFFFFu : 0x80000000u;
      packed[i] = {(std::uint64_t(bits) << 32) | key(g), g};
    }
    std::sort(packed.begin(), packed.end());
    for (std::size_t i = 0; i < packed.size(); ++i) binned[i] = packed[i].second;
  } else {
    std::sort(binned.begin(), binned.end(), [&](std::uint32_t a, std::uint32_t b) {
      if (p.depth[a] != p.depth[b]) return p.depth[a] < p.depth[b];
      if (key(a) != key(b)) return key(a) < key(b);
      return a < b;
    });
  }
  return binned;
}

}  // namespace

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

  // Every binned Gaussian once, front to back (ties by order key, then row: a total order), and
  // then a counting sort of the pairs by tile that takes the Gaussians in that order, so each
  // tile's entries come out sorted without sorting any tile.
  const std::vector<std::uint32_t> order = front_to_back(p, bins.pair_begin, order_keys);
  bins.tile_begin.assign(tiles + 1, 0);
  for (std::size_t k = 0; k < pairs; ++k) ++bins.tile_begin[bins.pair_tile[k] + 1];
  for (std::size_t t = 0; t < tiles; ++t) bins.tile_begin[t + 1] += bins.tile_begin[t];
  std::vector<std::size_t> cursor(bins.tile_begin.begin(), bins.tile_begin.end() - 1);
  bins.entry_pair.resize(pairs);
  bins.entry_gaussian.resize(pairs);
  for (const std::uint32_t g : order)
    for (std::size_t k = bins.pair_begin[g]; k < bins.pair_begin[g + 1]; ++k) {
      const std::size_t entry = cursor[bins.pair_tile[k]]++;
      bins.entry_pair[entry] = static_cast<std::uint32_t>(k);
      bins.entry_gaussian[entry] = g;
    }
}

template void bin_tiles<float>(const ProjectedGaussians<float>&, int, int, TileBins&,
                               const std::uint32_t*);
template void bin_tiles<double>(const ProjectedGaussians<double>&, int, int, TileBins&,
                                const std::uint32_t*);

}  // namespace splat
