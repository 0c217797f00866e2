// Initial Gaussians from points and at random, as the reference makes them.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/error.hpp"
#include "model/initialization.hpp"

using namespace splat;

TEST_CASE("Gaussians from points: SH DC from colour, k-NN scale, identity rotation, opacity 0.1") {
  // Four points: a unit right-angle corner, so each point's 3 nearest neighbours are known.
  const std::vector<float> points{0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
  const std::vector<std::uint8_t> colors{255, 0, 128, 0, 0, 0, 255, 255, 255, 10, 20, 30};
  const GaussianModel model = gaussians_from_points(points, colors, 3);
  REQUIRE(model.size() == 4);
  CHECK(model.sh_degree == 3);
  CHECK(model.means == points);
  CHECK(model.sh.size() == 4 * 16 * 3);
  // Point 0: neighbours at 1, 1, 1 -> mean squared 1 -> log(1) = 0.
  for (int a = 0; a < 3; ++a) CHECK(model.log_scales[a] == Approx(0.0f).margin(1e-6));
  // Point 1: neighbours at 1, sqrt2, sqrt2 -> mean squared 5/3.
  CHECK(model.log_scales[3] == Approx(std::log(std::sqrt(5.0f / 3.0f))));
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(model.rotations[4 * i] == 1.0f);
    CHECK(model.rotations[4 * i + 1] == 0.0f);
    CHECK(model.opacity_logits[i] == Approx(std::log(0.1f / 0.9f)));
    CHECK(1.0f / (1.0f + std::exp(-model.opacity_logits[i])) == Approx(0.1f));
    for (int c = 0; c < 3; ++c) {
      const float dc = model.sh[i * 48 + c];
      CHECK(dc == Approx((colors[3 * i + c] / 255.0f - 0.5f) / 0.28209479177387814f));
      CHECK(0.5f + 0.28209479177387814f * dc == Approx(colors[3 * i + c] / 255.0f));
      for (int k = 1; k < 16; ++k) CHECK(model.sh[i * 48 + k * 3 + c] == 0.0f);
    }
  }
}

TEST_CASE("Gaussians from duplicate points get the smallest scale, not log(0)") {
  const GaussianModel model = gaussians_from_points({1, 2, 3, 1, 2, 3}, {0, 0, 0, 0, 0, 0}, 0);
  CHECK(model.sh.size() == 2 * 3);
  CHECK(model.log_scales[0] == Approx(std::log(std::sqrt(1e-7f))));
}

TEST_CASE("random Gaussians lie in the box, are deterministic per seed, near-grey") {
  const std::array<float, 3> lo{-1, 0, 2}, hi{1, 0.5f, 6};
  const GaussianModel a = random_gaussians(lo, hi, 5000, 3, 42);
  const GaussianModel b = random_gaussians(lo, hi, 5000, 3, 42);
  const GaussianModel c = random_gaussians(lo, hi, 5000, 3, 43);
  REQUIRE(a.size() == 5000);
  CHECK(a.means == b.means);
  CHECK(a.means != c.means);
  double mean_x = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (int k = 0; k < 3; ++k) {
      REQUIRE(a.means[3 * i + k] >= lo[k]);
      REQUIRE(a.means[3 * i + k] <= hi[k]);
      const float dc = a.sh[i * 48 + k];
      REQUIRE(dc >= 0.0f);
      REQUIRE(dc < 1.0f / 255.0f);
    }
    mean_x += a.means[3 * i];
  }
  CHECK(mean_x / 5000 == Approx(0.0).margin(0.05));
  // Scales follow the same k-NN rule: about the spacing of 5000 points in a 2 x 0.5 x 4 box.
  const float typical = std::exp(a.log_scales[0]);
  CHECK(typical > 0.01f);
  CHECK(typical < 0.5f);
  CHECK_THROWS_AS(random_gaussians({1, 0, 0}, {0, 1, 1}, 10, 0, 0), Error);
}
