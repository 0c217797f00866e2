// Resampling to another size by area averaging: every output pixel is the mean of the input
// area it covers (fractional pixels weighted by coverage). For downscaling this is the
// anti-aliased result; pixel centres keep COLMAP's (x + 0.5) / scale relation, so intrinsics
// scale by the same factors.
#pragma once

#include "io/image.hpp"

namespace splat {

Image resize_area(const Image& input, int width, int height);

}  // namespace splat
