// Which Gaussians of a PLY the viewer sends, and the PLY it streams them as. Up to max_splats it
// sends the whole model; beyond that the max_splats with the largest opacity x volume, chosen
// deterministically (a histogram of the score, then rows in file order within the last bin), in
// two passes over the file in row ranges: a 100M-Gaussian model is never held in memory.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "io/gaussian_ply.hpp"

namespace splat {

struct SplatSelection {
  std::size_t total = 0, sent = 0;
  bool subset = false;
  int threshold_bin = -1;              // rows scoring above this bin are all sent
  std::size_t quota_at_threshold = 0;  // and the first this many in it (in file order)
};

// The score bin of one Gaussian: log(sigmoid(opacity)) + the sum of its log scales.
int splat_score_bin(float opacity_logit, const float log_scales[3]);

SplatSelection select_splats(const GaussianPlyFile& file, std::size_t max_splats);

// The selected rows as a 3DGS PLY, handed to `write` in pieces; stops early when `write` returns
// false (the client went away).
void stream_splats(const GaussianPlyFile& file, const SplatSelection& selection,
                   const std::function<bool(const char* data, std::size_t bytes)>& write);

}  // namespace splat
