// The training loss (1 - w) L1 + w (1 - SSIM) on the GPU, forward and backward fused: per
// channel the blurred moments, the SSIM map and its derivative maps, their blur (the chain rule
// through the window), and dL/dimage; the L1 and SSIM sums come back for the loss value. The
// formulas are the shared ones of src/math/ssim_terms.hpp, in the CPU reference's order.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>

namespace splat::cuda {

// Device scratch the loss needs: floats for the planes, doubles for the partial sums.
std::size_t image_loss_scratch_floats(int width, int height);
std::size_t image_loss_partial_doubles();

// image, target, dimage: height x width x 3 (device). Writes dimage, and sums[0] = the sum of
// |image - target|, sums[1] = the sum of per-pixel SSIM over all values, sums[2] = the sum of
// (image - target)^2 (device, 3 doubles).
void launch_image_loss(const float* image, const float* target, int width, int height,
                       float ssim_weight, float* dimage, float* scratch, double* partials,
                       double* sums, cudaStream_t stream);

// The loss value from the first two sums, computed like the CPU reference does.
double image_loss_value(const double sums[3], int width, int height, float ssim_weight);

}  // namespace splat::cuda
