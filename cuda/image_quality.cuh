// PSNR and SSIM of a rendered image against its target on the GPU, with the image clamped to
// [0, 1] as the CPU metrics do (src/render/image_loss.hpp: psnr, ssim_index). The moments are
// blurred in float here (double on the CPU): the two agree to about 1e-6.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>

namespace splat::cuda {

std::size_t image_quality_scratch_floats(int width, int height);
std::size_t image_quality_partial_doubles();

// Writes sums[0] = the sum of squared differences (clamped image), sums[1] = the sum of
// per-pixel SSIM over all values (device, 2 doubles).
void launch_image_quality(const float* image, const float* target, int width, int height,
                          float* scratch, double* partials, double* sums, cudaStream_t stream);

// PSNR and mean SSIM from the two sums.
double psnr_from_sums(const double sums[2], int width, int height);
double ssim_from_sums(const double sums[2], int width, int height);

}  // namespace splat::cuda
