// The Gaussian parameter layout on the host: structure of arrays, one row per Gaussian.
// Parameters are stored in their optimised (unconstrained) form.
#pragma once

#include <cstddef>
#include <vector>

namespace splat {

constexpr int sh_coefficient_count(int degree) {
  return (degree + 1) * (degree + 1);
}

struct GaussianModel {
  int sh_degree = 3;                  // maximum degree the model stores
  std::vector<float> means;           // N x 3, world space
  std::vector<float> log_scales;      // N x 3, scale = exp(log_scale)
  std::vector<float> rotations;       // N x 4, quaternion (w, x, y, z), not necessarily normalised
  std::vector<float> opacity_logits;  // N, opacity = sigmoid(logit)
  std::vector<float> sh;  // N x K x 3, K = (sh_degree+1)^2: [gaussian][coefficient][rgb]

  std::size_t size() const { return opacity_logits.size(); }
  int sh_coefficients() const { return sh_coefficient_count(sh_degree); }
  void resize(std::size_t n) {
    means.resize(n * 3);
    log_scales.resize(n * 3);
    rotations.resize(n * 4);
    opacity_logits.resize(n);
    sh.resize(n * static_cast<std::size_t>(sh_coefficients()) * 3);
  }
};

}  // namespace splat
