// Maximum-weight Hamiltonian path with a fixed last node: the combinatorial core of view
// ordering (weights are the Gaussians two cameras share).
#pragma once

#include <vector>

namespace splat {

struct PathOptions {
  int exact_limit = 12;               // up to this many nodes, dynamic programming (optimal)
  double time_budget_seconds = 0.01;  // above it, local search stops after this long
};

// `weight` is a symmetric n x n row-major matrix. Returns a visiting order of all n nodes whose
// last element is `last`, maximising the sum of weights of consecutive pairs.
std::vector<int> best_path_ending_at(const std::vector<double>& weight, int n, int last,
                                     const PathOptions& options = {});

double path_weight(const std::vector<double>& weight, int n, const std::vector<int>& order);

}  // namespace splat
