#include "cache/view_schedule.hpp"

#include <algorithm>
#include <chrono>
#include <iterator>

#include "core/error.hpp"

namespace splat {

namespace {

VisibleSet set_difference(const VisibleSet& a, const VisibleSet& b) {
  VisibleSet out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

VisibleSet set_union(const VisibleSet& a, const VisibleSet& b) {
  VisibleSet out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

VisibleSet set_intersection(const VisibleSet& a, const VisibleSet& b) {
  VisibleSet out;
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

// The camera seen last cannot overlap its Adam work with rendering; make it the cheapest one.
int smallest_set(const std::vector<VisibleSet>& visible) {
  int best = 0;
  for (int c = 1; c < static_cast<int>(visible.size()); ++c)
    if (visible[c].size() < visible[best].size()) best = c;
  return best;
}

}  // namespace

std::size_t count_loads(const std::vector<VisibleSet>& visible, const std::vector<int>& order) {
  std::size_t loads = 0;
  for (std::size_t k = 0; k < order.size(); ++k)
    loads += k == 0 ? visible[order[0]].size()
                    : visible[order[k]].size() -
                          intersection_size(visible[order[k]], visible[order[k - 1]]);
  return loads;
}

ViewSchedule schedule_views(const std::vector<VisibleSet>& visible,
                            const ScheduleOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const int cameras = static_cast<int>(visible.size());
  for (int c = 0; c < cameras; ++c)
    SPLAT_REQUIRE(std::is_sorted(visible[c].begin(), visible[c].end()) &&
                      std::adjacent_find(visible[c].begin(), visible[c].end()) == visible[c].end(),
                  "view schedule: visible set of camera ", c, " is not sorted and unique");
  ViewSchedule schedule;
  std::vector<int> drawn(cameras);
  for (int c = 0; c < cameras; ++c) drawn[c] = c;
  if (options.order == ViewOrder::Tsp && cameras > 2) {
    const auto overlap = pairwise_overlap(visible, options.overlap);
    schedule.order = best_path_ending_at(overlap, cameras, smallest_set(visible), options.path);
  } else {
    schedule.order = drawn;
  }
  schedule.solve_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const auto& order = schedule.order;
  schedule.fetch.resize(cameras);
  schedule.finished.resize(cameras);
  schedule.returning.resize(cameras);
  VisibleSet later;  // union of the sets visited after step k
  for (int k = cameras - 1; k >= 0; --k) {
    const VisibleSet& here = visible[order[k]];
    schedule.finished[k] = set_difference(here, later);
    if (k + 1 < cameras) {
      const VisibleSet leaving = set_difference(here, visible[order[k + 1]]);
      schedule.returning[k] = set_intersection(leaving, later);
    }
    later = set_union(later, here);
  }
  schedule.distinct = later.size();
  for (int k = 0; k < cameras; ++k) {
    schedule.fetch[k] =
        k == 0 ? visible[order[0]] : set_difference(visible[order[k]], visible[order[k - 1]]);
    schedule.loads += schedule.fetch[k].size();
  }
  schedule.sampled_order_loads = count_loads(visible, drawn);
  return schedule;
}

ViewOrder parse_view_order(const std::string& name) {
  if (name == "tsp") return ViewOrder::Tsp;
  if (name == "sampled") return ViewOrder::Sampled;
  fail("scheduler.order: unknown value '", name, "' (expected sampled or tsp)");
}

}  // namespace splat
