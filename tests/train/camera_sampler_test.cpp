#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "train/camera_sampler.hpp"

using namespace splat;

TEST_CASE("sampler: each epoch visits every camera once", "[train]") {
  CameraSampler sampler(10, 3);
  for (int epoch = 0; epoch < 3; ++epoch) {
    std::set<int> seen;
    for (int i = 0; i < 10; ++i) seen.insert(sampler.next_batch(1)[0]);
    REQUIRE(seen.size() == 10);
  }
}

TEST_CASE("sampler: batches never repeat a camera, even across epochs", "[train]") {
  CameraSampler sampler(5, 11);
  for (int i = 0; i < 200; ++i) {
    auto batch = sampler.next_batch(4);
    std::sort(batch.begin(), batch.end());
    REQUIRE(std::adjacent_find(batch.begin(), batch.end()) == batch.end());
  }
  REQUIRE_THROWS_WITH(sampler.next_batch(6),
                      Catch::Contains("exceeds the number of training cameras"));
}

TEST_CASE("sampler: state restores the exact continuation", "[train]") {
  CameraSampler a(7, 42);
  for (int i = 0; i < 9; ++i) a.next_batch(2);
  CameraSampler b(7, 1);
  b.restore(a.state());
  for (int i = 0; i < 20; ++i) REQUIRE(a.next_batch(3) == b.next_batch(3));
  CameraSampler c(8, 1);
  REQUIRE_THROWS(c.restore(a.state()));
  REQUIRE_THROWS(b.restore("7 2 garbage"));
}

TEST_CASE("sampler: the order depends on the seed only", "[train]") {
  CameraSampler a(50, 9), b(50, 9), c(50, 10);
  std::vector<int> sa, sb, sc;
  for (int i = 0; i < 50; ++i) {
    sa.push_back(a.next_batch(1)[0]);
    sb.push_back(b.next_batch(1)[0]);
    sc.push_back(c.next_batch(1)[0]);
  }
  REQUIRE(sa == sb);
  REQUIRE(sa != sc);
}

namespace {
// Cameras on a line at x = 0, 1, 2, ... (shuffled ids), so nearest means adjacent.
std::vector<float> cameras_on_a_line(int n) {
  std::vector<float> centers(std::size_t(n) * 3, 0.0f);
  for (int i = 0; i < n; ++i) centers[std::size_t(i) * 3] = static_cast<float>((i * 7) % n);
  return centers;
}
}  // namespace

TEST_CASE("sampler: coherent batches are neighbours, each camera once per epoch", "[train]") {
  const int n = 40, b = 4;
  const auto centers = cameras_on_a_line(n);
  CameraSampler sampler(centers, 3);
  std::vector<int> seen(n, 0);
  double coherent_spread = 0;
  for (int batch = 0; batch < n / b; ++batch) {
    const auto cameras = sampler.next_batch(b);
    REQUIRE(cameras.size() == std::size_t(b));
    float lo = 1e9f, hi = -1e9f;
    for (int c : cameras) {
      ++seen[c];
      lo = std::min(lo, centers[std::size_t(c) * 3]);
      hi = std::max(hi, centers[std::size_t(c) * 3]);
    }
    coherent_spread += hi - lo;
  }
  for (int c = 0; c < n; ++c) CHECK(seen[c] == 1);  // one epoch: every camera exactly once
  // Random batches of 4 out of 40 on a line span about 24 positions; coherent ones far less.
  CameraSampler random(n, 3);
  double random_spread = 0;
  for (int batch = 0; batch < n / b; ++batch) {
    float lo = 1e9f, hi = -1e9f;
    for (int c : random.next_batch(b)) {
      lo = std::min(lo, centers[std::size_t(c) * 3]);
      hi = std::max(hi, centers[std::size_t(c) * 3]);
    }
    random_spread += hi - lo;
  }
  INFO("mean spread: coherent " << coherent_spread / (n / b) << ", random "
                                << random_spread / (n / b));
  CHECK(coherent_spread < 0.5 * random_spread);
}

TEST_CASE("sampler: coherent batches across epochs never repeat a camera", "[train]") {
  CameraSampler sampler(cameras_on_a_line(10), 5);
  for (int i = 0; i < 50; ++i) {
    auto batch = sampler.next_batch(3);  // 10 is not a multiple of 3: batches straddle epochs
    std::sort(batch.begin(), batch.end());
    CHECK(std::adjacent_find(batch.begin(), batch.end()) == batch.end());
  }
  CameraSampler a(cameras_on_a_line(10), 5), b(cameras_on_a_line(10), 5);
  for (int i = 0; i < 7; ++i) a.next_batch(3);
  b.restore(a.state());
  for (int i = 0; i < 10; ++i) CHECK(a.next_batch(3) == b.next_batch(3));
}
