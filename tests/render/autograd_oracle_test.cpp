// The CPU renderer and loss against the libtorch autograd oracle (double precision), on random
// scenes and on the edge cases: Gaussians behind the camera and at the near plane, straddling
// tiles and image borders, degenerate scales, pixels that hit the transmittance stop, nothing in
// view, 1x1 and odd-sized images. The float renderer is checked against the same oracle.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "autograd_oracle.hpp"
#include "random_scene.hpp"
#include "render/cpu_renderer.hpp"
#include "render/image_loss.hpp"

using namespace splat;

namespace {

const auto kDouble = torch::TensorOptions().dtype(torch::kFloat64);

torch::Tensor tensor_of(const std::vector<double>& v, std::vector<std::int64_t> shape) {
  return torch::from_blob(const_cast<double*>(v.data()), shape, kDouble).clone();
}

std::vector<double> values_of(const torch::Tensor& t) {
  const auto c = t.contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

// Largest |a - b| relative to the largest |b| (or 1), the scale-aware error of a whole array.
double relative_error(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double worst = 0, scale = 1e-12;
  for (std::size_t i = 0; i < a.size(); ++i) {
    worst = std::max(worst, std::abs(a[i] - b[i]));
    scale = std::max(scale, std::abs(b[i]));
  }
  return worst / scale;
}

template <class S>
std::vector<S> cast(const std::vector<double>& v) {
  return std::vector<S>(v.begin(), v.end());
}

struct OracleResult {
  std::vector<double> image, means, log_scales, rotations, opacity_logits, sh, mean2d, radius;
  std::int64_t stopped_pixels;
};

OracleResult run_oracle(const test::RandomScene<double>& s, int degree, const double bg[3],
                        const std::vector<double>& weights) {
  const auto n = static_cast<std::int64_t>(s.count);
  test::OracleInputs in{tensor_of(s.means, {n, 3}).requires_grad_(),
                        tensor_of(s.log_scales, {n, 3}).requires_grad_(),
                        tensor_of(s.rotations, {n, 4}).requires_grad_(),
                        tensor_of(s.opacity_logits, {n}).requires_grad_(),
                        tensor_of(s.sh, {n, s.coefficients(), 3}).requires_grad_()};
  auto out = test::oracle_render(in, s.camera, degree, bg);
  const auto w = tensor_of(weights, {s.camera.height, s.camera.width, 3});
  const auto objective = (out.image * w).sum();
  if (objective.requires_grad()) objective.backward();  // not when nothing is in view
  const auto grad_or_zero = [](const torch::Tensor& t) {
    return t.grad().defined() ? values_of(t.grad()) : std::vector<double>(t.numel(), 0.0);
  };
  return {values_of(out.image),       grad_or_zero(in.means),          grad_or_zero(in.log_scales),
          grad_or_zero(in.rotations), grad_or_zero(in.opacity_logits), grad_or_zero(in.sh),
          grad_or_zero(out.mean2d),   values_of(out.radius),           out.stopped_pixels};
}

template <class S>
struct RendererResult {
  std::vector<double> image, means, log_scales, rotations, opacity_logits, sh, mean2d, radius;
};

template <class S>
RendererResult<S> run_renderer(const test::RandomScene<double>& scene, int degree,
                               const double bg_in[3], const std::vector<double>& weights_in) {
  const auto means = cast<S>(scene.means), log_scales = cast<S>(scene.log_scales);
  const auto rotations = cast<S>(scene.rotations), logits = cast<S>(scene.opacity_logits);
  const auto sh = cast<S>(scene.sh), weights = cast<S>(weights_in);
  const GaussianParams<S> params{means.data(), log_scales.data(), rotations.data(), logits.data(),
                                 sh.data(),    scene.count,       scene.sh_degree};
  const S bg[3] = {S(bg_in[0]), S(bg_in[1]), S(bg_in[2])};
  CpuRenderer<S> renderer;
  std::vector<S> image(weights.size());
  renderer.forward(params, scene.camera, degree, bg, image.data());
  std::vector<S> gm(means.size()), gs(log_scales.size()), gr(rotations.size()), go(logits.size()),
      gsh(sh.size()), screen(scene.count * 2), radii(scene.count);
  GaussianGrads<S> grads{gm.data(), gs.data(), gr.data(), go.data(), gsh.data()};
  renderer.backward(weights.data(), grads, screen.data(), radii.data());
  const auto d = [](const std::vector<S>& v) { return std::vector<double>(v.begin(), v.end()); };
  std::vector<double> mean2d = d(renderer.projected_gradients().mean2d);
  return {d(image), d(gm), d(gs), d(gr), d(go), d(gsh), mean2d, d(radii)};
}

// Compares both precisions of the renderer with the oracle; returns the oracle's stop count.
std::int64_t compare_with_oracle(const test::RandomScene<double>& scene, int degree,
                                 std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  std::vector<double> weights(static_cast<std::size_t>(scene.camera.width) * scene.camera.height *
                              3);
  for (double& w : weights) w = normal(rng);
  const double bg[3] = {0.2, 0.5, 1.0};
  const auto oracle = run_oracle(scene, degree, bg, weights);

  const auto exact = run_renderer<double>(scene, degree, bg, weights);
  CHECK(exact.radius == oracle.radius);
  CHECK(relative_error(exact.image, oracle.image) < 1e-12);
  CHECK(relative_error(exact.means, oracle.means) < 1e-9);
  CHECK(relative_error(exact.log_scales, oracle.log_scales) < 1e-9);
  CHECK(relative_error(exact.rotations, oracle.rotations) < 1e-9);
  CHECK(relative_error(exact.opacity_logits, oracle.opacity_logits) < 1e-9);
  CHECK(relative_error(exact.sh, oracle.sh) < 1e-9);
  CHECK(relative_error(exact.mean2d, oracle.mean2d) < 1e-9);

  // The training precision: float arithmetic, same model.
  const auto fast = run_renderer<float>(scene, degree, bg, weights);
  CHECK(relative_error(fast.image, oracle.image) < 1e-5);
  CHECK(relative_error(fast.means, oracle.means) < 2e-3);
  CHECK(relative_error(fast.log_scales, oracle.log_scales) < 2e-3);
  CHECK(relative_error(fast.rotations, oracle.rotations) < 2e-3);
  CHECK(relative_error(fast.opacity_logits, oracle.opacity_logits) < 2e-3);
  CHECK(relative_error(fast.sh, oracle.sh) < 2e-3);
  return oracle.stopped_pixels;
}

// Appends one Gaussian at camera-space position pc with the given log-scales and opacity logit.
void add_gaussian(test::RandomScene<double>& s, const double pc[3], double log_scale,
                  double opacity_logit, std::mt19937& rng) {
  std::normal_distribution<double> normal;
  for (int a = 0; a < 3; ++a) {
    double w = 0;
    for (int b = 0; b < 3; ++b) w += s.camera.R[b * 3 + a] * (pc[b] - s.camera.t[b]);
    s.means.push_back(w);
    s.log_scales.push_back(log_scale + 0.3 * normal(rng));
  }
  for (int a = 0; a < 4; ++a) s.rotations.push_back(normal(rng));
  s.opacity_logits.push_back(opacity_logit);
  for (int c = 0; c < s.coefficients() * 3; ++c) s.sh.push_back(0.4 * normal(rng));
  ++s.count;
}

}  // namespace

TEST_CASE("oracle: random scenes at every SH degree", "[oracle]") {
  for (int degree = 0; degree <= 3; ++degree) {
    INFO("SH degree " << degree);
    const auto scene = test::random_scene<double>(100 + degree, 40, 45, 37, 3);
    compare_with_oracle(scene, degree, 200 + degree);
  }
}

TEST_CASE("oracle: opaque overlapping Gaussians hit the transmittance stop", "[oracle]") {
  auto scene = test::random_scene<double>(21, 30, 40, 34, 2);
  std::mt19937 rng(22);
  // Large, nearly opaque Gaussians stacked on the image centre.
  for (int i = 0; i < 12; ++i) {
    const double pc[3] = {0.02 * i - 0.1, 0.01 * i, 3.0 + 0.1 * i};
    add_gaussian(scene, pc, -1.3, 6.0, rng);
  }
  const auto stopped = compare_with_oracle(scene, 2, 23);
  CHECK(stopped > 20);
}

TEST_CASE("oracle: behind the camera, at the near plane, on borders, degenerate", "[oracle]") {
  auto scene = test::random_scene<double>(31, 20, 50, 41, 1);
  std::mt19937 rng(32);
  const double near = scene.camera.near_plane;
  const double edge_x = 0.5 * 50 * 4.0 / scene.camera.fx;
  const double cases[][5] = {
      // camera-space x, y, z, log-scale, opacity logit
      {0.0, 0.0, -2.0, -2.0, 2.0},             // behind the camera
      {0.0, 0.0, near * 0.999, -3.0, 2.0},     // just in front of the near plane: culled
      {0.01, 0.0, near * 1.5, -4.0, 1.0},      // just behind it: rendered, huge footprint
      {edge_x, 0.1, 4.0, -2.2, 1.5},           // straddling the right border
      {-edge_x * 1.02, -0.2, 4.0, -2.0, 1.5},  // centre just outside the left border
      {0.3, 0.3, 4.0, -14.0, 3.0},             // degenerate: far below a pixel
      {-0.2, 0.35, 3.5, -2.0, 2.5},            // spans several tiles
      {edge_x * 4, 0.0, 4.0, -1.0, 2.0},       // off-screen: beyond the Jacobian clamp
  };
  for (const auto& c : cases) add_gaussian(scene, c, c[3], c[4], rng);
  // One flat Gaussian: a single axis collapsed.
  scene.log_scales[scene.log_scales.size() - 4] = -16.0;
  compare_with_oracle(scene, 1, 33);
}

TEST_CASE("oracle: nothing in view renders the background with zero gradients", "[oracle]") {
  auto scene = test::random_scene<double>(41, 0, 19, 13, 0);
  std::mt19937 rng(42);
  for (int i = 0; i < 5; ++i) {
    const double pc[3] = {0.1 * i, 0.0, -1.0 - i};  // all behind the camera
    add_gaussian(scene, pc, -2.0, 2.0, rng);
  }
  const double bg[3] = {0.25, 0.5, 0.75};
  const std::vector<double> weights(19 * 13 * 3, 1.0);
  const auto result = run_renderer<double>(scene, 0, bg, weights);
  for (std::size_t i = 0; i < result.image.size(); ++i) CHECK(result.image[i] == bg[i % 3]);
  for (double g : result.means) CHECK(g == 0.0);
  compare_with_oracle(scene, 0, 43);
}

TEST_CASE("oracle: 1x1 and odd-sized images", "[oracle]") {
  for (const auto& size :
       {std::pair{1, 1}, std::pair{17, 1}, std::pair{1, 23}, std::pair{33, 17}}) {
    INFO(size.first << "x" << size.second);
    const auto scene = test::random_scene<double>(51, 25, size.first, size.second, 1, 1.0f);
    compare_with_oracle(scene, 1, 52);
  }
}

TEST_CASE("oracle: fused L1 + D-SSIM loss and its image gradient", "[oracle]") {
  for (const auto& size : {std::pair{23, 19}, std::pair{64, 48}, std::pair{7, 5}}) {
    const int w = size.first, h = size.second;
    std::mt19937 rng(w);
    std::uniform_real_distribution<double> uniform(0, 1);
    std::vector<double> image(std::size_t(w) * h * 3), target(image.size()), grad(image.size());
    for (std::size_t i = 0; i < image.size(); ++i) {
      target[i] = uniform(rng);
      image[i] = std::clamp(target[i] + 0.2 * (uniform(rng) - 0.5), 0.0, 1.0);
    }
    ImageLoss<double> loss;
    const double value = loss.evaluate(image.data(), target.data(), w, h, 0.2, grad.data());
    auto x = tensor_of(image, {h, w, 3}).requires_grad_();
    const auto expected = test::oracle_loss(x, tensor_of(target, {h, w, 3}), 0.2);
    expected.backward();
    CHECK(std::abs(value - expected.item<double>()) < 1e-12);
    CHECK(relative_error(grad, values_of(x.grad())) < 1e-10);
    // And the float version, used in training.
    ImageLoss<float> loss_f;
    std::vector<float> image_f(image.begin(), image.end()), target_f(target.begin(), target.end()),
        grad_f(image.size());
    const float value_f =
        loss_f.evaluate(image_f.data(), target_f.data(), w, h, 0.2f, grad_f.data());
    CHECK(std::abs(value_f - expected.item<double>()) < 1e-5);
    CHECK(relative_error(std::vector<double>(grad_f.begin(), grad_f.end()), values_of(x.grad())) <
          1e-4);
  }
}
