// Broken datasets: each is one Error naming the file and the problem.
#include <catch2/catch.hpp>

#include <fstream>

#include "io/colmap_writer.hpp"
#include "io/image_codec.hpp"
#include "io/scene.hpp"
#include "io/transforms_json.hpp"
#include "io_test_support.hpp"
#include "temp_dir.hpp"

using namespace splat;
namespace fs = std::filesystem;

namespace {

ColmapModel small_model() {
  ColmapModel model = test::make_test_model(3, 2);
  model.cameras.resize(2);
  for (auto& image : model.images) image.camera_id = model.cameras[0].id;
  return model;
}

std::string dataset(const test::TempDir& dir) {
  test::write_colmap_dataset(dir.path().string(), small_model(), ColmapFormat::Binary);
  return dir.path().string();
}

}  // namespace

TEST_CASE("a listed image that is missing is named with the model file") {
  test::TempDir dir("bad-missing");
  const std::string root = dataset(dir);
  fs::remove(dir / "images" / "view_101.png");
  test::require_error([&] { load_scene(root, DataOptions{}); },
                      {"view_101.png", "listed in", "images.bin", "missing"});
}

TEST_CASE("zero-byte, garbage and truncated images are named") {
  test::TempDir dir("bad-images");
  const std::string root = dataset(dir);
  const fs::path victim = dir / "images" / "view_102.png";
  std::ofstream(victim, std::ios::trunc).close();
  test::require_error([&] { load_scene(root, DataOptions{}); }, {"view_102.png", "empty"});
  std::ofstream(victim, std::ios::trunc) << "this is not an image at all";
  test::require_error([&] { load_scene(root, DataOptions{}); },
                      {"view_102.png", "not a PNG or JPEG"});
  std::ofstream(victim, std::ios::trunc | std::ios::binary) << "\x89PNG\r\n\x1a\n";
  test::require_error([&] { load_scene(root, DataOptions{}); }, {"view_102.png", "PNG"});
}

TEST_CASE("an image whose size matches no scaling of its camera is named") {
  test::TempDir dir("bad-size");
  const std::string root = dataset(dir);
  write_png((dir / "images" / "view_100.png").string(), test::make_pattern(48, 64));  // rotated
  test::require_error([&] { load_scene(root, DataOptions{}); },
                      {"view_100.png", "48x64", "matches no scaling of camera 0", "64x48"});
}

TEST_CASE("an unsupported camera model is named") {
  test::TempDir dir("bad-model");
  ColmapModel model = small_model();
  model.cameras[0].model = CameraModel::OpenCVFisheye;
  model.cameras[0].params = {60, 60, 32, 24, 0.1, 0, 0, 0};
  test::write_colmap_dataset(dir.path().string(), model, ColmapFormat::Text);
  test::require_error([&] { load_scene(dir.path().string(), DataOptions{}); },
                      {"cameras.txt", "OPENCV_FISHEYE", "not supported"});
}

TEST_CASE("a missing dataset, image folder or format is named") {
  test::TempDir dir("bad-folder");
  test::require_error([&] { load_scene((dir / "nothing").string(), DataOptions{}); },
                      {"nothing", "no such dataset folder"});
  test::require_error([&] { load_scene(dir.path().string(), DataOptions{}); },
                      {"no dataset found"});
  const std::string root = dataset(dir);
  DataOptions options;
  options.images = "images_8";
  test::require_error([&] { load_scene(root, options); }, {"images_8", "does not exist"});
}

TEST_CASE("malformed or incomplete transforms JSON is named") {
  test::require_error([] { parse_transforms_json("{\"frames\": [", "t.json"); },
                      {"t.json", "malformed JSON"});
  test::require_error([] { parse_transforms_json("[1, 2]", "t.json"); }, {"t.json", "object"});
  test::require_error([] { parse_transforms_json("{}", "t.json"); }, {"t.json", "'frames'"});
  test::require_error(
      [] { parse_transforms_json("{\"frames\": [{\"transform_matrix\": []}]}", "t.json"); },
      {"t.json: frame 0", "file_path"});
  test::require_error(
      [] {
        parse_transforms_json(
            "{\"frames\": [{\"file_path\": \"a\", \"transform_matrix\": "
            "[[1,0,0],[0,1,0],[0,0,1]]}]}",
            "t.json");
      },
      {"t.json: frame 0", "4x4"});
  test::require_error(
      [] { parse_transforms_json("{\"fl_x\": \"big\", \"frames\": []}", "t.json"); },
      {"t.json", "'fl_x' must be a number"});
}

TEST_CASE("NaN or infinite poses in transforms files are named") {
  test::TempDir dir("bad-transforms");
  fs::create_directories(dir / "train");
  write_png((dir / "train" / "a.png").string(), test::make_pattern(8, 8));
  // JSON has no NaN literal; a huge exponent overflows to infinity.
  std::ofstream(dir / "transforms_train.json")
      << "{\"camera_angle_x\": 0.5, \"frames\": [{\"file_path\": \"train/a.png\","
         " \"transform_matrix\": [[1,0,0,0],[0,1,0,0],[0,0,1,1e999],[0,0,0,1]]}]}";
  test::require_error([&] { load_scene(dir.path().string(), DataOptions{}); },
                      {"transforms_train.json"});
  std::ofstream(dir / "transforms_train.json", std::ios::trunc)
      << "{\"camera_angle_x\": 0.5, \"frames\": [{\"file_path\": \"train/a\","
         " \"transform_matrix\": [[0,0,0,0],[0,0,0,0],[0,0,0,1],[0,0,0,1]]}]}";
  test::require_error([&] { load_scene(dir.path().string(), DataOptions{}); },
                      {"transforms_train.json: frame 0", "not invertible"});
  std::ofstream(dir / "transforms_train.json", std::ios::trunc)
      << "{\"camera_angle_x\": 0.5, \"frames\": [{\"file_path\": \"train/b\","
         " \"transform_matrix\": [[1,0,0,0],[0,1,0,0],[0,0,1,1],[0,0,0,1]]}]}";
  test::require_error([&] { load_scene(dir.path().string(), DataOptions{}); },
                      {"train/b", "listed in", "missing"});
}

TEST_CASE("transforms.json with an unsupported camera model is named") {
  test::TempDir dir("bad-fisheye");
  fs::create_directories(dir / "images");
  write_png((dir / "images" / "a.png").string(), test::make_pattern(8, 8));
  std::ofstream(dir / "transforms.json")
      << "{\"fl_x\": 5, \"camera_model\": \"OPENCV_FISHEYE\", \"frames\": [{\"file_path\":"
         " \"images/a.png\", \"transform_matrix\": [[1,0,0,0],[0,1,0,0],[0,0,1,1],[0,0,0,1]]}]}";
  test::require_error([&] { load_scene(dir.path().string(), DataOptions{}); },
                      {"transforms.json: frame 0", "OPENCV_FISHEYE", "not supported"});
}
