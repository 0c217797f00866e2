#include "io/view_image_loader.hpp"

#include "core/error.hpp"
#include "io/image_codec.hpp"
#include "io/image_resize.hpp"
#include "io/undistortion.hpp"

namespace splat {

Image to_rgb(Image image, const std::array<float, 3>& background) {
  if (image.channels == 3) return image;
  Image rgb(image.width, image.height, 3);
  const bool gray = image.channels <= 2;
  const bool alpha = image.channels == 2 || image.channels == 4;
  const std::size_t pixels = static_cast<std::size_t>(image.width) * image.height;
  for (std::size_t i = 0; i < pixels; ++i) {
    const float* in = &image.pixels[i * image.channels];
    const float a = alpha ? in[image.channels - 1] : 1.0f;
    for (int c = 0; c < 3; ++c) {
      const float value = gray ? in[0] : in[c];
      // Straight (not premultiplied) alpha, as PNG stores it.
      rgb.pixels[i * 3 + c] = value * a + background[c] * (1.0f - a);
    }
  }
  return rgb;
}

ViewImage load_view_image(const SceneView& view, UndistortedImageCache* cache) {
  const bool distorted = view.lens.has_distortion();
  Image rgb;
  bool from_cache = false;
  if (distorted && cache != nullptr) {
    if (auto cached = cache->load(view)) {
      rgb = std::move(*cached);
      from_cache = true;
    }
  }
  if (!from_cache) {
    Image decoded = read_image(view.image_path);
    if (decoded.width != view.file_width || decoded.height != view.file_height)
      fail(view.image_path, ": is now ", decoded.width, "x", decoded.height, " but was ",
           view.file_width, "x", view.file_height, " when the scene was loaded");
    rgb = to_rgb(std::move(decoded), view.background);
    if (distorted) rgb = undistort_image(rgb, view.lens, view.undistorted);
    if (rgb.width != view.camera.width || rgb.height != view.camera.height)
      rgb = resize_area(rgb, view.camera.width, view.camera.height);
    if (distorted && cache != nullptr) cache->store(view, rgb);
  }
  ViewImage out;
  out.width = rgb.width;
  out.height = rgb.height;
  out.rgb = std::move(rgb.pixels);
  return out;
}

}  // namespace splat
