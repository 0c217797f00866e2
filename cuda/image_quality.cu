#include <cmath>
#include <cstddef>

#include "core/cuda_check.hpp"
#include "cuda/image_quality.cuh"
#include "cuda/launch.cuh"
#include "cuda/partial_sums.cuh"
#include "cuda/ssim_blur.cuh"
#include "math/ssim_terms.hpp"

namespace splat::cuda {

namespace {

constexpr int kPlanes = 10;  // 5 row-pass planes + 5 moment planes, reused per channel

__global__ void ssim_sum_kernel(const float* moments, std::size_t plane, double* partials) {
  double sum = 0;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < plane; i += stride)
    sum += ssim_pixel(moments[i], moments[plane + i], moments[2 * plane + i],
                      moments[3 * plane + i], moments[4 * plane + i])
               .value;
  write_block_partial(sum, partials);
}

__global__ void squared_error_kernel(const float* image, const float* target, std::size_t values,
                                     double* partials) {
  double sum = 0;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < values; i += stride) {
    const double d = fmin(fmax(static_cast<double>(image[i]), 0.0), 1.0) - target[i];
    sum += d * d;
  }
  write_block_partial(sum, partials);
}

}  // namespace

std::size_t image_quality_scratch_floats(int width, int height) {
  return static_cast<std::size_t>(width) * height * kPlanes;
}

std::size_t image_quality_partial_doubles() {
  return 4 * kPartialBlocks;
}

void launch_image_quality(const float* image, const float* target, int width, int height,
                          float* scratch, double* partials, double* sums, cudaStream_t stream) {
  const std::size_t plane = static_cast<std::size_t>(width) * height;
  if (plane == 0) return;
  float* row_planes = scratch;
  float* moment_planes = scratch + 5 * plane;
  double* error_partials = partials;                  // kPartialBlocks
  double* ssim_partials = partials + kPartialBlocks;  // 3 x kPartialBlocks
  SPLAT_LAUNCH(squared_error_kernel, kPartialBlocks, kPartialThreads, 0, stream)
  (image, target, plane * 3, error_partials);
  SPLAT_CUDA_CHECK_LAUNCH("squared_error_kernel");
  for (int channel = 0; channel < 3; ++channel) {
    launch_ssim_moments(image, target, channel, true, width, height, row_planes, moment_planes,
                        stream);
    SPLAT_LAUNCH(ssim_sum_kernel, kPartialBlocks, kPartialThreads, 0, stream)
    (moment_planes, plane, ssim_partials + channel * kPartialBlocks);
    SPLAT_CUDA_CHECK_LAUNCH("ssim_sum_kernel");
  }
  launch_sum_partials(error_partials, 1, kPartialBlocks, sums, stream);
  launch_sum_partials(ssim_partials, 1, 3 * kPartialBlocks, sums + 1, stream);
}

double psnr_from_sums(const double sums[2], int width, int height) {
  const double mse = sums[0] / (3.0 * static_cast<double>(width) * height);
  return mse > 0 ? -10.0 * std::log10(mse) : 100.0;
}

double ssim_from_sums(const double sums[2], int width, int height) {
  return sums[1] / (3.0 * static_cast<double>(width) * height);
}

}  // namespace splat::cuda
