// PNG and JPEG decoding, PNG writing.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "io/image_codec.hpp"
#include "io/mapped_file.hpp"
#include "io_test_support.hpp"
#include "temp_dir.hpp"

using namespace splat;

TEST_CASE("PNG round-trips gray, gray+alpha, RGB and RGBA at 8 and 16 bits") {
  test::TempDir dir("png");
  for (int channels = 1; channels <= 4; ++channels) {
    for (int depth : {8, 16}) {
      const Image image = test::make_pattern(13, 7, channels);
      const std::string path = (dir / str_cat("p", channels, "_", depth, ".png")).string();
      write_png(path, image, depth);
      const Image back = read_image(path);
      REQUIRE(back.width == 13);
      REQUIRE(back.height == 7);
      REQUIRE(back.channels == channels);
      const float step = depth == 8 ? 1.0f / 255 : 1.0f / 65535;
      for (std::size_t i = 0; i < image.pixels.size(); ++i)
        REQUIRE(std::abs(back.pixels[i] - image.pixels[i]) <= 0.5f * step + 1e-7f);
      const ImageSize size = read_image_size(path);
      CHECK(size.width == 13);
      CHECK(size.height == 7);
    }
  }
}

TEST_CASE("JPEG decodes to the size its header gives, values in [0, 1]") {
  const std::string path = test::shared_data("bartoszek") + "/images/DSC_5286.jpg";
  const ImageSize size = read_image_size(path);
  CHECK(size.width == 1000);
  CHECK(size.height == 656);
  const Image image = read_image(path);
  CHECK(image.width == 1000);
  CHECK(image.height == 656);
  CHECK(image.channels == 3);
  double mean = 0;
  for (float v : image.pixels) {
    REQUIRE(v >= 0.0f);
    REQUIRE(v <= 1.0f);
    mean += v;
  }
  mean /= image.pixels.size();
  CHECK(mean > 0.05);
  CHECK(mean < 0.95);
}

TEST_CASE("truncated or corrupt PNG and JPEG files give an Error naming the file") {
  test::TempDir dir("codec-bad");
  const std::string png = (dir / "a.png").string();
  write_png(png, test::make_pattern(32, 32));
  std::string bytes;
  {
    const MappedFile file(png);
    bytes.assign(file.text());
  }
  const std::string jpeg_source = test::shared_data("cake") + "/images/frame000020.jpg";
  std::string jpeg;
  {
    const MappedFile file(jpeg_source);
    jpeg.assign(file.text());
  }
  const std::string cut_png = (dir / "cut.png").string();
  const std::string cut_jpeg = (dir / "cut.jpg").string();
  for (double fraction : {0.2, 0.5, 0.9}) {
    std::ofstream(cut_png, std::ios::binary | std::ios::trunc)
        << bytes.substr(0, static_cast<std::size_t>(bytes.size() * fraction));
    test::require_error([&] { read_image(cut_png); }, {"cut.png"});
    std::ofstream(cut_jpeg, std::ios::binary | std::ios::trunc)
        << jpeg.substr(0, static_cast<std::size_t>(jpeg.size() * fraction));
    test::require_error([&] { read_image(cut_jpeg); }, {"cut.jpg"});
  }
  // A corrupt header claiming a gigantic PNG is refused before allocating.
  std::string huge = bytes;
  huge[16] = huge[17] = huge[20] = huge[21] = '\x7f';
  std::ofstream(cut_png, std::ios::binary | std::ios::trunc) << huge;
  test::require_error([&] { read_image_size(cut_png); }, {"cut.png", "impossible size"});
  test::require_error([&] { read_image(cut_png); }, {"cut.png"});
  test::require_error([&] { read_image((dir / "none.png").string()); },
                      {"none.png", "cannot open"});
}
