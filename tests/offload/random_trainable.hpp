// Random trainable models for the store tests: parameters, both moments and step counts, with
// log-scales from tiny to large and opacities from transparent to opaque, so densification
// decisions of every kind happen.
#pragma once

#include <cstdint>
#include <random>

#include "model/trainable_gaussians.hpp"

namespace splat::test {

inline TrainableGaussians random_trainable(std::size_t n, int sh_degree, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  TrainableGaussians g;
  for (GaussianModel* m : {&g.params, &g.adam_m, &g.adam_v}) {
    m->sh_degree = sh_degree;
    m->resize(n);
    for (const RowArrayRef& a : row_arrays(*m))
      for (float& v : *a.values) v = u(rng);
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (int a = 0; a < 3; ++a) g.params.log_scales[i * 3 + a] = -5 + 3.5f * (u(rng) + 1);
    g.params.opacity_logits[i] = 6 * u(rng);
  }
  g.adam_steps.resize(n);
  for (auto& s : g.adam_steps) s = static_cast<std::int32_t>(rng() % 1000);
  return g;
}

}  // namespace splat::test
