// Front-to-back alpha compositing of the binned Gaussians, one 16x16 thread block per tile and
// one thread per pixel, Gaussians staged through shared memory in batches of 256; and its
// backward pass, which walks the same lists back to front. The per-pixel arithmetic is that of
// the CPU reference (src/render/rasterize_tiles.cpp), through the shared math.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "cuda/render_arrays.cuh"

namespace splat::cuda {

// The binned view a rasterizer reads: per tile a [begin, end) range into the sorted Gaussian ids,
// for the tiles of `band` (the whole image, or the band of it that was binned).
struct DeviceTileBins {
  const std::uint32_t* tile_ranges;      // tiles x 2
  const std::uint32_t* sorted_gaussian;  // per sorted pair: its Gaussian
  int tiles_x, tiles_y;
  TileBand band;
};

// Writes image (height x width x 3), final transmittance and the contributor count (tile entries
// up to the last one that blended) of every pixel of the band's tiles.
void launch_rasterize_forward(const DeviceProjection& projected, const DeviceTileBins& bins,
                              int width, int height, const float background[3], float* image,
                              float* final_transmittance, std::uint32_t* contributors,
                              cudaStream_t stream);

// Zeroes the screen-space gradients of `gaussian_count` Gaussians.
void launch_clear_projection_grads(const DeviceProjectionGrads& out, std::uint32_t gaussian_count,
                                   cudaStream_t stream);

// Adds to `out`, with atomics, the gradients of dimage over the band's pixels with respect to
// every Gaussian's 2D mean, conic, opacity and colour.
void launch_rasterize_backward(const DeviceProjection& projected, const DeviceTileBins& bins,
                               int width, int height, const float background[3],
                               const float* dimage, const float* final_transmittance,
                               const std::uint32_t* contributors, std::uint32_t gaussian_count,
                               const DeviceProjectionGrads& out, cudaStream_t stream);

}  // namespace splat::cuda
