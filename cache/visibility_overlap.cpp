#include "cache/visibility_overlap.hpp"

#include <omp.h>

namespace splat {

std::size_t intersection_size(const VisibleSet& a, const VisibleSet& b) {
  std::size_t count = 0;
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i < *j) {
      ++i;
    } else if (*j < *i) {
      ++j;
    } else {
      ++count, ++i, ++j;
    }
  }
  return count;
}

namespace {

// A fixed integer hash: a Gaussian is either sampled for every camera or for none.
bool keep_in_sample(std::uint32_t id, std::uint32_t threshold) {
  std::uint32_t h = id * 0x9E3779B1u;
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  return h < threshold;
}

}  // namespace

std::vector<double> pairwise_overlap(const std::vector<VisibleSet>& visible,
                                     const OverlapOptions& options) {
  const std::size_t cameras = visible.size();
  std::size_t total = 0;
  for (const auto& v : visible) total += v.size();

  const std::vector<VisibleSet>* sets = &visible;
  std::vector<VisibleSet> sampled;
  double scale = 1.0;
  if (total > options.exact_limit && options.sample_rate < 1.0) {
    const auto threshold = static_cast<std::uint32_t>(options.sample_rate * 4294967295.0);
    sampled.resize(cameras);
    for (std::size_t c = 0; c < cameras; ++c)
      for (std::uint32_t id : visible[c])
        if (keep_in_sample(id, threshold)) sampled[c].push_back(id);
    sets = &sampled;
    scale = 1.0 / options.sample_rate;
  }

  std::vector<double> overlap(cameras * cameras, 0.0);
  const auto pairs = static_cast<long long>(cameras * cameras);
#pragma omp parallel for schedule(dynamic, 4)
  for (long long p = 0; p < pairs; ++p) {
    const std::size_t i = static_cast<std::size_t>(p) / cameras;
    const std::size_t j = static_cast<std::size_t>(p) % cameras;
    if (j < i) continue;
    const double value =
        i == j ? static_cast<double>(visible[i].size())  // the diagonal is always exact
               : scale * static_cast<double>(intersection_size((*sets)[i], (*sets)[j]));
    overlap[i * cameras + j] = value;
    overlap[j * cameras + i] = value;
  }
  return overlap;
}

}  // namespace splat
