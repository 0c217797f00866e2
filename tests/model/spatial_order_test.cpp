// The spatial row order: Morton codes interleave as defined, the order sorts rows by them (equal
// codes in row order), the permutation moves every array of a model, and densification puts
// appended rows back in order.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "model/densification.hpp"
#include "model/spatial_order.hpp"
#include "model/trainable_gaussians.hpp"

using namespace splat;

namespace {

// The code by its definition: bit b of axis a at bit 3b + a.
std::uint64_t slow_morton(std::uint32_t x, std::uint32_t y, std::uint32_t z) {
  std::uint64_t code = 0;
  for (int b = 0; b < kMortonBitsPerAxis; ++b) {
    code |= std::uint64_t{(x >> b) & 1u} << (3 * b);
    code |= std::uint64_t{(y >> b) & 1u} << (3 * b + 1);
    code |= std::uint64_t{(z >> b) & 1u} << (3 * b + 2);
  }
  return code;
}

GaussianModel random_model(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-50, 50);
  GaussianModel m;
  m.sh_degree = 1;
  m.resize(n);
  for (const RowArrayRef& a : row_arrays(m))
    for (float& v : *a.values) v = u(rng);
  return m;
}

// The code of row i, recomputed independently from the model's box.
std::vector<std::uint64_t> codes_of(const GaussianModel& m) {
  float lo[3] = {1e30f, 1e30f, 1e30f}, hi[3] = {-1e30f, -1e30f, -1e30f};
  for (std::size_t i = 0; i < m.size(); ++i)
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], m.means[i * 3 + a]);
      hi[a] = std::max(hi[a], m.means[i * 3 + a]);
    }
  std::vector<std::uint64_t> codes(m.size());
  const double cells = double(1u << kMortonBitsPerAxis) - 1;
  for (std::size_t i = 0; i < m.size(); ++i) {
    std::uint32_t c[3];
    for (int a = 0; a < 3; ++a)
      c[a] = static_cast<std::uint32_t>((double(m.means[i * 3 + a]) - lo[a]) * cells /
                                        (double(hi[a]) - lo[a]));
    codes[i] = slow_morton(c[0], c[1], c[2]);
  }
  return codes;
}

}  // namespace

TEST_CASE("morton_code interleaves the three axes' bits", "[model][order]") {
  std::mt19937 rng(1);
  for (int i = 0; i < 1000; ++i) {
    const std::uint32_t x = rng() & 0x1fffff, y = rng() & 0x1fffff, z = rng() & 0x1fffff;
    REQUIRE(morton_code(x, y, z) == slow_morton(x, y, z));
  }
  CHECK(morton_code(1, 0, 0) == 1);
  CHECK(morton_code(0, 1, 0) == 2);
  CHECK(morton_code(0, 0, 1) == 4);
  CHECK(morton_code(0x1fffff, 0x1fffff, 0x1fffff) == (std::uint64_t{1} << 63) - 1);
  CHECK(morton_code(0xffffffff, 0, 0) == morton_code(0x1fffff, 0, 0));  // 21 bits per axis
}

TEST_CASE("morton_order sorts rows by code, equal codes in row order", "[model][order]") {
  GaussianModel m = random_model(5000, 2);
  // Duplicates: exact copies of row 10 far down the model keep their order among themselves.
  for (std::size_t copy : {4000, 4500, 4999})
    for (int a = 0; a < 3; ++a) m.means[copy * 3 + a] = m.means[10 * 3 + a];
  const std::vector<std::uint32_t> order = morton_order(m.means.data(), m.size());
  const std::vector<std::uint64_t> codes = codes_of(m);
  std::vector<std::uint32_t> sorted(order);
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i) REQUIRE(sorted[i] == i);
  for (std::size_t i = 1; i < order.size(); ++i) {
    REQUIRE(codes[order[i - 1]] <= codes[order[i]]);
    if (codes[order[i - 1]] == codes[order[i]]) REQUIRE(order[i - 1] < order[i]);
  }
  // Sorting a sorted model again changes nothing.
  permute_rows(m, order);
  REQUIRE(is_identity(morton_order(m.means.data(), m.size())));
  // Degenerate boxes: one point, a flat model.
  REQUIRE(morton_order(m.means.data(), 1) == std::vector<std::uint32_t>{0});
  for (std::size_t i = 0; i < m.size(); ++i) m.means[i * 3 + 2] = 7;
  REQUIRE(morton_order(m.means.data(), m.size()).size() == m.size());
}

TEST_CASE("a Morton-ordered model keeps neighbours in nearby rows", "[model][order]") {
  // Points on a 64^3 grid in random order: after ordering, each run of 512 rows is one 8^3
  // cell of the grid (a Morton code's top bits), where before it spanned the whole grid.
  std::vector<float> means;
  for (int x = 0; x < 64; ++x)
    for (int y = 0; y < 64; ++y)
      for (int z = 0; z < 64; ++z) means.insert(means.end(), {float(x), float(y), float(z)});
  GaussianModel m;
  m.sh_degree = 0;
  m.resize(means.size() / 3);
  std::vector<std::uint32_t> shuffle(m.size());
  for (std::size_t i = 0; i < shuffle.size(); ++i) shuffle[i] = static_cast<std::uint32_t>(i);
  std::shuffle(shuffle.begin(), shuffle.end(), std::mt19937(4));
  for (std::size_t i = 0; i < m.size(); ++i)
    for (int a = 0; a < 3; ++a) m.means[i * 3 + a] = means[shuffle[i] * 3 + a];
  permute_rows(m, morton_order(m.means.data(), m.size()));
  for (std::size_t run = 0; run < m.size(); run += 512) {
    float lo[3] = {1e9f, 1e9f, 1e9f}, hi[3] = {-1e9f, -1e9f, -1e9f};
    for (std::size_t i = run; i < run + 512; ++i)
      for (int a = 0; a < 3; ++a) {
        lo[a] = std::min(lo[a], m.means[i * 3 + a]);
        hi[a] = std::max(hi[a], m.means[i * 3 + a]);
      }
    for (int a = 0; a < 3; ++a) REQUIRE(hi[a] - lo[a] == 7.0f);
  }
}

TEST_CASE("permute_rows moves parameters, moments and steps together", "[model][order]") {
  TrainableGaussians g;
  g.params = random_model(300, 3);
  g.adam_m = random_model(300, 4);
  g.adam_v = random_model(300, 5);
  g.adam_steps.resize(300);
  for (std::size_t i = 0; i < 300; ++i) g.adam_steps[i] = static_cast<std::int32_t>(i * 7);
  const TrainableGaussians before = g;
  const std::vector<std::uint32_t> order = morton_order(g.params.means.data(), g.size());
  REQUIRE(!is_identity(order));
  permute_rows(g, order);
  for (std::size_t i = 0; i < 300; ++i) {
    const std::size_t o = order[i];
    REQUIRE(g.adam_steps[i] == before.adam_steps[o]);
    REQUIRE(g.params.opacity_logits[i] == before.params.opacity_logits[o]);
    REQUIRE(g.adam_m.rotations[i * 4 + 3] == before.adam_m.rotations[o * 4 + 3]);
    REQUIRE(g.adam_v.sh[i * 12 + 5] == before.adam_v.sh[o * 12 + 5]);
    REQUIRE(g.params.means[i * 3 + 1] == before.params.means[o * 3 + 1]);
  }
  // A model without optimizer state (the initial one) reorders its parameters only.
  TrainableGaussians fresh;
  fresh.params = before.params;
  permute_rows(fresh, order);
  REQUIRE(fresh.params.sh == g.params.sh);
  REQUIRE(fresh.adam_m.size() == 0);
  REQUIRE_THROWS(permute_rows(fresh, {0, 0}));
}

TEST_CASE("densification puts appended rows back in spatial order", "[model][order]") {
  TrainableGaussians g;
  g.params = random_model(2000, 6);
  for (std::size_t i = 0; i < g.size(); ++i) {
    g.params.opacity_logits[i] = 2;  // nothing pruned as transparent
    for (int a = 0; a < 3; ++a) g.params.log_scales[i * 3 + a] = -4;  // small: clones
  }
  g.reset_optimizer_state();
  DensifyConfig config;
  config.from_step = 0;
  config.interval = 10;
  config.spatial_order = SpatialOrder::Morton;
  Default3dgsStrategy strategy(config, 100.0f, 1, g.size());
  for (std::uint32_t id = 0; id < g.size(); id += 3) {
    const float grad[2] = {1e-2f, 0}, radius = 3;
    strategy.observe_view(&id, grad, &radius, 1);
  }
  const DensifyReport report = strategy.after_step(10, g);
  REQUIRE(report.cloned > 600);
  REQUIRE(report.reordered);
  REQUIRE(is_identity(morton_order(g.params.means.data(), g.size())));
  // The statistics restart with the new rows: the next step sees a consistent model.
  REQUIRE_NOTHROW(strategy.after_step(11, g));
}
