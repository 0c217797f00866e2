// instant-ngp / nerfstudio datasets: one transforms.json with pinhole intrinsics (fl_x, fl_y,
// cx, cy for a w x h image) and OpenCV-style distortion (k1, k2, k3, p1, p2), undistorted like
// COLMAP's OPENCV / FULL_OPENCV. The split is every data.test_every-th frame by name.
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

// nerfstudio writes "images/frame_00001.png"; with data.images = images_2 the same frame is
// "images_2/frame_00001.png".
std::string in_image_folder(const std::string& file_path, const DataOptions& options) {
  if (options.images == "images") return file_path;
  for (const std::string prefix : {"images/", "./images/"})
    if (file_path.rfind(prefix, 0) == 0)
      return options.images + "/" + file_path.substr(prefix.size());
  return file_path;
}

LensCamera frame_lens(const TransformsIntrinsics& in, int file_width, int file_height,
                      const std::string& path, const std::string& where) {
  const std::string model = in.camera_model.value_or("OPENCV");
  if (model != "OPENCV" && model != "PINHOLE" && model != "SIMPLE_PINHOLE")
    fail(where, ": camera_model ", model,
         " is not supported (supported: OPENCV, PINHOLE, SIMPLE_PINHOLE)");
  if (in.k4 && *in.k4 != 0)
    fail(where, ": k4 is only used by fisheye models, which are not supported");
  // The intrinsics are for a w x h image; without w and h, for the file itself.
  LensCamera lens;
  lens.width = in.w ? static_cast<int>(std::lround(*in.w)) : file_width;
  lens.height = in.h ? static_cast<int>(std::lround(*in.h)) : file_height;
  if (lens.width <= 0 || lens.height <= 0 || lens.width > 1 << 20 || lens.height > 1 << 20)
    fail(where, ": impossible image size w = ", lens.width, ", h = ", lens.height);
  if (in.fl_x) {
    lens.fx = *in.fl_x;
  } else if (in.camera_angle_x) {
    lens.fx = 0.5 * lens.width / std::tan(0.5 * *in.camera_angle_x);
  } else {
    fail(where, ": needs 'fl_x' or 'camera_angle_x'");
  }
  if (in.fl_y) {
    lens.fy = *in.fl_y;
  } else if (in.camera_angle_y) {
    lens.fy = 0.5 * lens.height / std::tan(0.5 * *in.camera_angle_y);
  } else {
    lens.fy = lens.fx;
  }
  if (!(lens.fx > 0 && lens.fy > 0 && std::isfinite(lens.fx) && std::isfinite(lens.fy)))
    fail(where, ": the focal length must be positive");
  lens.cx = in.cx.value_or(0.5 * lens.width);
  lens.cy = in.cy.value_or(0.5 * lens.height);
  lens.distortion = {in.k1.value_or(0),
                     in.k2.value_or(0),
                     in.p1.value_or(0),
                     in.p2.value_or(0),
                     in.k3.value_or(0),
                     0,
                     0,
                     0};
  return lens_for_file(lens, file_width, file_height, path, "the camera of " + where);
}

}  // namespace

Scene load_transforms_scene(const std::string& dir, const DataOptions& options) {
  const std::string json_path = (fs::path(dir) / "transforms.json").string();
  const MappedFile file(json_path);
  const TransformsFile transforms = parse_transforms_json(file.text(), json_path);
  std::vector<SceneView> views;
  for (std::size_t i = 0; i < transforms.frames.size(); ++i) {
    const TransformsFrame& frame = transforms.frames[i];
    const std::string where = str_cat(json_path, ": frame ", i);
    const std::string relative = in_image_folder(frame.file_path, options);
    const std::string path = frame_image_path(dir, relative, json_path);
    const ImageSize size = read_image_size(path);
    const TransformsIntrinsics in = transforms.intrinsics.merged(frame.intrinsics);
    const LensCamera lens = frame_lens(in, size.width, size.height, path, where);
    double R[9], t[3];
    if (!opengl_camera_to_world_to_opencv_pose(frame.camera_to_world, R, t))
      fail(where, ": 'transform_matrix' is not invertible");
    const bool distorted = lens.has_distortion();
    views.push_back(make_scene_view(fs::path(frame.file_path).lexically_normal().string(), path,
                                    lens, R, t, distorted ? "OPENCV" : "PINHOLE", options, where));
  }
  if (views.empty()) fail(json_path, ": has no frames");
  Scene scene;
  scene.format = "transforms";
  scene.source = dir;
  split_views(std::move(views), options.test_every, scene.train, scene.test);
  scene.extent = scene_extent(scene.train.empty() ? scene.test : scene.train);
  return scene;
}

}  // namespace splat
