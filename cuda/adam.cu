#include "core/cuda_check.hpp"
#include "cuda/adam.cuh"
#include "cuda/launch.cuh"

namespace splat::cuda {

namespace {
__global__ void adam_step_kernel(float* __restrict__ params, float* __restrict__ m,
                                 float* __restrict__ v, const float* __restrict__ grad,
                                 std::size_t count, std::size_t row_width, std::size_t head,
                                 float head_step, float tail_step, float eps_scaled,
                                 AdamHyper hyper) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += stride) {
    const float step_size = (i % row_width) < head ? head_step : tail_step;
    adam_update(params[i], m[i], v[i], grad[i], step_size, eps_scaled, hyper);
  }
}
}  // namespace

void launch_adam_step(float* params, float* m, float* v, const float* grad, std::size_t count,
                      AdamRates rates, int step, AdamHyper hyper, cudaStream_t stream) {
  if (count == 0) return;
  // Computed on the host exactly as the CPU loop does, so both backends use equal constants.
  const float head_step = adam_step_size(rates.lr_head, hyper, step);
  const float tail_step = adam_step_size(rates.lr_tail, hyper, step);
  const float eps_scaled = adam_scaled_epsilon(hyper, step);
  constexpr int threads = 256;
  const std::size_t wanted = (count + threads - 1) / threads;
  const int blocks = static_cast<int>(wanted < 65536 ? wanted : 65536);
  SPLAT_LAUNCH(adam_step_kernel, blocks, threads, 0, stream)
  (params, m, v, grad, count, rates.row_width, rates.head, head_step, tail_step, eps_scaled, hyper);
  SPLAT_CUDA_CHECK_LAUNCH("adam_step_kernel");
}

}  // namespace splat::cuda
