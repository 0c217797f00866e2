#include "model/nearest_neighbors.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <numeric>

namespace splat {

namespace {

constexpr int kLeafSize = 8;
constexpr int kMaxK = 16;

// An implicit k-d tree: nodes are ranges of a permuted index array, split at the median of the
// widest axis of the range's bounding box. Children of range [begin, end) are [begin, mid) and
// [mid, end), so no node storage beyond the split axis and value per node.
struct KdTree {
  const float* points = nullptr;
  std::vector<std::uint32_t> order;
  struct Node {
    std::uint32_t begin, end;
    std::int32_t left = -1, right = -1;
    int axis = 0;
    float split = 0;
  };
  std::vector<Node> nodes;

  float coord(std::uint32_t index, int axis) const { return points[3 * std::size_t{index} + axis]; }

  int build(std::uint32_t begin, std::uint32_t end) {
    const int id = static_cast<int>(nodes.size());
    nodes.push_back({begin, end});
    if (end - begin <= kLeafSize) return id;
    float lo[3], hi[3];
    for (int a = 0; a < 3; ++a) lo[a] = hi[a] = coord(order[begin], a);
    for (std::uint32_t i = begin; i < end; ++i)
      for (int a = 0; a < 3; ++a) {
        lo[a] = std::min(lo[a], coord(order[i], a));
        hi[a] = std::max(hi[a], coord(order[i], a));
      }
    int axis = 0;
    for (int a = 1; a < 3; ++a)
      if (hi[a] - lo[a] > hi[axis] - lo[axis]) axis = a;
    const std::uint32_t mid = begin + (end - begin) / 2;
    std::nth_element(
        order.begin() + begin, order.begin() + mid, order.begin() + end,
        [&](std::uint32_t x, std::uint32_t y) { return coord(x, axis) < coord(y, axis); });
    const float split = coord(order[mid], axis);
    const int left = build(begin, mid);
    const int right = build(mid, end);
    nodes[id].axis = axis;
    nodes[id].split = split;
    nodes[id].left = left;
    nodes[id].right = right;
    return id;
  }

  // The k smallest squared distances, kept sorted ascending in `best`.
  void search(int node_id, std::uint32_t self, const float q[3], int k, float* best) const {
    const Node& node = nodes[node_id];
    if (node.left < 0) {
      for (std::uint32_t i = node.begin; i < node.end; ++i) {
        const std::uint32_t other = order[i];
        if (other == self) continue;
        const float dx = coord(other, 0) - q[0], dy = coord(other, 1) - q[1],
                    dz = coord(other, 2) - q[2];
        const float d = dx * dx + dy * dy + dz * dz;
        if (d >= best[k - 1]) continue;
        int j = k - 1;
        while (j > 0 && best[j - 1] > d) {
          best[j] = best[j - 1];
          --j;
        }
        best[j] = d;
      }
      return;
    }
    const float delta = q[node.axis] - node.split;
    const int near = delta < 0 ? node.left : node.right;
    const int far = delta < 0 ? node.right : node.left;
    search(near, self, q, k, best);
    // Points equal to the split value can sit on either side, hence <= .
    if (delta * delta <= best[k - 1]) search(far, self, q, k, best);
  }
};

}  // namespace

std::vector<float> mean_squared_knn_distance(const std::vector<float>& points, int k) {
  const std::size_t n = points.size() / 3;
  std::vector<float> result(n, 0.0f);
  if (n <= 1) return result;
  k = std::clamp(k, 1, kMaxK);
  const int neighbours =
      static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(k), n - 1));
  KdTree tree;
  tree.points = points.data();
  tree.order.resize(n);
  std::iota(tree.order.begin(), tree.order.end(), 0u);
  tree.nodes.reserve(2 * n / kLeafSize + 1);
  tree.build(0, static_cast<std::uint32_t>(n));

#pragma omp parallel for schedule(dynamic, 1024)
  for (std::size_t i = 0; i < n; ++i) {
    float best[kMaxK];
    std::fill(best, best + neighbours, std::numeric_limits<float>::infinity());
    tree.search(0, static_cast<std::uint32_t>(i), &points[3 * i], neighbours, best);
    double sum = 0;
    for (int j = 0; j < neighbours; ++j) sum += best[j];
    result[i] = static_cast<float>(sum / neighbours);
  }
  return result;
}

}  // namespace splat
