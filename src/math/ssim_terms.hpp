// The per-pixel arithmetic of SSIM and of its derivative, and the 11-tap Gaussian window
// (sigma 1.5) it is computed with. Both loss backends call these, so the CPU reference and the
// CUDA kernels evaluate the same formulas.
#pragma once

#include <cmath>

#include "math/host_device.hpp"

namespace splat {

namespace ssim_constants {
constexpr int kWindow = 11;
constexpr int kRadius = kWindow / 2;
constexpr double kSigma = 1.5;
constexpr double kC1 = 0.01 * 0.01;
constexpr double kC2 = 0.03 * 0.03;
}  // namespace ssim_constants

// The normalised 1D window, computed in double and rounded once to S.
template <class S>
struct SsimWindow {
  S weights[ssim_constants::kWindow];
};

template <class S>
inline SsimWindow<S> make_ssim_window() {
  using namespace ssim_constants;
  double sum = 0, w[kWindow];
  for (int i = 0; i < kWindow; ++i) {
    const double d = i - kRadius;
    w[i] = std::exp(-d * d / (2 * kSigma * kSigma));
    sum += w[i];
  }
  SsimWindow<S> window{};
  for (int i = 0; i < kWindow; ++i) window.weights[i] = static_cast<S>(w[i] / sum);
  return window;
}

// SSIM of one pixel of one channel from the blurred moments (mean of x, of y, of x^2, of y^2,
// of xy), and its partial derivatives with respect to the mean of x, the variance of x and the
// covariance (what the chain through the blurs needs).
template <class S>
struct SsimPixel {
  S value;
  S d_mean_x;
  S d_variance_x;
  S d_covariance;
};

template <class S>
SPLAT_HD SsimPixel<S> ssim_pixel(S mx, S my, S xx, S yy, S xy) {
  const S vx = xx - mx * mx, vy = yy - my * my, cxy = xy - mx * my;
  const S A = 2 * mx * my + S(ssim_constants::kC1), B = 2 * cxy + S(ssim_constants::kC2);
  const S C = mx * mx + my * my + S(ssim_constants::kC1), D = vx + vy + S(ssim_constants::kC2);
  SsimPixel<S> p;
  p.value = A * B / (C * D);
  p.d_mean_x = 2 * my * B / (C * D) - p.value * 2 * mx / C;
  p.d_variance_x = -p.value / D;
  p.d_covariance = 2 * A / (C * D);
  return p;
}

// The three maps the backward pass blurs, for dL/dssim(pixel) = scale: the derivative with
// respect to the blurred x, the blurred x^2 and the blurred xy.
template <class S>
SPLAT_HD void ssim_moment_gradients(const SsimPixel<S>& p, S mx, S my, S scale, S& g_mean, S& g_xx,
                                    S& g_xy) {
  g_mean = scale * (p.d_mean_x - 2 * mx * p.d_variance_x - my * p.d_covariance);
  g_xx = scale * p.d_variance_x;
  g_xy = scale * p.d_covariance;
}

// dL/dx of one value: the L1 term and the blurred SSIM maps (blur is self-adjoint).
template <class S>
SPLAT_HD S loss_image_gradient(S x, S y, S l1_scale, S blurred_g_mean, S blurred_g_xx,
                               S blurred_g_xy) {
  const S diff = x - y;
  const S sign = diff > 0 ? S(1) : (diff < 0 ? S(-1) : S(0));
  return l1_scale * sign + blurred_g_mean + 2 * x * blurred_g_xx + y * blurred_g_xy;
}

}  // namespace splat
