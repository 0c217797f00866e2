// Building a view from what every format provides: the image file, the camera that took it (at
// the file's size), the world-to-camera pose. Applies the resolution rule (downscale factor,
// width cap, never upscaling) and undistortion, so every format gets the same treatment.
#pragma once

#include <string>

#include "io/scene.hpp"

namespace splat {

struct ImageResolution {
  int width = 0;
  int height = 0;
};

// The delivered size of an image of width x height: divided by `downscale` (rounded), then
// narrowed to `max_width` (0: no cap) keeping the aspect ratio. Never larger than the input.
ImageResolution delivered_resolution(int width, int height, int downscale, int max_width);

// `R` row-major and `t` world-to-camera (OpenCV axes); both must be finite (checked, naming
// `where`). `file_lens` has the file's size.
SceneView make_scene_view(std::string name, std::string image_path, const LensCamera& file_lens,
                          const double R[9], const double t[3], std::string camera_model,
                          const DataOptions& options, const std::string& where);

// The RGB of data.background ("white" or "black").
std::array<float, 3> background_color(const DataOptions& options);

// `lens`, given for width x height, rescaled to the size of the file it describes. Files in
// images_2/4/8 are the camera's size divided (and rounded); any size with the camera's aspect
// ratio (within rounding) is accepted, anything else is an Error naming `image_path`.
LensCamera lens_for_file(const LensCamera& lens, int file_width, int file_height,
                         const std::string& image_path, const std::string& camera_name);

}  // namespace splat
