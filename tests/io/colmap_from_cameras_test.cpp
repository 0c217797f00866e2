// Cameras and points written as a COLMAP dataset load back as the same views.
#include <catch2/catch.hpp>

#include <cmath>

#include "io/colmap_from_cameras.hpp"
#include "io/colmap_writer.hpp"
#include "io/image_codec.hpp"
#include "io/scene.hpp"
#include "io_test_support.hpp"
#include "math/rotation.hpp"
#include "temp_dir.hpp"

using namespace splat;

TEST_CASE("cameras and points written as a COLMAP dataset load back as the same scene") {
  std::vector<PinholeCamera> cameras;
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) {
    PinholeCamera c{};
    const double q[4] = {std::cos(0.2 * i), 0.3, std::sin(0.2 * i), -0.1 * i};
    double R[9];
    quaternion_to_matrix(q, R);
    for (int k = 0; k < 9; ++k) c.R[k] = static_cast<float>(R[k]);
    c.t[0] = 0.1f * i;
    c.t[1] = -0.3f;
    c.t[2] = 4.0f;
    c.fx = c.fy = 50.0f;
    c.cx = 16.0f;
    c.cy = i == 4 ? 13.0f : 12.0f;  // the last view has its own intrinsics
    c.width = 32;
    c.height = 24;
    cameras.push_back(c);
    names.push_back(str_cat("v", i, ".png"));
  }
  const std::vector<float> points{0, 0, 0, 1, 2, 3};
  const std::vector<std::uint8_t> colors{1, 2, 3, 4, 5, 6};
  const ColmapModel model = colmap_model_from_cameras(cameras, names, points, colors);
  CHECK(model.cameras.size() == 2);
  CHECK(model.images.size() == 5);
  CHECK(model.points.size() == 2);

  for (ColmapFormat format : {ColmapFormat::Binary, ColmapFormat::Text}) {
    test::TempDir dir("from-cameras");
    test::write_colmap_dataset(dir.path().string(), model, format);
    DataOptions options;
    options.test_every = 0;
    const Scene scene = load_scene(dir.path().string(), options);
    REQUIRE(scene.train.size() == 5);
    CHECK(scene.points == points);
    CHECK(scene.colors == colors);
    for (std::size_t i = 0; i < 5; ++i) {
      const PinholeCamera& a = cameras[i];
      const PinholeCamera& b = scene.train[i].camera;
      for (int k = 0; k < 9; ++k) CHECK(b.R[k] == Approx(a.R[k]).margin(1e-6));
      for (int k = 0; k < 3; ++k) CHECK(b.t[k] == a.t[k]);
      CHECK(b.fx == a.fx);
      CHECK(b.cy == a.cy);
      CHECK(b.width == a.width);
    }
  }
  test::require_error([&] { colmap_model_from_cameras(cameras, {"a"}, points, colors); },
                      {"5 cameras but 1 image names"});
}
