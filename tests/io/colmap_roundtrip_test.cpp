// COLMAP writers and readers agree, in both formats, on every field.
#include <catch2/catch.hpp>

#include "io/colmap_binary_reader.hpp"
#include "io/colmap_text_reader.hpp"
#include "io/colmap_writer.hpp"
#include "io_test_support.hpp"
#include "temp_dir.hpp"

using namespace splat;

namespace {

void require_same(const ColmapModel& a, const ColmapModel& b, bool with_keypoints,
                  bool with_tracks) {
  REQUIRE(a.cameras.size() == b.cameras.size());
  for (std::size_t i = 0; i < a.cameras.size(); ++i) {
    CHECK(a.cameras[i].id == b.cameras[i].id);
    CHECK(a.cameras[i].model == b.cameras[i].model);
    CHECK(a.cameras[i].width == b.cameras[i].width);
    CHECK(a.cameras[i].height == b.cameras[i].height);
    CHECK(a.cameras[i].params == b.cameras[i].params);
  }
  REQUIRE(a.images.size() == b.images.size());
  for (std::size_t i = 0; i < a.images.size(); ++i) {
    CHECK(a.images[i].id == b.images[i].id);
    CHECK(a.images[i].rotation == b.images[i].rotation);
    CHECK(a.images[i].translation == b.images[i].translation);
    CHECK(a.images[i].camera_id == b.images[i].camera_id);
    CHECK(a.images[i].name == b.images[i].name);
    if (with_keypoints) {
      REQUIRE(a.images[i].points2d.size() == b.images[i].points2d.size());
      for (std::size_t k = 0; k < a.images[i].points2d.size(); ++k) {
        CHECK(a.images[i].points2d[k].x == b.images[i].points2d[k].x);
        CHECK(a.images[i].points2d[k].y == b.images[i].points2d[k].y);
        CHECK(a.images[i].points2d[k].point3d_id == b.images[i].points2d[k].point3d_id);
      }
    } else {
      CHECK(b.images[i].points2d.empty());
    }
  }
  REQUIRE(a.points.size() == b.points.size());
  for (std::size_t i = 0; i < a.points.size(); ++i) {
    CHECK(a.points[i].id == b.points[i].id);
    CHECK(a.points[i].position == b.points[i].position);
    CHECK(a.points[i].color == b.points[i].color);
    CHECK(a.points[i].error == b.points[i].error);
    if (with_tracks) {
      REQUIRE(a.points[i].track.size() == b.points[i].track.size());
      for (std::size_t k = 0; k < a.points[i].track.size(); ++k) {
        CHECK(a.points[i].track[k].image_id == b.points[i].track[k].image_id);
        CHECK(a.points[i].track[k].point2d_index == b.points[i].track[k].point2d_index);
      }
    } else {
      CHECK(b.points[i].track.empty());
    }
  }
}

}  // namespace

TEST_CASE("COLMAP binary model round-trips exactly, keypoints and tracks included") {
  test::TempDir dir("colmap-bin");
  const ColmapModel model = test::make_test_model(6, 30);
  write_colmap_model(dir.path().string(), model, ColmapFormat::Binary);
  const ColmapModel back = read_colmap_model({dir.path().string(), ColmapFormat::Binary},
                                             {.keep_points2d = true, .keep_tracks = true});
  require_same(model, back, true, true);
}

TEST_CASE("COLMAP text model round-trips exactly (shortest round-trip decimals)") {
  test::TempDir dir("colmap-txt");
  ColmapModel model = test::make_test_model(6, 30);
  model.images[2].points2d.clear();  // an empty keypoint line must stay a line
  model.points[0].position = {0.1 + 1e-17, -1.0 / 3.0, 1e-300};
  write_colmap_model(dir.path().string(), model, ColmapFormat::Text);
  const ColmapModel back = read_colmap_model({dir.path().string(), ColmapFormat::Text},
                                             {.keep_points2d = true, .keep_tracks = true});
  require_same(model, back, true, true);
}

TEST_CASE("COLMAP readers skip keypoints and tracks unless asked, in both formats") {
  const ColmapModel model = test::make_test_model(3, 5);
  const std::string images = colmap_images_binary(model);
  const auto from_binary = parse_colmap_images_binary(
      reinterpret_cast<const unsigned char*>(images.data()), images.size(), "images.bin");
  const auto from_text = parse_colmap_images_text(colmap_images_text(model), "images.txt");
  const std::string points = colmap_points3d_binary(model);
  const auto points_binary = parse_colmap_points3d_binary(
      reinterpret_cast<const unsigned char*>(points.data()), points.size(), "points3D.bin");
  ColmapModel back{model.cameras, from_binary, points_binary};
  require_same(model, back, false, false);
  back.images = from_text;
  back.points = parse_colmap_points3d_text(colmap_points3d_text(model), "points3D.txt");
  require_same(model, back, false, false);
}

TEST_CASE("COLMAP binary and text writers describe the same model") {
  const ColmapModel model = test::make_test_model(4, 10);
  const std::string cameras = colmap_cameras_binary(model);
  const auto from_binary = parse_colmap_cameras_binary(
      reinterpret_cast<const unsigned char*>(cameras.data()), cameras.size(), "cameras.bin");
  const auto from_text = parse_colmap_cameras_text(colmap_cameras_text(model), "cameras.txt");
  REQUIRE(from_binary.size() == from_text.size());
  for (std::size_t i = 0; i < from_text.size(); ++i)
    CHECK(from_binary[i].params == from_text[i].params);
  // The first line of cameras.txt is COLMAP's own header comment.
  CHECK(colmap_cameras_text(model).rfind("# Camera list with one line of data per camera:", 0) ==
        0);
}

TEST_CASE("COLMAP text reader accepts CRLF, tabs, blank lines and names with spaces") {
  const std::string cameras = "# c\r\n\r\n1\tPINHOLE 10 8 9 9 5 4\r\n";
  const auto parsed = parse_colmap_cameras_text(cameras, "cameras.txt");
  REQUIRE(parsed.size() == 1);
  CHECK(parsed[0].params == std::vector<double>{9, 9, 5, 4});
  const std::string images = "3 1 0 0 0 0 0 0 1 my photo.jpg\n\n";
  const auto image_list = parse_colmap_images_text(images, "images.txt", {.keep_points2d = true});
  REQUIRE(image_list.size() == 1);
  CHECK(image_list[0].name == "my photo.jpg");
  CHECK(image_list[0].points2d.empty());
}

TEST_CASE("COLMAP model folder is found in sparse/0, sparse or the folder itself; binary first") {
  test::TempDir dir("colmap-find");
  const ColmapModel model = test::make_test_model(2, 2);
  CHECK_FALSE(find_colmap_model(dir.path().string()));
  write_colmap_model((dir / "sparse").string(), model, ColmapFormat::Text);
  auto found = find_colmap_model(dir.path().string());
  REQUIRE(found);
  CHECK(found->folder == (dir / "sparse").string());
  CHECK(found->format == ColmapFormat::Text);
  write_colmap_model((dir / "sparse" / "0").string(), model, ColmapFormat::Text);
  write_colmap_model((dir / "sparse" / "0").string(), model, ColmapFormat::Binary);
  found = find_colmap_model(dir.path().string());
  REQUIRE(found);
  CHECK(found->folder == (dir / "sparse" / "0").string());
  CHECK(found->format == ColmapFormat::Binary);
}

TEST_CASE("COLMAP model with rigs and frames files loads (the extra files are not needed)") {
  test::TempDir dir("colmap-rigs");
  const ColmapModel model = test::make_test_model(3, 4);
  write_colmap_model(dir.path().string(), model, ColmapFormat::Binary);
  // Current COLMAP writes these beside the classic three; their content does not matter here.
  std::FILE* rigs = std::fopen((dir / "rigs.bin").c_str(), "wb");
  std::FILE* frames = std::fopen((dir / "frames.bin").c_str(), "wb");
  const std::uint64_t one = 1;
  std::fwrite(&one, sizeof(one), 1, rigs);
  std::fwrite(&one, sizeof(one), 1, frames);
  std::fclose(rigs);
  std::fclose(frames);
  const ColmapModel back = read_colmap_model({dir.path().string(), ColmapFormat::Binary});
  CHECK(back.images.size() == 3);
  CHECK(back.points.size() == 4);
}

TEST_CASE("COLMAP model of another tool (cake: ids from 0, error -1, loose tracks) reads") {
  const auto files = find_colmap_model(test::shared_data("cake"));
  REQUIRE(files);
  const ColmapModel model = read_colmap_model(*files, {.keep_points2d = true, .keep_tracks = true});
  CHECK(model.cameras.size() == 8);
  CHECK(model.images.size() == 8);
  CHECK(model.points.size() == 4535);
  bool has_zero_id = false;
  for (const ColmapImage& image : model.images) has_zero_id |= image.id == 0;
  CHECK(has_zero_id);
  CHECK(model.points[0].error == -1.0);
  // Writing it back and reading again gives the same model, quirks and all.
  test::TempDir dir("colmap-cake");
  write_colmap_model(dir.path().string(), model, ColmapFormat::Binary);
  require_same(model,
               read_colmap_model({dir.path().string(), ColmapFormat::Binary},
                                 {.keep_points2d = true, .keep_tracks = true}),
               true, true);
}
