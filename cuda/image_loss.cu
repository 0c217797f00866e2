#include <cstddef>

#include "core/cuda_check.hpp"
#include "cuda/image_loss.cuh"
#include "cuda/launch.cuh"
#include "cuda/partial_sums.cuh"
#include "cuda/ssim_blur.cuh"
#include "math/ssim_terms.hpp"

namespace splat::cuda {

namespace {

constexpr int kPlanes = 10;  // 5 row-pass planes + 5 moment planes, reused per channel

// From the blurred moments: per-pixel SSIM (summed per block) and the three maps the backward
// pass blurs (g_mean, g_xx, g_xy), for dL/dssim(pixel) = ssim_scale.
__global__ void ssim_gradient_maps_kernel(const float* moments, std::size_t plane, float ssim_scale,
                                          float* gradient_maps, double* partials) {
  const float* mu_x = moments;
  const float* mu_y = moments + plane;
  const float* xx = moments + 2 * plane;
  const float* yy = moments + 3 * plane;
  const float* xy = moments + 4 * plane;
  double ssim_sum = 0;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < plane; i += stride) {
    const float mx = mu_x[i], my = mu_y[i];
    const SsimPixel<float> s = ssim_pixel(mx, my, xx[i], yy[i], xy[i]);
    ssim_sum += s.value;
    ssim_moment_gradients(s, mx, my, ssim_scale, gradient_maps[i], gradient_maps[plane + i],
                          gradient_maps[2 * plane + i]);
  }
  write_block_partial(ssim_sum, partials);
}

// dL/dimage of one channel from the blurred maps and the L1 term; sums |image - target| and
// (image - target)^2 (the training PSNR comes from the latter).
__global__ void loss_image_gradient_kernel(const float* image, const float* target, int channel,
                                           const float* blurred_maps, std::size_t plane,
                                           float l1_scale, float* dimage, double* l1_partials,
                                           double* squared_partials) {
  double l1_sum = 0, squared_sum = 0;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < plane; i += stride) {
    const float x = image[i * 3 + channel], y = target[i * 3 + channel];
    l1_sum += fabsf(x - y);
    squared_sum += static_cast<double>(x - y) * (x - y);
    dimage[i * 3 + channel] = loss_image_gradient(
        x, y, l1_scale, blurred_maps[i], blurred_maps[plane + i], blurred_maps[2 * plane + i]);
  }
  write_block_partial(l1_sum, l1_partials);
  __syncthreads();  // the block reduction's shared storage is reused
  write_block_partial(squared_sum, squared_partials);
}

}  // namespace

std::size_t image_loss_scratch_floats(int width, int height) {
  return static_cast<std::size_t>(width) * height * kPlanes;
}

std::size_t image_loss_partial_doubles() {
  return 3 * 3 * kPartialBlocks;
}

void launch_image_loss(const float* image, const float* target, int width, int height,
                       float ssim_weight, float* dimage, float* scratch, double* partials,
                       double* sums, cudaStream_t stream) {
  const std::size_t plane = static_cast<std::size_t>(width) * height;
  if (plane == 0) return;
  const double values = 3.0 * static_cast<double>(plane);
  const float l1_scale = static_cast<float>((1.0 - ssim_weight) / values);
  const float ssim_scale = static_cast<float>(-ssim_weight / values);  // dL/dssim(pixel)
  float* row_planes = scratch;                                         // 5 planes
  float* moment_planes = scratch + 5 * plane;                          // 5 planes
  double* ssim_partials = partials;                                    // 3 x kPartialBlocks
  double* l1_partials = partials + 3 * kPartialBlocks;                 // 3 x kPartialBlocks
  double* squared_partials = partials + 6 * kPartialBlocks;            // 3 x kPartialBlocks
  for (int channel = 0; channel < 3; ++channel) {
    launch_ssim_moments(image, target, channel, false, width, height, row_planes, moment_planes,
                        stream);
    // The row planes are free again: the first three take the gradient maps.
    SPLAT_LAUNCH(ssim_gradient_maps_kernel, kPartialBlocks, kPartialThreads, 0, stream)
    (moment_planes, plane, ssim_scale, row_planes, ssim_partials + channel * kPartialBlocks);
    SPLAT_CUDA_CHECK_LAUNCH("ssim_gradient_maps_kernel");
    // Chain through the blurs (self-adjoint), in place, with the moment planes as scratch.
    launch_blur_planes(row_planes, moment_planes, row_planes, 3, width, height, stream);
    SPLAT_LAUNCH(loss_image_gradient_kernel, kPartialBlocks, kPartialThreads, 0, stream)
    (image, target, channel, row_planes, plane, l1_scale, dimage,
     l1_partials + channel * kPartialBlocks, squared_partials + channel * kPartialBlocks);
    SPLAT_CUDA_CHECK_LAUNCH("loss_image_gradient_kernel");
  }
  // sums[0] = L1, sums[1] = SSIM, sums[2] = squared error.
  launch_sum_partials(l1_partials, 1, 3 * kPartialBlocks, sums, stream);
  launch_sum_partials(ssim_partials, 1, 3 * kPartialBlocks, sums + 1, stream);
  launch_sum_partials(squared_partials, 1, 3 * kPartialBlocks, sums + 2, stream);
}

double image_loss_value(const double sums[3], int width, int height, float ssim_weight) {
  const double values = 3.0 * static_cast<double>(width) * height;
  return (1.0 - ssim_weight) * sums[0] / values + ssim_weight * (1.0 - sums[1] / values);
}

}  // namespace splat::cuda
