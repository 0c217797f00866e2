#include "io/scene_view_builder.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace splat {

ImageResolution delivered_resolution(int width, int height, int downscale, int max_width) {
  const int factor = std::max(1, downscale);
  ImageResolution out{std::max(1, static_cast<int>(std::lround(double(width) / factor))),
                      std::max(1, static_cast<int>(std::lround(double(height) / factor)))};
  if (max_width > 0 && out.width > max_width) {
    out.height =
        std::max(1, static_cast<int>(std::lround(double(out.height) * max_width / out.width)));
    out.width = max_width;
  }
  return out;
}

std::array<float, 3> background_color(const DataOptions& options) {
  return options.background == "black" ? std::array<float, 3>{0, 0, 0}
                                       : std::array<float, 3>{1, 1, 1};
}

LensCamera lens_for_file(const LensCamera& lens, int file_width, int file_height,
                         const std::string& image_path, const std::string& camera_name) {
  const double sx = double(file_width) / lens.width;
  const double sy = double(file_height) / lens.height;
  // Folders of downscaled images round each side separately; allow that rounding.
  const double expected_height = lens.height * sx;
  if (std::abs(expected_height - file_height) > 1.5)
    fail(image_path, ": the image is ", file_width, "x", file_height,
         ", which matches no scaling of ", camera_name, " (", lens.width, "x", lens.height, ")");
  LensCamera scaled = lens.scaled(sx, sy);
  scaled.width = file_width;
  scaled.height = file_height;
  return scaled;
}

SceneView make_scene_view(std::string name, std::string image_path, const LensCamera& file_lens,
                          const double R[9], const double t[3], std::string camera_model,
                          const DataOptions& options, const std::string& where) {
  for (int i = 0; i < 9; ++i)
    if (!std::isfinite(R[i])) fail(where, ": view ", name, " has a NaN or infinite rotation");
  for (int i = 0; i < 3; ++i)
    if (!std::isfinite(t[i])) fail(where, ": view ", name, " has a NaN or infinite position");

  SceneView view;
  view.name = std::move(name);
  view.image_path = std::move(image_path);
  view.camera_model = std::move(camera_model);
  view.file_width = file_lens.width;
  view.file_height = file_lens.height;
  view.lens = file_lens;
  view.undistorted = undistorted_intrinsics(file_lens, where);
  view.background = background_color(options);

  const PinholeIntrinsics& u = view.undistorted;
  const ImageResolution size =
      delivered_resolution(u.width, u.height, options.resolution, options.max_width);
  const double sx = double(size.width) / u.width, sy = double(size.height) / u.height;
  PinholeCamera& camera = view.camera;
  for (int i = 0; i < 9; ++i) camera.R[i] = static_cast<float>(R[i]);
  for (int i = 0; i < 3; ++i) camera.t[i] = static_cast<float>(t[i]);
  camera.fx = static_cast<float>(u.fx * sx);
  camera.fy = static_cast<float>(u.fy * sy);
  camera.cx = static_cast<float>(u.cx * sx);
  camera.cy = static_cast<float>(u.cy * sy);
  camera.width = size.width;
  camera.height = size.height;
  if (options.far_plane > 0) camera.far_plane = options.far_plane;
  return view;
}

}  // namespace splat
