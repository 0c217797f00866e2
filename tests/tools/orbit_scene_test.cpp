#include <catch2/catch.hpp>

#include <cmath>

#include "tools/scenes/orbit_scene.hpp"

using namespace splat;

namespace {
void project(const PinholeCamera& c, const float p[3], float& u, float& v, float& z) {
  const float x = c.R[0] * p[0] + c.R[1] * p[1] + c.R[2] * p[2] + c.t[0];
  const float y = c.R[3] * p[0] + c.R[4] * p[1] + c.R[5] * p[2] + c.t[1];
  z = c.R[6] * p[0] + c.R[7] * p[1] + c.R[8] * p[2] + c.t[2];
  u = c.fx * x / z + c.cx;
  v = c.fy * y / z + c.cy;
}
}  // namespace

TEST_CASE("orbit scene: deterministic, finite, and seen by every camera", "[generate]") {
  OrbitSceneOptions options;
  options.gaussians = 5000;
  options.views = 12;
  const auto a = generate_orbit_scene(options);
  const auto b = generate_orbit_scene(options);
  REQUIRE(a.model.means == b.model.means);
  REQUIRE(a.model.sh == b.model.sh);
  REQUIRE(a.model.size() == 5000);
  REQUIRE(a.cameras.size() == 12);
  REQUIRE(a.points.size() == 3 * 3000);
  for (float x : a.model.sh) REQUIRE(std::isfinite(x));
  for (float x : a.model.log_scales) REQUIRE(std::isfinite(x));
  options.seed = 2;
  REQUIRE(generate_orbit_scene(options).model.means != a.model.means);
  // The look-at target lands on the image centre, in front of every camera; the world's up
  // is up on screen.
  const float target[3] = {0, -0.2f, 0}, above[3] = {0, 0.8f, 0};
  for (const auto& camera : a.cameras) {
    float u, v, z;
    project(camera, target, u, v, z);
    REQUIRE(z > 1);
    REQUIRE(u == Approx(camera.cx).margin(1e-3));
    REQUIRE(v == Approx(camera.cy).margin(1e-3));
    float u2, v2, z2;
    project(camera, above, u2, v2, z2);
    REQUIRE(v2 < v);
  }
}

TEST_CASE("orbit scene: bad options are clear errors", "[generate]") {
  OrbitSceneOptions options;
  options.gaussians = 5;
  REQUIRE_THROWS_WITH(generate_orbit_scene(options), Catch::Contains("--gaussians"));
  options.gaussians = 1000;
  options.views = 1;
  REQUIRE_THROWS_WITH(generate_orbit_scene(options), Catch::Contains("--views"));
}
