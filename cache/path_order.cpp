#include "cache/path_order.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>

#include "core/error.hpp"

namespace splat {

double path_weight(const std::vector<double>& weight, int n, const std::vector<int>& order) {
  double total = 0;
  for (std::size_t k = 1; k < order.size(); ++k) total += weight[order[k - 1] * n + order[k]];
  return total;
}

namespace {

// Held-Karp over paths that start at `first`: best[mask][v] is the heaviest path from `first`
// through exactly the nodes of `mask`, ending at v.
std::vector<int> exact_path_from(const std::vector<double>& weight, int n, int first) {
  const std::uint32_t full = (1u << n) - 1;
  constexpr double kUnset = -std::numeric_limits<double>::infinity();
  std::vector<double> best(static_cast<std::size_t>(full + 1) * n, kUnset);
  std::vector<std::int8_t> parent(best.size(), -1);
  best[(1u << first) * n + first] = 0;
  for (std::uint32_t mask = 1; mask <= full; ++mask) {
    if (!(mask & (1u << first))) continue;
    for (int v = 0; v < n; ++v) {
      const double here = best[mask * n + v];
      if (here == kUnset) continue;
      for (int u = 0; u < n; ++u) {
        if (mask & (1u << u)) continue;
        const std::uint32_t next = mask | (1u << u);
        const double candidate = here + weight[v * n + u];
        if (candidate > best[next * n + u]) {
          best[next * n + u] = candidate;
          parent[next * n + u] = static_cast<std::int8_t>(v);
        }
      }
    }
  }
  int end = first;
  for (int v = 0; v < n; ++v)
    if (best[full * n + v] > best[full * n + end]) end = v;
  std::vector<int> path;
  std::uint32_t mask = full;
  for (int v = end; v != -1;) {
    path.push_back(v);
    const int previous = parent[mask * n + v];
    mask &= ~(1u << v);
    v = previous;
  }
  std::reverse(path.begin(), path.end());  // first ... end
  return path;
}

// Local search on a path whose element 0 is fixed: 2-opt reversals and Or-opt segment moves.
class PathImprover {
 public:
  PathImprover(const std::vector<double>& weight, int n) : weight_(weight), n_(n) {}

  void improve(std::vector<int>& path, double seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    bool improved = true;
    while (improved && std::chrono::steady_clock::now() < deadline)
      improved = two_opt(path) || or_opt(path);
  }

 private:
  // Weight between path positions' nodes; a missing neighbour (past the open end) weighs 0.
  double w(int a, int b) const { return (a < 0 || b < 0) ? 0.0 : weight_[a * n_ + b]; }
  static int at(const std::vector<int>& p, int k) {
    return k < static_cast<int>(p.size()) ? p[k] : -1;
  }

  bool two_opt(std::vector<int>& p) const {
    const int size = static_cast<int>(p.size());
    for (int i = 1; i < size; ++i) {
      for (int j = i + 1; j < size; ++j) {
        const double gain =
            w(p[i - 1], p[j]) + w(p[i], at(p, j + 1)) - w(p[i - 1], p[i]) - w(p[j], at(p, j + 1));
        if (gain > kEpsilon) {
          std::reverse(p.begin() + i, p.begin() + j + 1);
          return true;
        }
      }
    }
    return false;
  }

  bool or_opt(std::vector<int>& p) const {
    const int size = static_cast<int>(p.size());
    for (int length = 1; length <= 3; ++length) {
      for (int i = 1; i + length <= size; ++i) {
        const int e = i + length - 1;
        const int prev = p[i - 1];
        const int next = at(p, e + 1);
        const double removal = w(prev, next) - w(prev, p[i]) - w(p[e], next);
        for (int k = 0; k < size; ++k) {
          if (k >= i - 1 && k <= e) continue;
          const int left = p[k];
          const int right = at(p, k + 1);
          for (bool reversed : {false, true}) {
            const int head = reversed ? p[e] : p[i];
            const int tail = reversed ? p[i] : p[e];
            const double gain = removal + w(left, head) + w(tail, right) - w(left, right);
            if (gain > kEpsilon) {
              move_segment(p, i, e, k, reversed);
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  static void move_segment(std::vector<int>& p, int i, int e, int k, bool reversed) {
    std::vector<int> segment(p.begin() + i, p.begin() + e + 1);
    if (reversed) std::reverse(segment.begin(), segment.end());
    std::vector<int> rest;
    for (int m = 0; m < static_cast<int>(p.size()); ++m)
      if (m < i || m > e) rest.push_back(p[m]);
    // Position of the node that was p[k] in `rest`, then insert after it.
    const int left = p[k];
    const auto where = std::find(rest.begin(), rest.end(), left) + 1;
    rest.insert(where, segment.begin(), segment.end());
    p = std::move(rest);
  }

  static constexpr double kEpsilon = 1e-9;
  const std::vector<double>& weight_;
  int n_;
};

std::vector<int> greedy_path_from(const std::vector<double>& weight, int n, int first) {
  std::vector<int> path{first};
  std::vector<bool> used(n, false);
  used[first] = true;
  for (int step = 1; step < n; ++step) {
    const int current = path.back();
    int chosen = -1;
    for (int v = 0; v < n; ++v)
      if (!used[v] && (chosen < 0 || weight[current * n + v] > weight[current * n + chosen]))
        chosen = v;
    used[chosen] = true;
    path.push_back(chosen);
  }
  return path;
}

}  // namespace

std::vector<int> best_path_ending_at(const std::vector<double>& weight, int n, int last,
                                     const PathOptions& options) {
  SPLAT_REQUIRE(n >= 0 && weight.size() == static_cast<std::size_t>(n) * n,
                "path order: weight matrix is not ", n, " x ", n);
  SPLAT_REQUIRE(n == 0 || (last >= 0 && last < n), "path order: last node ", last, " out of range");
  if (n == 0) return {};
  // Weights are symmetric, so the best path ending at `last` is the reverse of the best path
  // starting there.
  std::vector<int> path;
  if (n <= std::min(options.exact_limit, 16)) {  // 2^16 x 16 states at most
    path = exact_path_from(weight, n, last);
  } else {
    path = greedy_path_from(weight, n, last);
    PathImprover(weight, n).improve(path, options.time_budget_seconds);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

}  // namespace splat
