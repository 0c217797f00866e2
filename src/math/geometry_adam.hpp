// Adam over one geometry row (mean 3, log-scale 3, rotation 4, opacity logit 1) with its four
// learning rates, for code that updates geometry rows where they live on the device
// (`offload.resident: geometry`): the CPU backend's device rows and the CUDA kernel both call
// it. The step sizes come from adam_step_size, the function the resident trainer and the
// store's row Adam fold their rates with, so a row updated here takes their values (on the CPU;
// CUDA may contract to FMA).
#pragma once

#include "math/adam.hpp"
#include "math/host_device.hpp"

namespace splat {

constexpr int kGeometryRowFloats = 11;

struct GeometryRates {
  float position;
  float scale;
  float rotation;
  float opacity;
};

// The folded step sizes of a geometry row and the scaled epsilon at one Adam step.
struct GeometryStepSizes {
  float sizes[kGeometryRowFloats];
  float eps_scaled;
};

// Folded step size of each element of a geometry row at Adam step `step`.
SPLAT_HD void geometry_step_sizes(const GeometryRates& r, const AdamHyper& h, int step,
                                  float sizes[kGeometryRowFloats]) {
  const float position = adam_step_size(r.position, h, step);
  const float scale = adam_step_size(r.scale, h, step);
  const float rotation = adam_step_size(r.rotation, h, step);
  const float opacity = adam_step_size(r.opacity, h, step);
  for (int e = 0; e < 3; ++e) sizes[e] = position;
  for (int e = 3; e < 6; ++e) sizes[e] = scale;
  for (int e = 6; e < 10; ++e) sizes[e] = rotation;
  sizes[10] = opacity;
}

SPLAT_HD GeometryStepSizes geometry_step_sizes(const GeometryRates& r, const AdamHyper& h,
                                               int step) {
  GeometryStepSizes s;
  geometry_step_sizes(r, h, step, s.sizes);
  s.eps_scaled = adam_scaled_epsilon(h, step);
  return s;
}

// One Adam step of a geometry row; the gradient is scaled first, as the resident store scales
// its gradients before Adam.
SPLAT_HD void adam_geometry_row(float* param, float* m, float* v, const float* grad,
                                float grad_scale, const float sizes[kGeometryRowFloats],
                                float eps_scaled, const AdamHyper& h) {
  for (int e = 0; e < kGeometryRowFloats; ++e) {
    float g = grad[e];
    g *= grad_scale;
    adam_update(param[e], m[e], v[e], g, sizes[e], eps_scaled, h);
  }
}

}  // namespace splat
