#include "io/gaussian_ply_layout.hpp"

namespace splat {

std::vector<std::string> gaussian_ply_property_names(int coefficients) {
  std::vector<std::string> names{"x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"};
  for (int i = 0; i < 3 * (coefficients - 1); ++i) names.push_back("f_rest_" + std::to_string(i));
  names.push_back("opacity");
  for (int i = 0; i < 3; ++i) names.push_back("scale_" + std::to_string(i));
  for (int i = 0; i < 4; ++i) names.push_back("rot_" + std::to_string(i));
  return names;
}

std::string gaussian_ply_header(std::size_t count, int sh_degree) {
  std::string header = "ply\nformat binary_little_endian 1.0\nelement vertex ";
  header += std::to_string(count) + "\n";
  for (const auto& name : gaussian_ply_property_names(sh_coefficient_count(sh_degree)))
    header += "property float " + name + "\n";
  return header + "end_header\n";
}

void append_gaussian_ply_row(const GaussianModel& m, std::size_t i, std::vector<float>& out) {
  const int k = m.sh_coefficients();
  for (int a = 0; a < 3; ++a) out.push_back(m.means[i * 3 + a]);
  for (int a = 0; a < 3; ++a) out.push_back(0.0f);  // normals: unused, kept for viewers
  const float* sh = &m.sh[i * k * 3];
  for (int c = 0; c < 3; ++c) out.push_back(sh[c]);
  // f_rest is channel-major: all of red's higher coefficients, then green's, then blue's.
  for (int c = 0; c < 3; ++c)
    for (int j = 1; j < k; ++j) out.push_back(sh[j * 3 + c]);
  out.push_back(m.opacity_logits[i]);
  for (int a = 0; a < 3; ++a) out.push_back(m.log_scales[i * 3 + a]);
  for (int a = 0; a < 4; ++a) out.push_back(m.rotations[i * 4 + a]);
}

}  // namespace splat
