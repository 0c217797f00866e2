// Lens distortion and undistortion, checked against the projection of known points.
#include <catch2/catch.hpp>

#include <cmath>

#include "io/lens_camera.hpp"
#include "io/undistortion.hpp"
#include "io_test_support.hpp"

using namespace splat;

namespace {

LensCamera test_lens(CameraModel model) {
  const ColmapModel colmap = test::make_test_model(1, 0);
  for (const ColmapCamera& camera : colmap.cameras)
    if (camera.model == model) {
      LensCamera lens = lens_camera_from_colmap(camera, "test");
      return lens.scaled(4, 4);  // 256 x 192: room for blobs
    }
  FAIL("no such camera");
  return {};
}

// Renders small Gaussian blobs at the distorted projections of `points` (camera space).
Image render_blobs(const LensCamera& lens, const std::vector<std::array<double, 3>>& points) {
  Image image(lens.width, lens.height, 3);
  for (const auto& p : points) {
    double px, py;
    REQUIRE(lens.project(p.data(), px, py));
    for (int y = 0; y < lens.height; ++y)
      for (int x = 0; x < lens.width; ++x) {
        const double dx = x + 0.5 - px, dy = y + 0.5 - py;
        const float v = static_cast<float>(std::exp(-(dx * dx + dy * dy) / (2 * 1.5 * 1.5)));
        for (int c = 0; c < 3; ++c) image.at(x, y, c) += v;
      }
  }
  return image;
}

// Intensity-weighted centroid of the blob near (x, y).
std::array<double, 2> centroid_near(const Image& image, double x, double y) {
  double sum = 0, sx = 0, sy = 0;
  for (int py = static_cast<int>(y) - 6; py <= static_cast<int>(y) + 6; ++py)
    for (int px = static_cast<int>(x) - 6; px <= static_cast<int>(x) + 6; ++px) {
      if (px < 0 || py < 0 || px >= image.width || py >= image.height) continue;
      const double v = image.at(px, py, 0);
      sum += v;
      sx += v * (px + 0.5);
      sy += v * (py + 0.5);
    }
  return {sx / sum, sy / sum};
}

}  // namespace

TEST_CASE("undistort inverts distort for every supported model") {
  for (CameraModel model : {CameraModel::SimpleRadial, CameraModel::Radial, CameraModel::OpenCV,
                            CameraModel::FullOpenCV}) {
    const LensCamera lens = test_lens(model);
    REQUIRE(lens.has_distortion());
    for (double u = -0.5; u <= 0.5; u += 0.125)
      for (double v = -0.4; v <= 0.4; v += 0.1) {
        double du, dv, back_u, back_v;
        lens.distort(u, v, du, dv);
        REQUIRE(lens.undistort(du, dv, back_u, back_v));
        REQUIRE(back_u == Approx(u).margin(1e-10));
        REQUIRE(back_v == Approx(v).margin(1e-10));
      }
  }
}

TEST_CASE("lens models reduce to the right coefficients") {
  const ColmapCamera simple_radial{1, CameraModel::SimpleRadial, 10, 10, {5, 4, 3, 0.1}};
  const LensCamera lens = lens_camera_from_colmap(simple_radial, "c");
  CHECK(lens.fx == 5);
  CHECK(lens.fy == 5);
  CHECK(lens.cx == 4);
  CHECK(lens.distortion[0] == 0.1);
  double du, dv;
  lens.distort(0.5, 0.0, du, dv);
  CHECK(du == Approx(0.5 * (1 + 0.1 * 0.25)));  // COLMAP: u (1 + k r^2)
  const ColmapCamera opencv{2, CameraModel::OpenCV, 10, 10, {5, 6, 4, 3, 0, 0, 0.01, 0.02}};
  const LensCamera tangential = lens_camera_from_colmap(opencv, "c");
  tangential.distort(0.2, 0.3, du, dv);
  CHECK(du == Approx(0.2 + 2 * 0.01 * 0.06 + 0.02 * (0.13 + 2 * 0.04)));
  CHECK(dv == Approx(0.3 + 2 * 0.02 * 0.06 + 0.01 * (0.13 + 2 * 0.09)));
}

TEST_CASE("undistorted images put known points where the pinhole camera projects them") {
  for (CameraModel model :
       {CameraModel::SimpleRadial, CameraModel::OpenCV, CameraModel::FullOpenCV}) {
    const LensCamera lens = test_lens(model);
    const PinholeIntrinsics target = undistorted_intrinsics(lens, "test");
    std::vector<std::array<double, 3>> points;
    for (double x : {-0.35, 0.0, 0.35})
      for (double y : {-0.25, 0.0, 0.25}) points.push_back({x * 4, y * 4, 4.0});
    const Image distorted = render_blobs(lens, points);
    const Image undistorted = undistort_image(distorted, lens, target);
    for (const auto& p : points) {
      const double expected_x = target.fx * p[0] / p[2] + target.cx;
      const double expected_y = target.fy * p[1] / p[2] + target.cy;
      const auto found = centroid_near(undistorted, expected_x, expected_y);
      INFO("model " << int(model) << " point " << p[0] << ", " << p[1]);
      CHECK(found[0] == Approx(expected_x).margin(0.05));
      CHECK(found[1] == Approx(expected_y).margin(0.05));
      // Without undistortion the blob is measurably elsewhere (the check above has teeth).
      double dx, dy;
      lens.project(p.data(), dx, dy);
      if (p[0] != 0 && p[1] != 0)
        CHECK(std::hypot(dx - (expected_x - target.cx + lens.cx),
                         dy - (expected_y - target.cy + lens.cy)) > 0.5);
    }
  }
}

TEST_CASE("the undistorted camera covers only pixels that have a source pixel") {
  for (CameraModel model : {CameraModel::SimpleRadial, CameraModel::Radial, CameraModel::OpenCV,
                            CameraModel::FullOpenCV}) {
    const LensCamera lens = test_lens(model);
    const PinholeIntrinsics target = undistorted_intrinsics(lens, "test");
    CHECK(target.fx == lens.fx);
    for (int y = 0; y < target.height; y += 3)
      for (int x : {0, target.width - 1}) {
        double du, dv;
        lens.distort((x + 0.5 - target.cx) / target.fx, (y + 0.5 - target.cy) / target.fy, du, dv);
        const double px = lens.fx * du + lens.cx, py = lens.fy * dv + lens.cy;
        REQUIRE(px >= 0);
        REQUIRE(px <= lens.width);
        REQUIRE(py >= 0);
        REQUIRE(py <= lens.height);
      }
    // ... and is tight: one more column on the right would leave the source.
    double du, dv;
    lens.distort((target.width + 1.5 - target.cx) / target.fx,
                 (-target.cy + target.height / 2.0) / target.fy, du, dv);
    CHECK(lens.fx * du + lens.cx > lens.width - 1.5);
  }
}

TEST_CASE("a pinhole camera is its own undistorted camera") {
  const ColmapCamera pinhole{1, CameraModel::Pinhole, 100, 80, {90, 91, 50.5, 39.5}};
  const LensCamera lens = lens_camera_from_colmap(pinhole, "c");
  const PinholeIntrinsics target = undistorted_intrinsics(lens, "c");
  CHECK(target.width == 100);
  CHECK(target.height == 80);
  CHECK(target.cx == 50.5);
  CHECK(target.fy == 91);
}

TEST_CASE("unusable distortion coefficients give an Error, not a huge image") {
  // Barrel distortion this strong folds back on itself inside the image: not invertible.
  const ColmapCamera wild{3, CameraModel::Radial, 100, 80, {50, 50, 40, -2.0, 0.0}};
  const LensCamera lens = lens_camera_from_colmap(wild, "cameras.bin");
  test::require_error([&] { undistorted_intrinsics(lens, "cameras.bin"); },
                      {"cameras.bin", "not usable"});
}
