// Projection of every Gaussian into one camera (EWA splatting, SH colour, opacity, covered
// tiles) and its backward pass to the parameters, one thread per Gaussian, through the same
// shared math as the CPU reference (src/render/projected_gaussians.cpp).
#pragma once

#include <cuda_runtime_api.h>

#include "cuda/render_arrays.cuh"
#include "math/camera.hpp"

namespace splat::cuda {

// Writes every field of `out` for all gaussians.count Gaussians.
void launch_project_gaussians(const DeviceGaussians& gaussians, const PinholeCamera& camera,
                              int active_sh_degree, const DeviceProjection& out,
                              cudaStream_t stream);

// Adds the parameter gradients of the 2D gradients `d2d` to `grads`; overwrites screen_grad
// (N x 2, NDC units of the densification threshold) and radii (N, pixels, 0 = not rendered).
void launch_project_gaussians_backward(const DeviceGaussians& gaussians,
                                       const PinholeCamera& camera, int active_sh_degree,
                                       const DeviceProjection& projected,
                                       const DeviceProjectionGrads& d2d,
                                       const DeviceGaussianGrads& grads, float* screen_grad,
                                       float* radii, cudaStream_t stream);

}  // namespace splat::cuda
