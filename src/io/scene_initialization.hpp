// The initial Gaussians of a loaded scene: from its sparse points when it has them, else
// `random_count` random ones in the region the training cameras look at (the box of their
// centres when their axes do not converge, or when `in_camera_box` asks for it).
#pragma once

#include <cstddef>
#include <cstdint>

#include "io/scene.hpp"
#include "model/gaussian_model.hpp"

namespace splat {

GaussianModel initial_gaussians(const Scene& scene, std::size_t random_count, int sh_degree,
                                std::uint64_t seed, bool in_camera_box = false);

}  // namespace splat
