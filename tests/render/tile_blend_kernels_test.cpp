// The vectorised float rasterizer against the scalar double reference, for every instruction set
// this machine runs: the same projected Gaussians and tile bins go through both, and the image
// and every 2D gradient must agree to float precision. Also: its exponential's error bound, and
// the same bits at any thread count.
#include <omp.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "random_scene.hpp"
#include "render/projected_gaussians.hpp"
#include "render/rasterize_tiles.hpp"
#include "render/tile_bins.hpp"
#include "render/tile_blend_kernels.hpp"

using namespace splat;

namespace {

// One view projected in double, binned once, and the float copy the kernels see.
struct ProjectedView {
  int width = 0, height = 0;
  ProjectedGaussians<double> exact;
  ProjectedGaussians<float> rounded;
  TileBins bins;
  std::vector<double> dimage;  // a random dL/dimage
};

template <class To, class From>
std::vector<To> cast(const std::vector<From>& v) {
  return std::vector<To>(v.begin(), v.end());
}

ProjectedView project_view(const test::RandomScene<double>& scene, std::uint32_t seed) {
  ProjectedView v;
  v.width = scene.camera.width;
  v.height = scene.camera.height;
  project_gaussians(scene.params(), scene.camera, scene.sh_degree, v.exact);
  bin_tiles(v.exact, v.width, v.height, v.bins);
  v.rounded.resize(v.exact.count());
  v.rounded.mean2d = cast<float>(v.exact.mean2d);
  v.rounded.conic = cast<float>(v.exact.conic);
  v.rounded.depth = cast<float>(v.exact.depth);
  v.rounded.radius = cast<float>(v.exact.radius);
  v.rounded.color = cast<float>(v.exact.color);
  v.rounded.opacity = cast<float>(v.exact.opacity);
  v.rounded.tile_rect = v.exact.tile_rect;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  v.dimage.resize(std::size_t(v.width) * v.height * 3);
  for (double& d : v.dimage) d = uniform(rng);
  return v;
}

struct FloatResult {
  std::vector<float> image;
  ProjectedGradients<float> gradients;
};

struct DoubleResult {
  std::vector<double> image;
  ProjectedGradients<double> gradients;
};

const double kBackground[3] = {0.3, 0.6, 0.9};
const float kBackgroundF[3] = {0.3f, 0.6f, 0.9f};

DoubleResult run_reference(const ProjectedView& v) {
  DoubleResult r;
  RasterState<double> state;
  std::vector<double> pairs;
  r.image.resize(v.dimage.size());
  rasterize_forward(v.exact, v.bins, v.width, v.height, kBackground, r.image.data(), state);
  rasterize_backward(v.exact, v.bins, v.width, v.height, kBackground, v.dimage.data(), state, pairs,
                     r.gradients);
  return r;
}

FloatResult run_kernels(const TileBlendKernels& kernels, const ProjectedView& v) {
  FloatResult r;
  RasterState<float> state;
  std::vector<float> pairs;
  const std::vector<float> dimage = cast<float>(v.dimage);
  r.image.resize(v.dimage.size());
  rasterize_forward(kernels, v.rounded, v.bins, v.width, v.height, kBackgroundF, r.image.data(),
                    state);
  rasterize_backward(kernels, v.rounded, v.bins, v.width, v.height, kBackgroundF, dimage.data(),
                     state, pairs, r.gradients);
  return r;
}

// Largest |got - want| over the array, relative to the array's largest |want|.
double relative_error(const std::vector<float>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  double worst = 0, scale = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    worst = std::max(worst, std::abs(double(got[i]) - want[i]));
    scale = std::max(scale, std::abs(want[i]));
  }
  return scale > 0 ? worst / scale : worst;
}

// Agreement with the reference. Rounding alone stays near 1e-6 (measured: at most 1.6e-6 of each
// gradient array's scale, 8e-7 in the image); the gradient bound is 100 times that. A pixel where
// a cut-off decision (alpha floor, transmittance stop) falls the other way in float moves by at
// most one faint contribution, which the image bounds allow for a few pixels, while a wrong term
// (a changed colour, the wrong transmittance) moves thousands: the next test checks one.
void require_agreement(const FloatResult& got, const DoubleResult& want, const std::string& isa) {
  INFO("kernels: " << isa);
  double image_worst = 0;
  std::size_t image_off = 0;
  for (std::size_t i = 0; i < got.image.size(); ++i) {
    const double d = std::abs(double(got.image[i]) - want.image[i]);
    image_worst = std::max(image_worst, d);
    if (d > 1e-5) ++image_off;
  }
  CHECK(image_worst < 5e-3);
  CHECK(image_off <= got.image.size() / 1000);
  CHECK(relative_error(got.gradients.mean2d, want.gradients.mean2d) < 1e-4);
  CHECK(relative_error(got.gradients.conic, want.gradients.conic) < 1e-4);
  CHECK(relative_error(got.gradients.opacity, want.gradients.opacity) < 1e-4);
  CHECK(relative_error(got.gradients.color, want.gradients.color) < 1e-4);
}

std::vector<test::RandomScene<double>> scenes() {
  std::vector<test::RandomScene<double>> s;
  s.push_back(test::random_scene<double>(11, 400, 64, 48));
  // Image sides that are not multiples of the tile: partial tiles on the right and bottom.
  s.push_back(test::random_scene<double>(12, 600, 53, 37));
  // Dense and opaque: most pixels reach the transmittance stop.
  auto opaque = test::random_scene<double>(13, 1500, 48, 48);
  for (double& logit : opaque.opacity_logits) logit += 3.0;
  s.push_back(opaque);
  return s;
}

}  // namespace

TEST_CASE("tile blend kernels: every instruction set agrees with the double reference") {
  const auto kernel_sets = runnable_tile_blend_kernels();
  REQUIRE(!kernel_sets.empty());
  REQUIRE(std::string(kernel_sets.back()->isa) == "baseline");
  std::uint32_t seed = 100;
  for (const auto& scene : scenes()) {
    const ProjectedView view = project_view(scene, ++seed);
    REQUIRE(view.bins.pair_count() > 0);
    const DoubleResult want = run_reference(view);
    for (const TileBlendKernels* kernels : kernel_sets)
      require_agreement(run_kernels(*kernels, view), want, kernels->isa);
  }
}

TEST_CASE("tile blend kernels: a wrong blend is caught by the agreement bounds") {
  // The bounds above must not be loose enough for a real mistake: rendering against another
  // background, or with one Gaussian's colour changed, has to break them.
  const auto scene = scenes()[0];
  const ProjectedView view = project_view(scene, 5);
  const DoubleResult want = run_reference(view);
  const TileBlendKernels& kernels = *runnable_tile_blend_kernels().front();
  ProjectedView wrong = view;
  for (std::size_t g = 0; g < wrong.rounded.count(); g += 7) wrong.rounded.color[g * 3] += 0.05f;
  const FloatResult got = run_kernels(kernels, wrong);
  std::size_t off = 0;
  for (std::size_t i = 0; i < got.image.size(); ++i)
    if (std::abs(double(got.image[i]) - want.image[i]) > 1e-5) ++off;
  CHECK(off > got.image.size() / 1000);
  CHECK(relative_error(got.gradients.opacity, want.gradients.opacity) > 1e-4);
}

TEST_CASE("tile blend kernels: the same bits at any thread count") {
  const ProjectedView view = project_view(scenes()[1], 21);
  const int threads = omp_get_max_threads();
  for (const TileBlendKernels* kernels : runnable_tile_blend_kernels()) {
    INFO("kernels: " << kernels->isa);
    omp_set_num_threads(1);
    const FloatResult one = run_kernels(*kernels, view);
    omp_set_num_threads(std::max(2, threads));
    const FloatResult many = run_kernels(*kernels, view);
    omp_set_num_threads(threads);
    CHECK(one.image == many.image);
    CHECK(one.gradients.mean2d == many.gradients.mean2d);
    CHECK(one.gradients.conic == many.gradients.conic);
    CHECK(one.gradients.opacity == many.gradients.opacity);
    CHECK(one.gradients.color == many.gradients.color);
  }
}

TEST_CASE("tile blend kernels: the exponential is within 2 ulp of e^x on [-87, 0]") {
  // Every float in [-6, 0] (where the blending's exponents live: above ln(1/255) - 1e-3) at a
  // stride that visits each binade densely, and a sweep down to -87.
  std::vector<float> x;
  for (float v = -6.0f; v <= 0.0f; v = std::nextafter(v, 1.0f)) {
    x.push_back(v);
    for (int skip = 0; skip < 997 && v < 0.0f; ++skip) v = std::nextafter(v, 1.0f);
  }
  for (double v = -87.0; v < -6.0; v += 1e-4) x.push_back(static_cast<float>(v));
  x.push_back(0.0f);
  x.push_back(-0.0f);
  for (const TileBlendKernels* kernels : runnable_tile_blend_kernels()) {
    INFO("kernels: " << kernels->isa);
    std::vector<float> e(x.size());
    kernels->exp_nonpositive(x.data(), e.data(), x.size());
    double worst_ulps = 0;
    float worst_at = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double exact = std::exp(double(x[i]));
      const float rounded = static_cast<float>(exact);
      const double ulp = double(std::nextafter(rounded, 2.0f * rounded + 1.0f)) - rounded;
      const double ulps = std::abs(double(e[i]) - exact) / ulp;
      if (ulps > worst_ulps) worst_ulps = ulps, worst_at = x[i];
    }
    INFO("worst at x = " << worst_at);
    CHECK(worst_ulps <= 2.0);
    CHECK(e.back() == 1.0f);
  }
}

TEST_CASE("tile blend kernels: SPLAT_SIMD picks a runnable set or names the ones there are") {
  const auto runnable = runnable_tile_blend_kernels();
  CHECK(&tile_blend_kernels_named(nullptr) == runnable.front());
  CHECK(&tile_blend_kernels_named("") == runnable.front());
  CHECK(std::string(tile_blend_kernels_named("baseline").isa) == "baseline");
  CHECK_THROWS_WITH(tile_blend_kernels_named("avx1024"),
                    Catch::Contains("SPLAT_SIMD=avx1024") && Catch::Contains("baseline"));
}
