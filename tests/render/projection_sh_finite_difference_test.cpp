// The per-Gaussian math on its own against central finite differences in double: EWA projection
// (including Gaussians beyond the Jacobian clamp and near the near plane) and SH colour.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "math/ewa_projection.hpp"
#include "math/spherical_harmonics.hpp"
#include "random_scene.hpp"

using namespace splat;

namespace {

// w . (mean2d, conic) for fixed weights.
double projection_objective(const PinholeCamera& c, const double* mean, const double* log_scale,
                            const double* q, const double w[5], bool& visible) {
  ScreenGaussian<double> g{};
  visible = project_gaussian(c, mean, log_scale, q, g);
  return w[0] * g.mean2d[0] + w[1] * g.mean2d[1] + w[2] * g.conic[0] + w[3] * g.conic[1] +
         w[4] * g.conic[2];
}

}  // namespace

TEST_CASE("projection gradients match finite differences, clamped and unclamped", "[math]") {
  std::mt19937 rng(3);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform(-1, 1);
  const PinholeCamera camera = test::random_camera(rng, 64, 48, 50.0f);
  int clamped = 0, checked = 0;
  for (int trial = 0; trial < 200; ++trial) {
    // Up to 3x the half field of view sideways: beyond the clamp at about 1.3x.
    const double z = 0.5 + 4 * std::abs(uniform(rng));
    const double pc[3] = {3 * uniform(rng) * z * 32 / 50.0, 3 * uniform(rng) * z * 24 / 52.5, z};
    double mean[3], log_scale[3], q[4], w[5];
    for (int a = 0; a < 3; ++a) {
      mean[a] = 0;
      for (int b = 0; b < 3; ++b) mean[a] += camera.R[b * 3 + a] * (pc[b] - camera.t[b]);
    }
    for (double& s : log_scale) s = -1.5 + 0.7 * normal(rng);
    for (double& v : q) v = normal(rng);
    for (double& v : w) v = normal(rng);
    bool visible;
    projection_objective(camera, mean, log_scale, q, w, visible);
    if (!visible) continue;
    double limits[4];
    camera_view_limits(camera, limits);
    clamped += pc[0] / z < -limits[0] || pc[0] / z > limits[1] || pc[1] / z < -limits[2] ||
               pc[1] / z > limits[3];
    double dmean[3], dlog_scale[3], dq[4];
    project_gaussian_backward(camera, mean, log_scale, q, w, w + 2, dmean, dlog_scale, dq);
    const auto check = [&](double* x, const double* exact, int n) {
      for (int i = 0; i < n; ++i) {
        const double saved = x[i], eps = 1e-6 * std::max(1.0, std::abs(saved));
        bool v1, v2;
        x[i] = saved + eps;
        const double up = projection_objective(camera, mean, log_scale, q, w, v1);
        x[i] = saved - eps;
        const double down = projection_objective(camera, mean, log_scale, q, w, v2);
        x[i] = saved;
        const double numeric = (up - down) / (2 * eps);
        INFO("trial " << trial << " analytic " << exact[i] << " numeric " << numeric);
        CHECK(std::abs(exact[i] - numeric) <= 1e-6 * (1 + std::abs(numeric)));
        ++checked;
      }
    };
    check(mean, dmean, 3);
    check(log_scale, dlog_scale, 3);
    check(q, dq, 4);
  }
  CHECK(clamped > 10);
  CHECK(checked > 1000);
}

TEST_CASE("SH colour gradients match finite differences at every degree", "[math]") {
  std::mt19937 rng(5);
  std::normal_distribution<double> normal;
  for (int degree = 0; degree <= 3; ++degree) {
    for (int trial = 0; trial < 20; ++trial) {
      double sh[48], mean[3], center[3], w[3];
      for (double& v : sh) v = 0.4 * normal(rng);
      for (int a = 0; a < 3; ++a) mean[a] = normal(rng), center[a] = 3 * normal(rng);
      for (double& v : w) v = normal(rng);
      const auto objective = [&] {
        double rgb[3];
        bool clamped[3];
        sh_to_color(degree, sh, mean, center, rgb, clamped);
        return w[0] * rgb[0] + w[1] * rgb[1] + w[2] * rgb[2];
      };
      double dsh[48] = {}, dmean[3] = {0, 0, 0};
      sh_to_color_backward(degree, sh, mean, center, w, dsh, dmean);
      const auto check = [&](double* x, const double* exact, int n) {
        for (int i = 0; i < n; ++i) {
          const double saved = x[i], eps = 1e-6;
          x[i] = saved + eps;
          const double up = objective();
          x[i] = saved - eps;
          const double down = objective();
          x[i] = saved;
          const double numeric = (up - down) / (2 * eps);
          INFO("degree " << degree << " analytic " << exact[i] << " numeric " << numeric);
          CHECK(std::abs(exact[i] - numeric) <= 1e-7 * (1 + std::abs(numeric)));
        }
      };
      check(sh, dsh, (degree + 1) * (degree + 1) * 3);
      check(mean, dmean, 3);
    }
  }
}
