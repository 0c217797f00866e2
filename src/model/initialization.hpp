// The initial Gaussians of a run, as the reference 3DGS makes them: one per sparse point, or
// random points in a box when a dataset has none.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/gaussian_model.hpp"

namespace splat {

// SH degree-0 coefficient: colour = 0.5 + C0 * dc.
constexpr float kShC0 = 0.28209479177387814f;
// Initial opacity 0.1, stored as its logit.
constexpr float kInitialOpacity = 0.1f;
// Scales never start below sqrt of this (duplicate points would otherwise give log(0)).
constexpr float kMinSquaredDistance = 1e-7f;

// One Gaussian per point (points N x 3, colors N x 3 RGB 0..255): SH DC = (c/255 - 0.5) / C0,
// higher coefficients 0; isotropic log-scale log(sqrt(mean squared distance to the 3 nearest
// neighbours)); identity rotation (1, 0, 0, 0); opacity logit(0.1).
GaussianModel gaussians_from_points(const std::vector<float>& points,
                                    const std::vector<std::uint8_t>& colors, int sh_degree);

// `count` points uniform in the box [min, max], deterministic for a seed. Colours follow the
// reference's random initialisation: SH DC uniform in [0, 1/255), i.e. nearly mid-grey, which
// leaves colour to the optimiser. Scales, rotations and opacities as for gaussians_from_points.
GaussianModel random_gaussians(const std::array<float, 3>& min, const std::array<float, 3>& max,
                               std::size_t count, int sh_degree, std::uint64_t seed);

}  // namespace splat
