// Frustum culling on the GPU: selects, in increasing order, the ids of the Gaussians whose
// bounding sphere may reach the camera's (widened) image. Reads only the culling set.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

#include "math/frustum.hpp"

namespace splat::cuda {

// Scratch bytes launch_cull_visible needs for `count` Gaussians.
std::size_t cull_scratch_bytes(std::uint32_t count);

// spheres: count x 4 floats (x, y, z, radius). Writes the visible ids to visible_ids (room for
// `count`) and their number to *visible_count (device memory).
void launch_cull_visible(const float* spheres, std::uint32_t count, const CullingFrustum& frustum,
                         std::uint32_t* visible_ids, std::uint32_t* visible_count, void* scratch,
                         std::size_t scratch_bytes, cudaStream_t stream);

}  // namespace splat::cuda
