// Rows between the offload engine's streamed layout and the working set's slots. A streamed row
// is one Gaussian's parameters (or gradients) in the host store's grouped layout: geometry
// (11 floats: mean 3, log-scale 3, rotation 4, opacity logit 1) and appearance (SH coefficients
// x 3); a slot is one row index of the renderer's SoA arrays (see render_arrays.cuh).
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

#include "math/geometry_adam.hpp"

namespace splat::cuda {

// The working set's SoA arrays (parameters or gradients); `sh_width` floats of SH per slot.
struct SlotArrays {
  float* means;
  float* log_scales;
  float* rotations;
  float* opacity_logits;
  float* sh;
  std::uint32_t sh_width;
};

// Floats of a geometry row.
constexpr std::uint32_t kGeometryRowWidth = 11;

// Row i < count of `geometry` (count x 11) and `appearance` (count x sh_width) to slot first + i;
// a null `geometry` leaves the slots' geometry alone.
void launch_unpack_rows(const float* geometry, const float* appearance, std::size_t count,
                        std::size_t first_slot, SlotArrays slots, cudaStream_t stream);

// Row i of `geometry` / `appearance` from slot slots[i], i < count (a null `geometry`: the
// appearance only).
void launch_pack_rows(const std::uint32_t* slots, std::size_t count, SlotArrays arrays,
                      float* geometry, float* appearance, cudaStream_t stream);

// Slot from[i] to slot to[i] in both `params` and `grads`, all i < count in parallel: no slot
// of `to` may appear in `from`, and no slot twice in `to` (the caller splits longer chains).
void launch_move_slots(const std::uint32_t* from, const std::uint32_t* to, std::size_t count,
                       SlotArrays params, SlotArrays grads, cudaStream_t stream);

// spheres_out[ids[i]] = spheres[i] (4 floats each), i < count.
void launch_scatter_spheres(const std::uint32_t* ids, const float* spheres, std::size_t count,
                            float* spheres_out, cudaStream_t stream);

// Geometry kept on the device for every Gaussian (N rows of 11 floats; see GeometryTable in
// offload/device_rows.hpp): `steps` and `touched` are null unless Adam is sparse.
struct GeometryRows {
  float* values;
  float* first_moment;
  float* second_moment;
  float* gradients;
  std::int32_t* steps;
  std::uint8_t* touched;
  std::size_t rows;
};

// Row ids[i] of `table` (N x 11) into the geometry of slot first + i, i < count.
void launch_gather_geometry(const float* table, const std::uint32_t* ids, std::size_t count,
                            std::size_t first_slot, SlotArrays slots, cudaStream_t stream);

// geometry.gradients[ids[i]] = the geometry gradient of slot slots[i], and touched[ids[i]] = 1
// when there are marks; ids are distinct.
void launch_store_geometry_gradients(const std::uint32_t* slots, const std::uint32_t* ids,
                                     std::size_t count, SlotArrays grads, GeometryRows geometry,
                                     cudaStream_t stream);

// One Adam step of every row (dense, at `step`, with the host-folded `dense` sizes) or of the
// touched rows at their own step + 1 (sparse, folding their sizes from `rates`, clearing the
// marks); gradients are multiplied by grad_scale, then reset to zero.
void launch_geometry_adam(GeometryRows geometry, GeometryRates rates, AdamHyper hyper, int step,
                          bool sparse, float grad_scale, GeometryStepSizes dense,
                          cudaStream_t stream);

// spheres[i] = (mean, culling radius) of row i, every row.
void launch_geometry_spheres(GeometryRows geometry, float* spheres, cudaStream_t stream);

}  // namespace splat::cuda
