// The float rasterizer's inner loops, one 16x16 tile at a time, vectorised across the 16 pixels of
// a tile row. The same source (tile_blend_kernels.inc) is compiled once per instruction set
// (AVX-512, AVX2 + FMA, and the baseline the build targets) and picked at run time, as the CPU
// Adam does. The double-precision reference in rasterize_tiles.cpp stays scalar: it is what the
// autograd oracle and these kernels are checked against.
//
// The interface is plain pointers on purpose: the per-ISA files must not instantiate shared
// inline code (see lane_math.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace splat {

// One view's projected Gaussians and tile bins, as the kernels read them.
struct TileBlendView {
  const float* gaussians;  // N x kBlendFloats, see pack_blend_gaussians()
  const std::size_t* tile_begin;
  const std::uint32_t* entry_gaussian;
  const std::uint32_t* entry_pair;
  int tiles_x, width, height;
  float background[3];
};

// What the forward pass leaves per pixel for the backward pass.
struct TileBlendPixels {
  float* final_transmittance;   // H x W
  std::uint32_t* contributors;  // H x W: tile entries up to the last one that blended
};

struct TileBlendKernels {
  const char* isa;  // "avx512", "avx2" or "baseline"
  // Floats of scratch one tile with `entries` Gaussians needs (per thread, reused).
  std::size_t (*scratch_floats)(std::size_t entries);
  // Blends one tile into image (H x W x 3) and fills its pixels' state.
  void (*forward_tile)(const TileBlendView& view, std::size_t tile, float* scratch, float* image,
                       const TileBlendPixels& pixels);
  // Writes the 9 gradients (mean2d 2, conic 3, opacity, colour 3) of each of the tile's pairs,
  // summed over the tile's pixels in a fixed order, to pair_gradients[pair * 9].
  void (*backward_tile)(const TileBlendView& view, std::size_t tile, float* scratch,
                        const float* dimage, const TileBlendPixels& pixels, float* pair_gradients);
  // e^x of each x <= 0, as the kernels compute it (for the error-bound test).
  void (*exp_nonpositive)(const float* x, float* out, std::size_t n);
};

constexpr int kPairGradientFloats = 9;

// What a tile reads of each Gaussian, packed into one row per Gaussian once per view, so that a
// tile's gather reads one contiguous row per entry and nothing is computed per tile twice:
// mean2d (2), conic (3), opacity, colour (3), blending_power_floor() of the opacity, and the
// half-widths along x and y of the box around its 1/255 ellipse (widened so that it only ever
// saves work; unbounded for a degenerate conic), which tiles use to skip pixel blocks.
constexpr int kBlendFloats = 12;
void pack_blend_gaussians(const float* mean2d, const float* conic, const float* opacity,
                          const float* color, std::size_t n, float* packed);

// The kernels this machine can run, widest first (every build has "baseline").
std::vector<const TileBlendKernels*> runnable_tile_blend_kernels();

// The widest runnable kernels, unless SPLAT_SIMD names another runnable set ("avx512", "avx2",
// "baseline"); an unknown or unrunnable name is an error naming the ones available.
const TileBlendKernels& tile_blend_kernels();
// The same choice for a given name (null or empty: the widest).
const TileBlendKernels& tile_blend_kernels_named(const char* name);

}  // namespace splat
