// The whole CPU render pipeline (projection, SH, binning, blending) differentiated against
// central finite differences in double precision, for every parameter of every Gaussian.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "random_scene.hpp"
#include "render/cpu_renderer.hpp"

using namespace splat;

namespace {

// L = sum_p w_p image_p: its image gradient is w, so every pixel's gradient path is exercised.
double weighted_render(CpuRenderer<double>& renderer, const test::RandomScene<double>& scene,
                       int degree, const std::vector<double>& weights, const double bg[3]) {
  std::vector<double> image(weights.size());
  renderer.forward(scene.params(), scene.camera, degree, bg, image.data());
  double sum = 0;
  for (std::size_t i = 0; i < image.size(); ++i) sum += weights[i] * image[i];
  return sum;
}

void check_against_finite_differences(std::uint32_t seed, std::size_t count, int width, int height,
                                      int degree) {
  auto scene = test::random_scene<double>(seed, count, width, height);
  std::mt19937 rng(seed + 1);
  std::normal_distribution<double> normal;
  std::vector<double> weights(static_cast<std::size_t>(width) * height * 3);
  for (double& w : weights) w = normal(rng);
  const double bg[3] = {0.3, 0.6, 0.9};

  CpuRenderer<double> renderer;
  weighted_render(renderer, scene, degree, weights, bg);
  test::RandomScene<double> grads = scene;
  for (auto* a : grads.arrays()) std::fill(a->begin(), a->end(), 0.0);
  GaussianGrads<double> g{grads.means.data(), grads.log_scales.data(), grads.rotations.data(),
                          grads.opacity_logits.data(), grads.sh.data()};
  std::vector<double> screen(count * 2), radii(count);
  renderer.backward(weights.data(), g, screen.data(), radii.data());

  std::size_t visible = 0;
  for (double r : radii) visible += r > 0;
  REQUIRE(visible > count / 2);  // the scene really is in view

  const double eps = 1e-6;
  const auto params = scene.arrays();
  const auto analytic = grads.arrays();
  std::size_t checked = 0, nonzero = 0;
  for (std::size_t a = 0; a < params.size(); ++a) {
    for (std::size_t i = 0; i < params[a]->size(); ++i) {
      double& x = (*params[a])[i];
      const double saved = x;
      x = saved + eps;
      const double up = weighted_render(renderer, scene, degree, weights, bg);
      x = saved - eps;
      const double down = weighted_render(renderer, scene, degree, weights, bg);
      x = saved;
      const double numeric = (up - down) / (2 * eps);
      const double exact = (*analytic[a])[i];
      INFO("array " << a << " element " << i << " analytic " << exact << " numeric " << numeric);
      CHECK(std::abs(exact - numeric) <= 1e-6 + 1e-5 * std::abs(numeric));
      ++checked;
      nonzero += std::abs(exact) > 1e-6;
    }
  }
  // Most parameters matter (inactive SH degrees do not).
  CHECK(nonzero > checked / 3);
}

}  // namespace

TEST_CASE("render gradients match finite differences, SH degree 3", "[render]") {
  check_against_finite_differences(7, 24, 37, 29, 3);
}

TEST_CASE("render gradients match finite differences, SH degree 1 of 3", "[render]") {
  check_against_finite_differences(11, 30, 48, 33, 1);
}
