// k-nearest-neighbour distances from the k-d tree against brute force.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "model/nearest_neighbors.hpp"

using namespace splat;

namespace {
std::vector<float> brute_force(const std::vector<float>& p, int k) {
  const std::size_t n = p.size() / 3;
  std::vector<float> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<float> d;
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i) continue;
      const float dx = p[3 * i] - p[3 * j], dy = p[3 * i + 1] - p[3 * j + 1],
                  dz = p[3 * i + 2] - p[3 * j + 2];
      d.push_back(dx * dx + dy * dy + dz * dz);
    }
    std::sort(d.begin(), d.end());
    const std::size_t m = std::min<std::size_t>(k, d.size());
    double sum = 0;
    for (std::size_t j = 0; j < m; ++j) sum += d[j];
    out[i] = m ? static_cast<float>(sum / m) : 0.0f;
  }
  return out;
}
}  // namespace

TEST_CASE("k-d tree k-NN matches brute force on clustered random points") {
  std::mt19937 engine(3);
  std::normal_distribution<float> normal(0, 1);
  std::vector<float> points;
  // Clusters of very different density plus far outliers, like SfM point clouds.
  for (int cluster = 0; cluster < 5; ++cluster)
    for (int i = 0; i < 400; ++i)
      for (int a = 0; a < 3; ++a)
        points.push_back(cluster * 10.0f + normal(engine) * (0.01f + cluster));
  for (int i = 0; i < 10; ++i)
    for (int a = 0; a < 3; ++a) points.push_back(normal(engine) * 1000.0f);
  const auto fast = mean_squared_knn_distance(points, 3);
  const auto slow = brute_force(points, 3);
  REQUIRE(fast.size() == slow.size());
  for (std::size_t i = 0; i < fast.size(); ++i) REQUIRE(fast[i] == Approx(slow[i]).epsilon(1e-5));
}

TEST_CASE("k-NN handles duplicates, tiny inputs and a regular grid") {
  CHECK(mean_squared_knn_distance({}).empty());
  CHECK(mean_squared_knn_distance({1, 2, 3}) == std::vector<float>{0.0f});
  const auto two = mean_squared_knn_distance({0, 0, 0, 0, 0, 2});
  CHECK(two == std::vector<float>{4.0f, 4.0f});  // one neighbour each
  const auto duplicates = mean_squared_knn_distance({1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  CHECK(duplicates == std::vector<float>{0, 0, 0, 0});
  // Interior grid points have 6 neighbours at distance h: the mean of 3 nearest is h^2.
  std::vector<float> grid;
  for (int x = 0; x < 20; ++x)
    for (int y = 0; y < 20; ++y)
      for (int z = 0; z < 20; ++z) {
        grid.push_back(x * 0.5f);
        grid.push_back(y * 0.5f);
        grid.push_back(z * 0.5f);
      }
  const auto d = mean_squared_knn_distance(grid);
  for (float v : d) REQUIRE(v == Approx(0.25f));
}
