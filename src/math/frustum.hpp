// Conservative sphere-versus-frustum test for culling: a Gaussian is represented by its mean and
// a bounding radius (3 x its largest scale); it is kept whenever the renderer could give it a
// screen radius in this camera, so a culled subset renders, differentiates and feeds the
// densification statistics exactly as the whole model does. Shared by the CPU culler, the CUDA
// culling kernel and the scene generators.
//
// Why the bound holds: the renderer keeps a Gaussian when its mean u (pixels) lies within its
// screen radius r of the tile grid, u in [-r, 16 * tiles + r). Its 2D covariance is T Sigma T^T
// (T = J W, the Jacobian with x/z clamped to the limits L) dilated by kCovarianceDilation, and
// its radius is ceil(3 sqrt(mid + sqrt(max(spread, kMinEigenvalueSpread)))). With sigma the
// largest scale and |J|_2 <= f_max / z * sqrt(1 + Lx^2 + Ly^2) = f_max / z * kappa:
//   r <= 3 sigma kappa f_max / z + 3 sqrt(dilation + sqrt(min spread)) + 1.
// So widening the grid by that constant (kCullingPixelMargin) and scaling the culling radius by
// kappa * f_max / f_min makes the sphere reach every side plane the footprint reaches.
#pragma once

#include <cmath>

#include "math/camera.hpp"
#include "math/ewa_projection.hpp"
#include "math/host_device.hpp"
#include "math/render_constants.hpp"
#include "math/tile_rect.hpp"

namespace splat {

// Pixels the renderer's radius may exceed 3 sigma of the undilated footprint by (3.36), plus
// room for rounding.
constexpr float kCullingPixelMargin = 4.0f;

// Bounding radius in units of the largest standard deviation: the renderer's 3-sigma footprint.
constexpr float kCullingSigmas = 3.0f;

// A Gaussian's culling radius from its three log-scales: every culling sphere is made here, on
// the host and on the device alike.
SPLAT_HD float culling_radius(const float* log_scales) {
  return kCullingSigmas * expf(fmaxf(fmaxf(log_scales[0], log_scales[1]), log_scales[2]));
}

struct CullingFrustum {
  float R[9];
  float t[3];
  float near_plane, far_plane;
  // Inward normals (camera space) of the four side planes through the camera centre.
  float normals[4][3];
  // Factor from a culling radius (3 sigma) to the world radius whose sphere bounds the
  // footprint in this camera (kappa * f_max / f_min, see above).
  float radius_scale;
};

SPLAT_HD CullingFrustum make_culling_frustum(const PinholeCamera& c) {
  CullingFrustum f;
  for (int i = 0; i < 9; ++i) f.R[i] = c.R[i];
  for (int i = 0; i < 3; ++i) f.t[i] = c.t[i];
  f.near_plane = c.near_plane;
  f.far_plane = c.far_plane;
  const float m = kCullingPixelMargin;
  const float grid_w = static_cast<float>(tiles_across(c.width) * render::kTileSize);
  const float grid_h = static_cast<float>(tiles_across(c.height) * render::kTileSize);
  const float left = (-m - c.cx) / c.fx;  // x/z at the widened borders
  const float right = (grid_w + m - c.cx) / c.fx;
  const float top = (-m - c.cy) / c.fy;
  const float bottom = (grid_h + m - c.cy) / c.fy;
  // Plane x = left * z has inward normal (1, 0, -left) (normalised), and so on.
  const float raw[4][3] = {{1, 0, -left}, {-1, 0, right}, {0, 1, -top}, {0, -1, bottom}};
  for (int p = 0; p < 4; ++p) {
    const float length =
        sqrtf(raw[p][0] * raw[p][0] + raw[p][1] * raw[p][1] + raw[p][2] * raw[p][2]);
    for (int a = 0; a < 3; ++a) f.normals[p][a] = raw[p][a] / length;
  }
  float limits[4];
  camera_view_limits(c, limits);
  const float lx = fmaxf(limits[0], limits[1]), ly = fmaxf(limits[2], limits[3]);
  const float kappa = sqrtf(1.0f + lx * lx + ly * ly);
  const float focal_ratio = fmaxf(c.fx, c.fy) / fminf(c.fx, c.fy);
  f.radius_scale = kappa * focal_ratio * 1.001f;  // 0.1%: rounding of the renderer's terms
  return f;
}

// A negative radius marks a Gaussian whose mean may still move before it is next rendered (Adam
// steps deferred while it was out of view, offload/deferred_drift.hpp): |radius| then bounds its
// footprint and that movement together, and the near-plane test allows the movement too.
SPLAT_HD bool sphere_in_frustum(const CullingFrustum& f, float x, float y, float z, float radius) {
  const float near_allowance = radius < 0.0f ? -radius : 0.0f;
  radius = fabsf(radius);
  const float cx = f.R[0] * x + f.R[1] * y + f.R[2] * z + f.t[0];
  const float cy = f.R[3] * x + f.R[4] * y + f.R[5] * z + f.t[1];
  const float cz = f.R[6] * x + f.R[7] * y + f.R[8] * z + f.t[2];
  // The renderer drops every Gaussian whose mean is not beyond the near plane; culling keeps
  // those within the rounding of that depth as well.
  const float depth_rounding =
      1e-5f * (fabsf(f.R[6] * x) + fabsf(f.R[7] * y) + fabsf(f.R[8] * z) + fabsf(f.t[2]));
  if (cz + near_allowance <= f.near_plane - depth_rounding) return false;
  // And every one whose mean is at or beyond the far plane (a drifting one may come closer).
  if (cz - near_allowance >= f.far_plane + depth_rounding) return false;
  const float reach = radius * f.radius_scale;
  for (int p = 0; p < 4; ++p)
    if (f.normals[p][0] * cx + f.normals[p][1] * cy + f.normals[p][2] * cz < -reach) return false;
  return true;
}

}  // namespace splat
