// A perspective camera with lens distortion, in the form of COLMAP's FULL_OPENCV model; the other
// supported models (SIMPLE_PINHOLE, PINHOLE, SIMPLE_RADIAL, RADIAL, OPENCV) are special cases
// with some coefficients zero. Pixel coordinates put the centre of the top-left pixel at
// (0.5, 0.5), as COLMAP does.
#pragma once

#include <array>
#include <string>

#include "io/colmap_model.hpp"

namespace splat {

struct LensCamera {
  double fx = 1, fy = 1, cx = 0, cy = 0;
  int width = 0, height = 0;
  // k1, k2, p1, p2, k3, k4, k5, k6: radial (1 + k1 r^2 + k2 r^4 + k3 r^6) / (1 + k4 r^2 + k5 r^4
  // + k6 r^6), tangential p1, p2.
  std::array<double, 8> distortion{};

  bool has_distortion() const;
  // Normalised image coordinates (x/z, y/z) to their distorted position.
  void distort(double u, double v, double& du, double& dv) const;
  // The inverse by Newton's method; false when it does not converge (a point outside the range
  // where the distortion is invertible).
  bool undistort(double du, double dv, double& u, double& v) const;
  // Camera-space point to pixel; false behind the camera.
  bool project(const double point[3], double& px, double& py) const;
  // The same camera for an image scaled by (sx, sy) (e.g. a downsampled copy).
  LensCamera scaled(double sx, double sy) const;
};

// Throws Error naming `where` for models splatstream cannot undistort (fisheye models, FOV).
LensCamera lens_camera_from_colmap(const ColmapCamera& camera, const std::string& where);

}  // namespace splat
