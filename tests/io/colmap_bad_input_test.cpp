// Broken COLMAP files: every one is one Error naming the file and the problem, never a crash,
// a hang or a huge allocation.
#include <catch2/catch.hpp>

#include <cstring>
#include <limits>

#include "io/colmap_binary_reader.hpp"
#include "io/colmap_text_reader.hpp"
#include "io/colmap_writer.hpp"
#include "io_test_support.hpp"
#include "temp_dir.hpp"

using namespace splat;

namespace {
const unsigned char* bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

TEST_CASE("COLMAP binary files truncated at any byte give an Error naming the file") {
  const ColmapModel model = test::make_test_model(3, 4);
  const std::string cameras = colmap_cameras_binary(model);
  const std::string images = colmap_images_binary(model);
  const std::string points = colmap_points3d_binary(model);
  for (std::size_t size = 0; size < cameras.size(); ++size)
    test::require_error([&] { parse_colmap_cameras_binary(bytes(cameras), size, "cams.bin"); },
                        {"cams.bin"});
  for (std::size_t size = 0; size < images.size(); ++size)
    test::require_error(
        [&] {
          parse_colmap_images_binary(bytes(images), size, "imgs.bin", {true, true});
        },
        {"imgs.bin"});
  for (std::size_t size = 0; size < points.size(); ++size)
    test::require_error(
        [&] {
          parse_colmap_points3d_binary(bytes(points), size, "pts.bin", {true, true});
        },
        {"pts.bin"});
}

TEST_CASE("COLMAP binary counts larger than the file are refused before allocating") {
  std::string data(8, '\0');
  const std::uint64_t huge = std::numeric_limits<std::uint64_t>::max() / 2;
  std::memcpy(data.data(), &huge, 8);
  data += std::string(100, '\0');
  test::require_error([&] { parse_colmap_points3d_binary(bytes(data), data.size(), "p.bin"); },
                      {"p.bin", "says it holds", "points"});
  test::require_error([&] { parse_colmap_images_binary(bytes(data), data.size(), "i.bin"); },
                      {"i.bin", "images"});
  test::require_error([&] { parse_colmap_cameras_binary(bytes(data), data.size(), "c.bin"); },
                      {"c.bin", "cameras"});
  // A keypoint count that does not fit is caught the same way, kept or skipped.
  ColmapModel model = test::make_test_model(1, 0);
  std::string images = colmap_images_binary(model);
  const std::size_t count_at = images.size() - 5 * 24 - 8;
  std::memcpy(images.data() + count_at, &huge, 8);
  for (bool keep : {false, true})
    test::require_error(
        [&] {
          parse_colmap_images_binary(bytes(images), images.size(), "i.bin", {keep, keep});
        },
        {"i.bin", "keypoints"});
}

TEST_CASE("COLMAP binary files with bytes after the last record are refused") {
  const ColmapModel model = test::make_test_model(2, 3);
  std::string points = colmap_points3d_binary(model) + "xyz";
  test::require_error([&] { parse_colmap_points3d_binary(bytes(points), points.size(), "p.bin"); },
                      {"p.bin", "3 unexpected bytes", "does not match the file size"});
}

TEST_CASE("COLMAP unknown camera models are named, in both formats") {
  ColmapModel model = test::make_test_model(1, 0);
  std::string cameras = colmap_cameras_binary(model);
  const std::int32_t bad_model = 42;
  std::memcpy(cameras.data() + 8 + 4, &bad_model, 4);
  test::require_error([&] { parse_colmap_cameras_binary(bytes(cameras), cameras.size(), "c.bin"); },
                      {"c.bin", "unknown camera model id 42"});
  test::require_error(
      [] { parse_colmap_cameras_text("1 PINHOLE_PLUS 10 10 1 1 5 5\n", "cameras.txt"); },
      {"cameras.txt:1", "unknown camera model 'PINHOLE_PLUS'"});
  test::require_error([] { parse_colmap_cameras_text("1 PINHOLE 10 10 1 1 5\n", "cameras.txt"); },
                      {"cameras.txt:1", "3 parameters", "has 4"});
}

TEST_CASE("COLMAP NaN or infinite poses and points are refused, in both formats") {
  ColmapModel model = test::make_test_model(2, 2);
  model.images[1].translation[2] = std::numeric_limits<double>::quiet_NaN();
  const std::string images = colmap_images_binary(model);
  test::require_error([&] { parse_colmap_images_binary(bytes(images), images.size(), "i.bin"); },
                      {"i.bin", "image 1", "NaN or infinite pose"});
  test::require_error([] { parse_colmap_images_text("1 1 0 0 0 inf 0 0 1 a.png\n\n", "i.txt"); },
                      {"i.txt:1", "NaN or infinite pose"});
  test::require_error([] { parse_colmap_images_text("1 0 0 0 0 0 0 0 1 a.png\n\n", "i.txt"); },
                      {"i.txt:1", "zero rotation quaternion"});
  model = test::make_test_model(1, 2);
  model.points[1].position[0] = std::numeric_limits<double>::infinity();
  const std::string points = colmap_points3d_binary(model);
  test::require_error([&] { parse_colmap_points3d_binary(bytes(points), points.size(), "p.bin"); },
                      {"p.bin", "NaN or infinite position"});
  test::require_error([] { parse_colmap_points3d_text("1 nan 0 0 1 2 3 -1\n", "p.txt"); },
                      {"p.txt:1", "NaN or infinite position"});
}

TEST_CASE("COLMAP text garbage names the file, line and field") {
  test::require_error([] { parse_colmap_cameras_text("1 PINHOLE ten 10 1 1 5 5\n", "c.txt"); },
                      {"c.txt:1", "width", "'ten'"});
  test::require_error([] { parse_colmap_images_text("# x\n1 1 0 0\n", "i.txt"); },
                      {"i.txt:2", "at least 10 fields"});
  test::require_error(
      [] {
        parse_colmap_images_text("1 1 0 0 0 0 0 0 1 a.png\n1.0 2.0\n", "i.txt", {true, true});
      },
      {"i.txt:2", "not a multiple of 3"});
  test::require_error([] { parse_colmap_points3d_text("1 0 0 0 300 0 0 -1\n", "p.txt"); },
                      {"p.txt:1", "above 255"});
  test::require_error([] { parse_colmap_points3d_text("1 0 0 0 1 2 3 -1 5\n", "p.txt"); },
                      {"p.txt:1", "track"});
  test::require_error([] { parse_colmap_cameras_text("\x01\x02\xff garbage\n", "c.txt"); },
                      {"c.txt:1"});
  test::require_error([] { parse_colmap_cameras_text("1 PINHOLE 0 10 1 1 5 5\n", "c.txt"); },
                      {"c.txt:1", "impossible size"});
  test::require_error([] { parse_colmap_cameras_text("1 PINHOLE 10 10 -1 1 5 5\n", "c.txt"); },
                      {"c.txt:1", "focal length"});
}

TEST_CASE("COLMAP duplicate ids and dangling camera references are refused") {
  test::require_error(
      [] {
        parse_colmap_cameras_text("1 PINHOLE 10 10 1 1 5 5\n1 PINHOLE 10 10 1 1 5 5\n", "c.txt");
      },
      {"c.txt:2", "camera id 1 appears twice"});
  test::TempDir dir("colmap-dangling");
  ColmapModel model = test::make_test_model(2, 1);
  model.images[1].camera_id = 77;
  write_colmap_model(dir.path().string(), model, ColmapFormat::Text);
  test::require_error(
      [&] {
        read_colmap_model({dir.path().string(), ColmapFormat::Text});
      },
      {"images.txt", "refers to camera 77"});
}

TEST_CASE("COLMAP missing model files are named") {
  test::TempDir dir("colmap-missing");
  write_colmap_model(dir.path().string(), test::make_test_model(1, 1), ColmapFormat::Binary);
  std::filesystem::remove(dir / "images.bin");
  test::require_error(
      [&] {
        read_colmap_model({dir.path().string(), ColmapFormat::Binary});
      },
      {"images.bin", "cannot open"});
  // No points3D is fine: the scene then starts from a random initialisation.
  write_colmap_model(dir.path().string(), test::make_test_model(1, 1), ColmapFormat::Binary);
  std::filesystem::remove(dir / "points3D.bin");
  CHECK(read_colmap_model({dir.path().string(), ColmapFormat::Binary}).points.empty());
}
