// The Gaussians on the device for the current camera: parameters and gradients in the renderer's
// layout (one array per attribute, `capacity` rows each) plus the per-view screen-space
// statistics, all from the arena. Rows [0, count) are the working set (see ResidencyMap).
#pragma once

#include <array>
#include <cstddef>

#include "core/buffer.hpp"
#include "core/device_arena.hpp"
#include "train/view_renderer.hpp"

namespace splat {

class WorkingSet {
 public:
  WorkingSet() = default;
  WorkingSet(DeviceArena& arena, std::size_t capacity, int sh_degree);

  std::size_t capacity() const { return capacity_; }
  GaussianArrays params(std::size_t count) { return arrays(params_, count); }
  GaussianArrays grads(std::size_t count) { return arrays(grads_, count); }
  float* screen_grad() { return screen_grad_.as<float>(); }
  float* radii() { return radii_.as<float>(); }

  // Device bytes per row: parameters, gradients, screen gradient and radius.
  static std::size_t bytes_per_row(int sh_degree);

 private:
  using Arrays = std::array<Buffer, 5>;  // means, log_scales, rotations, opacity_logits, sh
  GaussianArrays arrays(Arrays& a, std::size_t count);
  static Arrays allocate(DeviceArena& arena, std::size_t capacity, int sh_degree, const char* what);

  std::size_t capacity_ = 0;
  int sh_degree_ = 0;
  Arrays params_, grads_;
  Buffer screen_grad_, radii_;
};

}  // namespace splat
