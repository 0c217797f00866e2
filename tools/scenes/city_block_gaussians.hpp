// One block's Gaussians, made from the plan alone: surfaces (ground outside the footprints,
// walls, roofs, tree canopies and trunks) chosen in proportion to their areas, a point drawn
// uniformly on the chosen surface, coloured by the texture there. The block's own seed drives
// it, so a block comes out identically whenever, wherever and in whatever order it is made.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/gaussian_model.hpp"
#include "tools/scenes/city_layout.hpp"

namespace splat {

GaussianModel generate_city_block(const CityLayout& city, std::size_t block);

// A sparse "SfM" sample of a block's surfaces: `count` Gaussian centres, perturbed by a fraction
// of the splat size, with their colours (appended to `points` N x 3 and `colors` N x 3).
void sample_city_block_points(const CityLayout& city, std::size_t block,
                              const GaussianModel& gaussians, std::size_t count,
                              std::vector<float>& points, std::vector<std::uint8_t>& colors);

}  // namespace splat
