// What the trainer needs from a render backend for one view: forward, loss, backward, metrics.
// Pointers are in the backend's device memory (host memory for the CPU backend). One object
// per backend keeps its workspaces between calls, so the hot loop does not allocate.
#pragma once

#include <cstddef>

#include "math/camera.hpp"

namespace splat {

// Views of the parameter arrays (the GaussianModel layout) or of gradients shaped like them.
struct GaussianArrays {
  float* means;
  float* log_scales;
  float* rotations;
  float* opacity_logits;
  float* sh;
  std::size_t count;
  int sh_degree;  // of the storage layout: (sh_degree + 1)^2 coefficients per Gaussian
};

struct ImageQuality {
  double psnr;
  double ssim;
};

class ViewRenderer {
 public:
  virtual ~ViewRenderer() = default;
  // Renders `camera` with the active SH degree into image (height x width x 3), and keeps what
  // backward needs.
  virtual void forward(const GaussianArrays& params, const PinholeCamera& camera,
                       int active_sh_degree, const float background[3], float* image) = 0;
  // (1 - w) L1 + w (1 - SSIM) of the last forward against target; keeps dLoss/dimage.
  virtual float loss(const float* target, float ssim_weight) = 0;
  // Adds the gradients of the last loss to `grads`; overwrites, for every Gaussian, the
  // screen-space mean gradient (2 floats, the densification units) and the screen radius in
  // pixels (0: not seen in this view).
  virtual void backward(const GaussianArrays& grads, float* screen_grad, float* radii) = 0;
  virtual ImageQuality quality(const float* image, const float* target, int width, int height) = 0;
};

}  // namespace splat
