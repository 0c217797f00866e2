// Scenes written by the tests: COLMAP text and binary, downscaled image folders, distorted
// cameras, NeRF-style transforms files.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <fstream>

#include "io/colmap_writer.hpp"
#include "io/image_codec.hpp"
#include "io/scene.hpp"
#include "io/view_image_loader.hpp"
#include "io_test_support.hpp"
#include "temp_dir.hpp"

using namespace splat;
namespace fs = std::filesystem;

namespace {

ColmapModel pinhole_model() {
  ColmapModel model = test::make_test_model(9, 12);
  model.cameras.resize(2);  // SIMPLE_PINHOLE and PINHOLE only
  for (std::size_t i = 0; i < model.images.size(); ++i)
    model.images[i].camera_id = model.cameras[i % 2].id;
  return model;
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string matrix_json(double tx, double ty, double tz) {
  return "[[1,0,0," + std::to_string(tx) + "],[0,1,0," + std::to_string(ty) + "],[0,0,1," +
         std::to_string(tz) + "],[0,0,0,1]]";
}

}  // namespace

TEST_CASE("COLMAP text and binary datasets load the same scene") {
  test::TempDir text_dir("scene-text"), binary_dir("scene-binary");
  const ColmapModel model = pinhole_model();
  test::write_colmap_dataset(text_dir.path().string(), model, ColmapFormat::Text);
  test::write_colmap_dataset(binary_dir.path().string(), model, ColmapFormat::Binary);
  const Scene a = load_scene(text_dir.path().string(), DataOptions{});
  const Scene b = load_scene(binary_dir.path().string(), DataOptions{});
  CHECK(a.format == "colmap-text");
  CHECK(b.format == "colmap-binary");
  REQUIRE(a.train.size() == 7);
  REQUIRE(a.test.size() == 2);
  REQUIRE(b.train.size() == 7);
  for (std::size_t i = 0; i < a.train.size(); ++i) {
    CHECK(a.train[i].name == b.train[i].name);
    CHECK(std::memcmp(&a.train[i].camera, &b.train[i].camera, sizeof(PinholeCamera)) == 0);
  }
  CHECK(a.points == b.points);
  CHECK(a.colors == b.colors);
  CHECK(a.extent == b.extent);
  // The split holds out names 0, 8, ... in sorted order.
  CHECK(a.test[0].name == "view_100.png");
  CHECK(a.test[1].name == "view_108.png");
}

TEST_CASE("images_2 folders: intrinsics follow each image's loaded size") {
  test::TempDir dir("scene-images2");
  ColmapModel model = pinhole_model();
  model.cameras[1].width = 65;  // odd sizes round per side in images_2
  model.cameras[1].height = 47;
  test::write_colmap_dataset(dir.path().string(), model, ColmapFormat::Binary, "images_2", 2);
  DataOptions options;
  options.images = "images_2";
  const Scene scene = load_scene(dir.path().string(), options);
  for (const auto* views : {&scene.train, &scene.test}) {
    for (const SceneView& view : *views) {
      const bool odd = view.camera_model == "PINHOLE";
      const ColmapCamera& camera = model.cameras[odd ? 1 : 0];
      const int w = static_cast<int>(std::lround(camera.width / 2.0));
      const int h = static_cast<int>(std::lround(camera.height / 2.0));
      CHECK(view.camera.width == w);
      CHECK(view.camera.height == h);
      const double fx = camera.params[0], fy = odd ? camera.params[1] : camera.params[0];
      const double cx = camera.params[odd ? 2 : 1], cy = camera.params[odd ? 3 : 2];
      CHECK(view.camera.fx == Approx(fx * w / camera.width).epsilon(1e-6));
      CHECK(view.camera.fy == Approx(fy * h / camera.height).epsilon(1e-6));
      CHECK(view.camera.cx == Approx(cx * w / camera.width).epsilon(1e-6));
      CHECK(view.camera.cy == Approx(cy * h / camera.height).epsilon(1e-6));
    }
  }
}

TEST_CASE("downscale factor and width cap never upscale") {
  test::TempDir dir("scene-cap");
  test::write_colmap_dataset(dir.path().string(), pinhole_model(), ColmapFormat::Binary);
  DataOptions options;
  options.max_width = 1000;  // wider than the images: no change
  CHECK(load_scene(dir.path().string(), options).train[0].camera.width == 64);
  options.resolution = 4;
  options.max_width = 10;
  const PinholeCamera c = load_scene(dir.path().string(), options).train[0].camera;
  CHECK(c.width == 10);
  CHECK(c.height == 8);  // 48 / 4 = 12, then x 10/16 = 7.5 -> 8
}

TEST_CASE("distorted COLMAP cameras become pinhole views without empty borders") {
  test::TempDir dir("scene-distorted");
  ColmapModel model = test::make_test_model(6, 3);  // every supported model once
  test::write_colmap_dataset(dir.path().string(), model, ColmapFormat::Binary);
  DataOptions options;
  options.test_every = 0;
  const Scene scene = load_scene(dir.path().string(), options);
  REQUIRE(scene.train.size() == 6);
  int distorted = 0;
  for (const SceneView& view : scene.train) {
    distorted += view.lens.has_distortion();
    if (!view.lens.has_distortion()) {
      CHECK(view.camera.width == 64);
      continue;
    }
    // Barrel distortion (k1 < 0) undistorts to a wider field of view at the same focal length.
    CHECK(view.camera.width >= 64);
    CHECK(view.undistorted.cx > view.lens.cx);
    CHECK(view.camera.fx == Approx(view.lens.fx).epsilon(1e-6));
    test::TempDir cache("scene-distorted-cache");
    UndistortedImageCache disk(cache.path().string());
    const ViewImage image = load_view_image(view, &disk);
    CHECK(image.width == view.camera.width);
    CHECK(image.rgb.size() == std::size_t(image.width) * image.height * 3);
  }
  CHECK(distorted == 4);
}

TEST_CASE("transforms.json (nerfstudio): intrinsics, distortion, images_2 and the OpenGL axes") {
  test::TempDir dir("scene-transforms");
  fs::create_directories(dir / "images");
  fs::create_directories(dir / "images_2");
  std::string frames;
  for (int i = 0; i < 10; ++i) {
    const std::string name = "frame_" + std::to_string(10 + i) + ".png";
    write_png((dir / "images" / name).string(), test::make_pattern(80, 60));
    write_png((dir / "images_2" / name).string(), test::make_pattern(40, 30));
    // Cameras on the +z axis looking down -z (OpenGL), i.e. at the origin.
    frames += std::string(i ? "," : "") + "{\"file_path\": \"images/" + name +
              "\", \"transform_matrix\": " + matrix_json(0.1 * i, 0, 5) + "}";
  }
  write_text(dir / "transforms.json",
             "{\"fl_x\": 70, \"fl_y\": 72, \"cx\": 41, \"cy\": 29, \"w\": 80, \"h\": 60,"
             " \"k1\": 0, \"k2\": 0, \"p1\": 0, \"p2\": 0, \"camera_model\": \"OPENCV\","
             " \"frames\": [" +
                 frames + "]}");
  Scene scene = load_scene(dir.path().string(), DataOptions{});
  CHECK(scene.format == "transforms");
  REQUIRE(scene.train.size() == 8);
  REQUIRE(scene.test.size() == 2);
  const PinholeCamera& c = scene.test[0].camera;
  CHECK(c.width == 80);
  CHECK(c.fx == 70.0f);
  CHECK(c.fy == 72.0f);
  CHECK(c.cx == 41.0f);
  // OpenGL camera at (0, 0, 5) looking down -z: in OpenCV axes the origin is 5 in front.
  CHECK(c.t[2] == Approx(5.0f));
  CHECK(c.R[0] == Approx(1.0f));
  CHECK(c.R[4] == Approx(-1.0f));  // y flips (up becomes down)
  CHECK(c.R[8] == Approx(-1.0f));  // z flips (backwards becomes forwards)

  DataOptions half;
  half.images = "images_2";
  scene = load_scene(dir.path().string(), half);
  CHECK(scene.test[0].camera.width == 40);
  CHECK(scene.test[0].camera.fx == 35.0f);
  CHECK(scene.test[0].image_path.find("images_2") != std::string::npos);

  // Distortion coefficients make an OPENCV camera that is undistorted at load.
  write_text(dir / "transforms.json",
             "{\"fl_x\": 70, \"fl_y\": 70, \"w\": 80, \"h\": 60, \"k1\": -0.1, \"p1\": 0.001,"
             " \"frames\": [" +
                 frames + "]}");
  scene = load_scene(dir.path().string(), DataOptions{});
  CHECK(scene.test[0].camera_model == "OPENCV");
  CHECK(scene.test[0].lens.distortion[0] == -0.1);
  CHECK(scene.test[0].lens.distortion[2] == 0.001);
  CHECK(scene.test[0].camera.width > 80);
}

TEST_CASE("Blender scenes: file paths without extension, RGBA over the chosen background") {
  test::TempDir dir("scene-blender");
  fs::create_directories(dir / "train");
  Image rgba(8, 6, 4);
  for (int y = 0; y < 6; ++y)
    for (int x = 0; x < 8; ++x) {
      rgba.at(x, y, 0) = 1.0f;  // red, half transparent on the left half
      rgba.at(x, y, 1) = rgba.at(x, y, 2) = 0.0f;
      rgba.at(x, y, 3) = x < 4 ? 0.0f : 1.0f;
    }
  write_png((dir / "train" / "r_0.png").string(), rgba);
  write_text(dir / "transforms_train.json",
             "{\"camera_angle_x\": 0.5, \"frames\": [{\"file_path\": \"./train/r_0\","
             " \"transform_matrix\": " +
                 matrix_json(0, 0, 4) + "}]}");
  for (const char* background : {"white", "black"}) {
    DataOptions options;
    options.background = background;
    const Scene scene = load_scene(dir.path().string(), options);
    REQUIRE(scene.train.size() == 1);
    CHECK(scene.test.empty());
    const ViewImage image = load_view_image(scene.train[0], nullptr);
    const float b = std::string(background) == "white" ? 1.0f : 0.0f;
    CHECK(image.rgb[0] == b);  // transparent: the background
    CHECK(image.rgb[1] == b);
    CHECK(image.rgb[3 * 7] == 1.0f);  // opaque red
    CHECK(image.rgb[3 * 7 + 1] == 0.0f);
  }
}
