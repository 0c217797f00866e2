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

bool viewed_region(const std::vector<SceneView>& views, Bounds& region) {
  if (views.size() < 2) return false;
  // Sum over cameras of P = I - d d^T (projection orthogonal to the axis d) and of P c.
  double A[9] = {}, b[3] = {};
  for (const SceneView& v : views) {
    const PinholeCamera& c = v.camera;
    const double d[3] = {c.R[6], c.R[7], c.R[8]};  // camera +z in world coordinates
    const auto centre = camera_centre(c);
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        const double p = (i == j ? 1.0 : 0.0) - d[i] * d[j];
        A[i * 3 + j] += p;
        b[i] += p * centre[j];
      }
  }
  // Cramer's rule; a nearly singular system means the axes are (close to) parallel.
  const auto det3 = [](const double m[9]) {
    return m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
           m[2] * (m[3] * m[7] - m[4] * m[6]);
  };
  const double det = det3(A);
  const double n = static_cast<double>(views.size());
  if (!(std::abs(det) > 1e-3 * n * n * n)) return false;
  double point[3];
  for (int k = 0; k < 3; ++k) {
    double m[9];
    for (int i = 0; i < 9; ++i) m[i] = A[i];
    for (int i = 0; i < 3; ++i) m[i * 3 + k] = b[i];
    point[k] = det3(m) / det;
  }
  // Half-width: what a camera sees at its distance from that point; the median over cameras.
  std::vector<double> reach;
  for (const SceneView& v : views) {
    const auto centre = camera_centre(v.camera);
    const double distance = std::sqrt((centre[0] - point[0]) * (centre[0] - point[0]) +
                                      (centre[1] - point[1]) * (centre[1] - point[1]) +
                                      (centre[2] - point[2]) * (centre[2] - point[2]));
    const double half_fov =
        std::max(0.5 * v.camera.width / v.camera.fx, 0.5 * v.camera.height / v.camera.fy);
    reach.push_back(distance * half_fov);
  }
  std::nth_element(reach.begin(), reach.begin() + reach.size() / 2, reach.end());
  const double half = reach[reach.size() / 2];
  if (!(half > 0) || !std::isfinite(half)) return false;
  for (int i = 0; i < 3; ++i) {
    region.min[i] = static_cast<float>(point[i] - half);
    region.max[i] = static_cast<float>(point[i] + half);
  }
  return true;
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
