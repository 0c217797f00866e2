#include <catch2/catch.hpp>

#include <filesystem>

#include "core/config_schema.hpp"
#include "core/error.hpp"
#include "io/dataset_defaults.hpp"
#include "io/gaussian_ply.hpp"
#include "io/image_codec.hpp"
#include "io/scene.hpp"
#include "io/scene_summary.hpp"
#include "temp_dir.hpp"
#include "tools/city_test_support.hpp"
#include "train/train_config.hpp"

using namespace splat;
using splat::test::file_bytes;
using splat::test::small_city;

TEST_CASE("city dataset: the same seed gives the same bytes, another seed other bytes", "[city]") {
  test::TempDir dir("city-determinism");
  for (CityCameraSet set : {CityCameraSet::Aerial, CityCameraSet::Street}) {
    CityDatasetOptions o = small_city(set, 30000, 3);
    write_city_dataset((dir / "a").string(), o);
    write_city_dataset((dir / "b").string(), o);
    o.city.seed = 2;
    write_city_dataset((dir / "c").string(), o);
    for (const std::string file :
         {"ground_truth.ply", "sparse/0/points3D.bin", "sparse/0/images.bin"}) {
      INFO(file);
      REQUIRE(file_bytes(dir / "a" / file) == file_bytes(dir / "b" / file));
      REQUIRE(file_bytes(dir / "a" / file) != file_bytes(dir / "c" / file));
    }
    const std::string name = std::string(city_camera_set_name(set)) + "_0001.png";
    REQUIRE(file_bytes(dir / "a" / "images" / name) == file_bytes(dir / "b" / "images" / name));
    REQUIRE(file_bytes(dir / "a" / "images" / name) != file_bytes(dir / "c" / "images" / name));
    std::filesystem::remove_all(dir.path());
    std::filesystem::create_directories(dir.path());
  }
}

TEST_CASE("city dataset: exactly N Gaussians and V views, loadable as a COLMAP scene", "[city]") {
  test::TempDir dir("city-counts");
  CityDatasetOptions o = small_city(CityCameraSet::Street, 33333, 9);
  o.width = 80;
  o.height = 48;
  o.sparse_points = 1234;
  const CityDatasetReport report = write_city_dataset(dir.path().string(), o);
  REQUIRE(report.gaussians == 33333);
  REQUIRE(report.views == 9);
  REQUIRE(report.points == 1234);

  const GaussianModel truth = read_gaussian_ply((dir / "ground_truth.ply").string());
  REQUIRE(truth.size() == 33333);
  REQUIRE(truth.sh_degree == 1);

  DataOptions data;
  const Scene scene = load_scene(dir.path().string(), data);
  const SceneSummary summary = summarize_scene(scene);
  REQUIRE(summary.format == "colmap-binary");
  REQUIRE(summary.images == 9);
  REQUIRE(summary.points == 1234);
  REQUIRE(summary.width == 80);
  REQUIRE(summary.height == 48);
  REQUIRE(summary.camera_models.at("PINHOLE") == 9);
  for (const auto& view : scene.train) {
    const Image image = read_image(view.image_path);
    REQUIRE(image.width == 80);
    REQUIRE(image.height == 48);
  }

  // Street views are drawn to a distance; the dataset carries it as its far plane, which a
  // later aerial city written into the same folder takes away again.
  REQUIRE(report.draw_distance > 0);
  ConfigSchema schema;
  TrainConfig config;
  bind_train_config(schema, config);
  CHECK(apply_dataset_defaults(schema, dir.path().string()) ==
        "data.far_plane=" + str_cat(report.draw_distance));
  CHECK(config.data.far_plane == report.draw_distance);
  o.camera_set = CityCameraSet::Aerial;
  CHECK(write_city_dataset(dir.path().string(), o).draw_distance == 0);
  CHECK_FALSE(std::filesystem::exists(dir / kDatasetDefaultsFile));
}

TEST_CASE("city dataset: the sparse points lie on the ground-truth surfaces", "[city]") {
  test::TempDir dir("city-points");
  const CityDatasetOptions o = small_city(CityCameraSet::Aerial, 20000, 1);
  write_city_dataset(dir.path().string(), o);
  const Scene scene = load_scene(dir.path().string(), DataOptions{});
  const CityLayout city = plan_city(o.city);
  REQUIRE(scene.points.size() == 3 * 1000);
  for (std::size_t p = 0; p < scene.points.size() / 3; ++p) {
    const float* x = &scene.points[3 * p];
    // Inside the city (a few splat sizes of noise allowed) and below the tallest roof.
    REQUIRE(x[0] > -city.splat_size * 3);
    REQUIRE(x[0] < city.size_x() + city.splat_size * 3);
    REQUIRE(x[2] > -city.splat_size * 3);
    REQUIRE(x[2] < city.size_z() + city.splat_size * 3);
    REQUIRE(x[1] > -city.splat_size * 3);
    REQUIRE(x[1] < city.tallest + city.splat_size * 3);
  }
}
