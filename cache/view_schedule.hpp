// Orders the cameras of a batch so consecutive cameras share Gaussians, and turns the order into
// a transfer plan: what to fetch before each camera, and what leaves the GPU after it — either
// finished (its last use in the batch: its gradient is complete and Adam may update it) or
// returning (used again later: its partial gradient is kept on the host).
#pragma once

#include <string>
#include <vector>

#include "cache/path_order.hpp"
#include "cache/visibility_overlap.hpp"

namespace splat {

enum class ViewOrder { Sampled, Tsp };

struct ScheduleOptions {
  ViewOrder order = ViewOrder::Tsp;
  OverlapOptions overlap;
  PathOptions path;
};

struct ViewSchedule {
  std::vector<int> order;               // batch-local camera indices, in visiting order
  std::vector<VisibleSet> fetch;        // per step: V(k) \ V(k-1)
  std::vector<VisibleSet> finished;     // per step: visible at k and never after
  std::vector<VisibleSet> returning;    // per step: V(k) \ V(k+1), visible again later
  std::size_t loads = 0;                // Gaussians copied to the GPU: sum of |fetch|
  std::size_t sampled_order_loads = 0;  // what the order as drawn would have loaded
  std::size_t distinct = 0;             // each Gaussian once: the lower bound on loads
  double solve_seconds = 0;
};

// `visible[c]` is camera c's sorted, unique visible set.
ViewSchedule schedule_views(const std::vector<VisibleSet>& visible, const ScheduleOptions& options);

// Loads of visiting the cameras in `order` when only consecutive cameras share GPU copies.
std::size_t count_loads(const std::vector<VisibleSet>& visible, const std::vector<int>& order);

ViewOrder parse_view_order(const std::string& name);

}  // namespace splat
