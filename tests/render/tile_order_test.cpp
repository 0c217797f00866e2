// Order keys: Gaussians of exactly equal depth blend in key order, so a model whose rows are
// permuted renders and differentiates like the original when each row carries its original
// index as key (what the offload working set passes), and differently without the keys.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "random_scene.hpp"
#include "render/cpu_renderer.hpp"

using namespace splat;

namespace {

// Values per row of each parameter array, in RandomScene::arrays() order.
template <class S>
std::vector<std::size_t> row_widths(const test::RandomScene<S>& s) {
  return {3, 3, 4, 1, static_cast<std::size_t>(s.coefficients()) * 3};
}

// Appends a copy of each of the first `copies` Gaussians at exactly the same mean (equal depth,
// like a densification clone) but opaque and in another colour, so blending order shows.
template <class S>
void add_depth_ties(test::RandomScene<S>& s, std::size_t copies) {
  const auto widths = row_widths(s);
  auto arrays = s.arrays();
  for (std::size_t a = 0; a < arrays.size(); ++a) {
    std::vector<S>& v = *arrays[a];
    v.insert(v.end(), v.begin(), v.begin() + static_cast<std::ptrdiff_t>(copies * widths[a]));
  }
  const std::size_t k = widths[4];
  for (std::size_t i = 0; i < copies; ++i) {
    const std::size_t original = i, copy = s.count + i;
    s.opacity_logits[original] = S(2.5);
    s.opacity_logits[copy] = S(2.5);
    for (int c = 0; c < 3; ++c) s.sh[copy * k + c] = S(1.5) - s.sh[original * k + c];
  }
  s.count += copies;
}

// Row i of the result is row order[i] of `s`.
template <class S>
test::RandomScene<S> permute_rows(test::RandomScene<S> s, const std::vector<std::uint32_t>& order) {
  test::RandomScene<S> out = s;
  const auto widths = row_widths(s);
  auto from = s.arrays();
  auto to = out.arrays();
  for (std::size_t a = 0; a < from.size(); ++a)
    for (std::size_t i = 0; i < order.size(); ++i)
      std::copy_n(from[a]->begin() + static_cast<std::ptrdiff_t>(order[i] * widths[a]), widths[a],
                  to[a]->begin() + static_cast<std::ptrdiff_t>(i * widths[a]));
  return out;
}

template <class S>
struct ViewResult {
  std::vector<S> image;
  test::RandomScene<S> grads;  // parameter gradients, in the scene's layout
  std::vector<S> screen_grad, radii;
};

template <class S>
ViewResult<S> render_and_differentiate(const test::RandomScene<S>& scene, int degree,
                                       const std::vector<S>& dimage,
                                       const std::uint32_t* order_keys) {
  const S background[3] = {S(0.2), S(0.4), S(0.6)};
  CpuRenderer<S> renderer;
  ViewResult<S> r;
  r.image.resize(dimage.size());
  renderer.forward(scene.params(), scene.camera, degree, background, r.image.data(), order_keys);
  r.grads = scene;
  for (auto* a : r.grads.arrays()) std::fill(a->begin(), a->end(), S(0));
  GaussianGrads<S> g{r.grads.means.data(), r.grads.log_scales.data(), r.grads.rotations.data(),
                     r.grads.opacity_logits.data(), r.grads.sh.data()};
  r.screen_grad.resize(scene.count * 2);
  r.radii.resize(scene.count);
  renderer.backward(dimage.data(), g, r.screen_grad.data(), r.radii.data());
  return r;
}

// Rows of `v` (width values each) taken in `order`.
template <class S>
std::vector<S> rows_in_order(const std::vector<S>& v, std::size_t width,
                             const std::vector<std::uint32_t>& order) {
  std::vector<S> out(v.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    std::copy_n(v.begin() + static_cast<std::ptrdiff_t>(order[i] * width), width,
                out.begin() + static_cast<std::ptrdiff_t>(i * width));
  return out;
}

}  // namespace

TEMPLATE_TEST_CASE("order keys make a permuted model render and differentiate like the original",
                   "[render]", float, double) {
  using S = TestType;
  const int width = 64, height = 48, degree = 1;
  auto scene = test::random_scene<S>(5, 150, width, height, degree);
  add_depth_ties(scene, 100);
  std::mt19937 rng(6);
  std::normal_distribution<double> normal;
  std::vector<S> dimage(static_cast<std::size_t>(width) * height * 3);
  for (S& d : dimage) d = static_cast<S>(normal(rng));

  std::vector<std::uint32_t> order(scene.count);
  std::iota(order.begin(), order.end(), 0u);
  std::shuffle(order.begin(), order.end(), rng);
  const auto permuted = permute_rows(scene, order);

  auto original = render_and_differentiate(scene, degree, dimage, nullptr);
  std::size_t visible = 0;
  for (S r : original.radii) visible += r > 0;
  REQUIRE(visible > scene.count / 2);

  // Keys equal to the row index are the default order.
  const std::vector<std::uint32_t> identity = [&] {
    std::vector<std::uint32_t> ids(scene.count);
    std::iota(ids.begin(), ids.end(), 0u);
    return ids;
  }();
  CHECK(render_and_differentiate(scene, degree, dimage, identity.data()).image == original.image);

  // Without keys the ties blend in the new row order: the image changes (so the test can fail).
  CHECK(render_and_differentiate(permuted, degree, dimage, nullptr).image != original.image);

  // With the original indices as keys: the same image, and the same gradients row for row.
  auto keyed = render_and_differentiate(permuted, degree, dimage, order.data());
  CHECK(keyed.image == original.image);
  const auto widths = row_widths(scene);
  const auto expected = original.grads.arrays();
  const auto got = keyed.grads.arrays();
  for (std::size_t a = 0; a < expected.size(); ++a) {
    INFO("parameter array " << a);
    CHECK(*got[a] == rows_in_order(*expected[a], widths[a], order));
  }
  CHECK(keyed.screen_grad == rows_in_order(original.screen_grad, 2, order));
  CHECK(keyed.radii == rows_in_order(original.radii, 1, order));
}
