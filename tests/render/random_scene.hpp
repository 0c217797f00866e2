// Small random scenes for the render tests: Gaussians placed in front of a rotated camera with
// footprints from a pixel to a few tiles, overlapping so that blending order matters.
#pragma once

#include <cmath>
#include <random>
#include <vector>

#include "math/camera.hpp"
#include "math/gaussian_covariance.hpp"
#include "render/gaussian_params.hpp"

namespace splat::test {

template <class S>
struct RandomScene {
  int sh_degree = 3;
  std::size_t count = 0;
  std::vector<S> means, log_scales, rotations, opacity_logits, sh;
  PinholeCamera camera{};

  GaussianParams<S> params() const {
    return {means.data(), log_scales.data(), rotations.data(), opacity_logits.data(), sh.data(),
            count,        sh_degree};
  }
  int coefficients() const { return (sh_degree + 1) * (sh_degree + 1); }
  // Every parameter array, for loops over all of them.
  std::vector<std::vector<S>*> arrays() {
    return {&means, &log_scales, &rotations, &opacity_logits, &sh};
  }
};

// A camera looking at the origin-centred scene from a random direction.
inline PinholeCamera random_camera(std::mt19937& rng, int width, int height, float focal) {
  std::normal_distribution<float> normal;
  float q[4] = {normal(rng), normal(rng), normal(rng), normal(rng)};
  float unit[4], R[9];
  normalize_quaternion(q, unit);
  quaternion_to_matrix(unit, R);
  PinholeCamera c{};
  for (int i = 0; i < 9; ++i) c.R[i] = R[i];
  c.t[0] = 0.1f, c.t[1] = -0.05f, c.t[2] = 4.0f;  // the origin sits 4 units in front
  c.fx = focal, c.fy = focal * 1.05f;
  c.cx = 0.5f * width + 0.7f, c.cy = 0.5f * height - 0.4f;
  c.width = width, c.height = height;
  c.near_plane = 0.2f;
  return c;
}

template <class S>
RandomScene<S> random_scene(std::uint32_t seed, std::size_t count, int width, int height,
                            int sh_degree = 3, float spread = 1.2f) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  RandomScene<S> s;
  s.sh_degree = sh_degree;
  s.count = count;
  s.camera = random_camera(rng, width, height, 0.9f * width);
  const int k = s.coefficients();
  for (std::size_t i = 0; i < count; ++i) {
    // Camera-space position inside the view, then to world: x_w = R^T (x_c - t).
    const double z = 4.0 + 1.5 * uniform(rng);
    const double pc[3] = {spread * uniform(rng) * z * 0.5 * width / s.camera.fx,
                          spread * uniform(rng) * z * 0.5 * height / s.camera.fy, z};
    for (int a = 0; a < 3; ++a) {
      double w = 0;
      for (int b = 0; b < 3; ++b) w += s.camera.R[b * 3 + a] * (pc[b] - s.camera.t[b]);
      s.means.push_back(static_cast<S>(w));
    }
    for (int a = 0; a < 3; ++a) s.log_scales.push_back(static_cast<S>(-2.6 + 0.6 * normal(rng)));
    for (int a = 0; a < 4; ++a) s.rotations.push_back(static_cast<S>(normal(rng)));
    s.opacity_logits.push_back(static_cast<S>(0.5 + 1.2 * normal(rng)));
    for (int c = 0; c < k * 3; ++c)
      s.sh.push_back(static_cast<S>(c < 3 ? 0.8 * normal(rng) : 0.25 * normal(rng)));
  }
  return s;
}

}  // namespace splat::test
