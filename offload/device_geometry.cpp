#include "offload/device_geometry.hpp"

#include <algorithm>
#include <cstdint>

#include "core/error.hpp"

namespace splat {

namespace {

constexpr std::size_t kRowBytes = kGeometryWidth * sizeof(float);

// The store's rows [first, first + count) of one state lie in one pinned block per chunk.
template <class Copy>
void for_each_chunk(std::size_t rows, Copy&& copy) {
  for (std::size_t first = 0; first < rows; first += GaussianStore::kChunkRows)
    copy(first, std::min(GaussianStore::kChunkRows, rows - first));
}

}  // namespace

std::size_t DeviceGeometry::bytes_per_gaussian(bool sparse) {
  return 4 * kRowBytes + (sparse ? sizeof(std::int32_t) + sizeof(std::uint8_t) : 0);
}

DeviceGeometry::DeviceGeometry(DeviceArena& arena, std::size_t gaussians, bool sparse) {
  const std::size_t rows = std::max<std::size_t>(gaussians, 1);
  values_ = arena.allocate(rows * kRowBytes, "offload: resident geometry");
  first_moment_ = arena.allocate(rows * kRowBytes, "offload: resident geometry moments");
  second_moment_ = arena.allocate(rows * kRowBytes, "offload: resident geometry moments");
  gradients_ = arena.allocate(rows * kRowBytes, "offload: resident geometry gradients");
  if (sparse) {
    steps_ = arena.allocate(rows * sizeof(std::int32_t), "offload: resident geometry steps");
    touched_ = arena.allocate(rows, "offload: resident geometry marks");
  }
  table_ = {values_.as<float>(),
            first_moment_.as<float>(),
            second_moment_.as<float>(),
            gradients_.as<float>(),
            sparse ? steps_.as<std::int32_t>() : nullptr,
            sparse ? touched_.as<std::uint8_t>() : nullptr,
            gaussians};
}

void DeviceGeometry::upload(const GaussianStore& store, Stream& stream) {
  SPLAT_REQUIRE(store.size() == table_.rows, "resident geometry of ", table_.rows,
                " rows cannot take a store of ", store.size());
  float* targets[3] = {table_.values, table_.first_moment, table_.second_moment};
  for_each_chunk(table_.rows, [&](std::size_t first, std::size_t count) {
    for (int s = 0; s < 3; ++s)
      stream.copy_async(targets[s] + first * kGeometryWidth,
                        store.row(ParamGroup::Geometry, static_cast<ParamState>(s), first),
                        count * kRowBytes);
    if (table_.steps)
      // adam_steps() const returns a copy; the steps of a chunk are contiguous.
      stream.copy_async(table_.steps + first, &const_cast<GaussianStore&>(store).adam_steps(first),
                        count * sizeof(std::int32_t));
  });
  stream.fill_async(table_.gradients, 0, gradients_.bytes());
  if (table_.touched) stream.fill_async(table_.touched, 0, touched_.bytes());
  stream.synchronize();
}

void DeviceGeometry::download(GaussianStore& store, Stream& stream) const {
  SPLAT_REQUIRE(store.size() == table_.rows, "resident geometry of ", table_.rows,
                " rows cannot fill a store of ", store.size());
  const float* sources[3] = {table_.values, table_.first_moment, table_.second_moment};
  for_each_chunk(table_.rows, [&](std::size_t first, std::size_t count) {
    for (int s = 0; s < 3; ++s)
      stream.copy_async(store.row(ParamGroup::Geometry, static_cast<ParamState>(s), first),
                        sources[s] + first * kGeometryWidth, count * kRowBytes);
  });
  stream.synchronize();
}

}  // namespace splat
