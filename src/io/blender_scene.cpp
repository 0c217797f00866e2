// Blender / NeRF-synthetic datasets: transforms_train.json and transforms_test.json, one
// horizontal field of view (camera_angle_x) for square pixels, RGBA images composited over the
// background. The files' own split is kept.
#include <cmath>
#include <filesystem>

#include "core/error.hpp"
#include "io/frame_image_path.hpp"
#include "io/image_codec.hpp"
#include "io/mapped_file.hpp"
#include "io/scene_formats.hpp"
#include "io/scene_geometry.hpp"
#include "io/scene_view_builder.hpp"
#include "io/transforms_json.hpp"

namespace splat {

namespace fs = std::filesystem;

namespace {

std::vector<SceneView> load_split(const std::string& dir, const std::string& json_path,
                                  const DataOptions& options) {
  const MappedFile file(json_path);
  const TransformsFile transforms = parse_transforms_json(file.text(), json_path);
  std::vector<SceneView> views;
  for (std::size_t i = 0; i < transforms.frames.size(); ++i) {
    const TransformsFrame& frame = transforms.frames[i];
    const std::string where = str_cat(json_path, ": frame ", i);
    const TransformsIntrinsics in = transforms.intrinsics.merged(frame.intrinsics);
    if (!in.camera_angle_x) fail(where, ": no 'camera_angle_x'");
    if (!(*in.camera_angle_x > 0 && *in.camera_angle_x < M_PI))
      fail(where, ": 'camera_angle_x' must be between 0 and pi");
    const std::string path = frame_image_path(dir, frame.file_path, json_path);
    const ImageSize size = read_image_size(path);
    LensCamera lens;
    lens.width = size.width;
    lens.height = size.height;
    lens.fx = lens.fy = 0.5 * size.width / std::tan(0.5 * *in.camera_angle_x);
    lens.cx = 0.5 * size.width;
    lens.cy = 0.5 * size.height;
    double R[9], t[3];
    if (!opengl_camera_to_world_to_opencv_pose(frame.camera_to_world, R, t))
      fail(where, ": 'transform_matrix' is not invertible");
    // Frame names such as "./train/r_0" are unique per split; keep them as the view names.
    std::string name = fs::path(frame.file_path).lexically_normal().string();
    views.push_back(make_scene_view(std::move(name), path, lens, R, t, "PINHOLE", options, where));
  }
  return views;
}

}  // namespace

Scene load_blender_scene(const std::string& dir, const DataOptions& options) {
  Scene scene;
  scene.format = "blender";
  scene.source = dir;
  scene.train = load_split(dir, (fs::path(dir) / "transforms_train.json").string(), options);
  const std::string test_path = (fs::path(dir) / "transforms_test.json").string();
  std::error_code ignored;
  if (fs::exists(test_path, ignored)) scene.test = load_split(dir, test_path, options);
  if (scene.train.empty())
    fail((fs::path(dir) / "transforms_train.json").string(), ": has no frames");
  scene.extent = scene_extent(scene.train);
  return scene;
}

}  // namespace splat
