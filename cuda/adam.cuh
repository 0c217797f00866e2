// Fused Adam on the device: one pass reads param, m, v, grad and writes param, m, v.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>

#include "math/adam.hpp"

namespace splat::cuda {

void launch_adam_step(float* params, float* m, float* v, const float* grad, std::size_t count,
                      AdamRates rates, int step, AdamHyper hyper, cudaStream_t stream);

}  // namespace splat::cuda
