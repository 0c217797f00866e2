// The training loss (1 - w) L1 + w (1 - SSIM), forward and backward fused in one pass over the
// image, and the PSNR / SSIM quality metrics. SSIM uses an 11x11 Gaussian window (sigma 1.5)
// with zero padding, applied separably, as the reference implementation computes it.
#pragma once

#include <vector>

namespace splat {

template <class S>
class ImageLoss {
 public:
  // image and target are height x width x 3; writes dL/dimage (same shape) and returns the loss.
  S evaluate(const S* image, const S* target, int width, int height, S ssim_weight, S* dimage);
  // Mean SSIM over pixels and channels (no gradient).
  S ssim(const S* image, const S* target, int width, int height);

 private:
  // Per channel, planar: x, y, and the blurred moments; then the blurred gradient maps.
  std::vector<S> x_, y_, mu_x_, mu_y_, xx_, yy_, xy_, g_mu_, g_xx_, g_xy_;
  std::vector<S> products_;  // x^2, y^2, xy before blurring
  std::vector<S> scratch_;   // the horizontal pass of up to 5 maps
  void blurred_moments(const S* image, const S* target, int width, int height, int channel);
};

// Peak signal-to-noise ratio of image against target in [0, 1], image clamped to [0, 1] first.
double psnr(const float* image, const float* target, std::size_t values);
// Mean SSIM of image (clamped to [0, 1]) against target, height x width x 3.
double ssim_index(const float* image, const float* target, int width, int height);

}  // namespace splat
