#include "model/initialization.hpp"

#include <cmath>
#include <random>

#include "core/error.hpp"
#include "model/nearest_neighbors.hpp"

namespace splat {

namespace {

// Everything but the SH DC, which the two initialisations choose differently.
GaussianModel gaussians_at(const std::vector<float>& points, int sh_degree) {
  SPLAT_REQUIRE(points.size() % 3 == 0, "initialisation: point array of ", points.size(),
                " floats is not N x 3");
  SPLAT_REQUIRE(sh_degree >= 0 && sh_degree <= 3, "initialisation: SH degree ", sh_degree,
                " is outside 0..3");
  const std::size_t n = points.size() / 3;
  GaussianModel model;
  model.sh_degree = sh_degree;
  model.resize(n);
  model.means = points;
  const std::vector<float> squared = mean_squared_knn_distance(points, 3);
  const float opacity_logit = std::log(kInitialOpacity / (1.0f - kInitialOpacity));
  for (std::size_t i = 0; i < n; ++i) {
    const float log_scale = std::log(std::sqrt(std::max(squared[i], kMinSquaredDistance)));
    for (int a = 0; a < 3; ++a) model.log_scales[3 * i + a] = log_scale;
    model.rotations[4 * i + 0] = 1.0f;
    model.rotations[4 * i + 1] = model.rotations[4 * i + 2] = model.rotations[4 * i + 3] = 0.0f;
    model.opacity_logits[i] = opacity_logit;
  }
  std::fill(model.sh.begin(), model.sh.end(), 0.0f);
  return model;
}

}  // namespace

GaussianModel gaussians_from_points(const std::vector<float>& points,
                                    const std::vector<std::uint8_t>& colors, int sh_degree) {
  SPLAT_REQUIRE(colors.size() == points.size(), "initialisation: ", colors.size() / 3,
                " colours for ", points.size() / 3, " points");
  GaussianModel model = gaussians_at(points, sh_degree);
  const std::size_t stride = static_cast<std::size_t>(model.sh_coefficients()) * 3;
  for (std::size_t i = 0; i < model.size(); ++i)
    for (int c = 0; c < 3; ++c)
      model.sh[i * stride + c] = (colors[3 * i + c] / 255.0f - 0.5f) / kShC0;
  return model;
}

GaussianModel random_gaussians(const std::array<float, 3>& min, const std::array<float, 3>& max,
                               std::size_t count, int sh_degree, std::uint64_t seed) {
  for (int a = 0; a < 3; ++a)
    SPLAT_REQUIRE(std::isfinite(min[a]) && std::isfinite(max[a]) && min[a] <= max[a],
                  "random initialisation: the box [", min[a], ", ", max[a], "] on axis ", a,
                  " is empty or not finite");
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  std::vector<float> points(count * 3);
  for (std::size_t i = 0; i < count; ++i)
    for (int a = 0; a < 3; ++a) points[3 * i + a] = min[a] + (max[a] - min[a]) * unit(engine);
  GaussianModel model = gaussians_at(points, sh_degree);
  // The reference stores random values in [0, 1) / 255 as colours-in-SH, then converts them to
  // RGB and back, so they end up as the DC coefficients unchanged.
  const std::size_t stride = static_cast<std::size_t>(model.sh_coefficients()) * 3;
  for (std::size_t i = 0; i < count; ++i)
    for (int c = 0; c < 3; ++c) model.sh[i * stride + c] = unit(engine) / 255.0f;
  return model;
}

}  // namespace splat
