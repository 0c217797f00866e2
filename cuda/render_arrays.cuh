// The device arrays the render ops hand each other, as plain structs of raw pointers (the
// kernels take these by value). Layouts are those of the CPU reference: GaussianModel order for
// parameters, ProjectedGaussians order for the per-view screen-space quantities.
#pragma once

#include <cstdint>

namespace splat::cuda {

// Parameters of N Gaussians: means N x 3, log_scales N x 3, rotations N x 4 (w, x, y, z),
// opacity_logits N, sh N x K x 3 with K = (stored_sh_degree + 1)^2.
struct DeviceGaussians {
  const float* means;
  const float* log_scales;
  const float* rotations;
  const float* opacity_logits;
  const float* sh;
  std::uint32_t count;
  int stored_sh_degree;
};

// Gradients shaped like DeviceGaussians; the backward pass adds to them.
struct DeviceGaussianGrads {
  float* means;
  float* log_scales;
  float* rotations;
  float* opacity_logits;
  float* sh;
};

// What projection writes for every Gaussian of one view. A Gaussian not rendered in the view
// has radius 0, an empty tile rectangle and a tile count of 0.
struct DeviceProjection {
  float* mean2d;              // N x 2, pixels
  float* conic;               // N x 3
  float* depth;               // N
  float* radius;              // N, pixels
  float* color;               // N x 3
  float* opacity;             // N, sigmoid of the logit
  std::int32_t* tile_rect;    // N x 4: x0, y0, x1, y1 in tiles
  std::uint32_t* tile_count;  // N: (x1 - x0) * (y1 - y0); a view binned in bands overwrites it
                              // with each band's share in turn
};

// Consecutive tiles [begin, end) in row-major order: a band of the image the binning and the
// rasterizer work on at once, or all of it.
struct TileBand {
  std::uint32_t begin, end;
};

// Gradients of the screen-space quantities, gathered from every pixel (N-sized, summed).
struct DeviceProjectionGrads {
  float* mean2d;   // N x 2
  float* conic;    // N x 3
  float* opacity;  // N, with respect to the sigmoid output
  float* color;    // N x 3
};

}  // namespace splat::cuda
