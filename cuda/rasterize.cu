#include "core/cuda_check.hpp"
#include "cuda/launch.cuh"
#include "cuda/rasterize.cuh"
#include "cuda/shared_memory.cuh"
#include "math/alpha_blending.hpp"
#include "math/render_constants.hpp"

namespace splat::cuda {

namespace {

constexpr int kTile = render::kTileSize;
constexpr int kBlock = kTile * kTile;  // threads per block = Gaussians per shared batch
constexpr unsigned kFullWarp = 0xffffffffu;
static_assert(kBlock % 32 == 0, "whole warps: the backward pass reduces across full warps");

// One batch of a tile's Gaussians in shared memory, in the order the batch is walked.
struct SharedBatch {
  std::uint32_t id[kBlock];
  float2 mean2d[kBlock];
  float4 conic_opacity[kBlock];  // conic xx, xy, yy, opacity
  float color[kBlock][3];
  float power_floor[kBlock];  // below it alpha < 1/255 for sure: exp() is skipped
};

__device__ void load_into_batch(SharedBatch& batch, int slot, std::uint32_t g,
                                const DeviceProjection& p) {
  batch.id[slot] = g;
  batch.mean2d[slot] = make_float2(p.mean2d[g * 2], p.mean2d[g * 2 + 1]);
  batch.conic_opacity[slot] =
      make_float4(p.conic[g * 3], p.conic[g * 3 + 1], p.conic[g * 3 + 2], p.opacity[g]);
  for (int c = 0; c < 3; ++c) batch.color[slot][c] = p.color[g * 3 + c];
  batch.power_floor[slot] = blending_power_floor(p.opacity[g]);
}

__global__ void __launch_bounds__(kBlock)
    rasterize_forward_kernel(DeviceProjection projected, DeviceTileBins bins, int width, int height,
                             float3 background, float* image, float* final_transmittance,
                             std::uint32_t* contributors) {
  SPLAT_SHARED(SharedBatch, batch);
  const std::uint32_t tile = bins.band.begin + blockIdx.x;
  const int rank = threadIdx.y * kTile + threadIdx.x;
  const int x = static_cast<int>(tile % bins.tiles_x) * kTile + threadIdx.x;
  const int y = static_cast<int>(tile / bins.tiles_x) * kTile + threadIdx.y;
  const bool inside = x < width && y < height;
  const float px = static_cast<float>(x) + 0.5f, py = static_cast<float>(y) + 0.5f;
  const std::uint32_t begin = bins.tile_ranges[tile * 2];
  const std::uint32_t end = bins.tile_ranges[tile * 2 + 1];

  // Pixels outside the image start done, but still help load every batch.
  bool done = !inside;
  float T = 1.0f, rgb[3] = {0, 0, 0};
  std::uint32_t last = 0;
  for (std::uint32_t start = begin; start < end; start += kBlock) {
    // A barrier for every thread (the loop bounds are block-uniform): it also keeps the batch
    // from being overwritten while a slower thread still reads the previous one.
    if (__syncthreads_count(done) == kBlock) break;
    const std::uint32_t entry = start + rank;
    if (entry < end) load_into_batch(batch, rank, bins.sorted_gaussian[entry], projected);
    __syncthreads();
    const int size = static_cast<int>(min(end - start, static_cast<std::uint32_t>(kBlock)));
    for (int k = 0; k < size && !done; ++k) {
      const float mean2d[2] = {batch.mean2d[k].x, batch.mean2d[k].y};
      const float4 co = batch.conic_opacity[k];
      const float conic[3] = {co.x, co.y, co.z};
      PixelFootprint<float> f;
      if (!pixel_footprint(mean2d, conic, co.w, batch.power_floor[k], px, py, f)) continue;
      const float next_T = T * (1.0f - f.alpha);
      if (next_T < render::kTransmittanceMin) {
        done = true;
        break;
      }
      const float weight = f.alpha * T;
      for (int c = 0; c < 3; ++c) rgb[c] += batch.color[k][c] * weight;
      T = next_T;
      last = start - begin + static_cast<std::uint32_t>(k) + 1;
    }
  }
  if (!inside) return;
  const std::size_t pixel = static_cast<std::size_t>(y) * width + x;
  image[pixel * 3] = rgb[0] + T * background.x;
  image[pixel * 3 + 1] = rgb[1] + T * background.y;
  image[pixel * 3 + 2] = rgb[2] + T * background.z;
  final_transmittance[pixel] = T;
  contributors[pixel] = last;
}

__device__ float warp_sum(float v) {
  for (int offset = 16; offset > 0; offset /= 2) v += __shfl_down_sync(kFullWarp, v, offset);
  return v;
}

__global__ void __launch_bounds__(kBlock)
    rasterize_backward_kernel(DeviceProjection projected, DeviceTileBins bins, int width,
                              int height, float3 background, const float* dimage,
                              const float* final_transmittance, const std::uint32_t* contributors,
                              DeviceProjectionGrads out) {
  SPLAT_SHARED(SharedBatch, batch);
  SPLAT_SHARED(std::uint32_t, block_last);
  const std::uint32_t tile = bins.band.begin + blockIdx.x;
  const int rank = threadIdx.y * kTile + threadIdx.x;
  const int lane = rank % 32;
  const int x = static_cast<int>(tile % bins.tiles_x) * kTile + threadIdx.x;
  const int y = static_cast<int>(tile / bins.tiles_x) * kTile + threadIdx.y;
  const bool inside = x < width && y < height;
  const float px = static_cast<float>(x) + 0.5f, py = static_cast<float>(y) + 0.5f;
  const std::uint32_t begin = bins.tile_ranges[tile * 2];
  const std::size_t pixel = static_cast<std::size_t>(y) * width + x;

  // Pixels outside the image have no contributors: they skip every entry but still load
  // batches and join the warp reductions.
  const std::uint32_t last = inside ? contributors[pixel] : 0;
  if (rank == 0) block_last = 0;
  __syncthreads();
  if (last > 0) atomicMax(&block_last, last);
  __syncthreads();
  // Entries past every pixel's last contributor were never blended: start below them.
  const std::uint32_t entries = block_last;

  float dC[3] = {0, 0, 0}, T = 0;
  if (inside) {
    for (int c = 0; c < 3; ++c) dC[c] = dimage[pixel * 3 + c];
    T = final_transmittance[pixel];
  }
  const float background_term =
      T * (background.x * dC[0] + background.y * dC[1] + background.z * dC[2]);
  float behind[3] = {0, 0, 0};  // colour of everything behind, as seen through it
  float next_alpha = 0, next_color[3] = {0, 0, 0};

  for (std::uint32_t consumed = 0; consumed < entries; consumed += kBlock) {
    // Tile-local entries [batch_end - size, batch_end), walked from the back.
    const std::uint32_t batch_end = entries - consumed;
    const int size = static_cast<int>(min(batch_end, static_cast<std::uint32_t>(kBlock)));
    __syncthreads();  // every thread is done with the previous batch
    if (rank < size)
      load_into_batch(batch, rank, bins.sorted_gaussian[begin + batch_end - 1 - rank], projected);
    __syncthreads();
    for (int k = 0; k < size; ++k) {
      const std::uint32_t j = batch_end - 1 - static_cast<std::uint32_t>(k);
      // dmean2d (2), dconic (3), dopacity, dcolor (3): this pixel's share for this Gaussian.
      float grad[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
      bool contributes = false;
      if (j < last) {
        const float mean2d[2] = {batch.mean2d[k].x, batch.mean2d[k].y};
        const float4 co = batch.conic_opacity[k];
        const float conic[3] = {co.x, co.y, co.z};
        PixelFootprint<float> f;
        if (pixel_footprint(mean2d, conic, co.w, batch.power_floor[k], px, py, f)) {
          contributes = true;
          const float one_minus = 1.0f - f.alpha;
          T /= one_minus;  // transmittance in front of this Gaussian
          const float weight = f.alpha * T;
          float dalpha = 0;
          for (int c = 0; c < 3; ++c) {
            behind[c] = next_alpha * next_color[c] + (1.0f - next_alpha) * behind[c];
            grad[6 + c] += weight * dC[c];
            dalpha += (batch.color[k][c] - behind[c]) * T * dC[c];
          }
          dalpha -= background_term / one_minus;
          next_alpha = f.alpha;
          for (int c = 0; c < 3; ++c) next_color[c] = batch.color[k][c];
          pixel_footprint_backward(f, conic, dalpha, grad, grad + 2, grad[5]);
        }
      }
      // Every lane reaches this (k runs over the same block-uniform range in all threads), so
      // the full-warp vote and shuffles are well defined; one atomic per warp, not per pixel.
      if (__any_sync(kFullWarp, contributes)) {
        for (int v = 0; v < 9; ++v) grad[v] = warp_sum(grad[v]);
        if (lane == 0) {
          const std::uint32_t g = batch.id[k];
          atomicAdd(&out.mean2d[g * 2], grad[0]);
          atomicAdd(&out.mean2d[g * 2 + 1], grad[1]);
          for (int v = 0; v < 3; ++v) atomicAdd(&out.conic[g * 3 + v], grad[2 + v]);
          atomicAdd(&out.opacity[g], grad[5]);
          for (int v = 0; v < 3; ++v) atomicAdd(&out.color[g * 3 + v], grad[6 + v]);
        }
      }
    }
  }
}

// One block per tile of the band.
dim3 tile_grid(const DeviceTileBins& bins) {
  return dim3(bins.band.end - bins.band.begin, 1, 1);
}

}  // namespace

void launch_rasterize_forward(const DeviceProjection& projected, const DeviceTileBins& bins,
                              int width, int height, const float background[3], float* image,
                              float* final_transmittance, std::uint32_t* contributors,
                              cudaStream_t stream) {
  if (width <= 0 || height <= 0 || bins.band.end <= bins.band.begin) return;
  SPLAT_LAUNCH(rasterize_forward_kernel, tile_grid(bins), dim3(kTile, kTile, 1), 0, stream)
  (projected, bins, width, height, make_float3(background[0], background[1], background[2]), image,
   final_transmittance, contributors);
  SPLAT_CUDA_CHECK_LAUNCH("rasterize_forward_kernel");
}

void launch_clear_projection_grads(const DeviceProjectionGrads& out, std::uint32_t gaussian_count,
                                   cudaStream_t stream) {
  const std::size_t n = gaussian_count;
  if (n == 0) return;
  SPLAT_CUDA_CHECK(cudaMemsetAsync(out.mean2d, 0, n * 2 * sizeof(float), stream));
  SPLAT_CUDA_CHECK(cudaMemsetAsync(out.conic, 0, n * 3 * sizeof(float), stream));
  SPLAT_CUDA_CHECK(cudaMemsetAsync(out.opacity, 0, n * sizeof(float), stream));
  SPLAT_CUDA_CHECK(cudaMemsetAsync(out.color, 0, n * 3 * sizeof(float), stream));
}

void launch_rasterize_backward(const DeviceProjection& projected, const DeviceTileBins& bins,
                               int width, int height, const float background[3],
                               const float* dimage, const float* final_transmittance,
                               const std::uint32_t* contributors, std::uint32_t gaussian_count,
                               const DeviceProjectionGrads& out, cudaStream_t stream) {
  if (gaussian_count == 0 || width <= 0 || height <= 0 || bins.band.end <= bins.band.begin) return;
  SPLAT_LAUNCH(rasterize_backward_kernel, tile_grid(bins), dim3(kTile, kTile, 1), 0, stream)
  (projected, bins, width, height, make_float3(background[0], background[1], background[2]), dimage,
   final_transmittance, contributors, out);
  SPLAT_CUDA_CHECK_LAUNCH("rasterize_backward_kernel");
}

}  // namespace splat::cuda
