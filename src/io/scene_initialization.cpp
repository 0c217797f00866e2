#include "io/scene_initialization.hpp"

#include "io/scene_geometry.hpp"
#include "model/initialization.hpp"

namespace splat {

GaussianModel initial_gaussians(const Scene& scene, std::size_t random_count, int sh_degree,
                                std::uint64_t seed) {
  if (!scene.points.empty()) return gaussians_from_points(scene.points, scene.colors, sh_degree);
  const Bounds bounds = camera_bounds(scene.train.empty() ? scene.test : scene.train);
  return random_gaussians(bounds.min, bounds.max, random_count, sh_degree, seed);
}

}  // namespace splat
