// Learning-rate, SH-degree and batch-size schedules of the 3DGS recipe.
#pragma once

#include <algorithm>
#include <cmath>

#include "math/adam.hpp"

namespace splat {

// Log-linear decay from `initial` at step 0 to `final` at `last_step` and after (the reference
// implementation's exponential position schedule, without its warm-up delay).
inline float exponential_decay(float initial, float final, int step, int last_step) {
  if (initial <= 0 || final <= 0) return initial;
  const double t = std::clamp(static_cast<double>(step) / std::max(last_step, 1), 0.0, 1.0);
  return static_cast<float>(std::exp(std::log(initial) * (1 - t) + std::log(final) * t));
}

// The SH degree the renderer uses at `step` (0-based): one more every `every` steps.
inline int active_sh_degree(int step, int every, int max_degree) {
  return std::min(max_degree, step / std::max(every, 1));
}

// Batched training (B cameras per optimizer step, gradients summed... then averaged) keeps the
// per-image dynamics of B = 1 by scaling learning rates with sqrt(B) and Adam's betas to
// beta^B, the rule batched 3DGS trainers use (Grendel-GS). B = 1 changes nothing.
inline float batch_lr_factor(int batch_size, bool sqrt_scaling) {
  return sqrt_scaling ? std::sqrt(static_cast<float>(batch_size)) : 1.0f;
}

inline AdamHyper batch_adam_hyper(int batch_size, bool scale_betas) {
  AdamHyper hyper;
  if (scale_betas && batch_size > 1) {
    hyper.beta1 = std::pow(hyper.beta1, static_cast<float>(batch_size));
    hyper.beta2 = std::pow(hyper.beta2, static_cast<float>(batch_size));
  }
  return hyper;
}

}  // namespace splat
