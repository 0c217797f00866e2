// An independent dense reference of the forward model, written with libtorch in double and
// differentiated by autograd: every Gaussian is evaluated at every pixel (no tiles in the loop,
// no hand-written derivative), with the same cut-offs as the renderer. Tests only.
#pragma once

#include <torch/torch.h>

#include "math/camera.hpp"

namespace splat::test {

struct OracleInputs {
  torch::Tensor means, log_scales, rotations, opacity_logits, sh;  // double, requires_grad
};

struct OracleOutputs {
  torch::Tensor image;              // H x W x 3
  torch::Tensor mean2d;             // N x 2 (retains its gradient)
  torch::Tensor radius;             // N (0 where culled)
  std::int64_t stopped_pixels = 0;  // pixels where the T < 1e-4 stop cut a contribution
};

OracleOutputs oracle_render(const OracleInputs& in, const PinholeCamera& camera, int sh_degree,
                            const double background[3]);

// (1 - w) L1 + w (1 - SSIM) with an 11x11 Gaussian window (sigma 1.5), zero padded.
torch::Tensor oracle_loss(const torch::Tensor& image, const torch::Tensor& target, double weight);

}  // namespace splat::test
