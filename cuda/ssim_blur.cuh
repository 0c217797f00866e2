// The blurs SSIM is made of, on planar float maps (width x height each, one after another):
// the five blurred moments of one image channel, and the separable 11-tap Gaussian blur with
// zero padding, row pass then column pass, summing in the CPU reference's order
// (src/render/image_loss.cpp). The window is symmetric, so the blur is its own adjoint and the
// loss's backward pass reuses it.
#pragma once

#include <cuda_runtime_api.h>

namespace splat::cuda {

// Moments of channel `channel` of the interleaved (height x width x 3) image and target:
// writes the planes mean x, mean y, mean x^2, mean y^2, mean xy to `moments` (5 planes), using
// `row_scratch` (5 planes). clamp_image clamps image values to [0, 1] first (the metrics).
void launch_ssim_moments(const float* image, const float* target, int channel, bool clamp_image,
                         int width, int height, float* row_scratch, float* moments,
                         cudaStream_t stream);

// out = blur(in) for `planes` planes; `in` may equal `out` (the row pass reads `in` into
// `row_scratch` before the column pass writes `out`).
void launch_blur_planes(const float* in, float* row_scratch, float* out, int planes, int width,
                        int height, cudaStream_t stream);

}  // namespace splat::cuda
