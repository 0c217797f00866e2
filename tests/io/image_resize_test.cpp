// Area-averaging resize.
#include <catch2/catch.hpp>

#include "io/image_resize.hpp"
#include "io_test_support.hpp"

using namespace splat;

TEST_CASE("area resize by 2 averages each 2x2 block exactly") {
  Image image(4, 2, 1);
  for (int i = 0; i < 8; ++i) image.pixels[i] = static_cast<float>(i);
  const Image half = resize_area(image, 2, 1);
  REQUIRE(half.width == 2);
  REQUIRE(half.height == 1);
  CHECK(half.pixels[0] == Approx((0 + 1 + 4 + 5) / 4.0));
  CHECK(half.pixels[1] == Approx((2 + 3 + 6 + 7) / 4.0));
}

TEST_CASE("area resize by a fractional factor weights partial pixels and keeps the mean") {
  Image row(3, 1, 1);
  row.pixels = {0, 3, 6};
  const Image two = resize_area(row, 2, 1);
  // Output 0 covers [0, 1.5): pixel 0 fully, half of pixel 1.
  CHECK(two.pixels[0] == Approx((0 * 1.0 + 3 * 0.5) / 1.5));
  CHECK(two.pixels[1] == Approx((3 * 0.5 + 6 * 1.0) / 1.5));
  const Image pattern = test::make_pattern(37, 23);
  const Image small = resize_area(pattern, 10, 7);
  double a = 0, b = 0;
  for (float v : pattern.pixels) a += v;
  for (float v : small.pixels) b += v;
  CHECK(b / small.pixels.size() == Approx(a / pattern.pixels.size()).epsilon(1e-5));
}

TEST_CASE("area resize to the same size is the identity") {
  const Image pattern = test::make_pattern(9, 5, 4);
  CHECK(resize_area(pattern, 9, 5).pixels == pattern.pixels);
}
