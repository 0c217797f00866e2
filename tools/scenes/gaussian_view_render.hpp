// One image of a GaussianModel at a camera through a RenderBackend (the GPU where the backend
// is CUDA). For renders only: no optimizer state is made where the backend lets us avoid it.
#pragma once

#include "io/image.hpp"
#include "math/camera.hpp"
#include "model/gaussian_model.hpp"
#include "train/render_backend.hpp"

namespace splat {

Image render_gaussian_view(RenderBackend& backend, const GaussianModel& model,
                           const PinholeCamera& camera, const float background[3]);

}  // namespace splat
