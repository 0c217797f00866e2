// The real datasets in ../shared/data load with the expected counts, sizes, intrinsics and
// split.
#include <catch2/catch.hpp>

#include <cmath>

#include "io/colmap_model_reader.hpp"
#include "io/scene.hpp"
#include "io/scene_geometry.hpp"
#include "io/scene_initialization.hpp"
#include "io_test_support.hpp"

using namespace splat;

namespace {
// Projects a world point with a view's camera; z is the depth.
std::array<double, 3> project(const PinholeCamera& c, const std::array<double, 3>& x) {
  double p[3];
  for (int r = 0; r < 3; ++r)
    p[r] = c.R[3 * r] * x[0] + c.R[3 * r + 1] * x[1] + c.R[3 * r + 2] * x[2] + c.t[r];
  return {c.fx * p[0] / p[2] + c.cx, c.fy * p[1] / p[2] + c.cy, p[2]};
}
}  // namespace

TEST_CASE("lego (Blender) loads its own split, 800x800, focal from camera_angle_x") {
  const Scene scene = load_scene(test::shared_data("lego"), DataOptions{});
  CHECK(scene.format == "blender");
  REQUIRE(scene.train.size() == 100);
  REQUIRE(scene.test.size() == 25);
  CHECK(scene.points.empty());
  const double focal = 0.5 * 800 / std::tan(0.5 * 0.6911112070083618);
  for (const auto* views : {&scene.train, &scene.test}) {
    for (const SceneView& view : *views) {
      CHECK(view.camera.width == 800);
      CHECK(view.camera.height == 800);
      CHECK(view.camera.fx == Approx(focal).epsilon(1e-6));
      CHECK(view.camera.fy == Approx(focal).epsilon(1e-6));
      CHECK(view.camera.cx == 400.0f);
      CHECK(view.camera.cy == 400.0f);
      CHECK(view.background == std::array<float, 3>{1, 1, 1});
      // Every lego camera looks at the object at the origin: after the OpenGL to OpenCV
      // conversion the origin is in front of the camera and near the image centre.
      const auto origin = project(view.camera, {0, 0, 0});
      CHECK(origin[2] > 3.0);
      CHECK(std::abs(origin[0] - 400) < 40);
      CHECK(std::abs(origin[1] - 400) < 40);
    }
  }
  CHECK(scene.train[0].name == "train/r_0");
  CHECK(scene.test[0].name == "test/r_0");
  // The world's +z is up in Blender scenes: with y pointing down in OpenCV cameras, a point
  // above the origin appears above the image centre.
  const auto up = project(scene.train[0].camera, {0, 0, 1});
  const auto origin = project(scene.train[0].camera, {0, 0, 0});
  CHECK(up[1] < origin[1] - 50);
  // Camera centres are about 4.03 from the origin; the extent follows the reference formula.
  CHECK(std::hypot(camera_centre(scene.train[0].camera)[0], camera_centre(scene.train[0].camera)[1],
                   camera_centre(scene.train[0].camera)[2]) == Approx(4.031).epsilon(1e-3));
  CHECK(scene.extent == Approx(scene_extent(scene.train)));
  CHECK(scene.extent > 4.0f);
  CHECK(scene.extent < 1.1f * 2 * 4.04f);
}

TEST_CASE("lego at data.resolution 2 is 400x400 with halved intrinsics") {
  DataOptions options;
  options.resolution = 2;
  const Scene scene = load_scene(test::shared_data("lego"), options);
  const double focal = 0.5 * 800 / std::tan(0.5 * 0.6911112070083618) / 2;
  CHECK(scene.train[5].camera.width == 400);
  CHECK(scene.train[5].camera.height == 400);
  CHECK(scene.train[5].camera.fx == Approx(focal).epsilon(1e-6));
  CHECK(scene.train[5].camera.cx == 200.0f);
}

TEST_CASE("bartoszek (COLMAP binary, per-image sizes) loads 23 views split every 8th by name") {
  const Scene scene = load_scene(test::shared_data("bartoszek"), DataOptions{});
  CHECK(scene.format == "colmap-binary");
  REQUIRE(scene.train.size() == 20);
  REQUIRE(scene.test.size() == 3);
  CHECK(scene.points.size() == 1443 * 3);
  CHECK(scene.colors.size() == 1443 * 3);
  CHECK(scene.test[0].name == "DSC_5283.jpg");
  CHECK(scene.test[1].name == "DSC_5291.jpg");
  CHECK(scene.test[2].name == "DSC_5299.jpg");
  CHECK(scene.train[0].name == "DSC_5284.jpg");
  // Per-image sizes and intrinsics, as in cameras.bin (camera 1: 1000x658).
  const PinholeCamera& first = scene.test[0].camera;
  CHECK(first.width == 1000);
  CHECK(first.height == 658);
  CHECK(first.fx == Approx(2048.0526947241324).epsilon(1e-6));
  CHECK(first.fy == Approx(2046.5576468097338).epsilon(1e-6));
  CHECK(first.cx == Approx(500.0));
  CHECK(first.cy == Approx(329.0));
  CHECK(scene.train[2].camera.height == 656);  // DSC_5286
  // Sparse points project into the images that see them: most points land inside view 0.
  int inside = 0;
  for (std::size_t i = 0; i < scene.points.size() / 3; ++i) {
    const auto p =
        project(first, {scene.points[3 * i], scene.points[3 * i + 1], scene.points[3 * i + 2]});
    inside += p[2] > 0 && p[0] >= 0 && p[0] < 1000 && p[1] >= 0 && p[1] < 658;
  }
  CHECK(inside > 1443 / 2);
  CHECK(scene.extent == Approx(scene_extent(scene.train)));
}

TEST_CASE("bartoszek with data.resolution 2 and with a width cap scales intrinsics per image") {
  DataOptions options;
  options.resolution = 2;
  Scene scene = load_scene(test::shared_data("bartoszek"), options);
  CHECK(scene.test[0].camera.width == 500);
  CHECK(scene.test[0].camera.height == 329);
  CHECK(scene.test[0].camera.fx == Approx(2048.0526947241324 / 2).epsilon(1e-6));
  CHECK(scene.test[0].camera.cy == Approx(329.0 / 2).epsilon(1e-6));
  options.resolution = 1;
  options.max_width = 400;
  scene = load_scene(test::shared_data("bartoszek"), options);
  CHECK(scene.test[0].camera.width == 400);
  CHECK(scene.test[0].camera.height == 263);  // round(658 * 0.4)
  CHECK(scene.test[0].camera.fx == Approx(2048.0526947241324 * 0.4).epsilon(1e-6));
  CHECK(scene.test[0].camera.fy == Approx(2046.5576468097338 * 263 / 658).epsilon(1e-6));
}

TEST_CASE("cake (another tool's COLMAP model) loads 8 views and 4535 points") {
  DataOptions options;
  const Scene scene = load_scene(test::shared_data("cake"), options);
  REQUIRE(scene.train.size() == 7);
  REQUIRE(scene.test.size() == 1);
  CHECK(scene.test[0].name == "frame000020.jpg");
  CHECK(scene.points.size() == 4535 * 3);
  for (const SceneView& view : scene.train) {
    CHECK(view.camera.width == 683);
    CHECK(view.camera.height == 384);
    CHECK(view.camera_model == "SIMPLE_PINHOLE");
    CHECK(view.camera.fx == view.camera.fy);
    CHECK(view.camera.cx == 341.0f);
  }
  options.test_every = 0;
  CHECK(load_scene(test::shared_data("cake"), options).train.size() == 8);
  options.test_every = 3;
  CHECK(load_scene(test::shared_data("cake"), options).test.size() == 3);
}

TEST_CASE("initial Gaussians: from cake's points, at random where lego's cameras look") {
  const Scene cake = load_scene(test::shared_data("cake"), DataOptions{});
  const GaussianModel from_points = initial_gaussians(cake, 1000, 3, 0);
  CHECK(from_points.size() == 4535);
  CHECK(from_points.means == cake.points);
  const Scene lego = load_scene(test::shared_data("lego"), DataOptions{});
  const GaussianModel random = initial_gaussians(lego, 2000, 1, 9);
  REQUIRE(random.size() == 2000);
  CHECK(random.sh.size() == 2000 * 4 * 3);
  // Lego's cameras converge on the origin from about 4 units away with a 0.69 rad field of
  // view: the region is a cube of half-width about 1.45 there (the reference uses 1.3).
  Bounds box;
  REQUIRE(viewed_region(lego.train, box));
  for (int a = 0; a < 3; ++a) {
    CHECK(std::abs(0.5 * (box.min[a] + box.max[a])) < 0.05);
    CHECK(0.5 * (box.max[a] - box.min[a]) == Approx(1.45).epsilon(0.05));
  }
  for (std::size_t i = 0; i < random.size(); ++i)
    for (int a = 0; a < 3; ++a) {
      REQUIRE(random.means[3 * i + a] >= box.min[a]);
      REQUIRE(random.means[3 * i + a] <= box.max[a]);
    }
}
