#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <random>

#include "math/ewa_projection.hpp"
#include "math/frustum.hpp"
#include "math/tile_rect.hpp"
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
  // x/z in [-1, 1] and y/z in [-0.5, 0.5] on the image; the tile grid (208 x 112) and the
  // 4-pixel margin widen that to x/z in [-1.04, 1.12] and y/z in [-0.54, 0.66].
  const auto camera = looking_down_z(200, 100, 100);
  const std::vector<float> spheres = {
      0,     0,    5,    0.01f,  // 0: centre of view
      4.9f,  0,    5,    0.01f,  // 1: just inside the right border
      7.0f,  0,    5,    0.01f,  // 2: x/z = 1.4: beyond the widened border
      7.0f,  0,    5,    2.0f,   // 3: same centre, but its sphere reaches in
      0,     0,    0.1f, 5.0f,   // 4: in front of the near plane: dropped whatever its size
      0,     0,    -5,   0.01f,  // 5: behind the camera
      0,     3.0f, 5,    0.01f,  // 6: y/z = 0.6: below the image, on the last tile row
      0,     3.5f, 5,    0.01f,  // 7: y/z = 0.7: outside both
      -5.3f, 0,    5,    0.01f,  // 8: x/z = -1.06: beyond the left border's margin
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
      // The tile grid widened by the margin on every side.
      const float m = kCullingPixelMargin;
      const float right = tiles_across(cam.width) * 16.0f + m;
      const float bottom = tiles_across(cam.height) * 16.0f + m;
      // Skip points within a hair of a plane, where float rounding may go either way.
      const float edge = std::min({std::abs(u_px + m), std::abs(right - u_px), std::abs(v_px + m),
                                   std::abs(bottom - v_px)});
      if (edge < 1e-3f) continue;
      if (u_px >= -m && u_px <= right && v_px >= -m && v_px <= bottom)
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

TEST_CASE("culling: the pixel margin covers the renderer's dilation and rounding", "[culling]") {
  const float bound =
      3.0f * std::sqrt(render::kCovarianceDilation + std::sqrt(render::kMinEigenvalueSpread)) +
      1.0f;
  CHECK(kCullingPixelMargin >= bound);
  CHECK(kCullingPixelMargin < bound + 1.0f);
}

// The property the offload engine's exactness rests on: every Gaussian the renderer gives a
// screen radius (a nonempty tile rectangle) survives culling, so rendering the culled subset
// yields the same pixels, gradients and densification statistics as the whole model.
TEST_CASE("culling: keeps every Gaussian the renderer gives a screen radius", "[culling]") {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-1, 1), unit(0, 1);
  const std::size_t n = 200000;
  GaussianModel model;
  model.sh_degree = 0;
  model.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    // A cloud around and in front of the camera, many close to it and far off-axis, with
    // scales from tiny to large and strongly anisotropic.
    for (int a = 0; a < 3; ++a) model.means[i * 3 + a] = 6 * u(rng) * unit(rng);
    for (int a = 0; a < 3; ++a) model.log_scales[i * 3 + a] = -6 + 6.5f * unit(rng);
    float q[4], norm = 0;
    for (float& c : q) c = u(rng), norm += c * c;
    for (int a = 0; a < 4; ++a) model.rotations[i * 4 + a] = q[a] / std::sqrt(norm);
  }
  std::vector<float> spheres(n * 4);
  build_culling_spheres(model, 0, n, spheres.data());

  std::vector<PinholeCamera> cameras;
  for (int c = 0; c < 6; ++c) {
    // Sizes off the tile grid, unequal focal lengths, off-centre principal points.
    auto camera = looking_down_z(90 + 37 * c, 61 + 23 * c, 60.0f + 25 * c);
    camera.fy = camera.fx * (0.8f + 0.1f * c);
    camera.cx += 7.0f * (c - 2);
    camera.cy -= 5.0f * (c - 3);
    camera.near_plane = 0.05f;
    const float angle = 1.1f * c, co = std::cos(angle), si = std::sin(angle);
    const float R[9] = {co, 0, -si, 0, 1, 0, si, 0, co};
    std::copy(R, R + 9, camera.R);
    camera.t[0] = 0.3f * (c - 2);
    camera.t[2] = 1.5f;
    cameras.push_back(camera);
  }
  const auto culled = cull_cameras_cpu(spheres.data(), n, cameras);
  for (std::size_t c = 0; c < cameras.size(); ++c) {
    const PinholeCamera& cam = cameras[c];
    const int tiles_x = tiles_across(cam.width), tiles_y = tiles_across(cam.height);
    VisibleSet rendered;
    std::size_t near_edge = 0;  // shown by the renderer while outside the image
    for (std::size_t i = 0; i < n; ++i) {
      ScreenGaussian<float> s;
      if (!project_gaussian(cam, &model.means[i * 3], &model.log_scales[i * 3],
                            &model.rotations[i * 4], s))
        continue;
      std::int32_t rect[4];
      tile_rect(s.mean2d, s.radius, s.radius, tiles_x, tiles_y, rect);
      if (tile_rect_empty(rect)) continue;
      rendered.push_back(static_cast<std::uint32_t>(i));
      near_edge += s.mean2d[0] < 0 || s.mean2d[0] >= cam.width || s.mean2d[1] < 0 ||
                   s.mean2d[1] >= cam.height;
    }
    INFO("camera " << c << ": renderer shows " << rendered.size() << " (" << near_edge
                   << " centred off the image), culling keeps " << culled[c].size());
    REQUIRE(near_edge > 100);  // the test reaches the borders it is about
    VisibleSet missing;
    std::set_difference(rendered.begin(), rendered.end(), culled[c].begin(), culled[c].end(),
                        std::back_inserter(missing));
    CHECK(missing.empty());
    // Conservative, not loose: culling keeps at most a third more than the renderer shows.
    CHECK(culled[c].size() < rendered.size() * 4 / 3);
  }
}

TEST_CASE("culling: a far plane drops what the renderer does not draw, and keeps the rest",
          "[culling]") {
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> u(-1, 1);
  auto camera = looking_down_z(96, 64, 60);
  camera.far_plane = 8;
  const std::size_t n = 30000;
  std::vector<float> spheres(n * 4);
  GaussianModel model;
  model.sh_degree = 0;
  model.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const float z = 0.1f + 12 * (u(rng) + 1) / 2;
    const float p[3] = {z * u(rng), z * u(rng), z};
    for (int a = 0; a < 3; ++a) model.means[i * 3 + a] = spheres[i * 4 + a] = p[a];
    for (int a = 0; a < 3; ++a) model.log_scales[i * 3 + a] = -4 + u(rng);
    model.rotations[i * 4] = 1;
    spheres[i * 4 + 3] = culling_radius(&model.log_scales[i * 3]);
  }
  const VisibleSet kept = cull_cameras_cpu(spheres.data(), n, {camera})[0];
  std::size_t drawn = 0, beyond = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ScreenGaussian<float> s;
    const bool draws = project_gaussian(camera, &model.means[i * 3], &model.log_scales[i * 3],
                                        &model.rotations[i * 4], s);
    if (draws) {
      ++drawn;
      std::int32_t r[4];
      tile_rect(s.mean2d, s.radius, s.radius, tiles_across(camera.width),
                tiles_across(camera.height), r);
      if (tile_rect_empty(r)) continue;  // given a radius, but off the tile grid
      INFO("Gaussian " << i << " at depth " << model.means[i * 3 + 2]);
      REQUIRE(std::binary_search(kept.begin(), kept.end(), std::uint32_t(i)));
    }
    if (model.means[i * 3 + 2] >= 8.001f) {
      ++beyond;
      REQUIRE_FALSE(std::binary_search(kept.begin(), kept.end(), std::uint32_t(i)));
    }
  }
  REQUIRE(drawn > 1000);
  REQUIRE(beyond > 1000);
}
