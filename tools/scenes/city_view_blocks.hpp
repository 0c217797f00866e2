// Which blocks a view needs: those whose bounds (every Gaussian's 3-sigma extent included) reach
// into the camera's culling frustum, with radii scaled as the trainer's culling scales them.
// Street views add a draw distance: the facades across the street hide what lies beyond, so
// blocks further away than that are left out of the render (an approximation the tests measure;
// aerial views look steeply down and need none).
#pragma once

#include <cstddef>
#include <vector>

#include "math/camera.hpp"
#include "tools/scenes/city_layout.hpp"

namespace splat {

// Ascending block indices. `draw_distance` <= 0: no limit.
std::vector<std::size_t> city_blocks_in_view(const CityLayout& city, const PinholeCamera& camera,
                                             float draw_distance);

}  // namespace splat
