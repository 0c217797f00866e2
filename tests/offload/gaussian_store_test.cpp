#include <catch2/catch.hpp>

#include <numeric>
#include <random>

#include "core/cpu_backend.hpp"
#include "offload/gaussian_store.hpp"

using namespace splat;

namespace {
TrainableGaussians random_gaussians(std::size_t n, int sh_degree, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  TrainableGaussians g;
  g.params.sh_degree = sh_degree;
  g.params.resize(n);
  g.reset_optimizer_state();
  for (GaussianModel* m : {&g.params, &g.adam_m, &g.adam_v})
    for (const RowArrayRef& a : row_arrays(*m))
      for (float& x : *a.values) x = normal(rng);
  for (std::size_t i = 0; i < n; ++i) g.adam_steps[i] = static_cast<int>(i % 97);
  return g;
}
}  // namespace

TEST_CASE("store: a model round-trips through chunks", "[store]") {
  CpuBackend backend;
  GaussianStore store(backend, 3);
  const std::size_t n = GaussianStore::kChunkRows * 2 + 123;  // three chunks, the last partial
  const auto g = random_gaussians(n, 3, 1);
  store.load(g);
  REQUIRE(store.size() == n);
  const auto back = store.to_trainable();
  REQUIRE(back.params.means == g.params.means);
  REQUIRE(back.params.sh == g.params.sh);
  REQUIRE(back.adam_m.rotations == g.adam_m.rotations);
  REQUIRE(back.adam_v.opacity_logits == g.adam_v.opacity_logits);
  REQUIRE(back.adam_steps == g.adam_steps);
  REQUIRE(store.bytes_per_gaussian() == 3 * (11 + 48) * 4 + 4);  // 712 B at SH degree 3
}

TEST_CASE("store: gather and scatter rows by id", "[store]") {
  CpuBackend backend;
  GaussianStore store(backend, 1);
  const std::size_t n = GaussianStore::kChunkRows + 10;
  const auto g = random_gaussians(n, 1, 2);
  store.load(g);
  const std::vector<std::uint32_t> ids = {5, static_cast<std::uint32_t>(n - 1), 0,
                                          static_cast<std::uint32_t>(GaussianStore::kChunkRows)};
  std::vector<float> geometry(ids.size() * 11), appearance(ids.size() * 12);
  store.gather(ParamGroup::Geometry, ParamState::Value, ids.data(), ids.size(), geometry.data());
  store.gather(ParamGroup::Appearance, ParamState::SecondMoment, ids.data(), ids.size(),
               appearance.data());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::size_t id = ids[i];
    REQUIRE(geometry[i * 11 + 0] == g.params.means[id * 3]);
    REQUIRE(geometry[i * 11 + 5] == g.params.log_scales[id * 3 + 2]);
    REQUIRE(geometry[i * 11 + 6] == g.params.rotations[id * 4]);
    REQUIRE(geometry[i * 11 + 10] == g.params.opacity_logits[id]);
    REQUIRE(appearance[i * 12 + 11] == g.adam_v.sh[id * 12 + 11]);
  }
  for (float& x : geometry) x += 1.0f;
  store.scatter(ParamGroup::Geometry, ParamState::Value, ids.data(), ids.size(), geometry.data());
  const auto back = store.to_trainable();
  REQUIRE(back.params.means[5 * 3] == g.params.means[5 * 3] + 1.0f);
  REQUIRE(back.params.means[6 * 3] == g.params.means[6 * 3]);  // untouched row
}

TEST_CASE("store: growth keeps rows and starts new ones at zero", "[store]") {
  CpuBackend backend;
  GaussianStore store(backend, 0);
  const auto g = random_gaussians(100, 0, 3);
  store.load(g);
  const float* first_row = store.row(ParamGroup::Geometry, ParamState::Value, 0);
  store.resize(GaussianStore::kChunkRows * 3);
  REQUIRE(store.row(ParamGroup::Geometry, ParamState::Value, 0) == first_row);  // never moved
  REQUIRE(store.row(ParamGroup::Geometry, ParamState::Value, 99)[0] == g.params.means[99 * 3]);
  REQUIRE(store.row(ParamGroup::Appearance, ParamState::FirstMoment, 150000)[2] == 0.0f);
  store.resize(50);
  store.resize(100);
  REQUIRE(store.row(ParamGroup::Geometry, ParamState::Value, 70)[0] == 0.0f);  // cleared on shrink
  REQUIRE(store.reserved_bytes() == store.bytes_per_gaussian() * GaussianStore::kChunkRows);
}
