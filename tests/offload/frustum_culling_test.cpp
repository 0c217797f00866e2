#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "offload/frustum_culling.hpp"

using namespace splat;

namespace {
PinholeCamera looking_down_z(int width, int height, float focal) {
  PinholeCamera c{};
  for (int i = 0; i < 9; ++i) c.R[i] = (i % 4 == 0) ? 1.0f : 0.0f;
  c.fx = c.fy = focal;
  c.cx = width / 2.0f;
  c.cy = height / 2.0f;
  c.width = width;
  c.height = height;
  c.near_plane = 0.2f;
  return c;
}
}  // namespace

TEST_CASE("culling: points inside and outside the view, near plane and radius", "[culling]") {
  const auto camera = looking_down_z(200, 100, 100);  // x/z in [-1, 1], y/z in [-0.5, 0.5]
  const std::vector<float> spheres = {
      0,    0,    5,    0.01f,  // 0: centre of view
      4.9f, 0,    5,    0.01f,  // 1: just inside the right border
      7.0f, 0,    5,    0.01f,  // 2: x/z = 1.4: beyond the 15% margin (1.3)
      7.0f, 0,    5,    2.0f,   // 3: same centre, but its sphere reaches in
      0,    0,    0.1f, 5.0f,   // 4: in front of the near plane: dropped whatever its size
      0,    0,    -5,   0.01f,  // 5: behind the camera
      0,    2.8f, 5,    0.01f,  // 6: y/z = 0.56: outside the image, inside the margin
      0,    3.5f, 5,    0.01f,  // 7: y/z = 0.7: outside both
  };
  const auto visible = cull_cameras_cpu(spheres.data(), spheres.size() / 4, {camera});
  REQUIRE(visible[0] == VisibleSet{0, 1, 3, 6});
}

TEST_CASE("culling: agrees with projecting every point, for random cameras", "[culling]") {
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> u(-10, 10);
  const std::size_t n = 20000;
  std::vector<float> spheres(n * 4);
  for (std::size_t i = 0; i < n; ++i) {
    for (int a = 0; a < 3; ++a) spheres[4 * i + a] = u(rng);
    spheres[4 * i + 3] = 0;  // points: culling must equal the widened-image test exactly
  }
  std::vector<PinholeCamera> cameras;
  for (int c = 0; c < 4; ++c) {
    auto camera = looking_down_z(64 + 16 * c, 48, 50.0f + 10 * c);
    const float angle = 0.7f * c;  // rotate about y
    const float co = std::cos(angle), si = std::sin(angle);
    const float R[9] = {co, 0, -si, 0, 1, 0, si, 0, co};
    std::copy(R, R + 9, camera.R);
    camera.t[2] = 3.0f;
    cameras.push_back(camera);
  }
  const auto visible = cull_cameras_cpu(spheres.data(), n, cameras);
  for (std::size_t c = 0; c < cameras.size(); ++c) {
    const auto& cam = cameras[c];
    VisibleSet expected;
    for (std::size_t i = 0; i < n; ++i) {
      const float* p = &spheres[4 * i];
      const float x = cam.R[0] * p[0] + cam.R[1] * p[1] + cam.R[2] * p[2] + cam.t[0];
      const float y = cam.R[3] * p[0] + cam.R[4] * p[1] + cam.R[5] * p[2] + cam.t[1];
      const float z = cam.R[6] * p[0] + cam.R[7] * p[1] + cam.R[8] * p[2] + cam.t[2];
      if (z <= cam.near_plane) continue;
      const float u_px = cam.fx * x / z + cam.cx, v_px = cam.fy * y / z + cam.cy;
      const float mx = kCullingMargin * cam.width, my = kCullingMargin * cam.height;
      // Skip points within a hair of a plane, where float rounding may go either way.
      const float edge = std::min({std::abs(u_px + mx), std::abs(cam.width + mx - u_px),
                                   std::abs(v_px + my), std::abs(cam.height + my - v_px)});
      if (edge < 1e-3f) continue;
      if (u_px >= -mx && u_px <= cam.width + mx && v_px >= -my && v_px <= cam.height + my)
        expected.push_back(static_cast<std::uint32_t>(i));
    }
    REQUIRE_FALSE(expected.empty());
    const VisibleSet& got = visible[c];
    // Every expected id is found, and nothing else beyond the borderline points.
    REQUIRE(std::includes(got.begin(), got.end(), expected.begin(), expected.end()));
    REQUIRE(got.size() <= expected.size() + 5);
  }
}

TEST_CASE("culling: spheres come from the largest scale", "[culling]") {
  GaussianModel model;
  model.sh_degree = 0;
  model.resize(2);
  model.means = {1, 2, 3, 4, 5, 6};
  model.log_scales = {std::log(0.1f), std::log(0.5f), std::log(0.2f), 0, 0, 0};
  std::vector<float> spheres(8);
  build_culling_spheres(model, 0, 2, spheres.data());
  CHECK(spheres[0] == 1);
  CHECK(spheres[3] == Approx(1.5f));
  CHECK(spheres[4] == 4);
  CHECK(spheres[7] == Approx(3.0f));
}
