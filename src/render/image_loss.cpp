#include "render/image_loss.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "core/error.hpp"

namespace splat {

namespace {

constexpr int kWindow = 11;
constexpr int kRadius = kWindow / 2;
constexpr double kSigma = 1.5;
constexpr double kC1 = 0.01 * 0.01;
constexpr double kC2 = 0.03 * 0.03;

template <class S>
struct GaussianWindow {
  S weights[kWindow];
  GaussianWindow() {
    double sum = 0, w[kWindow];
    for (int i = 0; i < kWindow; ++i) {
      const double d = i - kRadius;
      w[i] = std::exp(-d * d / (2 * kSigma * kSigma));
      sum += w[i];
    }
    for (int i = 0; i < kWindow; ++i) weights[i] = static_cast<S>(w[i] / sum);
  }
};

// out = in convolved with the separable window, zero outside the image. The window is
// symmetric, so this is also its own adjoint (what the backward pass needs).
template <class S>
void blur(const S* in, S* out, S* scratch, int width, int height) {
  static const GaussianWindow<S> window;
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
      const S vx = xx_[i] - mx * mx, vy = yy_[i] - my * my, cxy = xy_[i] - mx * my;
      const S A = 2 * mx * my + S(kC1), B = 2 * cxy + S(kC2);
      const S C = mx * mx + my * my + S(kC1), D = vx + vy + S(kC2);
      const S s = A * B / (C * D);
      channel_ssim += s;
      const S ds_dmx = 2 * my * B / (C * D) - s * 2 * mx / C;
      const S ds_dvx = -s / D;
      const S ds_dcxy = 2 * A / (C * D);
      g_mu_[i] = ssim_scale * (ds_dmx - 2 * mx * ds_dvx - my * ds_dcxy);
      g_xx_[i] = ssim_scale * ds_dvx;
      g_xy_[i] = ssim_scale * ds_dcxy;
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
      const S diff = x_[i] - y_[i];
      channel_l1 += std::abs(diff);
      const S sign = diff > 0 ? S(1) : (diff < 0 ? S(-1) : S(0));
      dimage[i * 3 + channel] = l1_scale * sign + mu_x_[i] + 2 * x_[i] * xx_[i] + y_[i] * xy_[i];
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
    for (std::size_t i = 0; i < n; ++i) {
      const double mx = mu_x_[i], my = mu_y_[i];
      const double vx = xx_[i] - mx * mx, vy = yy_[i] - my * my, cxy = xy_[i] - mx * my;
      sum += (2 * mx * my + kC1) * (2 * cxy + kC2) / ((mx * mx + my * my + kC1) * (vx + vy + kC2));
    }
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
