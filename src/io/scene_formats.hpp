// The per-format scene loaders behind load_scene().
#pragma once

#include <string>

#include "io/colmap_model_reader.hpp"
#include "io/scene.hpp"

namespace splat {

Scene load_colmap_scene(const std::string& dir, const ColmapModelFiles& files,
                        const DataOptions& options);
// transforms_train.json + transforms_test.json (NeRF-synthetic).
Scene load_blender_scene(const std::string& dir, const DataOptions& options);
// One transforms.json (instant-ngp / nerfstudio).
Scene load_transforms_scene(const std::string& dir, const DataOptions& options);

}  // namespace splat
