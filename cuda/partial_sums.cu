#include "core/cuda_check.hpp"
#include "cuda/launch.cuh"
#include "cuda/partial_sums.cuh"
#include "cuda/shared_memory.cuh"

namespace splat::cuda {

namespace {

__global__ void sum_partials_kernel(const double* partials, int per_group, double* sums) {
  using Reduce = cub::BlockReduce<double, kPartialThreads>;
  SPLAT_SHARED(typename Reduce::TempStorage, storage);
  const double* group = partials + static_cast<std::size_t>(blockIdx.x) * per_group;
  double value = 0;
  for (int i = threadIdx.x; i < per_group; i += kPartialThreads) value += group[i];
  const double sum = Reduce(storage).Sum(value);
  if (threadIdx.x == 0) sums[blockIdx.x] = sum;
}

}  // namespace

void launch_sum_partials(const double* partials, int groups, int per_group, double* sums,
                         cudaStream_t stream) {
  if (groups <= 0) return;
  SPLAT_LAUNCH(sum_partials_kernel, groups, kPartialThreads, 0, stream)(partials, per_group, sums);
  SPLAT_CUDA_CHECK_LAUNCH("sum_partials_kernel");
}

}  // namespace splat::cuda
