// Fills a device array with start, start+step, ... — used to build index lists on the GPU
// (and by the GPU tests as the simplest checked kernel launch).
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace splat::cuda {

void launch_sequence_u32(std::uint32_t* out, std::uint32_t count, std::uint32_t start,
                         std::uint32_t step, cudaStream_t stream);

}  // namespace splat::cuda
