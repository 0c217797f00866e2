// The 3DGS PLY vertex layout shared by the whole-model writer, the streaming writer and the
// reader: property names in file order and one Gaussian's values in that order.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "model/gaussian_model.hpp"

namespace splat {

// x, y, z, nx, ny, nz, f_dc_0..2, f_rest_0..(3K-4) channel-major, opacity, scale_0..2, rot_0..3
// for a model of `coefficients` SH coefficients.
std::vector<std::string> gaussian_ply_property_names(int coefficients);

// The header of a binary little-endian file of `count` vertices, every property a float.
std::string gaussian_ply_header(std::size_t count, int sh_degree);

// Appends row `i` of `model` in file order to `out`.
void append_gaussian_ply_row(const GaussianModel& model, std::size_t i, std::vector<float>& out);

}  // namespace splat
