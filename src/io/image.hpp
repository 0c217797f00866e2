// An image in memory: interleaved float samples, row-major from the top. Values are the file's
// code values scaled to [0, 1] (8-bit / 255, 16-bit / 65535) with no gamma conversion, as the
// reference trainer feeds them.
#pragma once

#include <cstddef>
#include <vector>

namespace splat {

struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;  // 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA
  std::vector<float> pixels;

  Image() = default;
  Image(int w, int h, int c)
      : width(w), height(h), channels(c), pixels(static_cast<std::size_t>(w) * h * c) {}
  float& at(int x, int y, int c) {
    return pixels[(static_cast<std::size_t>(y) * width + x) * channels + c];
  }
  float at(int x, int y, int c) const {
    return pixels[(static_cast<std::size_t>(y) * width + x) * channels + c];
  }
};

}  // namespace splat
