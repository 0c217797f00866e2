// The views a run trains and evaluates on: cameras with their ground-truth images. The scene
// loader provides them; the trainer does not know about files.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "math/camera.hpp"

namespace splat {

struct ViewImage {
  int width = 0;
  int height = 0;
  std::vector<float> rgb;  // height x width x 3, linear in [0, 1], row-major from the top
};

class ViewSource {
 public:
  virtual ~ViewSource() = default;
  virtual std::size_t count() const = 0;
  virtual const PinholeCamera& camera(std::size_t index) const = 0;
  virtual const std::string& name(std::size_t index) const = 0;
  // The ground truth at the camera's resolution; decodes (or waits for a prefetch) if needed.
  virtual std::shared_ptr<const ViewImage> image(std::size_t index) = 0;
  // A hint: these images are needed soon.
  virtual void prefetch(const std::vector<int>& indices) {}
};

}  // namespace splat
