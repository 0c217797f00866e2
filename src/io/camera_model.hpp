// COLMAP's camera models: ids, names and parameter counts of all of them (a reader must know
// every model's size to skip it), and which ones splatstream can turn into a pinhole camera.
#pragma once

#include <string_view>

namespace splat {

enum class CameraModel {
  SimplePinhole = 0,  // f, cx, cy
  Pinhole = 1,        // fx, fy, cx, cy
  SimpleRadial = 2,   // f, cx, cy, k
  Radial = 3,         // f, cx, cy, k1, k2
  OpenCV = 4,         // fx, fy, cx, cy, k1, k2, p1, p2
  OpenCVFisheye = 5,
  FullOpenCV = 6,  // fx, fy, cx, cy, k1, k2, p1, p2, k3, k4, k5, k6
  Fov = 7,
  SimpleRadialFisheye = 8,
  RadialFisheye = 9,
  ThinPrismFisheye = 10,
  RadTanThinPrismFisheye = 11,
};

struct CameraModelInfo {
  CameraModel model;
  std::string_view name;  // as COLMAP writes it, e.g. "SIMPLE_RADIAL"
  int param_count;
  bool supported;  // splatstream can undistort it to a pinhole camera
};

// nullptr for an id or name COLMAP does not define.
const CameraModelInfo* find_camera_model(int id);
const CameraModelInfo* find_camera_model(std::string_view name);
const CameraModelInfo& camera_model_info(CameraModel model);

}  // namespace splat
