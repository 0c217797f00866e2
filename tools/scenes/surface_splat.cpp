#include "tools/scenes/surface_splat.hpp"

#include <algorithm>

namespace splat {

namespace {
constexpr float kShC0 = 0.28209479177387814f;
}

void quaternion_from_normal(Vec3 n, float q[4]) {
  const Vec3 z{0, 0, 1};
  const float c = dot(z, n);
  if (c < -0.9999f) {
    q[0] = 0, q[1] = 1, q[2] = 0, q[3] = 0;
    return;
  }
  const Vec3 axis = cross(z, n);
  const float w = 1.0f + c;
  const float norm = std::sqrt(w * w + dot(axis, axis));
  q[0] = w / norm, q[1] = axis.x / norm, q[2] = axis.y / norm, q[3] = axis.z / norm;
}

void store_surface_splat(GaussianModel& m, std::size_t i, const SurfaceSplat& s, float jitter) {
  m.means[3 * i] = s.position.x, m.means[3 * i + 1] = s.position.y,
              m.means[3 * i + 2] = s.position.z;
  m.log_scales[3 * i] = m.log_scales[3 * i + 1] = std::log(s.size * jitter);
  m.log_scales[3 * i + 2] = std::log(0.15f * s.size);  // thin along the normal
  quaternion_from_normal(s.normal, &m.rotations[4 * i]);
  m.opacity_logits[i] = std::log(0.9f / 0.1f);
  const int k = m.sh_coefficients();
  float* sh = &m.sh[i * k * 3];
  std::fill(sh, sh + k * 3, 0.0f);
  const float colour[3] = {s.colour.x, s.colour.y, s.colour.z};
  for (int ch = 0; ch < 3; ++ch) sh[ch] = (colour[ch] - 0.5f) / kShC0;
  if (k >= 4 && s.shine > 0) {
    // A highlight towards the normal: brighter when seen along it (degree-1 terms).
    const float n[3] = {s.normal.x, s.normal.y, s.normal.z};
    const int order[3] = {1, 2, 3};  // y, z, x basis functions
    const float basis[3] = {-n[1], n[2], -n[0]};
    for (int b = 0; b < 3; ++b)
      for (int ch = 0; ch < 3; ++ch) sh[order[b] * 3 + ch] = -s.shine * basis[b];
  }
}

}  // namespace splat
