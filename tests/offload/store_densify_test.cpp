// Densification in place on the pinned store: the store's row operations and the whole
// strategy (clone, split, prune, opacity reset) give bit for bit what they give on the host
// model, without the store ever being converted to a host model.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "core/backend_select.hpp"
#include "model/densification.hpp"
#include "offload/gaussian_store.hpp"
#include "offload/store_densify_target.hpp"
#include "random_trainable.hpp"

using namespace splat;

namespace {

void require_identical(const TrainableGaussians& a, TrainableGaussians b) {
  REQUIRE(a.size() == b.size());
  REQUIRE(a.adam_steps == b.adam_steps);
  const GaussianModel* left[] = {&a.params, &a.adam_m, &a.adam_v};
  GaussianModel* right[] = {&b.params, &b.adam_m, &b.adam_v};
  for (int s = 0; s < 3; ++s) {
    auto l = row_arrays(const_cast<GaussianModel&>(*left[s]));
    auto r = row_arrays(*right[s]);
    for (std::size_t k = 0; k < l.size(); ++k) {
      INFO("state " << s << ", array " << k);
      REQUIRE(*l[k].values == *r[k].values);
    }
  }
}

// Statistics that make every kind of decision happen: large gradients on small and large
// Gaussians, and large screen radii.
void observe_all(Default3dgsStrategy& s, std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0, 1);
  for (int view = 0; view < 3; ++view)
    for (std::uint32_t id = 0; id < n; ++id) {
      const float grad[2] = {6e-4f * u(rng), 3e-4f * u(rng)};
      const float radius = 40 * u(rng);
      s.observe_view(&id, grad, &radius, 1);
    }
}

}  // namespace

TEST_CASE("store: append_copies and keep_rows equal the host model's, across chunks",
          "[offload][densify]") {
  auto backend = make_backend("cpu");
  // More than one chunk, so compaction moves rows across chunk borders and shrinking
  // releases a chunk.
  const std::size_t n = GaussianStore::kChunkRows + 5000;
  TrainableGaussians host = test::random_trainable(n, 1, 3);
  GaussianStore store(*backend, 1);
  store.load(host);

  std::vector<std::size_t> copies = {0, 17, n - 1, 70000, 17};
  append_copies(host, copies);
  store.append_copies(copies);
  require_identical(host, store.to_trainable());

  std::vector<std::uint8_t> keep(host.size());
  std::mt19937 rng(9);
  for (auto& k : keep) k = rng() % 3 != 0;
  for (std::size_t i = 0; i < 20000; ++i) keep[i] = 0;  // the survivors fit in one chunk
  const std::size_t two_chunks = store.reserved_bytes();
  keep_rows(host, keep);
  store.keep_rows(keep);
  REQUIRE(store.size() <= GaussianStore::kChunkRows);
  REQUIRE(store.reserved_bytes() == two_chunks / 2);
  require_identical(host, store.to_trainable());
  // Growing again starts from zeroed rows: new copies have zero moments.
  store.append_copies({1});
  append_copies(host, {1});
  require_identical(host, store.to_trainable());
  REQUIRE_THROWS(store.append_copies({host.size() + 3}));
  REQUIRE_THROWS(store.keep_rows({1, 0}));
}

TEST_CASE("store: permute_rows equals the host model's, across chunks", "[offload][densify]") {
  auto backend = make_backend("cpu");
  const std::size_t n = GaussianStore::kChunkRows + 3000;
  TrainableGaussians host = test::random_trainable(n, 1, 4);
  GaussianStore store(*backend, 1);
  store.load(host);
  // Long cycles across the chunk border, fixed points and 2-cycles.
  std::vector<std::uint32_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(i);
  std::shuffle(order.begin(), order.begin() + n / 2, std::mt19937(3));
  for (std::size_t i = n / 2; i + 1 < n; i += 4) std::swap(order[i], order[i + 1]);
  const TrainableGaussians before = host;
  permute_rows(host, order);
  store.permute_rows(order);
  require_identical(host, store.to_trainable());
  // Against the definition: row i is the old row order[i], in every state and the step count.
  for (std::size_t i : {std::size_t{0}, n / 3, n / 2 + 1, n - 1}) {
    REQUIRE(host.adam_steps[i] == before.adam_steps[order[i]]);
    for (int a = 0; a < 3; ++a) {
      REQUIRE(host.params.means[i * 3 + a] == before.params.means[order[i] * 3 + a]);
      REQUIRE(host.adam_v.log_scales[i * 3 + a] == before.adam_v.log_scales[order[i] * 3 + a]);
    }
    REQUIRE(host.adam_m.sh[i * 12 + 11] == before.adam_m.sh[order[i] * 12 + 11]);
  }
  order[5] = order[6];  // not a permutation
  REQUIRE_THROWS_WITH(store.permute_rows(order), Catch::Contains("repeats"));
  REQUIRE_THROWS(store.permute_rows({0, 1}));
}

TEST_CASE("densification on the store equals densification on the host model",
          "[offload][densify]") {
  auto backend = make_backend("cpu");
  const std::size_t n = 6000;
  TrainableGaussians host = test::random_trainable(n, 2, 5);
  GaussianStore store(*backend, 2);
  store.load(host);

  DensifyConfig config;
  config.from_step = 0;
  config.interval = 10;
  config.opacity_reset_interval = 20;
  config.max_gaussians = n + 1500;  // the cap's selection is exercised too
  // Both targets put the rows back in spatial order after each pass, or leave them.
  config.spatial_order = GENERATE(SpatialOrder::None, SpatialOrder::Morton);
  Default3dgsStrategy on_host(config, 2.0f, 77, n), on_store(config, 2.0f, 77, n);
  StoreDensifyTarget target(store);
  DensifyReport total;
  for (int step : {10, 20, 30}) {
    observe_all(on_host, host.size(), step);
    observe_all(on_store, store.size(), step);
    const DensifyReport a = on_host.after_step(step, host);
    const DensifyReport b = on_store.after_step(step, target);
    INFO("step " << step << ": cloned " << a.cloned << ", split " << a.split << ", pruned "
                 << a.pruned);
    REQUIRE(a.cloned == b.cloned);
    REQUIRE(a.split == b.split);
    REQUIRE(a.pruned == b.pruned);
    REQUIRE(a.opacity_reset == b.opacity_reset);
    REQUIRE(a.reordered == b.reordered);
    REQUIRE(a.reordered == (config.spatial_order == SpatialOrder::Morton));
    REQUIRE(a.changed());
    total.cloned += a.cloned, total.split += a.split, total.pruned += a.pruned;
    require_identical(host, store.to_trainable());
  }
  // Every kind of edit happened.
  CHECK(total.cloned > 0);
  CHECK(total.split > 0);
  CHECK(total.pruned > 0);
}
