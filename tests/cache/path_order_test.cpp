#include <catch2/catch.hpp>

#include <algorithm>
#include <numeric>
#include <random>

#include "cache/path_order.hpp"

using namespace splat;

namespace {
// The best path by trying every permutation that ends at `last` (small n only).
double brute_force_best(const std::vector<double>& w, int n, int last) {
  std::vector<int> rest;
  for (int v = 0; v < n; ++v)
    if (v != last) rest.push_back(v);
  double best = -1;
  do {
    std::vector<int> order = rest;
    order.push_back(last);
    best = std::max(best, path_weight(w, n, order));
  } while (std::next_permutation(rest.begin(), rest.end()));
  return best;
}

std::vector<double> random_symmetric(int n, std::mt19937& rng) {
  std::uniform_real_distribution<double> u(0, 100);
  std::vector<double> w(n * n, 0);
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) w[i * n + j] = w[j * n + i] = std::floor(u(rng));
  return w;
}

bool is_permutation_ending_at(const std::vector<int>& order, int n, int last) {
  std::vector<int> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> expected(n);
  std::iota(expected.begin(), expected.end(), 0);
  return sorted == expected && order.back() == last;
}
}  // namespace

TEST_CASE("path order: dynamic programming matches brute force", "[scheduler]") {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 20; ++trial) {
    const int n = 2 + trial % 7;
    const auto w = random_symmetric(n, rng);
    const int last = trial % n;
    const auto order = best_path_ending_at(w, n, last);
    REQUIRE(is_permutation_ending_at(order, n, last));
    REQUIRE(path_weight(w, n, order) == brute_force_best(w, n, last));
  }
}

TEST_CASE("path order: local search recovers a shuffled chain", "[scheduler]") {
  // Nodes on a line: only neighbours share weight, so the optimum is the chain itself.
  const int n = 60;
  std::vector<int> position(n);
  std::iota(position.begin(), position.end(), 0);
  std::mt19937 rng(9);
  std::shuffle(position.begin(), position.end(), rng);
  std::vector<double> w(n * n, 0);
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      const int gap = std::abs(position[a] - position[b]);
      if (a != b && gap <= 3) w[a * n + b] = 100.0 / gap;
    }
  const int end_of_line =
      static_cast<int>(std::find(position.begin(), position.end(), 0) - position.begin());
  PathOptions heuristic_only;
  heuristic_only.exact_limit = 0;
  heuristic_only.time_budget_seconds = 5;  // a bound, not a target: it stops at a local optimum
  const auto order = best_path_ending_at(w, n, end_of_line, heuristic_only);
  REQUIRE(is_permutation_ending_at(order, n, end_of_line));
  for (int k = 0; k < n; ++k) REQUIRE(position[order[k]] == n - 1 - k);
}

TEST_CASE("path order: local search is never worse than greedy and near optimal", "[scheduler]") {
  std::mt19937 rng(21);
  for (int trial = 0; trial < 5; ++trial) {
    const int n = 9;
    const auto w = random_symmetric(n, rng);
    PathOptions heuristic_only;
    heuristic_only.exact_limit = 0;
    const auto order = best_path_ending_at(w, n, 0, heuristic_only);
    REQUIRE(is_permutation_ending_at(order, n, 0));
    // 2-opt + Or-opt optima on random instances of this size stay within a few percent.
    REQUIRE(path_weight(w, n, order) >= 0.85 * brute_force_best(w, n, 0));
  }
}

TEST_CASE("path order: degenerate sizes and bad input", "[scheduler]") {
  REQUIRE(best_path_ending_at({}, 0, 0).empty());
  REQUIRE(best_path_ending_at({0.0}, 1, 0) == std::vector<int>{0});
  REQUIRE_THROWS(best_path_ending_at({0, 1, 1, 0}, 2, 5));
  REQUIRE_THROWS(best_path_ending_at({0, 1, 1}, 2, 0));
}
