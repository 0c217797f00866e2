// Adam on the CPU: an OpenMP loop over contiguous arrays, vectorised (AVX2 where the CPU has
// it, chosen at load time, SSE2 otherwise). The per-element math is math/adam.hpp, the same the
// CUDA kernel runs.
#pragma once

#include <cstddef>

#include "math/adam.hpp"

namespace splat {

// One parameter array and its state; all arrays hold `count` floats.
struct AdamArrays {
  float* params;
  float* m;
  float* v;
  const float* grad;
  std::size_t count;
};

// A dense step: every element takes Adam step number `step` (1-based).
void adam_step_cpu(const AdamArrays& arrays, const AdamRates& rates, int step,
                   const AdamHyper& hyper);

}  // namespace splat
