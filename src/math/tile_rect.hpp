// Which tiles a projected Gaussian is rendered in: those its 3-sigma radius reaches. A pixel
// outside them never sees the Gaussian, which makes this rectangle part of the forward model.
#pragma once

#include <cmath>
#include <cstdint>

#include "math/host_device.hpp"
#include "math/render_constants.hpp"

namespace splat {

// Tiles along an image side of `pixels` pixels.
SPLAT_HD int tiles_across(int pixels) {
  return (pixels + render::kTileSize - 1) / render::kTileSize;
}

// [x0, x1) x [y0, y1) in tiles, clamped to the grid; empty when the disc misses the image.
template <class S>
SPLAT_HD void tile_rect(const S mean2d[2], S radius, int tiles_x, int tiles_y,
                        std::int32_t rect[4]) {
  const S tile = S(render::kTileSize);
  const auto clamp = [](S v, int hi) -> std::int32_t {
    return static_cast<std::int32_t>(v < 0 ? S(0) : (v > S(hi) ? S(hi) : v));
  };
  rect[0] = clamp(std::floor((mean2d[0] - radius) / tile), tiles_x);
  rect[1] = clamp(std::floor((mean2d[1] - radius) / tile), tiles_y);
  rect[2] = clamp(std::floor((mean2d[0] + radius) / tile) + 1, tiles_x);
  rect[3] = clamp(std::floor((mean2d[1] + radius) / tile) + 1, tiles_y);
}

SPLAT_HD bool tile_rect_empty(const std::int32_t rect[4]) {
  return rect[2] <= rect[0] || rect[3] <= rect[1];
}

}  // namespace splat
