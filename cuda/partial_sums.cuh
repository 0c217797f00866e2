// Deterministic sums over an image on the GPU: a kernel runs on a fixed grid of
// kPartialBlocks blocks, each block writes the double-precision sum of its threads' values to
// its slot, and launch_sum_partials adds the slots in a fixed order. The result does not depend
// on scheduling (unlike atomics), so a loss value is reproducible run to run.
// Included by .cu files only (it has device code).
#pragma once

#include <cuda_runtime_api.h>

#include <cub/block/block_reduce.cuh>

#include "cuda/shared_memory.cuh"

namespace splat::cuda {

constexpr int kPartialBlocks = 1024;
constexpr int kPartialThreads = 256;

// Called by every thread of a kPartialThreads block; thread 0 writes the block's sum.
__device__ inline void write_block_partial(double value, double* partials) {
  using Reduce = cub::BlockReduce<double, kPartialThreads>;
  SPLAT_SHARED(typename Reduce::TempStorage, storage);
  const double sum = Reduce(storage).Sum(value);
  if (threadIdx.x == 0) partials[blockIdx.x] = sum;
}

// sums[g] = the sum of partials[g * per_group .. (g + 1) * per_group), for g < groups.
void launch_sum_partials(const double* partials, int groups, int per_group, double* sums,
                         cudaStream_t stream);

}  // namespace splat::cuda
