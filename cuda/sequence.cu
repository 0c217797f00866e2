#include "core/cuda_check.hpp"
#include "cuda/launch.cuh"
#include "cuda/sequence.cuh"

namespace splat::cuda {

namespace {
__global__ void sequence_u32_kernel(std::uint32_t* out, std::uint32_t count, std::uint32_t start,
                                    std::uint32_t step) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < count) out[i] = start + i * step;
}
}  // namespace

void launch_sequence_u32(std::uint32_t* out, std::uint32_t count, std::uint32_t start,
                         std::uint32_t step, cudaStream_t stream) {
  if (count == 0) return;
  constexpr std::uint32_t threads = 256;
  SPLAT_LAUNCH(sequence_u32_kernel, (count + threads - 1) / threads, threads, 0, stream)
  (out, count, start, step);
  SPLAT_CUDA_CHECK_LAUNCH("sequence_u32_kernel");
}

}  // namespace splat::cuda
