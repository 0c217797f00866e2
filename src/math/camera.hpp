// A pinhole camera as every op sees it: plain data, usable on host and device.
#pragma once

namespace splat {

struct PinholeCamera {
  // World-to-camera transform: x_cam = R * x_world + t. R is row-major. Camera looks down +z,
  // x right, y down (the COLMAP / OpenCV convention).
  float R[9];
  float t[3];
  float fx, fy;  // focal lengths in pixels
  float cx, cy;  // principal point in pixels (pixel centres are at integer + 0.5)
  int width, height;
  float near_plane = 0.01f;
  float far_plane = 1e10f;
};

}  // namespace splat
