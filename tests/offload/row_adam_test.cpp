// Row Adam against the resident store's array Adam, and the untouched-row policies.
#include <catch2/catch.hpp>

#include <random>

#include "core/cpu_backend.hpp"
#include "offload/cpu_adam.hpp"
#include "offload/partial_gradients.hpp"
#include "offload/row_adam.hpp"

using namespace splat;

namespace {

TrainableGaussians random_model(std::size_t n, std::mt19937& rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  TrainableGaussians g;
  g.params.sh_degree = 1;
  g.params.resize(n);
  g.reset_optimizer_state();
  for (GaussianModel* m : {&g.params, &g.adam_m, &g.adam_v})
    for (const RowArrayRef& a : row_arrays(*m))
      for (float& x : *a.values) x = m == &g.adam_v ? std::abs(normal(rng)) : normal(rng);
  return g;
}

StepRates rates_of(int step) {
  return {1e-3f / step, 2e-3f, 1e-4f, 0.05f, 5e-3f, 1e-3f};
}

// The resident store's dense step over whole arrays (host_parameter_store.cpp's loop).
void resident_step(TrainableGaussians& g, const GaussianModel& grads, int step,
                   const AdamHyper& h) {
  const StepRates r = rates_of(step);
  auto run = [&](std::vector<float>& p, std::vector<float>& m, std::vector<float>& v,
                 const std::vector<float>& gr, AdamRates rates) {
    adam_step_cpu({p.data(), m.data(), v.data(), gr.data(), p.size()}, rates, step, h);
  };
  run(g.params.means, g.adam_m.means, g.adam_v.means, grads.means, AdamRates::uniform(r.position));
  run(g.params.log_scales, g.adam_m.log_scales, g.adam_v.log_scales, grads.log_scales,
      AdamRates::uniform(r.scale));
  run(g.params.rotations, g.adam_m.rotations, g.adam_v.rotations, grads.rotations,
      AdamRates::uniform(r.rotation));
  run(g.params.opacity_logits, g.adam_m.opacity_logits, g.adam_v.opacity_logits,
      grads.opacity_logits, AdamRates::uniform(r.opacity));
  run(g.params.sh, g.adam_m.sh, g.adam_v.sh, grads.sh, {r.sh_dc, r.sh_rest, 12, 3});
  std::fill(g.adam_steps.begin(), g.adam_steps.end(), step);
}

// Gradients of `rows` only (others zero), as a GaussianModel and as store rows.
struct SparseGradients {
  GaussianModel dense;
  std::vector<std::uint32_t> ids;
  std::vector<float> geometry, appearance;
};

SparseGradients sparse_gradients(std::size_t n, std::mt19937& rng) {
  std::normal_distribution<float> normal(0.0f, 1e-2f);
  SparseGradients s;
  s.dense.sh_degree = 1;
  s.dense.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (rng() % 3 != 0) continue;  // two thirds untouched
    s.ids.push_back(static_cast<std::uint32_t>(i));
    float row[11];
    for (float& x : row) x = normal(rng);
    std::copy_n(row, 3, &s.dense.means[i * 3]);
    std::copy_n(row + 3, 3, &s.dense.log_scales[i * 3]);
    std::copy_n(row + 6, 4, &s.dense.rotations[i * 4]);
    s.dense.opacity_logits[i] = row[10];
    s.geometry.insert(s.geometry.end(), row, row + 11);
    for (int e = 0; e < 12; ++e) {
      s.dense.sh[i * 12 + e] = normal(rng);
      s.appearance.push_back(s.dense.sh[i * 12 + e]);
    }
  }
  return s;
}

}  // namespace

TEST_CASE("row Adam: dense and deferred give the resident step's exact values", "[adam]") {
  std::mt19937 rng(7);
  const std::size_t n = 3000;
  const TrainableGaussians initial = random_model(n, rng);
  const AdamHyper hyper{0.81f, 0.998f, 1e-15f};
  CpuBackend backend;
  for (UntouchedPolicy policy : {UntouchedPolicy::Dense, UntouchedPolicy::Deferred}) {
    TrainableGaussians resident = initial;
    GaussianStore store(backend, 1);
    store.load(initial);
    RowAdam adam(store, policy);
    for (int step = 1; step <= 12; ++step) {
      const SparseGradients g = sparse_gradients(n, rng);
      resident_step(resident, g.dense, step, hyper);
      adam.begin_step(step, rates_of, hyper);
      adam.catch_up(g.ids.data(), g.ids.size(), step - 1);
      adam.update(g.ids.data(), g.ids.size(), g.geometry.data(), g.appearance.data(), 1.0f);
      adam.finish_step();
    }
    adam.catch_up_all(12);
    const TrainableGaussians out = store.to_trainable();
    INFO("policy " << untouched_policy_name(policy));
    CHECK(out.params.means == resident.params.means);
    CHECK(out.params.sh == resident.params.sh);
    CHECK(out.adam_m.rotations == resident.adam_m.rotations);
    CHECK(out.adam_v.opacity_logits == resident.adam_v.opacity_logits);
    CHECK(out.adam_steps == resident.adam_steps);
  }
}

TEST_CASE("row Adam: skip leaves unseen rows alone and counts steps per row", "[adam]") {
  std::mt19937 rng(9);
  const TrainableGaussians initial = random_model(100, rng);
  CpuBackend backend;
  GaussianStore store(backend, 1);
  store.load(initial);
  RowAdam adam(store, UntouchedPolicy::Skip);
  const std::vector<std::uint32_t> ids = {3, 50};
  const std::vector<float> geometry(22, 0.1f), appearance(24, 0.1f);
  for (int step = 1; step <= 3; ++step) {
    adam.begin_step(step, rates_of, AdamHyper{});
    adam.update(ids.data(), step == 2 ? 1 : 2, geometry.data(), appearance.data(), 0.5f);
    adam.finish_step();
  }
  const TrainableGaussians out = store.to_trainable();
  CHECK(out.adam_steps[3] == 3);
  CHECK(out.adam_steps[50] == 2);
  CHECK(out.adam_steps[4] == 0);
  CHECK(out.params.means[4 * 3] == initial.params.means[4 * 3]);
  CHECK(out.params.means[3 * 3] != initial.params.means[3 * 3]);
}

TEST_CASE("partial gradients: held rows add up and are taken once", "[adam]") {
  PartialGradients partials(2, 1);
  const std::vector<std::uint32_t> ids = {5, 9};
  partials.add(ids.data(), 2, std::vector<float>{1, 2, 3, 4}.data(),
               std::vector<float>{10, 20}.data());
  partials.add(ids.data(), 1, std::vector<float>{0.5f, 0.5f}.data(), std::vector<float>{1}.data());
  CHECK(partials.held() == 2);
  std::vector<float> geometry = {100, 200, 300, 400, 7, 7}, appearance = {1, 2, 3};
  const std::vector<std::uint32_t> last = {9, 5, 77};
  partials.take(last.data(), 3, geometry.data(), appearance.data());
  CHECK(geometry == std::vector<float>{103, 204, 301.5f, 402.5f, 7, 7});
  CHECK(appearance == std::vector<float>{21, 13, 3});
  CHECK(partials.held() == 0);
}
