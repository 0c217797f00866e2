#include "render/image_loss.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "core/error.hpp"
#include "math/ssim_terms.hpp"

namespace splat {

namespace {

using ssim_constants::kRadius;

// One row of the horizontal pass: dst[x] = sum over k of w[k] in[x + k - R], zero outside the
// row. Taps are summed in k order at every x, as the border loop does, so the interior loop over
// x (which vectorises) and the border give the bits a plain per-pixel loop gives.
template <class S>
inline void blur_row(const S* __restrict in, S* __restrict dst, int width, const S* weights) {
  const int interior_end = width - kRadius;
  for (int x = 0; x < width; ++x) {
    if (x == kRadius && interior_end > kRadius) {
      for (int i = kRadius; i < interior_end; ++i) dst[i] = 0;
      for (int k = 0; k <= 2 * kRadius; ++k) {
        const S w = weights[k];
        const S* src = in + k - kRadius;
        for (int i = kRadius; i < interior_end; ++i) dst[i] += w * src[i];
      }
      x = interior_end - 1;
      continue;
    }
    const int lo = std::max(0, x - kRadius), hi = std::min(width - 1, x + kRadius);
    S sum = 0;
    for (int k = lo; k <= hi; ++k) sum += weights[k - x + kRadius] * in[k];
    dst[x] = sum;
  }
}

// One row of the vertical pass: dst = sum over the window's rows of w[k] src_row(y + k - R).
template <class S>
inline void blur_column_sums(const S* columns, S* __restrict dst, int width, int height, int y,
                             const S* weights) {
  const int lo = std::max(0, y - kRadius), hi = std::min(height - 1, y + kRadius);
  for (int x = 0; x < width; ++x) dst[x] = 0;
  for (int k = lo; k <= hi; ++k) {
    const S w = weights[k - y + kRadius];
    const S* __restrict src = columns + static_cast<std::size_t>(k) * width;
    for (int x = 0; x < width; ++x) dst[x] += w * src[x];
  }
}

// The float rows once more for AVX2 and AVX-512 (without FMA, so every clone gives the same bits);
// the loader picks one per CPU. Outside OpenMP regions, whose outlined bodies would not inherit
// the clone's target.
#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
#define SPLAT_BLUR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SPLAT_BLUR_CLONES
#endif
SPLAT_BLUR_CLONES void blur_row_float(const float* in, float* dst, int width,
                                      const float* weights) {
  blur_row(in, dst, width, weights);
}
SPLAT_BLUR_CLONES void blur_column_sums_float(const float* columns, float* dst, int width,
                                              int height, int y, const float* weights) {
  blur_column_sums(columns, dst, width, height, y, weights);
}
void blur_row_any(const float* in, float* dst, int width, const float* weights) {
  blur_row_float(in, dst, width, weights);
}
void blur_row_any(const double* in, double* dst, int width, const double* weights) {
  blur_row(in, dst, width, weights);
}
void blur_column_sums_any(const float* columns, float* dst, int width, int height, int y,
                          const float* weights) {
  blur_column_sums_float(columns, dst, width, height, y, weights);
}
void blur_column_sums_any(const double* columns, double* dst, int width, int height, int y,
                          const double* weights) {
  blur_column_sums(columns, dst, width, height, y, weights);
}

// out[m] = in[m] convolved with the separable window, zero outside the image, for `count` maps
// in one parallel region (a loss step blurs many small maps; one region each cost more in
// barriers than the arithmetic). The window is symmetric, so this is also its own adjoint (what
// the backward pass needs). scratch holds count maps.
template <class S>
void blur(const S* const* in, S* const* out, int count, S* scratch, int width, int height) {
  static const SsimWindow<S> window = make_ssim_window<S>();
  const std::size_t n = static_cast<std::size_t>(width) * height;
  const std::ptrdiff_t rows = static_cast<std::ptrdiff_t>(count) * height;
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (std::ptrdiff_t r = 0; r < rows; ++r) {
      const int m = static_cast<int>(r / height), y = static_cast<int>(r % height);
      const std::size_t offset = static_cast<std::size_t>(y) * width;
      blur_row_any(in[m] + offset, scratch + m * n + offset, width, window.weights);
    }
#pragma omp for schedule(static)
    for (std::ptrdiff_t r = 0; r < rows; ++r) {
      const int m = static_cast<int>(r / height), y = static_cast<int>(r % height);
      blur_column_sums_any(scratch + m * n, out[m] + static_cast<std::size_t>(y) * width, width,
                           height, y, window.weights);
    }
  }
}

}  // namespace

template <class S>
void ImageLoss<S>::blurred_moments(const S* image, const S* target, int width, int height,
                                   int channel) {
  const std::size_t n = static_cast<std::size_t>(width) * height;
  for (auto* v : {&x_, &y_, &mu_x_, &mu_y_, &xx_, &yy_, &xy_, &g_mu_, &g_xx_, &g_xy_}) v->resize(n);
  scratch_.resize(5 * n);
  products_.resize(3 * n);
  S* xx = products_.data();
  S* yy = xx + n;
  S* xy = yy + n;
  for (std::size_t i = 0; i < n; ++i) {
    const S a = image[i * 3 + channel], b = target[i * 3 + channel];
    x_[i] = a;
    y_[i] = b;
    xx[i] = a * a;
    yy[i] = b * b;
    xy[i] = a * b;
  }
  const S* in[5] = {x_.data(), y_.data(), xx, yy, xy};
  S* out[5] = {mu_x_.data(), mu_y_.data(), xx_.data(), yy_.data(), xy_.data()};
  blur(in, out, 5, scratch_.data(), width, height);
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
    const S* gradients[3] = {g_mu_.data(), g_xx_.data(), g_xy_.data()};
    S* blurred[3] = {mu_x_.data(), xx_.data(), xy_.data()};
    blur(gradients, blurred, 3, scratch_.data(), width, height);
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
