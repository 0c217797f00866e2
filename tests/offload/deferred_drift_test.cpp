// Drifting culling spheres under deferred Adam: whatever number of zero-gradient steps a row
// skips, its caught-up footprint stays inside the sphere written before them, so culling with
// that sphere keeps every Gaussian tight culling at the caught-up values keeps (near plane
// included); rows that cannot move keep their tight sphere.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "math/adam.hpp"
#include "math/frustum.hpp"
#include "offload/deferred_drift.hpp"
#include "offload/frustum_culling.hpp"

using namespace splat;

namespace {

struct Row {
  float value[11], m[11], v[11];
};

// A row after the Adam steps of a few random gradients: moments as training leaves them.
Row trained_row(std::mt19937& rng, const AdamHyper& h, float lr_position, float lr_scale) {
  std::uniform_real_distribution<float> u(-1, 1);
  Row r{};
  for (int a = 0; a < 3; ++a) r.value[a] = 2 * u(rng), r.value[3 + a] = -4 + u(rng);
  r.value[6] = 1;
  const int steps = 1 + static_cast<int>(rng() % 20);
  for (int t = 1; t <= steps; ++t)
    for (int e = 0; e < 6; ++e) {
      // Gradients of very different sizes, some steps without any.
      const float g = (rng() % 4 == 0) ? 0.0f : u(rng) * std::pow(10.0f, -3 + 3 * (u(rng) + 1));
      const float lr = e < 3 ? lr_position : lr_scale;
      adam_update(r.value[e], r.m[e], r.v[e], g, adam_step_size(lr, h, t),
                  adam_scaled_epsilon(h, t), h);
    }
  return r;
}

// The row after `steps` zero-gradient steps from step t0 on, at the rates given.
Row stepped(Row r, const AdamHyper& h, float lr_position, float lr_scale, int t0, int steps) {
  for (int t = t0 + 1; t <= t0 + steps; ++t)
    for (int e = 0; e < 6; ++e)
      adam_update(r.value[e], r.m[e], r.v[e], 0.0f,
                  adam_step_size(e < 3 ? lr_position : lr_scale, h, t), adam_scaled_epsilon(h, t),
                  h);
  return r;
}

}  // namespace

TEST_CASE("drifting spheres hold every footprint the deferred steps reach", "[culling][drift]") {
  // Batch-size scaled betas too: four cameras per step take b^4.
  const AdamHyper hyper =
      GENERATE(AdamHyper{0.9f, 0.999f, 1e-15f}, AdamHyper{0.6561f, 0.996006f, 1e-15f});
  const StepRates rates{0.01f, 0, 0, 0, 0.005f, 0};
  const DriftBound bound = make_drift_bound(rates, hyper);
  std::mt19937 rng(3);
  double tightest = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const Row row = trained_row(rng, hyper, rates.position, rates.scale);
    const float r = drifting_culling_radius(row.value, row.m, row.v, bound);
    REQUIRE(r < 0);  // trained moments move it
    double worst = 0;
    for (int steps : {1, 2, 5, 10, 30, 100, 1000}) {
      const Row later = stepped(row, hyper, rates.position, rates.scale, 7, steps);
      double moved2 = 0;
      for (int a = 0; a < 3; ++a)
        moved2 += double(later.value[a] - row.value[a]) * (later.value[a] - row.value[a]);
      const double needed = std::sqrt(moved2) + culling_radius(later.value + 3);
      REQUIRE(needed <= -r);
      worst = std::max(worst, needed - culling_radius(row.value + 3));
    }
    tightest = std::max(tightest, worst / (-r - culling_radius(row.value + 3)));
  }
  // Not a bound that holds by being huge: some row uses a good share of its allowance.
  WARN("largest share of the allowance used: " << tightest);
  CHECK(tightest > 0);
  // Zero moments (a fresh or appended row) cannot move: the tight sphere.
  Row fresh{};
  fresh.value[3] = fresh.value[4] = fresh.value[5] = -2;
  REQUIRE(drifting_culling_radius(fresh.value, fresh.m, fresh.v, bound) ==
          culling_radius(fresh.value + 3));
}

TEST_CASE("culling with drifting spheres keeps what tight culling keeps after the steps",
          "[culling][drift]") {
  const AdamHyper hyper{0.9f, 0.999f, 1e-15f};
  const StepRates rates{0.02f, 0, 0, 0, 0.005f, 0};
  const DriftBound bound = make_drift_bound(rates, hyper);
  std::mt19937 rng(8);
  const std::size_t n = 20000;
  std::vector<float> drifting(n * 4), caught_up(n * 4);
  for (std::size_t i = 0; i < n; ++i) {
    const Row row = trained_row(rng, hyper, rates.position, rates.scale);
    const Row later = stepped(row, hyper, rates.position, rates.scale, 20, 1 + rng() % 60);
    for (int a = 0; a < 3; ++a)
      drifting[i * 4 + a] = row.value[a], caught_up[i * 4 + a] = later.value[a];
    drifting[i * 4 + 3] = drifting_culling_radius(row.value, row.m, row.v, bound);
    caught_up[i * 4 + 3] = culling_radius(later.value + 3);
  }
  // Cameras among the points, so that some drift across a near plane or a side plane.
  std::vector<PinholeCamera> cameras;
  std::uniform_real_distribution<float> u(-1, 1);
  for (int c = 0; c < 12; ++c) {
    PinholeCamera cam{};
    const float angle = 3.1f * u(rng), co = std::cos(angle), si = std::sin(angle);
    const float R[9] = {co, 0, -si, 0, 1, 0, si, 0, co};
    std::copy(R, R + 9, cam.R);
    cam.t[0] = 0.5f * u(rng), cam.t[1] = 0.5f * u(rng), cam.t[2] = 0.5f * u(rng);
    cam.fx = cam.fy = 40;
    cam.width = 64, cam.height = 48;
    cam.cx = 32, cam.cy = 24;
    cam.near_plane = 0.3f;
    cameras.push_back(cam);
  }
  const auto kept = cull_cameras_cpu(drifting.data(), n, cameras);
  const auto needed = cull_cameras_cpu(caught_up.data(), n, cameras);
  std::size_t extra = 0, total = 0;
  for (std::size_t c = 0; c < cameras.size(); ++c) {
    INFO("camera " << c);
    REQUIRE(std::includes(kept[c].begin(), kept[c].end(), needed[c].begin(), needed[c].end()));
    extra += kept[c].size() - needed[c].size();
    total += needed[c].size();
  }
  REQUIRE(total > 1000);
  WARN("drifting spheres keep " << extra << " more than the " << total << " needed");
}

TEST_CASE("a drifting sphere is allowed across the near plane by its radius", "[culling][drift]") {
  PinholeCamera cam{};
  cam.R[0] = cam.R[4] = cam.R[8] = 1;
  cam.fx = cam.fy = 50, cam.width = cam.height = 64, cam.cx = cam.cy = 32;
  cam.near_plane = 0.2f;
  // Behind the near plane by 0.05: a tight sphere of any size is culled, a drifting one that
  // may move 0.06 is kept, one that may move 0.04 is not.
  const std::vector<float> spheres = {0, 0, 0.15f, 5.0f, 0, 0, 0.15f, -0.06f, 0, 0, 0.15f, -0.04f};
  REQUIRE(cull_cameras_cpu(spheres.data(), 3, {cam})[0] == VisibleSet{1});
}
