#include "tools/scenes/city_view_blocks.hpp"

#include <algorithm>
#include <cmath>

#include "math/frustum.hpp"
#include "offload/frustum_culling.hpp"

namespace splat {

namespace {

// Whether some part of the box may be inside the frustum: for each plane, the box is out
// only when all eight corners are behind it. Conservative, like the sphere test it stands for.
bool box_in_frustum(const CullingFrustum& f, const float lo[3], const float hi[3]) {
  float corners[8][3];
  for (int c = 0; c < 8; ++c) {
    const float p[3] = {c & 1 ? hi[0] : lo[0], c & 2 ? hi[1] : lo[1], c & 4 ? hi[2] : lo[2]};
    for (int r = 0; r < 3; ++r)
      corners[c][r] = f.R[3 * r] * p[0] + f.R[3 * r + 1] * p[1] + f.R[3 * r + 2] * p[2] + f.t[r];
  }
  bool in_front = false;
  for (int c = 0; c < 8 && !in_front; ++c) in_front = corners[c][2] > f.near_plane;
  if (!in_front) return false;
  for (int p = 0; p < 4; ++p) {
    bool inside = false;
    for (int c = 0; c < 8 && !inside; ++c)
      inside = f.normals[p][0] * corners[c][0] + f.normals[p][1] * corners[c][1] +
                   f.normals[p][2] * corners[c][2] >=
               0;
    if (!inside) return false;
  }
  return true;
}

// Horizontal distance from the camera centre to the block's bounds.
float distance_to_block(const CityBlock& b, const float eye[3]) {
  const float dx = std::max({b.bounds_min[0] - eye[0], 0.0f, eye[0] - b.bounds_max[0]});
  const float dz = std::max({b.bounds_min[2] - eye[2], 0.0f, eye[2] - b.bounds_max[2]});
  return std::sqrt(dx * dx + dz * dz);
}

}  // namespace

std::vector<std::size_t> city_blocks_in_view(const CityLayout& city, const PinholeCamera& camera,
                                             float draw_distance) {
  const CullingFrustum frustum = make_culling_frustum(camera);
  // Camera centre: -R^T t.
  float eye[3];
  for (int a = 0; a < 3; ++a)
    eye[a] = -(camera.R[a] * camera.t[0] + camera.R[3 + a] * camera.t[1] +
               camera.R[6 + a] * camera.t[2]);
  std::vector<std::size_t> blocks;
  for (std::size_t i = 0; i < city.blocks.size(); ++i) {
    const CityBlock& b = city.blocks[i];
    if (b.gaussians == 0) continue;
    if (draw_distance > 0 && distance_to_block(b, eye) > draw_distance) continue;
    // Culling scales each Gaussian's radius by the camera's radius_scale: the box grows by
    // what that adds to the largest radius, so a block is never dropped while one of its
    // Gaussians would be kept.
    const float grow = (frustum.radius_scale - 1.0f) * city.gaussian_reach;
    float lo[3], hi[3];
    for (int a = 0; a < 3; ++a) lo[a] = b.bounds_min[a] - grow, hi[a] = b.bounds_max[a] + grow;
    if (box_in_frustum(frustum, lo, hi)) blocks.push_back(i);
  }
  return blocks;
}

}  // namespace splat
