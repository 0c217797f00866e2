#include "core/cuda_check.hpp"
#include "cuda/launch.cuh"
#include "cuda/row_kernels.cuh"
#include "math/frustum.hpp"

namespace splat::cuda {

namespace {

constexpr int kThreads = 256;

// Blocks for a grid-stride loop over `elements` (capped: each thread then takes several).
int blocks_for(std::size_t elements) {
  const std::size_t wanted = (elements + kThreads - 1) / kThreads;
  return static_cast<int>(wanted < 65536 ? wanted : 65536);
}

// Column `column` of a streamed row (geometry columns first, then the SH) in slot `slot`.
__device__ float& slot_element(const SlotArrays& a, std::size_t slot, std::uint32_t column) {
  if (column < 3) return a.means[slot * 3 + column];
  if (column < 6) return a.log_scales[slot * 3 + column - 3];
  if (column < 10) return a.rotations[slot * 4 + column - 6];
  if (column < kGeometryRowWidth) return a.opacity_logits[slot];
  return a.sh[slot * a.sh_width + column - kGeometryRowWidth];
}

// One thread per float: consecutive threads read consecutive floats of the streamed rows. Without
// geometry rows, the columns start at the SH.
__global__ void unpack_rows_kernel(const float* __restrict__ geometry,
                                   const float* __restrict__ appearance, std::size_t count,
                                   std::size_t first_slot, SlotArrays slots) {
  const std::uint32_t skipped = geometry ? 0 : kGeometryRowWidth;
  const std::uint32_t width = kGeometryRowWidth + slots.sh_width - skipped;
  const std::size_t total = count * width;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t e = blockIdx.x * blockDim.x + threadIdx.x; e < total; e += stride) {
    const std::size_t row = e / width;
    const auto column = static_cast<std::uint32_t>(e % width) + skipped;
    slot_element(slots, first_slot + row, column) =
        column < kGeometryRowWidth ? geometry[row * kGeometryRowWidth + column]
                                   : appearance[row * slots.sh_width + column - kGeometryRowWidth];
  }
}

__global__ void pack_rows_kernel(const std::uint32_t* __restrict__ slot_list, std::size_t count,
                                 SlotArrays arrays, float* __restrict__ geometry,
                                 float* __restrict__ appearance) {
  const std::uint32_t skipped = geometry ? 0 : kGeometryRowWidth;
  const std::uint32_t width = kGeometryRowWidth + arrays.sh_width - skipped;
  const std::size_t total = count * width;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t e = blockIdx.x * blockDim.x + threadIdx.x; e < total; e += stride) {
    const std::size_t row = e / width;
    const auto column = static_cast<std::uint32_t>(e % width) + skipped;
    const float value = slot_element(arrays, slot_list[row], column);
    if (column < kGeometryRowWidth)
      geometry[row * kGeometryRowWidth + column] = value;
    else
      appearance[row * arrays.sh_width + column - kGeometryRowWidth] = value;
  }
}

// Each element of a move is read and written by the same thread; different moves touch
// disjoint slots (the launcher's contract), so no thread reads what another writes.
__global__ void move_slots_kernel(const std::uint32_t* __restrict__ from,
                                  const std::uint32_t* __restrict__ to, std::size_t count,
                                  SlotArrays params, SlotArrays grads) {
  const std::uint32_t width = kGeometryRowWidth + params.sh_width;
  const std::size_t total = count * 2 * width;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t e = blockIdx.x * blockDim.x + threadIdx.x; e < total; e += stride) {
    const std::size_t move = e / (2 * width);
    const auto column = static_cast<std::uint32_t>(e % (2 * width));
    const SlotArrays& a = column < width ? params : grads;
    const std::uint32_t c = column < width ? column : column - width;
    slot_element(a, to[move], c) = slot_element(a, from[move], c);
  }
}

__global__ void scatter_spheres_kernel(const std::uint32_t* __restrict__ ids,
                                       const float4* __restrict__ spheres, std::size_t count,
                                       float4* __restrict__ spheres_out) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += stride)
    spheres_out[ids[i]] = spheres[i];
}

__global__ void gather_geometry_kernel(const float* __restrict__ table,
                                       const std::uint32_t* __restrict__ ids, std::size_t count,
                                       std::size_t first_slot, SlotArrays slots) {
  const std::size_t total = count * kGeometryRowWidth;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t e = blockIdx.x * blockDim.x + threadIdx.x; e < total; e += stride) {
    const std::size_t row = e / kGeometryRowWidth;
    const auto column = static_cast<std::uint32_t>(e % kGeometryRowWidth);
    slot_element(slots, first_slot + row, column) =
        table[std::size_t{ids[row]} * kGeometryRowWidth + column];
  }
}

__global__ void store_geometry_gradients_kernel(const std::uint32_t* __restrict__ slot_list,
                                                const std::uint32_t* __restrict__ ids,
                                                std::size_t count, SlotArrays grads,
                                                GeometryRows geometry) {
  const std::size_t total = count * kGeometryRowWidth;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t e = blockIdx.x * blockDim.x + threadIdx.x; e < total; e += stride) {
    const std::size_t row = e / kGeometryRowWidth;
    const auto column = static_cast<std::uint32_t>(e % kGeometryRowWidth);
    geometry.gradients[std::size_t{ids[row]} * kGeometryRowWidth + column] =
        slot_element(grads, slot_list[row], column);
    if (column == 0 && geometry.touched) geometry.touched[ids[row]] = 1;
  }
}

// One thread per row: its 11 floats are contiguous, and the step sizes are per row when sparse.
__global__ void geometry_adam_kernel(GeometryRows g, GeometryRates rates, AdamHyper hyper, int step,
                                     bool sparse, float grad_scale, GeometryStepSizes dense) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t row = blockIdx.x * blockDim.x + threadIdx.x; row < g.rows; row += stride) {
    GeometryStepSizes folded = dense;
    if (sparse) {
      if (!g.touched[row]) continue;
      g.touched[row] = 0;
      folded = geometry_step_sizes(rates, hyper, ++g.steps[row]);
    } else if (g.steps) {
      g.steps[row] = step;
    }
    const std::size_t at = row * kGeometryRowWidth;
    adam_geometry_row(g.values + at, g.first_moment + at, g.second_moment + at, g.gradients + at,
                      grad_scale, folded.sizes, folded.eps_scaled, hyper);
    for (std::uint32_t e = 0; e < kGeometryRowWidth; ++e) g.gradients[at + e] = 0.0f;
  }
}

__global__ void geometry_spheres_kernel(GeometryRows g, float4* __restrict__ spheres) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t row = blockIdx.x * blockDim.x + threadIdx.x; row < g.rows; row += stride) {
    const float* v = g.values + row * kGeometryRowWidth;
    spheres[row] = make_float4(v[0], v[1], v[2], culling_radius(v + 3));
  }
}

}  // namespace

void launch_unpack_rows(const float* geometry, const float* appearance, std::size_t count,
                        std::size_t first_slot, SlotArrays slots, cudaStream_t stream) {
  if (count == 0) return;
  const std::size_t elements = count * ((geometry ? kGeometryRowWidth : 0) + slots.sh_width);
  SPLAT_LAUNCH(unpack_rows_kernel, blocks_for(elements), kThreads, 0, stream)
  (geometry, appearance, count, first_slot, slots);
  SPLAT_CUDA_CHECK_LAUNCH("unpack_rows_kernel");
}

void launch_pack_rows(const std::uint32_t* slots, std::size_t count, SlotArrays arrays,
                      float* geometry, float* appearance, cudaStream_t stream) {
  if (count == 0) return;
  const std::size_t elements = count * ((geometry ? kGeometryRowWidth : 0) + arrays.sh_width);
  SPLAT_LAUNCH(pack_rows_kernel, blocks_for(elements), kThreads, 0, stream)
  (slots, count, arrays, geometry, appearance);
  SPLAT_CUDA_CHECK_LAUNCH("pack_rows_kernel");
}

void launch_move_slots(const std::uint32_t* from, const std::uint32_t* to, std::size_t count,
                       SlotArrays params, SlotArrays grads, cudaStream_t stream) {
  if (count == 0) return;
  const std::size_t elements = count * 2 * (kGeometryRowWidth + params.sh_width);
  SPLAT_LAUNCH(move_slots_kernel, blocks_for(elements), kThreads, 0, stream)
  (from, to, count, params, grads);
  SPLAT_CUDA_CHECK_LAUNCH("move_slots_kernel");
}

void launch_scatter_spheres(const std::uint32_t* ids, const float* spheres, std::size_t count,
                            float* spheres_out, cudaStream_t stream) {
  if (count == 0) return;
  // Both are 16-byte aligned: arena blocks are 256-byte aligned and rows are 16 bytes.
  SPLAT_LAUNCH(scatter_spheres_kernel, blocks_for(count), kThreads, 0, stream)
  (ids, reinterpret_cast<const float4*>(spheres), count, reinterpret_cast<float4*>(spheres_out));
  SPLAT_CUDA_CHECK_LAUNCH("scatter_spheres_kernel");
}

void launch_gather_geometry(const float* table, const std::uint32_t* ids, std::size_t count,
                            std::size_t first_slot, SlotArrays slots, cudaStream_t stream) {
  if (count == 0) return;
  SPLAT_LAUNCH(gather_geometry_kernel, blocks_for(count * kGeometryRowWidth), kThreads, 0, stream)
  (table, ids, count, first_slot, slots);
  SPLAT_CUDA_CHECK_LAUNCH("gather_geometry_kernel");
}

void launch_store_geometry_gradients(const std::uint32_t* slots, const std::uint32_t* ids,
                                     std::size_t count, SlotArrays grads, GeometryRows geometry,
                                     cudaStream_t stream) {
  if (count == 0) return;
  SPLAT_LAUNCH(store_geometry_gradients_kernel, blocks_for(count * kGeometryRowWidth), kThreads, 0,
               stream)
  (slots, ids, count, grads, geometry);
  SPLAT_CUDA_CHECK_LAUNCH("store_geometry_gradients_kernel");
}

void launch_geometry_adam(GeometryRows geometry, GeometryRates rates, AdamHyper hyper, int step,
                          bool sparse, float grad_scale, GeometryStepSizes dense,
                          cudaStream_t stream) {
  if (geometry.rows == 0) return;
  SPLAT_LAUNCH(geometry_adam_kernel, blocks_for(geometry.rows), kThreads, 0, stream)
  (geometry, rates, hyper, step, sparse, grad_scale, dense);
  SPLAT_CUDA_CHECK_LAUNCH("geometry_adam_kernel");
}

void launch_geometry_spheres(GeometryRows geometry, float* spheres, cudaStream_t stream) {
  if (geometry.rows == 0) return;
  // The culling set is 16-byte aligned: arena blocks are 256-byte aligned.
  SPLAT_LAUNCH(geometry_spheres_kernel, blocks_for(geometry.rows), kThreads, 0, stream)
  (geometry, reinterpret_cast<float4*>(spheres));
  SPLAT_CUDA_CHECK_LAUNCH("geometry_spheres_kernel");
}

}  // namespace splat::cuda
