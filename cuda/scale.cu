#include "core/cuda_check.hpp"
#include "cuda/launch.cuh"
#include "cuda/scale.cuh"

namespace splat::cuda {

namespace {
__global__ void scale_kernel(float* values, std::size_t count, float factor) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += stride)
    values[i] *= factor;
}
}  // namespace

void launch_scale(float* values, std::size_t count, float factor, cudaStream_t stream) {
  if (count == 0) return;
  constexpr int threads = 256;
  const std::size_t wanted = (count + threads - 1) / threads;
  SPLAT_LAUNCH(scale_kernel, static_cast<int>(wanted < 65536 ? wanted : 65536), threads, 0, stream)
  (values, count, factor);
  SPLAT_CUDA_CHECK_LAUNCH("scale_kernel");
}

}  // namespace splat::cuda
