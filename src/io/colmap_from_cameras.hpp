// A COLMAP model from cameras splatstream already has (PinholeCamera, OpenCV axes) plus a point
// cloud: what a scene generator needs to emit a dataset that any COLMAP reader loads. Write it
// with write_colmap_model().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/colmap_model.hpp"
#include "math/camera.hpp"

namespace splat {

// One image per camera (ids from 1, names as given), PINHOLE intrinsics shared by images whose
// intrinsics and size are identical; points N x 3 with colours N x 3 (ids from 1, error -1,
// empty tracks). Throws Error when the counts disagree.
ColmapModel colmap_model_from_cameras(const std::vector<PinholeCamera>& cameras,
                                      const std::vector<std::string>& image_names,
                                      const std::vector<float>& points,
                                      const std::vector<std::uint8_t>& colors);

}  // namespace splat
