// Writes a generated scene as a dataset every loader reads: images/ rendered by our renderer
// from the ground-truth Gaussians, sparse/0/ as a COLMAP binary model (PINHOLE cameras, the
// sparse point cloud as points3D) and ground_truth.ply. Rendering runs on whatever backend
// `backend` names (the GPU where one is usable).
#pragma once

#include <string>

#include "tools/scenes/orbit_scene.hpp"

namespace splat {

struct DatasetWriteOptions {
  std::string backend = "auto";
  float background[3] = {1, 1, 1};
};

void write_generated_dataset(const std::string& folder, const GeneratedScene& scene,
                             const DatasetWriteOptions& options);

}  // namespace splat
