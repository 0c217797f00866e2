#include "io/scene_geometry.hpp"

#include <algorithm>
#include <cmath>

namespace splat {

std::array<double, 3> camera_centre(const PinholeCamera& c) {
  // x_cam = R x + t, so the centre (x_cam = 0) is -R^T t.
  std::array<double, 3> centre{};
  for (int i = 0; i < 3; ++i)
    centre[i] =
        -(double{c.R[0 + i]} * c.t[0] + double{c.R[3 + i]} * c.t[1] + double{c.R[6 + i]} * c.t[2]);
  return centre;
}

float scene_extent(const std::vector<SceneView>& views) {
  if (views.empty()) return 1.0f;
  std::array<double, 3> mean{0, 0, 0};
  for (const SceneView& view : views) {
    const auto c = camera_centre(view.camera);
    for (int i = 0; i < 3; ++i) mean[i] += c[i] / static_cast<double>(views.size());
  }
  double largest = 0;
  for (const SceneView& view : views) {
    const auto c = camera_centre(view.camera);
    largest = std::max(largest, std::hypot(c[0] - mean[0], c[1] - mean[1], c[2] - mean[2]));
  }
  if (!(largest > 1e-9)) return 1.0f;
  return static_cast<float>(1.1 * largest);
}

Bounds camera_bounds(const std::vector<SceneView>& views) {
  Bounds bounds;
  for (std::size_t v = 0; v < views.size(); ++v) {
    const auto c = camera_centre(views[v].camera);
    for (int i = 0; i < 3; ++i) {
      const float x = static_cast<float>(c[i]);
      bounds.min[i] = v == 0 ? x : std::min(bounds.min[i], x);
      bounds.max[i] = v == 0 ? x : std::max(bounds.max[i], x);
    }
  }
  return bounds;
}

void split_views(std::vector<SceneView> views, int test_every, std::vector<SceneView>& train,
                 std::vector<SceneView>& test) {
  std::stable_sort(views.begin(), views.end(),
                   [](const SceneView& a, const SceneView& b) { return a.name < b.name; });
  train.clear();
  test.clear();
  for (std::size_t i = 0; i < views.size(); ++i) {
    if (test_every > 0 && i % static_cast<std::size_t>(test_every) == 0)
      test.push_back(std::move(views[i]));
    else
      train.push_back(std::move(views[i]));
  }
}

}  // namespace splat
