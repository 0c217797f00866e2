#include "render/image_loss.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "core/error.hpp"
#include "math/ssim_terms.hpp"

namespace splat {

namespace {

using ssim_constants::kRadius;

// out = in convolved with the separable window, zero outside the image. The window is
// symmetric, so this is also its own adjoint (what the backward pass needs).
template <class S>
void blur(const S* in, S* out, S* scratch, int width, int height) {
  static const SsimWindow<S> window = make_ssim_window<S>();
#pragma omp parallel for schedule(static)
  for (int y = 0; y < height; ++y) {
    const S* row = in + static_cast<std::size_t>(y) * width;
    S* dst = scratch + static_cast<std::size_t>(y) * width;
    for (int x = 0; x < width; ++x) {
      const int lo = std::max(0, x - kRadius), hi = std::min(width - 1, x + kRadius);
      S sum = 0;
      for (int k = lo; k <= hi; ++k) sum += window.weights[k - x + kRadius] * row[k];
      dst[x] = sum;
    }
  }
#pragma omp parallel for schedule(static)
  for (int y = 0; y < height; ++y) {
    const int lo = std::max(0, y - kRadius), hi = std::min(height - 1, y + kRadius);
    S* dst = out + static_cast<std::size_t>(y) * width;
    for (int x = 0; x < width; ++x) dst[x] = 0;
    for (int k = lo; k <= hi; ++k) {
      const S w = window.weights[k - y + kRadius];
      const S* src = scratch + static_cast<std::size_t>(k) * width;
      for (int x = 0; x < width; ++x) dst[x] += w * src[x];
    }
  }
}

}  // namespace

template <class S>
void ImageLoss<S>::blurred_moments(const S* image, const S* target, int width, int height,
                                   int channel) {
  const std::size_t n = static_cast<std::size_t>(width) * height;
  for (auto* v : {&x_, &y_, &mu_x_, &mu_y_, &xx_, &yy_, &xy_, &g_mu_, &g_xx_, &g_xy_, &scratch_})
    v->resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    x_[i] = image[i * 3 + channel];
    y_[i] = target[i * 3 + channel];
  }
  blur(x_.data(), mu_x_.data(), scratch_.data(), width, height);
  blur(y_.data(), mu_y_.data(), scratch_.data(), width, height);
  // Products go through g_* as temporaries before those hold gradients.
  for (std::size_t i = 0; i < n; ++i) g_mu_[i] = x_[i] * x_[i];
  blur(g_mu_.data(), xx_.data(), scratch_.data(), width, height);
  for (std::size_t i = 0; i < n; ++i) g_mu_[i] = y_[i] * y_[i];
  blur(g_mu_.data(), yy_.data(), scratch_.data(), width, height);
  for (std::size_t i = 0; i < n; ++i) g_mu_[i] = x_[i] * y_[i];
  blur(g_mu_.data(), xy_.data(), scratch_.data(), width, height);
}

template <class S>
S ImageLoss<S>::evaluate(const S* image, const S* target, int width, int height, S ssim_weight,
                         S* dimage) {
  SPLAT_REQUIRE(width > 0 && height > 0, "loss of an empty image");
  const std::size_t n = static_cast<std::size_t>(width) * height;
  const double values = 3.0 * static_cast<double>(n);
  const S l1_scale = static_cast<S>((1.0 - ssim_weight) / values);
  const S ssim_scale = static_cast<S>(-ssim_weight / values);  // dL/dssim(pixel)
  double l1_sum = 0, ssim_sum = 0;
  for (int channel = 0; channel < 3; ++channel) {
    blurred_moments(image, target, width, height, channel);
    double channel_ssim = 0;
#pragma omp parallel for schedule(static) reduction(+ : channel_ssim)
    for (std::ptrdiff_t si = 0; si < static_cast<std::ptrdiff_t>(n); ++si) {
      const std::size_t i = static_cast<std::size_t>(si);
      const S mx = mu_x_[i], my = mu_y_[i];
      const SsimPixel<S> s = ssim_pixel(mx, my, xx_[i], yy_[i], xy_[i]);
      channel_ssim += s.value;
      ssim_moment_gradients(s, mx, my, ssim_scale, g_mu_[i], g_xx_[i], g_xy_[i]);
    }
    ssim_sum += channel_ssim;
    // Chain through the blurs: the window is self-adjoint.
    blur(g_mu_.data(), mu_x_.data(), scratch_.data(), width, height);
    blur(g_xx_.data(), xx_.data(), scratch_.data(), width, height);
    blur(g_xy_.data(), xy_.data(), scratch_.data(), width, height);
    double channel_l1 = 0;
#pragma omp parallel for schedule(static) reduction(+ : channel_l1)
    for (std::ptrdiff_t si = 0; si < static_cast<std::ptrdiff_t>(n); ++si) {
      const std::size_t i = static_cast<std::size_t>(si);
      channel_l1 += std::abs(x_[i] - y_[i]);
      dimage[i * 3 + channel] =
          loss_image_gradient(x_[i], y_[i], l1_scale, mu_x_[i], xx_[i], xy_[i]);
    }
    l1_sum += channel_l1;
  }
  const double loss =
      (1.0 - ssim_weight) * l1_sum / values + ssim_weight * (1.0 - ssim_sum / values);
  return static_cast<S>(loss);
}

template <class S>
S ImageLoss<S>::ssim(const S* image, const S* target, int width, int height) {
  const std::size_t n = static_cast<std::size_t>(width) * height;
  double sum = 0;
  for (int channel = 0; channel < 3; ++channel) {
    blurred_moments(image, target, width, height, channel);
    for (std::size_t i = 0; i < n; ++i)
      sum += ssim_pixel<double>(mu_x_[i], mu_y_[i], xx_[i], yy_[i], xy_[i]).value;
  }
  return static_cast<S>(sum / (3.0 * static_cast<double>(n)));
}

template class ImageLoss<float>;
template class ImageLoss<double>;

double psnr(const float* image, const float* target, std::size_t values) {
  double squared = 0;
  for (std::size_t i = 0; i < values; ++i) {
    const double d = std::clamp(static_cast<double>(image[i]), 0.0, 1.0) - target[i];
    squared += d * d;
  }
  const double mse = squared / static_cast<double>(values);
  return mse > 0 ? -10.0 * std::log10(mse) : 100.0;
}

double ssim_index(const float* image, const float* target, int width, int height) {
  const std::size_t values = static_cast<std::size_t>(width) * height * 3;
  std::vector<double> a(values), b(values);
  for (std::size_t i = 0; i < values; ++i) {
    a[i] = std::clamp(static_cast<double>(image[i]), 0.0, 1.0);
    b[i] = target[i];
  }
  ImageLoss<double> loss;
  return loss.ssim(a.data(), b.data(), width, height);
}

}  // namespace splat
