// Helpers of the GPU-versus-CPU tests: copies between std::vector and device memory, NaN
// poisoning, and an element-wise comparison relative to the array's largest magnitude that
// reports the worst element.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "core/backend.hpp"
#include "core/buffer.hpp"
#include "core/device_arena.hpp"

namespace splat::test {

template <class T>
Buffer to_device(DeviceArena& arena, Stream& stream, const std::vector<T>& values) {
  Buffer device = arena.allocate(values.size() * sizeof(T), "test array");
  if (!values.empty()) stream.copy_async(device.data(), values.data(), device.bytes());
  stream.synchronize();
  return device;
}

template <class T>
std::vector<T> from_device(Stream& stream, const void* device, std::size_t count) {
  std::vector<T> values(count);
  if (count > 0) stream.copy_async(values.data(), device, count * sizeof(T));
  stream.synchronize();
  return values;
}

// 0xFF bytes: NaN as float, 0xFFFFFFFF as an index; an element left unwritten shows.
inline Buffer poisoned(DeviceArena& arena, Stream& stream, std::size_t bytes) {
  Buffer device = arena.allocate(bytes, "test output");
  if (bytes > 0) stream.fill_async(device.data(), 0xFF, bytes);
  return device;
}

// Every element of `got` within rel_tol * max|want| of `want` (an absolute tolerance of rel_tol
// where `want` is all zeros), at most `allowed_outliers` elements beyond it, none non-finite.
template <class G, class W>
void require_close(const std::string& what, const std::vector<G>& got, const std::vector<W>& want,
                   double rel_tol, std::size_t allowed_outliers = 0) {
  INFO(what);
  REQUIRE(got.size() == want.size());
  double scale = 0;
  for (const W& w : want) scale = std::max(scale, std::abs(static_cast<double>(w)));
  if (!(scale > 0)) scale = 1;
  std::size_t outliers = 0, nonfinite = 0, worst = 0;
  double worst_error = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const double g = static_cast<double>(got[i]), w = static_cast<double>(want[i]);
    if (!std::isfinite(g)) {
      ++nonfinite;
      continue;
    }
    const double error = std::abs(g - w) / scale;
    if (error > rel_tol) ++outliers;
    if (error > worst_error) worst_error = error, worst = i;
  }
  INFO("scale " << scale << ", worst relative error " << worst_error << " at " << worst
                << (got.empty()
                        ? std::string()
                        : " (got " + std::to_string(static_cast<double>(got[worst])) + ", want " +
                              std::to_string(static_cast<double>(want[worst])) + ")")
                << ", " << outliers << " beyond " << rel_tol << ", " << nonfinite
                << " non-finite of " << got.size());
  CHECK(nonfinite == 0);
  CHECK(outliers <= allowed_outliers);
}

}  // namespace splat::test
