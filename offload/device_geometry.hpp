// `offload.resident: geometry`: every Gaussian's geometry (mean, log-scale, rotation, opacity),
// its Adam moments and its gradient sum stay in the arena, as CLM keeps them, so only the SH
// rows stream and geometry Adam runs on the device at the end of each batch. The pinned store
// stays the model's home for everything that reads or edits the whole model (checkpoints,
// export, densification): download() brings its geometry up to date first, and upload() sends
// an edited store back.
#pragma once

#include <cstddef>

#include "core/buffer.hpp"
#include "core/device_arena.hpp"
#include "offload/device_rows.hpp"
#include "offload/gaussian_store.hpp"

namespace splat {

class DeviceGeometry {
 public:
  DeviceGeometry() = default;
  // Rows for `gaussians` (step counts and touched marks only when Adam is `sparse`).
  DeviceGeometry(DeviceArena& arena, std::size_t gaussians, bool sparse);

  bool empty() const { return values_.empty(); }
  const GeometryTable& table() const { return table_; }

  // N-sized device bytes per Gaussian: values, both moments, the gradient sum (and a step
  // count and a mark when sparse).
  static std::size_t bytes_per_gaussian(bool sparse);

  // Store -> device: values, moments and step counts; gradient sums and marks start at zero.
  // Copies straight from the store's pinned chunks on `stream` and waits for them.
  void upload(const GaussianStore& store, Stream& stream);
  // Device -> store: values and moments (the store's step counts already agree: its row Adam
  // counts the same rows' steps for the SH).
  void download(GaussianStore& store, Stream& stream) const;

 private:
  Buffer values_, first_moment_, second_moment_, gradients_, steps_, touched_;
  GeometryTable table_;
};

}  // namespace splat
