#include <catch2/catch.hpp>

#include <cmath>

#include "model/densification.hpp"

using namespace splat;

namespace {
float logit(float p) {
  return std::log(p / (1 - p));
}

// n Gaussians along x with the given world scale, opacity 0.5, distinct SH, nonzero moments.
TrainableGaussians row_of_gaussians(std::size_t n, float scale, int sh_degree = 1) {
  TrainableGaussians g;
  g.params.sh_degree = sh_degree;
  g.params.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    g.params.means[3 * i] = static_cast<float>(i);
    for (int a = 0; a < 3; ++a) g.params.log_scales[3 * i + a] = std::log(scale);
    g.params.rotations[4 * i] = 1;
    g.params.opacity_logits[i] = 0;
    for (int k = 0; k < g.params.sh_coefficients() * 3; ++k)
      g.params.sh[i * g.params.sh_coefficients() * 3 + k] = static_cast<float>(i) + 0.01f * k;
  }
  g.reset_optimizer_state();
  for (auto* moments : {&g.adam_m, &g.adam_v})
    std::fill(moments->means.begin(), moments->means.end(), 0.5f);
  std::fill(g.adam_steps.begin(), g.adam_steps.end(), 7);
  return g;
}

void observe(Default3dgsStrategy& s, std::uint32_t id, float grad, float radius = 5) {
  const float screen_grad[2] = {grad, 0};
  s.observe_view(&id, screen_grad, &radius, 1);
}
}  // namespace

TEST_CASE("densification: small Gaussians with large gradients are cloned", "[densify]") {
  auto g = row_of_gaussians(3, 0.001f);
  Default3dgsStrategy strategy({}, /*extent=*/1.0f, 1, g.size());
  observe(strategy, 1, 3e-4f);
  observe(strategy, 2, 1e-4f);  // below the threshold
  const auto report = strategy.densify_and_prune(g, false);
  REQUIRE(report.cloned == 1);
  REQUIRE(report.split == 0);
  REQUIRE(g.size() == 4);
  for (int k = 0; k < 3; ++k) REQUIRE(g.params.means[9 + k] == g.params.means[3 + k]);
  REQUIRE(g.params.sh[3 * 12] == g.params.sh[1 * 12]);
  REQUIRE(g.adam_m.means[9] == 0);  // a new Gaussian starts with zero moments
  REQUIRE(g.adam_m.means[3] == 0.5f);
  REQUIRE(g.adam_steps[3] == 7);
}

TEST_CASE("densification: large Gaussians are split into two smaller samples", "[densify]") {
  auto g = row_of_gaussians(2, 0.2f);
  Default3dgsStrategy strategy({}, 1.0f, 5, g.size());
  observe(strategy, 0, 1e-3f);
  const auto report = strategy.densify_and_prune(g, false);
  REQUIRE(report.split == 1);
  REQUIRE(report.pruned == 0);
  REQUIRE(g.size() == 3);              // original 0 removed, two samples appended after row 1
  REQUIRE(g.params.means[0] == 1.0f);  // row 1 moved to the front
  for (std::size_t row : {1u, 2u}) {
    REQUIRE(std::exp(g.params.log_scales[3 * row]) == Approx(0.2f / 1.6f));
    const float dx = g.params.means[3 * row];
    REQUIRE(std::abs(dx) < 5 * 0.2f);  // sampled from the original Gaussian around x = 0
    REQUIRE(g.params.opacity_logits[row] == 0);
  }
  REQUIRE(g.params.means[3] != g.params.means[6]);  // two different samples
}

TEST_CASE("densification: splitting is deterministic for a seed", "[densify]") {
  auto a = row_of_gaussians(4, 0.3f);
  auto b = row_of_gaussians(4, 0.3f);
  Default3dgsStrategy sa({}, 1.0f, 42, 4), sb({}, 1.0f, 42, 4);
  for (std::uint32_t id = 0; id < 4; ++id) observe(sa, id, 1e-3f), observe(sb, id, 1e-3f);
  auto c = row_of_gaussians(4, 0.3f);
  Default3dgsStrategy sc({}, 1.0f, /*another seed*/ 7, 4);
  sc.restore(sa.state());  // statistics and random state, as a checkpoint carries them
  sa.densify_and_prune(a, false);
  sb.densify_and_prune(b, false);
  sc.densify_and_prune(c, false);
  REQUIRE(a.params.means == b.params.means);
  REQUIRE(a.params.means == c.params.means);
}

TEST_CASE("densification: pruning by opacity always, by size only when asked", "[densify]") {
  auto g = row_of_gaussians(4, 0.01f);
  g.params.opacity_logits[0] = logit(0.001f);   // transparent
  g.params.log_scales[3 * 1] = std::log(0.5f);  // larger than 0.1 x extent
  Default3dgsStrategy strategy({}, 1.0f, 1, g.size());
  observe(strategy, 2, 0, 50.0f);  // 50 px on screen
  auto early = g;
  REQUIRE(strategy.densify_and_prune(early, false).pruned == 1);
  REQUIRE(early.size() == 3);
  observe(strategy, 2, 0, 50.0f);
  REQUIRE(strategy.densify_and_prune(g, true).pruned == 3);
  REQUIRE(g.size() == 1);
  REQUIRE(g.params.means[0] == 3.0f);
}

TEST_CASE("densification: the cap keeps the largest gradients", "[densify]") {
  auto g = row_of_gaussians(4, 0.001f);
  DensifyConfig config;
  config.max_gaussians = 6;
  Default3dgsStrategy strategy(config, 1.0f, 1, g.size());
  for (std::uint32_t id = 0; id < 4; ++id) observe(strategy, id, 1e-3f * (id + 1));
  const auto report = strategy.densify_and_prune(g, false);
  REQUIRE(report.cloned == 2);
  REQUIRE(g.size() == 6);
  REQUIRE(g.params.means[3 * 4] == 2.0f);  // clones of rows 2 and 3, the largest gradients
  REQUIRE(g.params.means[3 * 5] == 3.0f);
}

TEST_CASE("densification: schedule of densify steps and opacity resets", "[densify]") {
  auto g = row_of_gaussians(3, 0.001f);
  DensifyConfig config;
  Default3dgsStrategy strategy(config, 1.0f, 1, g.size());
  observe(strategy, 0, 1e-3f);
  REQUIRE_FALSE(strategy.after_step(499, g).changed());
  REQUIRE_FALSE(strategy.after_step(500, g).changed());  // strictly after from_step
  REQUIRE_FALSE(strategy.after_step(550, g).changed());
  REQUIRE(strategy.after_step(600, g).cloned == 1);
  g.adam_m.opacity_logits.assign(g.size(), 1.0f);
  const auto reset = strategy.after_step(3000, g);
  REQUIRE(reset.opacity_reset);
  for (std::size_t i = 0; i < g.size(); ++i) {
    REQUIRE(g.params.opacity_logits[i] == Approx(logit(0.01f)));
    REQUIRE(g.adam_m.opacity_logits[i] == 0);
  }
  REQUIRE_FALSE(strategy.after_step(15000, g).changed());
}

TEST_CASE("densification: invisible views do not count and state round-trips", "[densify]") {
  auto g = row_of_gaussians(2, 0.001f);
  Default3dgsStrategy strategy({}, 1.0f, 1, g.size());
  observe(strategy, 0, 1.0f, 0.0f);  // radius 0: culled in this view
  REQUIRE(strategy.densify_and_prune(g, false).cloned == 0);
  observe(strategy, 1, 1e-3f);
  Default3dgsStrategy restored({}, 1.0f, 1, g.size());
  restored.restore(strategy.state());
  REQUIRE(restored.densify_and_prune(g, false).cloned == 1);
  REQUIRE_THROWS(restored.restore({{{1.0f}}, ""}));
  auto bad_rng = strategy.state();
  bad_rng.rng = "not a random state";
  REQUIRE_THROWS(restored.restore(bad_rng));
}

TEST_CASE("rows: keep and append apply to parameters, moments and steps", "[densify]") {
  auto g = row_of_gaussians(5, 0.01f);
  keep_rows(g, {1, 0, 1, 0, 1});
  REQUIRE(g.size() == 3);
  REQUIRE(g.params.means[3] == 2.0f);
  REQUIRE(g.adam_v.means.size() == 9);
  REQUIRE(g.adam_steps.size() == 3);
  REQUIRE(g.params.sh.size() == 3 * 4 * 3);
  append_copies(g, {2, 0});
  REQUIRE(g.size() == 5);
  REQUIRE(g.params.means[9] == 4.0f);
  REQUIRE(g.params.means[12] == 0.0f);
  REQUIRE(g.adam_v.sh.size() == 5 * 12);
  REQUIRE_THROWS(append_copies(g, {9}));
  REQUIRE_THROWS(keep_rows(g, {1}));
}
