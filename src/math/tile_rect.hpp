// Which tiles a projected Gaussian is rendered in. The reference rule is every tile its 3-sigma
// radius reaches; that rectangle decides visibility (and the radius densification sees). For
// the work list the rectangle is tightened to the bounding box of the ellipse outside which the
// Gaussian's alpha is below 1/255: it is skipped at those pixels anyway, so the image and the
// gradients are unchanged while elongated and faint Gaussians touch far fewer tiles.
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

// [x0, x1) x [y0, y1) in tiles for a box of half-widths reach_x, reach_y around mean2d, clamped
// to the grid; empty when the box misses the image.
template <class S>
SPLAT_HD void tile_rect(const S mean2d[2], S reach_x, S reach_y, int tiles_x, int tiles_y,
                        std::int32_t rect[4]) {
  const S tile = S(render::kTileSize);
  const auto clamp = [](S v, int hi) -> std::int32_t {
    return static_cast<std::int32_t>(v < 0 ? S(0) : (v > S(hi) ? S(hi) : v));
  };
  rect[0] = clamp(std::floor((mean2d[0] - reach_x) / tile), tiles_x);
  rect[1] = clamp(std::floor((mean2d[1] - reach_y) / tile), tiles_y);
  rect[2] = clamp(std::floor((mean2d[0] + reach_x) / tile) + 1, tiles_x);
  rect[3] = clamp(std::floor((mean2d[1] + reach_y) / tile) + 1, tiles_y);
}

SPLAT_HD bool tile_rect_empty(const std::int32_t rect[4]) {
  return rect[2] <= rect[0] || rect[3] <= rect[1];
}

// Half-widths along x and y of the region where opacity * exp(-q/2) >= 1/255 (q the conic's
// quadratic form), capped at the 3-sigma radius. Returns false when the Gaussian is too faint
// to pass 1/255 anywhere.
template <class S>
SPLAT_HD bool blending_reach(const S conic[3], S opacity, S radius, S reach[2]) {
  const S scaled = opacity / S(render::kAlphaMin);
  if (!(scaled > S(1))) return false;
  // A small margin keeps the box conservative against rounding in the per-pixel test.
  const S level = S(2) * std::log(scaled) + S(1e-2);
  const S det = conic[0] * conic[2] - conic[1] * conic[1];
  // The ellipse q = level spans sqrt(level * Sigma_xx) along x, Sigma = conic^-1.
  const S rx = std::sqrt(level * conic[2] / det), ry = std::sqrt(level * conic[0] / det);
  reach[0] = rx < radius ? rx : radius;
  reach[1] = ry < radius ? ry : radius;
  return true;
}

}  // namespace splat
