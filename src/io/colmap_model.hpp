// A COLMAP sparse model in memory, as the files hold it (ids unordered and not necessarily
// contiguous or 1-based; other tools write ids from 0). Readers and writers share it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "io/camera_model.hpp"

namespace splat {

struct ColmapCamera {
  std::int32_t id = 0;
  CameraModel model = CameraModel::Pinhole;
  std::uint64_t width = 0, height = 0;
  std::vector<double> params;  // camera_model_info(model).param_count values
};

struct ColmapPoint2D {
  double x = 0, y = 0;           // pixels; the centre of the top-left pixel is (0.5, 0.5)
  std::int64_t point3d_id = -1;  // -1: not a 3D point
};

struct ColmapImage {
  std::int32_t id = 0;
  std::array<double, 4> rotation{1, 0, 0, 0};  // world-to-camera quaternion (w, x, y, z)
  std::array<double, 3> translation{0, 0, 0};  // world-to-camera translation
  std::int32_t camera_id = 0;
  std::string name;                     // path relative to the images folder
  std::vector<ColmapPoint2D> points2d;  // empty when read without keypoints
};

struct ColmapTrackElement {
  std::int32_t image_id = 0;
  std::int32_t point2d_index = 0;  // other tools write values that do not resolve: kept as is
};

struct ColmapPoint3D {
  std::uint64_t id = 0;
  std::array<double, 3> position{0, 0, 0};
  std::array<std::uint8_t, 3> color{0, 0, 0};
  double error = -1;                      // -1 when the writer did not compute it
  std::vector<ColmapTrackElement> track;  // empty when read without tracks
};

struct ColmapModel {
  std::vector<ColmapCamera> cameras;
  std::vector<ColmapImage> images;
  std::vector<ColmapPoint3D> points;
};

// What a reader keeps. Training needs neither keypoints nor tracks, which are most of a large
// model's bytes; round trips and tools keep them.
struct ColmapReadOptions {
  bool keep_points2d = false;
  bool keep_tracks = false;
};

}  // namespace splat
