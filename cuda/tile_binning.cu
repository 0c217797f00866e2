#include <thrust/iterator/transform_iterator.h>

#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_scan.cuh>

#include "core/cuda_check.hpp"
#include "cuda/launch.cuh"
#include "cuda/tile_binning.cuh"

namespace splat::cuda {

namespace {

constexpr int kThreads = 256;

// The scan runs in 64 bits so that a pair count beyond 32 bits is detected, not wrapped.
struct WidenToU64 {
  __host__ __device__ std::uint64_t operator()(std::uint32_t v) const { return v; }
};

using WidenedCounts = thrust::transform_iterator<WidenToU64, const std::uint32_t*>;

// The tiles of row `ty` of a rectangle [x0, x1) that fall in `band`, as row-major ids.
__device__ void band_part_of_row(int ty, int x0, int x1, int tiles_x, TileBand band,
                                 std::uint64_t& first, std::uint64_t& end) {
  const std::uint64_t row = static_cast<std::uint64_t>(ty) * tiles_x;
  first = row + x0 > band.begin ? row + x0 : band.begin;
  end = row + x1 < band.end ? row + x1 : band.end;
}

__global__ void emit_tile_keys_kernel(const std::int32_t* tile_rect, const float* depth,
                                      const std::uint64_t* pair_end, std::uint32_t count,
                                      int tiles_x, TileBand band, std::uint64_t* keys,
                                      std::uint32_t* gaussian_ids) {
  const std::uint32_t g = blockIdx.x * blockDim.x + threadIdx.x;
  if (g >= count) return;
  const std::int32_t* r = &tile_rect[static_cast<std::size_t>(g) * 4];
  if (r[2] <= r[0] || r[3] <= r[1]) return;  // culled: no pairs
  std::uint64_t k = g == 0 ? 0 : pair_end[g - 1];
  // Visible depths are positive (beyond the near plane), and positive floats order like their
  // bit patterns, so the low 32 bits sort front to back.
  const std::uint64_t depth_bits = __float_as_uint(depth[g]);
  for (int ty = r[1]; ty < r[3]; ++ty) {
    std::uint64_t first = 0, end = 0;
    band_part_of_row(ty, r[0], r[2], tiles_x, band, first, end);
    for (std::uint64_t tile = first; tile < end; ++tile, ++k) {
      keys[k] = tile << 32 | depth_bits;
      gaussian_ids[k] = g;
    }
  }
}

__global__ void tile_pair_histogram_kernel(const std::int32_t* tile_rect, std::uint32_t count,
                                           int tiles_x, std::uint32_t* row_diff) {
  const std::uint32_t g = blockIdx.x * blockDim.x + threadIdx.x;
  if (g >= count) return;
  const std::int32_t* r = &tile_rect[static_cast<std::size_t>(g) * 4];
  if (r[2] <= r[0] || r[3] <= r[1]) return;
  const std::size_t stride = static_cast<std::size_t>(tiles_x) + 1;
  for (int ty = r[1]; ty < r[3]; ++ty) {
    atomicAdd(&row_diff[ty * stride + r[0]], 1u);
    atomicAdd(&row_diff[ty * stride + r[2]], 0xFFFFFFFFu);  // minus one, wrapping
  }
}

__global__ void count_band_pairs_kernel(const std::int32_t* tile_rect, std::uint32_t count,
                                        int tiles_x, TileBand band, std::uint32_t* band_count) {
  const std::uint32_t g = blockIdx.x * blockDim.x + threadIdx.x;
  if (g >= count) return;
  const std::int32_t* r = &tile_rect[static_cast<std::size_t>(g) * 4];
  std::uint32_t pairs = 0;
  if (r[2] > r[0] && r[3] > r[1])
    for (int ty = r[1]; ty < r[3]; ++ty) {
      std::uint64_t first = 0, end = 0;
      band_part_of_row(ty, r[0], r[2], tiles_x, band, first, end);
      if (end > first) pairs += static_cast<std::uint32_t>(end - first);
    }
  band_count[g] = pairs;
}

__global__ void tile_ranges_kernel(const std::uint64_t* sorted_keys, std::uint32_t pairs,
                                   std::uint32_t* tile_ranges) {
  const std::uint32_t k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= pairs) return;
  const std::uint32_t tile = static_cast<std::uint32_t>(sorted_keys[k] >> 32);
  if (k == 0 || static_cast<std::uint32_t>(sorted_keys[k - 1] >> 32) != tile)
    tile_ranges[tile * 2] = k;
  if (k + 1 == pairs || static_cast<std::uint32_t>(sorted_keys[k + 1] >> 32) != tile)
    tile_ranges[tile * 2 + 1] = k + 1;
}

unsigned blocks_for(std::uint32_t count) {
  return (count + kThreads - 1) / kThreads;
}

}  // namespace

std::size_t scan_tile_counts_scratch_bytes(std::uint32_t count) {
  std::size_t bytes = 0;
  SPLAT_CUDA_CHECK(cub::DeviceScan::InclusiveSum(
      nullptr, bytes, WidenedCounts(static_cast<const std::uint32_t*>(nullptr), WidenToU64{}),
      static_cast<std::uint64_t*>(nullptr), count));
  return bytes;
}

void launch_scan_tile_counts(const std::uint32_t* tile_count, std::uint64_t* pair_end,
                             std::uint32_t count, void* scratch, std::size_t scratch_bytes,
                             cudaStream_t stream) {
  if (count == 0) return;
  SPLAT_CUDA_CHECK(cub::DeviceScan::InclusiveSum(
      scratch, scratch_bytes, WidenedCounts(tile_count, WidenToU64{}), pair_end, count, stream));
}

void launch_emit_tile_keys(const std::int32_t* tile_rect, const float* depth,
                           const std::uint64_t* pair_end, std::uint32_t count, int tiles_x,
                           TileBand band, std::uint64_t* keys, std::uint32_t* gaussian_ids,
                           cudaStream_t stream) {
  if (count == 0) return;
  SPLAT_LAUNCH(emit_tile_keys_kernel, blocks_for(count), kThreads, 0, stream)
  (tile_rect, depth, pair_end, count, tiles_x, band, keys, gaussian_ids);
  SPLAT_CUDA_CHECK_LAUNCH("emit_tile_keys_kernel");
}

void launch_tile_pair_histogram(const std::int32_t* tile_rect, std::uint32_t count, int tiles_x,
                                int tiles_y, std::uint32_t* row_diff, cudaStream_t stream) {
  const std::size_t counters = static_cast<std::size_t>(tiles_y) * (tiles_x + 1);
  SPLAT_CUDA_CHECK(cudaMemsetAsync(row_diff, 0, counters * sizeof(std::uint32_t), stream));
  if (count == 0) return;
  SPLAT_LAUNCH(tile_pair_histogram_kernel, blocks_for(count), kThreads, 0, stream)
  (tile_rect, count, tiles_x, row_diff);
  SPLAT_CUDA_CHECK_LAUNCH("tile_pair_histogram_kernel");
}

void launch_count_band_pairs(const std::int32_t* tile_rect, std::uint32_t count, int tiles_x,
                             TileBand band, std::uint32_t* band_count, cudaStream_t stream) {
  if (count == 0) return;
  SPLAT_LAUNCH(count_band_pairs_kernel, blocks_for(count), kThreads, 0, stream)
  (tile_rect, count, tiles_x, band, band_count);
  SPLAT_CUDA_CHECK_LAUNCH("count_band_pairs_kernel");
}

int tile_key_bits(int tiles) {
  int tile_bits = 0;  // the bit width of the largest tile id (CUDA code is C++17: no <bit>)
  for (auto largest = static_cast<std::uint32_t>(tiles > 1 ? tiles - 1 : 0); largest != 0;
       largest >>= 1)
    ++tile_bits;
  return 32 + tile_bits;
}

std::size_t sort_tile_keys_scratch_bytes(std::uint32_t pairs, int tiles) {
  std::size_t bytes = 0;
  SPLAT_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(
      nullptr, bytes, static_cast<const std::uint64_t*>(nullptr),
      static_cast<std::uint64_t*>(nullptr), static_cast<const std::uint32_t*>(nullptr),
      static_cast<std::uint32_t*>(nullptr), pairs, 0, tile_key_bits(tiles)));
  return bytes;
}

void launch_sort_tile_keys(const std::uint64_t* keys_in, std::uint64_t* keys_out,
                           const std::uint32_t* ids_in, std::uint32_t* ids_out, std::uint32_t pairs,
                           int tiles, void* scratch, std::size_t scratch_bytes,
                           cudaStream_t stream) {
  if (pairs == 0) return;
  // CUB's radix sort is stable: equal keys (same tile and depth) keep the emission order,
  // which is Gaussian order, so ties fall to the lower id as on the CPU.
  SPLAT_CUDA_CHECK(cub::DeviceRadixSort::SortPairs(scratch, scratch_bytes, keys_in, keys_out,
                                                   ids_in, ids_out, pairs, 0, tile_key_bits(tiles),
                                                   stream));
}

void launch_tile_ranges(const std::uint64_t* sorted_keys, std::uint32_t pairs, int tiles,
                        std::uint32_t* tile_ranges, cudaStream_t stream) {
  SPLAT_CUDA_CHECK(cudaMemsetAsync(
      tile_ranges, 0, static_cast<std::size_t>(tiles) * 2 * sizeof(std::uint32_t), stream));
  if (pairs == 0) return;
  SPLAT_LAUNCH(tile_ranges_kernel, blocks_for(pairs), kThreads, 0, stream)
  (sorted_keys, pairs, tile_ranges);
  SPLAT_CUDA_CHECK_LAUNCH("tile_ranges_kernel");
}

}  // namespace splat::cuda
