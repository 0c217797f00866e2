#include "io/scene.hpp"

#include <filesystem>

#include "core/error.hpp"
#include "io/scene_formats.hpp"

namespace splat {

Scene load_scene(const std::string& dir, const DataOptions& options) {
  namespace fs = std::filesystem;
  std::error_code ignored;
  if (!fs::is_directory(dir, ignored)) fail(dir, ": no such dataset folder");
  if (const auto colmap = find_colmap_model(dir)) return load_colmap_scene(dir, *colmap, options);
  if (fs::exists(fs::path(dir) / "transforms_train.json", ignored))
    return load_blender_scene(dir, options);
  if (fs::exists(fs::path(dir) / "transforms.json", ignored))
    return load_transforms_scene(dir, options);
  fail(dir,
       ": no dataset found: expected a COLMAP model (sparse/0/, sparse/ or cameras.bin/"
       ".txt here), transforms_train.json (Blender) or transforms.json (instant-ngp, nerfstudio)");
}

}  // namespace splat
