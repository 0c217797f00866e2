// Mean squared distance from every point to its k nearest other points, through a k-d tree
// (O(N log N) to build, about O(log N) per query) - the quantity the reference initialisation
// takes Gaussian scales from.
#pragma once

#include <cstddef>
#include <vector>

namespace splat {

// `points` is N x 3. Entry i is the mean of the squared distances from point i to its k nearest
// other points (fewer when N <= k; 0 for a single point). Duplicates count at distance 0.
std::vector<float> mean_squared_knn_distance(const std::vector<float>& points, int k = 3);

}  // namespace splat
