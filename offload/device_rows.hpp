// The device-side row work of the offload engine, enqueued on the compute stream: culling the
// batch's cameras against the culling set, turning streamed rows (the store's grouped layout)
// into working-set slots, packing the gradients of leaving slots into rows for the trip back,
// keeping slots dense, and writing refreshed culling spheres. One implementation per backend
// (the CPU one runs each as a task of the compute stream's worker thread, so a missing event
// wait is a real race there too).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "cache/residency_map.hpp"
#include "cache/visibility_overlap.hpp"
#include "core/backend.hpp"
#include "core/device_arena.hpp"
#include "math/camera.hpp"
#include "math/geometry_adam.hpp"
#include "train/view_renderer.hpp"

namespace splat {

// Device scratch a DeviceRows implementation takes from the arena: a fixed part for culling
// `culled_gaussians` (beyond the visible-id list the plan already counts per Gaussian), and a
// part per row of a transfer chunk (slot lists and sphere rows cross in chunk-sized pieces).
struct DeviceRowsScratch {
  std::size_t fixed = 0;
  std::size_t per_chunk_row = 0;
};

// Geometry kept on the device for every Gaussian (`offload.resident: geometry`): rows of 11
// floats in the store's geometry layout. `gradients` holds, per Gaussian, the batch's gradient
// sum so far while the Gaussian is not in the working set (zero outside a batch); `steps` and
// `touched` exist only for sparse Adam (per-row step counts, and which rows the batch used).
struct GeometryTable {
  float* values = nullptr;
  float* first_moment = nullptr;
  float* second_moment = nullptr;
  float* gradients = nullptr;
  std::int32_t* steps = nullptr;
  std::uint8_t* touched = nullptr;
  std::size_t rows = 0;
};

// One Adam step of the device geometry: every row (dense: the zero-gradient step for rows the
// batch did not use, which is also what deferred Adam's catch-up would give them) or only the
// touched rows, each at its own step count + 1 (sparse). Gradients are reset to zero after.
struct GeometryAdamStep {
  GeometryRates rates;
  AdamHyper hyper;
  int step = 0;  // the optimizer step (every row's Adam step when dense)
  bool sparse = false;
  float grad_scale = 1;
  // Dense: every row's step sizes, folded on the host as the resident stores fold theirs (a
  // device's powf may differ in the last bit). Sparse rows fold their own from `rates`.
  GeometryStepSizes dense{};
};

class DeviceRows {
 public:
  virtual ~DeviceRows() = default;
  // What reserve(culled_gaussians, chunk_rows) takes from the arena, for the plan.
  virtual DeviceRowsScratch scratch(std::size_t culled_gaussians) const { return {}; }
  // Takes the scratch for a model of `culled_gaussians` (0: no culling, as in naive mode) and
  // transfer chunks of `chunk_rows`; release() gives it back before the arena is laid out anew.
  virtual void reserve(std::size_t culled_gaussians, std::size_t chunk_rows) {}
  virtual void release() {}
  // Each camera's sorted visible ids, from `count` spheres (x, y, z, radius) in device memory.
  // Waits for the compute stream.
  virtual std::vector<VisibleSet> cull(const float* spheres, std::size_t count,
                                       const std::vector<PinholeCamera>& cameras) = 0;
  // Rows i < count of `geometry` (11 floats) and `appearance` (device) go to slot first + i
  // (a null `geometry`: the appearance only).
  virtual void unpack(const float* geometry, const float* appearance, std::size_t count,
                      std::size_t first_slot, const GaussianArrays& params) = 0;
  // The gradient rows of `slots`, in that order, into `geometry` and `appearance` (device; a
  // null `geometry`: the appearance only).
  virtual void pack_gradients(const std::vector<std::uint32_t>& slots, const GaussianArrays& grads,
                              float* geometry, float* appearance) = 0;
  // Rows ids[i] (a device array) of the N-sized `table` (11 floats per row) into the geometry
  // of slot first + i, i < count.
  virtual void unpack_geometry(const float* table, const std::uint32_t* ids, std::size_t count,
                               std::size_t first_slot, const GaussianArrays& arrays) = 0;
  // geometry.gradients[ids[i]] = the geometry gradient of slot slots[i] (host lists), and the
  // row is marked touched when the table has marks.
  virtual void store_geometry_gradients(const std::vector<std::uint32_t>& slots,
                                        const std::uint32_t* ids, const GaussianArrays& grads,
                                        const GeometryTable& geometry) = 0;
  virtual void adam_geometry(const GeometryTable& geometry, const GeometryAdamStep& step) = 0;
  // Every row's culling sphere (mean, kCullingSigmas x the largest scale) into `spheres`.
  virtual void geometry_spheres(const GeometryTable& geometry, float* spheres) = 0;
  // Parameters and gradients of slot from[i] to slot to[i], in list order (a move sees what the
  // moves before it wrote).
  virtual void move(const SlotMoves& moves, const GaussianArrays& params,
                    const GaussianArrays& grads) = 0;
  // spheres_out[ids[i]] = spheres[i] (host arrays, kept valid until the compute stream is
  // synchronised).
  virtual void write_spheres(const std::uint32_t* ids, const float* spheres, std::size_t count,
                             float* spheres_out) = 0;
};

std::unique_ptr<DeviceRows> make_cpu_device_rows(Stream& compute);
// CUDA builds only (offload/cuda_device_rows.cpp): kernels on `compute`, scratch from `arena`;
// the scratch its scratch() names, without an instance (for plans made before any allocation).
DeviceRowsScratch cuda_device_rows_scratch(std::size_t culled_gaussians);
std::unique_ptr<DeviceRows> make_cuda_device_rows(Backend& backend, DeviceArena& arena,
                                                  Stream& compute);

}  // namespace splat
