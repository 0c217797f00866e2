#include "io/scene_initialization.hpp"

#include "io/scene_geometry.hpp"
#include "model/initialization.hpp"

namespace splat {

GaussianModel initial_gaussians(const Scene& scene, std::size_t random_count, int sh_degree,
                                std::uint64_t seed, bool in_camera_box) {
  if (!scene.points.empty()) return gaussians_from_points(scene.points, scene.colors, sh_degree);
  const auto& views = scene.train.empty() ? scene.test : scene.train;
  // Cameras around an object: fill what they look at (Gaussians near the cameras would only be
  // floaters in front of them); otherwise the box of the camera centres.
  Bounds bounds;
  if (in_camera_box || !viewed_region(views, bounds)) bounds = camera_bounds(views);
  return random_gaussians(bounds.min, bounds.max, random_count, sh_degree, seed);
}

}  // namespace splat
