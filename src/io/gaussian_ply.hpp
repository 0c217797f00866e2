// Trained models as PLY files in the standard 3DGS layout, which common splat viewers read:
// binary little-endian float vertices with x, y, z, nx, ny, nz, f_dc_0..2, f_rest_0..(3K-4)
// channel-major, opacity (logit), scale_0..2 (log), rot_0..3 (w, x, y, z).
#pragma once

#include <string>

#include "model/gaussian_model.hpp"

namespace splat {

// Written atomically: a failure leaves an existing file untouched.
void write_gaussian_ply(const std::string& path, const GaussianModel& model);

// Reads a 3DGS PLY (float or double properties, any property order, extra properties ignored).
// The SH degree follows from the number of f_rest properties. Truncated files, missing
// properties and non-finite values are errors naming the file.
GaussianModel read_gaussian_ply(const std::string& path);

}  // namespace splat
