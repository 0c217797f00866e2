#include "offload/deferred_drift.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "math/frustum.hpp"

namespace splat {

DriftBound make_drift_bound(const StepRates& rates, const AdamHyper& hyper) {
  DriftBound b;
  b.position_lr = rates.position;
  b.scale_lr = rates.scale;
  const double r = hyper.beta1 / std::sqrt(double{hyper.beta2});
  if (!(r < 1)) {
    b.factor = std::numeric_limits<float>::infinity();
  } else {
    // The bias factor sqrt(1 - b2^t) / (1 - b1^t) over the steps a run can take (it tends to 1).
    double bias = 1;
    for (int t = 1; t <= 1'000'000; t = t < 1000 ? t + 1 : t * 2)
      bias = std::max(bias, double{adam_step_size(1.0f, hyper, t)});
    b.factor = static_cast<float>(2 * bias * r / (1 - r) * (1 + 1e-4));
  }
  b.eps_min = adam_scaled_epsilon(hyper, 1);
  return b;
}

namespace {
// The largest movement of one element over any number of zero-gradient steps.
float element_drift(float m, float v, float lr, const DriftBound& b) {
  if (m == 0) return 0;
  const float denominator = std::max(std::sqrt(std::max(v, 0.0f)), b.eps_min);
  return lr * b.factor * std::fabs(m) / denominator;
}
}  // namespace

float drifting_culling_radius(const float* value, const float* m, const float* v,
                              const DriftBound& b) {
  float reached_log_scale[3];
  bool drifts = false;
  for (int a = 0; a < 3; ++a) {
    const float d = element_drift(m[3 + a], v[3 + a], b.scale_lr, b);
    reached_log_scale[a] = value[3 + a] + d;
    drifts = drifts || d > 0;
  }
  double mean_drift2 = 0;
  for (int a = 0; a < 3; ++a) {
    const double d = element_drift(m[a], v[a], b.position_lr, b);
    mean_drift2 += d * d;
  }
  if (!drifts && mean_drift2 == 0) return culling_radius(value + 3);
  // Rounded up: the sphere must hold the reach of the float test.
  const float radius = culling_radius(reached_log_scale) * (1 + 1e-6f) +
                       static_cast<float>(std::sqrt(mean_drift2) * (1 + 1e-6));
  return -std::max(radius, std::numeric_limits<float>::min());
}

}  // namespace splat
