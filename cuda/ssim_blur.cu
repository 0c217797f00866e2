#include <cstddef>

#include "core/cuda_check.hpp"
#include "cuda/launch.cuh"
#include "cuda/ssim_blur.cuh"
#include "math/ssim_terms.hpp"

namespace splat::cuda {

namespace {

constexpr int kThreads = 256;
constexpr int kRadius = ssim_constants::kRadius;
constexpr int kMoments = 5;

unsigned blocks_for(std::size_t count) {
  const std::size_t wanted = (count + kThreads - 1) / kThreads;
  return static_cast<unsigned>(wanted < 65536 ? wanted : 65536);
}

// The five per-pixel quantities SSIM blurs, formed before blurring as the CPU does.
__device__ float moment_source(int moment, float x, float y) {
  switch (moment) {
    case 0:
      return x;
    case 1:
      return y;
    case 2:
      return x * x;
    case 3:
      return y * y;
    default:
      return x * y;
  }
}

__global__ void moment_rows_kernel(const float* image, const float* target, int channel,
                                   bool clamp_image, int width, int height,
                                   SsimWindow<float> window, float* row_scratch) {
  const std::size_t plane = static_cast<std::size_t>(width) * height;
  const std::size_t total = plane * kMoments;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
    const int moment = static_cast<int>(i / plane);
    const std::size_t within = i % plane;
    const int y = static_cast<int>(within / width), x = static_cast<int>(within % width);
    const int lo = max(0, x - kRadius), hi = min(width - 1, x + kRadius);
    const std::size_t row = static_cast<std::size_t>(y) * width;
    float sum = 0;
    for (int k = lo; k <= hi; ++k) {
      float a = image[(row + k) * 3 + channel];
      if (clamp_image) a = fminf(fmaxf(a, 0.0f), 1.0f);
      const float b = target[(row + k) * 3 + channel];
      sum += window.weights[k - x + kRadius] * moment_source(moment, a, b);
    }
    row_scratch[i] = sum;
  }
}

__global__ void blur_rows_kernel(const float* in, float* out, int planes, int width, int height,
                                 SsimWindow<float> window) {
  const std::size_t total = static_cast<std::size_t>(width) * height * planes;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
    const int x = static_cast<int>(i % width);
    const float* row = in + (i - x);
    const int lo = max(0, x - kRadius), hi = min(width - 1, x + kRadius);
    float sum = 0;
    for (int k = lo; k <= hi; ++k) sum += window.weights[k - x + kRadius] * row[k];
    out[i] = sum;
  }
}

__global__ void blur_columns_kernel(const float* in, float* out, int planes, int width, int height,
                                    SsimWindow<float> window) {
  const std::size_t plane = static_cast<std::size_t>(width) * height;
  const std::size_t total = plane * planes;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += stride) {
    const std::size_t within = i % plane;
    const float* column = in + (i - within) + within % width;  // (plane, row 0, this x)
    const int y = static_cast<int>(within / width);
    const int lo = max(0, y - kRadius), hi = min(height - 1, y + kRadius);
    float sum = 0;
    for (int k = lo; k <= hi; ++k)
      sum += window.weights[k - y + kRadius] * column[static_cast<std::size_t>(k) * width];
    out[i] = sum;
  }
}

}  // namespace

void launch_ssim_moments(const float* image, const float* target, int channel, bool clamp_image,
                         int width, int height, float* row_scratch, float* moments,
                         cudaStream_t stream) {
  const std::size_t total = static_cast<std::size_t>(width) * height * kMoments;
  if (total == 0) return;
  const SsimWindow<float> window = make_ssim_window<float>();
  SPLAT_LAUNCH(moment_rows_kernel, blocks_for(total), kThreads, 0, stream)
  (image, target, channel, clamp_image, width, height, window, row_scratch);
  SPLAT_CUDA_CHECK_LAUNCH("moment_rows_kernel");
  SPLAT_LAUNCH(blur_columns_kernel, blocks_for(total), kThreads, 0, stream)
  (row_scratch, moments, kMoments, width, height, window);
  SPLAT_CUDA_CHECK_LAUNCH("blur_columns_kernel");
}

void launch_blur_planes(const float* in, float* row_scratch, float* out, int planes, int width,
                        int height, cudaStream_t stream) {
  const std::size_t total = static_cast<std::size_t>(width) * height * planes;
  if (total == 0) return;
  const SsimWindow<float> window = make_ssim_window<float>();
  SPLAT_LAUNCH(blur_rows_kernel, blocks_for(total), kThreads, 0, stream)
  (in, row_scratch, planes, width, height, window);
  SPLAT_CUDA_CHECK_LAUNCH("blur_rows_kernel");
  SPLAT_LAUNCH(blur_columns_kernel, blocks_for(total), kThreads, 0, stream)
  (row_scratch, out, planes, width, height, window);
  SPLAT_CUDA_CHECK_LAUNCH("blur_columns_kernel");
}

}  // namespace splat::cuda
