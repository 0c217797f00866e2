// Front-to-back alpha compositing of the binned Gaussians, one 16x16 tile at a time (OpenMP over
// tiles), and its backward pass in reverse order. Every tile first gathers its Gaussians into a
// contiguous per-thread batch (the CPU counterpart of the GPU's shared-memory batches). In float
// the tiles go through the vectorised kernels of tile_blend_kernels.hpp; in double through a
// scalar loop per pixel, the reference those kernels are tested against.
#pragma once

#include <cstdint>
#include <vector>

#include "render/projected_gaussians.hpp"
#include "render/tile_bins.hpp"

namespace splat {

// Per pixel, what the backward pass needs from the forward pass.
template <class S>
struct RasterState {
  std::vector<S> final_transmittance;       // H x W
  std::vector<std::uint32_t> contributors;  // H x W: tile entries up to the last one that blended
  std::vector<std::vector<S>> thread_batches;  // per thread, reused between calls
  std::vector<S> packed;  // float kernels: pack_blend_gaussians() of the forward pass
};

template <class S>
void rasterize_forward(const ProjectedGaussians<S>& projected, const TileBins& bins, int width,
                       int height, const S background[3], S* image, RasterState<S>& state);

// Gradients of every (Gaussian, tile) pair from dL/dimage, then summed per Gaussian (in a fixed
// order, so the result does not depend on the number of threads).
template <class S>
void rasterize_backward(const ProjectedGaussians<S>& projected, const TileBins& bins, int width,
                        int height, const S background[3], const S* dimage, RasterState<S>& state,
                        std::vector<S>& pair_gradients, ProjectedGradients<S>& out);

struct TileBlendKernels;

// The float passes with a given set of vectorised kernels (see tile_blend_kernels.hpp); the
// float instantiations above use tile_blend_kernels(), the double ones the scalar reference.
void rasterize_forward(const TileBlendKernels& kernels, const ProjectedGaussians<float>& projected,
                       const TileBins& bins, int width, int height, const float background[3],
                       float* image, RasterState<float>& state);
void rasterize_backward(const TileBlendKernels& kernels, const ProjectedGaussians<float>& projected,
                        const TileBins& bins, int width, int height, const float background[3],
                        const float* dimage, RasterState<float>& state,
                        std::vector<float>& pair_gradients, ProjectedGradients<float>& out);

}  // namespace splat
