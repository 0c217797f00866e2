// Writing COLMAP models, binary or text, in COLMAP's own layout (readable by COLMAP and by
// splatstream). Tools use it to emit datasets; each file is written atomically.
#pragma once

#include <string>

#include "io/colmap_model.hpp"
#include "io/colmap_model_reader.hpp"

namespace splat {

// Writes cameras, images and points3D (.bin or .txt) into `folder`, creating it if needed.
// Keypoints and tracks are written as the model holds them (empty lists are valid).
void write_colmap_model(const std::string& folder, const ColmapModel& model, ColmapFormat format);

// The file contents, for tests and fuzz seeds.
std::string colmap_cameras_binary(const ColmapModel& model);
std::string colmap_images_binary(const ColmapModel& model);
std::string colmap_points3d_binary(const ColmapModel& model);
std::string colmap_cameras_text(const ColmapModel& model);
std::string colmap_images_text(const ColmapModel& model);
std::string colmap_points3d_text(const ColmapModel& model);

}  // namespace splat
