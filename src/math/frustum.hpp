// Conservative sphere-versus-frustum test for culling: a Gaussian is represented by its mean and
// a bounding radius (3 x its largest scale); it is kept when that sphere may reach the image
// widened by a margin. Shared by the CPU culler and the CUDA culling kernel.
#pragma once

#include "math/camera.hpp"
#include "math/host_device.hpp"

namespace splat {

struct CullingFrustum {
  float R[9];
  float t[3];
  float near_plane;
  // Inward normals (camera space) of the four side planes through the camera centre.
  float normals[4][3];
};

// `margin` widens the image on every side by that fraction of its size, so Gaussians whose
// footprint reaches in from outside are kept.
SPLAT_HD CullingFrustum make_culling_frustum(const PinholeCamera& c, float margin) {
  CullingFrustum f;
  for (int i = 0; i < 9; ++i) f.R[i] = c.R[i];
  for (int i = 0; i < 3; ++i) f.t[i] = c.t[i];
  f.near_plane = c.near_plane;
  const float left = (0.0f - margin * c.width - c.cx) / c.fx;  // x/z at the widened borders
  const float right = (c.width * (1.0f + margin) - c.cx) / c.fx;
  const float top = (0.0f - margin * c.height - c.cy) / c.fy;
  const float bottom = (c.height * (1.0f + margin) - c.cy) / c.fy;
  // Plane x = left * z has inward normal (1, 0, -left) (normalised), and so on.
  const float raw[4][3] = {{1, 0, -left}, {-1, 0, right}, {0, 1, -top}, {0, -1, bottom}};
  for (int p = 0; p < 4; ++p) {
    const float length =
        sqrtf(raw[p][0] * raw[p][0] + raw[p][1] * raw[p][1] + raw[p][2] * raw[p][2]);
    for (int a = 0; a < 3; ++a) f.normals[p][a] = raw[p][a] / length;
  }
  return f;
}

SPLAT_HD bool sphere_in_frustum(const CullingFrustum& f, float x, float y, float z, float radius) {
  const float cx = f.R[0] * x + f.R[1] * y + f.R[2] * z + f.t[0];
  const float cy = f.R[3] * x + f.R[4] * y + f.R[5] * z + f.t[1];
  const float cz = f.R[6] * x + f.R[7] * y + f.R[8] * z + f.t[2];
  // The renderer drops every Gaussian whose mean is in front of the near plane; so does culling.
  if (cz <= f.near_plane) return false;
  for (int p = 0; p < 4; ++p)
    if (f.normals[p][0] * cx + f.normals[p][1] * cy + f.normals[p][2] * cz < -radius) return false;
  return true;
}

}  // namespace splat
