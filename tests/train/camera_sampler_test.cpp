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
