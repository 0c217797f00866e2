// In-place scaling of a float array (averaging gradients over a batch).
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>

namespace splat::cuda {

void launch_scale(float* values, std::size_t count, float factor, cudaStream_t stream);

}  // namespace splat::cuda
