// How far apart two trained models are, attribute by attribute: the largest difference relative
// to the attribute's largest magnitude, and the share of elements farther than a tolerance. Two
// runs of the same configuration on a GPU differ through float atomics; this measures by how
// much, so comparisons of other runs (offload against resident) can allow that spread and no
// more. Usage: model_spread A.ply B.ply [--tolerance 1e-4]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "io/gaussian_ply.hpp"
#include "model/gaussian_model.hpp"

namespace {

struct Spread {
  double largest_relative = 0;  // max |a - b| / max |a|
  double beyond_share = 0;      // elements with |a - b| > tolerance * max |a|
  std::size_t nonfinite = 0;
};

Spread spread_of(const std::vector<float>& a, const std::vector<float>& b, double tolerance) {
  Spread s;
  double scale = 0;
  for (float v : a) scale = std::max(scale, static_cast<double>(std::abs(v)));
  if (!(scale > 0)) scale = 1;
  std::size_t beyond = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) {
      ++s.nonfinite;
      continue;
    }
    const double relative = std::abs(static_cast<double>(a[i]) - b[i]) / scale;
    s.largest_relative = std::max(s.largest_relative, relative);
    if (relative > tolerance) ++beyond;
  }
  s.beyond_share = a.empty() ? 0 : static_cast<double>(beyond) / a.size();
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && !(argc == 5 && std::string(argv[3]) == "--tolerance")) {
    std::fprintf(stderr, "usage: model_spread A.ply B.ply [--tolerance 1e-4]\n");
    return 2;
  }
  const double tolerance = argc == 5 ? std::atof(argv[4]) : 1e-4;
  try {
    const splat::GaussianModel a = splat::read_gaussian_ply(argv[1]);
    const splat::GaussianModel b = splat::read_gaussian_ply(argv[2]);
    if (a.size() != b.size() || a.sh_degree != b.sh_degree) {
      std::printf("models differ in shape: %zu vs %zu Gaussians, SH degree %d vs %d\n", a.size(),
                  b.size(), a.sh_degree, b.sh_degree);
      return 1;
    }
    std::printf(
        "%zu Gaussians; per attribute: largest |a-b| / max|a|, share beyond %.0e, "
        "non-finite\n",
        a.size(), tolerance);
    const std::pair<const char*, const std::vector<float>*> attributes[][2] = {
        {{"means", &a.means}, {"", &b.means}},
        {{"log_scales", &a.log_scales}, {"", &b.log_scales}},
        {{"rotations", &a.rotations}, {"", &b.rotations}},
        {{"opacity_logits", &a.opacity_logits}, {"", &b.opacity_logits}},
        {{"sh", &a.sh}, {"", &b.sh}}};
    bool finite = true;
    for (const auto& pair : attributes) {
      const Spread s = spread_of(*pair[0].second, *pair[1].second, tolerance);
      std::printf("  %-15s %.3e  %.4f%%  %zu\n", pair[0].first, s.largest_relative,
                  100 * s.beyond_share, s.nonfinite);
      finite = finite && s.nonfinite == 0;
    }
    return finite ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "model_spread: %s\n", e.what());
    return 1;
  }
}
