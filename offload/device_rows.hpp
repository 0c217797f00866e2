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
#include "train/view_renderer.hpp"

namespace splat {

class DeviceRows {
 public:
  virtual ~DeviceRows() = default;
  // Each camera's sorted visible ids, from `count` spheres (x, y, z, radius) in device memory.
  // Waits for the compute stream.
  virtual std::vector<VisibleSet> cull(const float* spheres, std::size_t count,
                                       const std::vector<PinholeCamera>& cameras) = 0;
  // Rows i < count of `geometry` (11 floats) and `appearance` (device) go to slot first + i.
  virtual void unpack(const float* geometry, const float* appearance, std::size_t count,
                      std::size_t first_slot, const GaussianArrays& params) = 0;
  // The gradient rows of `slots`, in that order, into `geometry` and `appearance` (device).
  virtual void pack_gradients(const std::vector<std::uint32_t>& slots, const GaussianArrays& grads,
                              float* geometry, float* appearance) = 0;
  // Parameters and gradients of slot from[i] to slot to[i].
  virtual void move(const SlotMoves& moves, const GaussianArrays& params,
                    const GaussianArrays& grads) = 0;
  // spheres_out[ids[i]] = spheres[i] (host arrays, kept valid until the compute stream is
  // synchronised).
  virtual void write_spheres(const std::uint32_t* ids, const float* spheres, std::size_t count,
                             float* spheres_out) = 0;
};

std::unique_ptr<DeviceRows> make_cpu_device_rows(Stream& compute);

}  // namespace splat
