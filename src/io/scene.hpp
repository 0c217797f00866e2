// A dataset as training sees it: views (camera + where its image comes from), their split, the
// scene's extent and the sparse points that seed the Gaussians. Loading reads the model files
// and every image's header (to check sizes), but no pixels.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "io/lens_camera.hpp"
#include "io/undistortion.hpp"
#include "math/camera.hpp"
#include "train/train_config.hpp"

namespace splat {

struct SceneView {
  std::string name;          // file name relative to the images folder; views sort by it
  std::string image_path;    // the file to decode
  PinholeCamera camera;      // at the resolution the image is delivered in
  std::string camera_model;  // the source model, e.g. "PINHOLE", "OPENCV" (for reports)

  // How the file's pixels become the delivered image: decode (file_width x file_height),
  // composite any alpha over `background`, undistort from `lens` into `undistorted` when the
  // lens has distortion, then area-resize to camera.width x camera.height.
  int file_width = 0, file_height = 0;
  LensCamera lens;                // the file's camera, at the file's size
  PinholeIntrinsics undistorted;  // the pinhole camera at the file's scale
  std::array<float, 3> background{1, 1, 1};
};

struct Scene {
  std::string format;  // "colmap-binary" | "colmap-text" | "blender" | "transforms"
  std::string source;  // the dataset folder
  std::vector<SceneView> train, test;
  float extent = 1;                  // 1.1 x largest distance of a training camera from their mean
  std::vector<float> points;         // N x 3, world space (empty: initialise randomly)
  std::vector<std::uint8_t> colors;  // N x 3, RGB
};

// Detects the format (COLMAP sparse/0, sparse or the folder itself; transforms_train.json;
// transforms.json) and loads it. Every problem is an Error naming the file and the problem.
Scene load_scene(const std::string& dir, const DataOptions& options);

}  // namespace splat
