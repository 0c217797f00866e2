// Front-to-back alpha compositing of the binned Gaussians, one 16x16 thread block per tile and
// one thread per pixel, Gaussians staged through shared memory in batches of 256; and its
// backward pass, which walks the same lists back to front. The per-pixel arithmetic is that of
// the CPU reference (src/render/rasterize_tiles.cpp), through the shared math.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

#include "cuda/render_arrays.cuh"

namespace splat::cuda {

// The binned view a rasterizer reads: per tile a [begin, end) range into the sorted Gaussian ids.
struct DeviceTileBins {
  const std::uint32_t* tile_ranges;      // tiles x 2
  const std::uint32_t* sorted_gaussian;  // per sorted pair: its Gaussian
  int tiles_x, tiles_y;
};

// Writes image (height x width x 3), final transmittance and the contributor count (tile entries
// up to the last one that blended) of every pixel.
void launch_rasterize_forward(const DeviceProjection& projected, const DeviceTileBins& bins,
                              int width, int height, const float background[3], float* image,
                              float* final_transmittance, std::uint32_t* contributors,
                              cudaStream_t stream);

// Sets `out` to the gradients of dimage with respect to every Gaussian's 2D mean, conic,
// opacity and colour (it clears `out` first, then adds with atomics).
void launch_rasterize_backward(const DeviceProjection& projected, const DeviceTileBins& bins,
                               int width, int height, const float background[3],
                               const float* dimage, const float* final_transmittance,
                               const std::uint32_t* contributors, std::uint32_t gaussian_count,
                               const DeviceProjectionGrads& out, cudaStream_t stream);

}  // namespace splat::cuda
