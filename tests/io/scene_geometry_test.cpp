// Extent, bounds, split and resolution rules on hand-made views.
#include <catch2/catch.hpp>

#include <cmath>

#include "io/scene_geometry.hpp"
#include "io/scene_summary.hpp"
#include "io/scene_view_builder.hpp"

using namespace splat;

namespace {
// A view whose camera centre is `centre` (identity rotation, so t = -centre).
SceneView view_at(const std::string& name, float x, float y, float z) {
  SceneView view;
  view.name = name;
  const float identity[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  std::copy(identity, identity + 9, view.camera.R);
  view.camera.t[0] = -x;
  view.camera.t[1] = -y;
  view.camera.t[2] = -z;
  view.camera.width = 40;
  view.camera.height = 30;
  view.camera_model = "PINHOLE";
  return view;
}
}  // namespace

TEST_CASE("scene extent is 1.1 x the largest distance of a camera centre from their mean") {
  const std::vector<SceneView> views{view_at("a", 0, 0, 0), view_at("b", 2, 0, 0),
                                     view_at("c", 0, 4, 0), view_at("d", 2, 4, 6)};
  // Mean (1, 2, 1.5); farthest is d at sqrt(1 + 4 + 20.25).
  CHECK(scene_extent(views) == Approx(1.1 * std::sqrt(25.25)));
  CHECK(scene_extent({view_at("a", 3, 3, 3)}) == 1.0f);  // no spread: the neutral extent
  CHECK(scene_extent({}) == 1.0f);
  const Bounds bounds = camera_bounds(views);
  CHECK(bounds.min == std::array<float, 3>{0, 0, 0});
  CHECK(bounds.max == std::array<float, 3>{2, 4, 6});
  // A rotated camera: the centre is -R^T t, not -t.
  SceneView turned = view_at("e", 0, 0, 0);
  const float quarter[9] = {0, -1, 0, 1, 0, 0, 0, 0, 1};  // 90 degrees about z
  std::copy(quarter, quarter + 9, turned.camera.R);
  turned.camera.t[0] = 1;
  const auto centre = camera_centre(turned.camera);
  CHECK(centre[0] == Approx(0.0).margin(1e-12));
  CHECK(centre[1] == Approx(1.0));
}

TEST_CASE("every n-th view by name is a test view") {
  std::vector<SceneView> views;
  for (const char* name : {"e", "a", "c", "b", "d", "g", "f", "i", "h", "j"})
    views.push_back(view_at(name, 0, 0, 0));
  std::vector<SceneView> train, test;
  split_views(views, 8, train, test);
  REQUIRE(test.size() == 2);
  CHECK(test[0].name == "a");
  CHECK(test[1].name == "i");
  CHECK(train.size() == 8);
  CHECK(train.front().name == "b");
  split_views(views, 0, train, test);
  CHECK(test.empty());
  CHECK(train.size() == 10);
  split_views(views, 1, train, test);
  CHECK(train.empty());
}

TEST_CASE("delivered resolution: factor rounds, the width cap keeps the aspect, no upscaling") {
  auto r = delivered_resolution(4946, 3286, 4, 1600);
  CHECK(r.width == 1237);  // 1236.5 rounds up
  CHECK(r.height == 822);  // 821.5 rounds up
  r = delivered_resolution(4946, 3286, 1, 1600);
  CHECK(r.width == 1600);
  CHECK(r.height == 1063);  // 3286 x 1600 / 4946 = 1062.99
  r = delivered_resolution(800, 800, 1, 1600);
  CHECK(r.width == 800);
  CHECK(r.height == 800);
  r = delivered_resolution(3000, 2000, 1, 0);  // cap disabled
  CHECK(r.width == 3000);
  r = delivered_resolution(5, 3, 8, 0);  // never below one pixel
  CHECK(r.width == 1);
  CHECK(r.height == 1);
}

TEST_CASE("scene summary counts views, models and sizes; the first image is the first by name") {
  Scene scene;
  scene.format = "colmap-text";
  scene.train = {view_at("b", 0, 0, 0), view_at("c", 1, 0, 0)};
  scene.test = {view_at("a", 0, 1, 0)};
  scene.test[0].camera.width = 20;
  scene.test[0].camera.height = 10;
  scene.test[0].camera_model = "OPENCV";
  scene.points = {0, 0, 0, 1, 1, 1};
  scene.extent = 2.5f;
  const SceneSummary s = summarize_scene(scene);
  CHECK(s.images == 3);
  CHECK(s.train_images == 2);
  CHECK(s.test_images == 1);
  CHECK(s.points == 2);
  CHECK(s.width == 20);
  CHECK(s.height == 10);
  CHECK(s.camera_models.at("PINHOLE") == 2);
  CHECK(s.resolutions.at("40x30") == 2);
  CHECK(summary_json(s) ==
        "{\"camera_models\":{\"OPENCV\":1,\"PINHOLE\":2},\"extent\":2.5,\"format\":"
        "\"colmap-text\",\"height\":10,\"images\":3,\"points\":2,\"resolutions\":{\"20x10\":1,"
        "\"40x30\":2},\"test_images\":1,\"train_images\":2,\"undistorted_images\":0,\"width\":20}");
  CHECK(summary_text(s).find("images:         3 (2 train, 1 test)") != std::string::npos);
}

TEST_CASE("the viewed region is centred where converging cameras look, as wide as they see") {
  // Eight cameras on a circle of radius 4 around (1, 2, 3), each looking at it.
  std::vector<SceneView> ring;
  const double target[3] = {1, 2, 3};
  for (int k = 0; k < 8; ++k) {
    const double a = k * 3.14159265358979 / 4;
    const double eye[3] = {target[0] + 4 * std::cos(a), target[1] + 0.5 * (k % 2),
                           target[2] + 4 * std::sin(a)};
    double f[3] = {target[0] - eye[0], target[1] - eye[1], target[2] - eye[2]};
    const double fl = std::sqrt(f[0] * f[0] + f[1] * f[1] + f[2] * f[2]);
    for (double& v : f) v /= fl;
    double r[3] = {-f[2], 0, f[0]};  // horizontal, perpendicular to f
    const double rl = std::sqrt(r[0] * r[0] + r[2] * r[2]);
    for (double& v : r) v /= rl;
    const double d[3] = {f[1] * r[2] - f[2] * r[1], f[2] * r[0] - f[0] * r[2],
                         f[0] * r[1] - f[1] * r[0]};
    std::string name = "v";
    name += std::to_string(k);  // (GCC 12 warns falsely on "v" + to_string)
    SceneView v = view_at(name, 0, 0, 0);
    for (int i = 0; i < 3; ++i) {
      v.camera.R[i] = static_cast<float>(r[i]);
      v.camera.R[3 + i] = static_cast<float>(d[i]);
      v.camera.R[6 + i] = static_cast<float>(f[i]);
    }
    for (int i = 0; i < 3; ++i)
      v.camera.t[i] =
          static_cast<float>(-(v.camera.R[i * 3] * eye[0] + v.camera.R[i * 3 + 1] * eye[1] +
                               v.camera.R[i * 3 + 2] * eye[2]));
    v.camera.fx = v.camera.fy = 40;  // 40 px wide: half-width / focal = 0.5
    ring.push_back(v);
  }
  Bounds region;
  REQUIRE(viewed_region(ring, region));
  for (int i = 0; i < 3; ++i)
    CHECK(0.5 * (region.min[i] + region.max[i]) == Approx(target[i]).margin(1e-3));
  // Each camera sees +-0.5 x its distance (about 4.03) at the target.
  CHECK(0.5 * (region.max[0] - region.min[0]) == Approx(2.0).epsilon(0.02));
  // Parallel axes (a forward-facing capture) do not converge.
  Bounds unused;
  CHECK_FALSE(
      viewed_region({view_at("a", 0, 0, 0), view_at("b", 1, 0, 0), view_at("c", 0, 1, 0)}, unused));
  CHECK_FALSE(viewed_region({view_at("a", 0, 0, 0)}, unused));
}
