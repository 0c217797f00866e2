// The renderer's view of a set of Gaussians: pointers to the parameter arrays in the
// GaussianModel layout, templated on the scalar so the CPU reference also runs in double for
// gradient checks. Gradients have the same shape and are accumulated (+=).
#pragma once

#include <cstddef>

namespace splat {

template <class S>
struct GaussianParams {
  const S* means;           // N x 3
  const S* log_scales;      // N x 3
  const S* rotations;       // N x 4 (w, x, y, z), unnormalised
  const S* opacity_logits;  // N
  const S* sh;              // N x K x 3, K = (stored_sh_degree + 1)^2
  std::size_t count;
  int stored_sh_degree;
};

template <class S>
struct GaussianGrads {
  S* means;
  S* log_scales;
  S* rotations;
  S* opacity_logits;
  S* sh;
};

}  // namespace splat
