// Turning a distorted camera into a pinhole one: the pinhole camera that keeps the focal length
// and covers the largest axis-aligned rectangle whose every pixel has a source pixel (so the
// result has no empty borders), and the bilinear resampling of an image into it.
#pragma once

#include "io/image.hpp"
#include "io/lens_camera.hpp"

namespace splat {

struct PinholeIntrinsics {
  double fx = 1, fy = 1, cx = 0, cy = 0;
  int width = 0, height = 0;
};

// For a camera without distortion this is the camera itself. Throws Error naming `where` when
// the distortion cannot be inverted along the image border.
PinholeIntrinsics undistorted_intrinsics(const LensCamera& lens, const std::string& where);

// Resamples `input` (taken with `lens`, at lens.width x lens.height) into `target`.
Image undistort_image(const Image& input, const LensCamera& lens, const PinholeIntrinsics& target);

}  // namespace splat
