#include <thrust/iterator/counting_iterator.h>
#include <cub/device/device_select.cuh>

#include "core/cuda_check.hpp"
#include "cuda/frustum_culling.cuh"

namespace splat::cuda {

namespace {
struct InFrustum {
  const float4* spheres;
  CullingFrustum frustum;
  __device__ bool operator()(std::uint32_t id) const {
    const float4 s = spheres[id];  // one 16-byte load per Gaussian
    return sphere_in_frustum(frustum, s.x, s.y, s.z, s.w);
  }
};
}  // namespace

std::size_t cull_scratch_bytes(std::uint32_t count) {
  std::size_t bytes = 0;
  SPLAT_CUDA_CHECK(
      cub::DeviceSelect::If(nullptr, bytes, thrust::counting_iterator<std::uint32_t>(0),
                            static_cast<std::uint32_t*>(nullptr),
                            static_cast<std::uint32_t*>(nullptr), count, InFrustum{nullptr, {}}));
  return bytes;
}

void launch_cull_visible(const float* spheres, std::uint32_t count, const CullingFrustum& frustum,
                         std::uint32_t* visible_ids, std::uint32_t* visible_count, void* scratch,
                         std::size_t scratch_bytes, cudaStream_t stream) {
  SPLAT_CUDA_CHECK(cub::DeviceSelect::If(
      scratch, scratch_bytes, thrust::counting_iterator<std::uint32_t>(0), visible_ids,
      visible_count, count, InFrustum{reinterpret_cast<const float4*>(spheres), frustum}, stream));
}

}  // namespace splat::cuda
