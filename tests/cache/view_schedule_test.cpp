#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "cache/view_schedule.hpp"

using namespace splat;

namespace {
std::vector<VisibleSet> random_sets(int cameras, std::uint32_t universe, int size,
                                    std::mt19937& rng) {
  std::vector<VisibleSet> sets(cameras);
  std::uniform_int_distribution<std::uint32_t> id(0, universe - 1);
  for (auto& s : sets) {
    std::set<std::uint32_t> ids;
    while (static_cast<int>(ids.size()) < size) ids.insert(id(rng));
    s.assign(ids.begin(), ids.end());
  }
  return sets;
}

// Cameras along a street: camera c sees ids [100c, 100c + 300), except the last one which
// sees fewer; drawn in a shuffled order.
std::vector<VisibleSet> street(int cameras, std::vector<int>& position, std::mt19937& rng) {
  position.resize(cameras);
  for (int c = 0; c < cameras; ++c) position[c] = c;
  std::shuffle(position.begin(), position.end(), rng);
  std::vector<VisibleSet> sets(cameras);
  for (int c = 0; c < cameras; ++c) {
    const int p = position[c];
    const std::uint32_t width = p == cameras - 1 ? 150 : 300;
    for (std::uint32_t id = 100 * p; id < 100 * p + width; ++id) sets[c].push_back(id);
  }
  return sets;
}
}  // namespace

TEST_CASE("view schedule: first and last use are exact", "[scheduler]") {
  std::mt19937 rng(3);
  for (ViewOrder mode : {ViewOrder::Sampled, ViewOrder::Tsp}) {
    const auto sets = random_sets(10, 500, 120, rng);
    ScheduleOptions options;
    options.order = mode;
    const auto s = schedule_views(sets, options);
    const int steps = static_cast<int>(s.order.size());
    REQUIRE(steps == 10);
    // Brute force: every step at which each id is visible.
    std::map<std::uint32_t, std::vector<int>> uses;
    for (int k = 0; k < steps; ++k)
      for (auto id : sets[s.order[k]]) uses[id].push_back(k);
    std::map<std::uint32_t, int> finished_at;
    for (int k = 0; k < steps; ++k)
      for (auto id : s.finished[k]) {
        REQUIRE(finished_at.count(id) == 0);  // Adam runs once per Gaussian per batch
        finished_at[id] = k;
      }
    REQUIRE(finished_at.size() == uses.size());
    REQUIRE(s.distinct == uses.size());
    for (const auto& [id, steps_used] : uses) {
      REQUIRE(finished_at[id] == steps_used.back());  // not before its last use, not after
    }
    for (int k = 0; k < steps; ++k) {
      const VisibleSet& here = sets[s.order[k]];
      for (auto id : s.fetch[k]) {
        REQUIRE(std::binary_search(here.begin(), here.end(), id));
        if (k > 0)
          REQUIRE_FALSE(
              std::binary_search(sets[s.order[k - 1]].begin(), sets[s.order[k - 1]].end(), id));
      }
      for (auto id : s.returning[k]) {
        REQUIRE(uses[id].back() > k);  // comes back later: its gradient is kept, not applied
        REQUIRE_FALSE(
            std::binary_search(sets[s.order[k + 1]].begin(), sets[s.order[k + 1]].end(), id));
      }
      // Every Gaussian visible at k is either kept for k+1, returning, or finished.
      for (auto id : here) {
        const bool kept = k + 1 < steps && std::binary_search(sets[s.order[k + 1]].begin(),
                                                              sets[s.order[k + 1]].end(), id);
        const bool returning = std::binary_search(s.returning[k].begin(), s.returning[k].end(), id);
        const bool finished = std::binary_search(s.finished[k].begin(), s.finished[k].end(), id);
        REQUIRE(int(kept) + int(returning) + int(finished) == 1);
      }
    }
    std::size_t fetched = 0;
    for (const auto& f : s.fetch) fetched += f.size();
    REQUIRE(s.loads == fetched);
    REQUIRE(s.loads == count_loads(sets, s.order));
    REQUIRE(s.loads >= s.distinct);
  }
}

TEST_CASE("view schedule: a shuffled street is put back in order", "[scheduler]") {
  std::mt19937 rng(17);
  for (int cameras : {8, 40}) {
    std::vector<int> position;
    const auto sets = street(cameras, position, rng);
    const auto s = schedule_views(sets, {});
    // Ends on the smallest set (the far end of the street) and walks the street towards it.
    for (int k = 0; k < cameras; ++k) REQUIRE(position[s.order[k]] == k);
    REQUIRE(s.loads == s.distinct);  // optimal: every Gaussian loaded once
    REQUIRE(s.sampled_order_loads > 2 * s.loads);
  }
}

TEST_CASE("view schedule: sampled overlaps estimate exact ones", "[scheduler]") {
  std::mt19937 rng(8);
  const auto sets = random_sets(6, 400'000, 100'000, rng);
  const auto exact = pairwise_overlap(sets);
  OverlapOptions sampled;
  sampled.exact_limit = 0;
  sampled.sample_rate = 0.25;
  const auto estimate = pairwise_overlap(sets, sampled);
  for (std::size_t i = 0; i < exact.size(); ++i)
    REQUIRE(estimate[i] == Approx(exact[i]).epsilon(0.05));
}

TEST_CASE("view schedule: rejects unsorted visible sets", "[scheduler]") {
  REQUIRE_THROWS_WITH(schedule_views({{1, 2}, {5, 3}}, {}), Catch::Contains("camera 1"));
  REQUIRE_THROWS(parse_view_order("random"));
}
