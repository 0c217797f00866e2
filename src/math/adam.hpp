// One Adam step for one parameter, shared by the CPU loop and the CUDA kernel so both backends
// run the same arithmetic. Bias correction uses the step count of the parameter's row, which
// lets sparse and deferred updates keep exact per-Gaussian step counts.
#pragma once

#include <cmath>
#include <cstddef>

#include "math/host_device.hpp"

namespace splat {

struct AdamHyper {
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-15f;  // the 3DGS reference value
};

// Learning rates by position within a row: the first `head` of every `row_width` elements use
// lr_head, the others lr_tail (SH rows: degree 0 and the rest). {lr, lr, 1, 1} is one rate.
struct AdamRates {
  float lr_head;
  float lr_tail;
  std::size_t row_width = 1;
  std::size_t head = 1;
  SPLAT_HD static AdamRates uniform(float lr) { return {lr, lr, 1, 1}; }
};

// Bias-corrected step size lr * sqrt(1 - b2^t) / (1 - b1^t), computed once per (lr, t).
SPLAT_HD float adam_step_size(float lr, const AdamHyper& h, int step) {
  const float correction1 = 1.0f - powf(h.beta1, static_cast<float>(step));
  const float correction2 = 1.0f - powf(h.beta2, static_cast<float>(step));
  return lr * sqrtf(correction2) / correction1;
}

// The epsilon term is scaled the way PyTorch's Adam applies it after bias correction:
// param -= lr * m_hat / (sqrt(v_hat) + eps), rewritten with the folded step size.
SPLAT_HD void adam_update(float& param, float& m, float& v, float grad, float step_size,
                          float eps_scaled, const AdamHyper& h) {
  m = h.beta1 * m + (1.0f - h.beta1) * grad;
  v = h.beta2 * v + (1.0f - h.beta2) * grad * grad;
  param -= step_size * m / (sqrtf(v) + eps_scaled);
}

// eps * sqrt(1 - b2^t): with it, adam_update equals the textbook bias-corrected form exactly.
SPLAT_HD float adam_scaled_epsilon(const AdamHyper& h, int step) {
  return h.epsilon * sqrtf(1.0f - powf(h.beta2, static_cast<float>(step)));
}

}  // namespace splat
