// NeRF-style transforms files parsed from text: Blender/NeRF-synthetic transforms_*.json
// (camera_angle_x) and instant-ngp / nerfstudio transforms.json (fl_x, fl_y, cx, cy, w, h,
// k1, k2, k3, k4, p1, p2, camera_model), with per-frame values overriding the file's. Poses are
// camera-to-world in OpenGL axes (x right, y up, z backwards), as the files store them.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace splat {

struct TransformsIntrinsics {
  std::optional<double> camera_angle_x, camera_angle_y;
  std::optional<double> fl_x, fl_y, cx, cy, w, h;
  std::optional<double> k1, k2, k3, k4, p1, p2;
  std::optional<std::string> camera_model;

  // Values of `override_with` where it has them, else these.
  TransformsIntrinsics merged(const TransformsIntrinsics& override_with) const;
};

struct TransformsFrame {
  std::string file_path;
  std::array<double, 16> camera_to_world{};  // row-major 4x4, OpenGL axes
  TransformsIntrinsics intrinsics;           // this frame's own values
};

struct TransformsFile {
  TransformsIntrinsics intrinsics;
  std::vector<TransformsFrame> frames;
};

// Throws Error naming `source` for malformed JSON, missing or mistyped fields and non-finite
// numbers.
TransformsFile parse_transforms_json(std::string_view text, const std::string& source);

// The world-to-camera rotation (row-major) and translation in OpenCV axes (x right, y down,
// z forward) of an OpenGL camera-to-world matrix; false when the matrix is not invertible.
bool opengl_camera_to_world_to_opencv_pose(const std::array<double, 16>& camera_to_world,
                                           double R[9], double t[3]);

}  // namespace splat
