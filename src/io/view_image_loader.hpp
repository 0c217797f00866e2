// One view's image as training needs it: decoded, alpha composited over the background,
// undistorted (through the disk cache when one is given), resized to the camera's resolution,
// RGB in [0, 1].
#pragma once

#include "io/scene.hpp"
#include "io/undistorted_image_cache.hpp"
#include "train/view_source.hpp"

namespace splat {

// `cache` may be null (undistort every time). Throws Error naming the image file.
ViewImage load_view_image(const SceneView& view, UndistortedImageCache* cache);

// RGB of any decoded image: gray replicated, alpha composited over `background`.
Image to_rgb(Image image, const std::array<float, 3>& background);

}  // namespace splat
