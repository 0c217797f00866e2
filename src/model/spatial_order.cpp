#include "model/spatial_order.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace splat {

SpatialOrder parse_spatial_order(const std::string& name) {
  if (name == "morton") return SpatialOrder::Morton;
  if (name == "none") return SpatialOrder::None;
  fail("unknown spatial order '", name, "' (morton or none)");
}

namespace {

// Spreads the low 21 bits of v to every third bit.
std::uint64_t spread_bits(std::uint32_t v) {
  std::uint64_t x = v & 0x1fffffu;
  x = (x | x << 32) & 0x1f00000000ffffull;
  x = (x | x << 16) & 0x1f0000ff0000ffull;
  x = (x | x << 8) & 0x100f00f00f00f00full;
  x = (x | x << 4) & 0x10c30c30c30c30c3ull;
  x = (x | x << 2) & 0x1249249249249249ull;
  return x;
}

}  // namespace

std::uint64_t morton_code(std::uint32_t x, std::uint32_t y, std::uint32_t z) {
  return spread_bits(x) | spread_bits(y) << 1 | spread_bits(z) << 2;
}

std::vector<std::uint32_t> morton_order(const float* means, std::size_t count) {
  SPLAT_REQUIRE(count <= std::numeric_limits<std::uint32_t>::max(), "spatial order: ", count,
                " Gaussians exceed 32-bit row ids");
  float lo[3], hi[3];
  for (int a = 0; a < 3; ++a) {
    lo[a] = std::numeric_limits<float>::max();
    hi[a] = std::numeric_limits<float>::lowest();
  }
  for (std::size_t i = 0; i < count; ++i)
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], means[i * 3 + a]);
      hi[a] = std::max(hi[a], means[i * 3 + a]);
    }
  constexpr double kCells = double{1u << kMortonBitsPerAxis};
  double scale[3];
  for (int a = 0; a < 3; ++a) {
    const double span = static_cast<double>(hi[a]) - lo[a];
    scale[a] = span > 0 ? (kCells - 1) / span : 0.0;
  }
  // (code, row) pairs: sorting them keeps equal codes in row order without a stable sort.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keys(count);
#pragma omp parallel for schedule(static) if (count > 65536)
  for (long long i = 0; i < static_cast<long long>(count); ++i) {
    std::uint32_t cell[3];
    for (int a = 0; a < 3; ++a) {
      const double c = (static_cast<double>(means[i * 3 + a]) - lo[a]) * scale[a];
      // NaN and anything outside the box land on its faces: the order is a layout, not a check.
      cell[a] = static_cast<std::uint32_t>(std::clamp(std::isnan(c) ? 0.0 : c, 0.0, kCells - 1));
    }
    keys[i] = {morton_code(cell[0], cell[1], cell[2]), static_cast<std::uint32_t>(i)};
  }
  std::sort(keys.begin(), keys.end());
  std::vector<std::uint32_t> new_to_old(count);
  for (std::size_t i = 0; i < count; ++i) new_to_old[i] = keys[i].second;
  return new_to_old;
}

std::vector<std::uint32_t> morton_order(const DensifyTarget& target) {
  const std::size_t n = target.size();
  std::vector<float> means(n * 3);
  float log_scale[3], rotation[4], opacity;
  for (std::size_t i = 0; i < n; ++i)
    target.read_geometry(i, &means[i * 3], log_scale, rotation, &opacity);
  return morton_order(means.data(), n);
}

bool is_identity(const std::vector<std::uint32_t>& new_to_old) {
  for (std::size_t i = 0; i < new_to_old.size(); ++i)
    if (new_to_old[i] != i) return false;
  return true;
}

bool reorder_rows(DensifyTarget& target, SpatialOrder order) {
  if (order == SpatialOrder::None || target.size() < 2) return false;
  const std::vector<std::uint32_t> new_to_old = morton_order(target);
  if (is_identity(new_to_old)) return false;
  target.permute_rows(new_to_old);
  return true;
}

}  // namespace splat
