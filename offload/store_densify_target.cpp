#include "offload/store_densify_target.hpp"

#include <algorithm>

namespace splat {

// Geometry rows are mean 3, log-scale 3, rotation 4, opacity logit 1.
void StoreDensifyTarget::read_geometry(std::size_t row, float mean[3], float log_scale[3],
                                       float rotation[4], float* opacity_logit) const {
  // Through the const store: a read that does not mark the chunk changed (the disk tier writes
  // back only what changed).
  const float* g = static_cast<const GaussianStore&>(store_).row(ParamGroup::Geometry,
                                                                 ParamState::Value, row);
  std::copy_n(g, 3, mean);
  std::copy_n(g + 3, 3, log_scale);
  std::copy_n(g + 6, 4, rotation);
  *opacity_logit = g[10];
}

void StoreDensifyTarget::write_mean_and_scale(std::size_t row, const float mean[3],
                                              const float log_scale[3]) {
  float* g = store_.row(ParamGroup::Geometry, ParamState::Value, row);
  std::copy_n(mean, 3, g);
  std::copy_n(log_scale, 3, g + 3);
}

void StoreDensifyTarget::cap_opacity(float max_logit) {
  store_.for_each_chunk(true, [&](std::size_t begin, std::size_t end) {
#pragma omp parallel for schedule(static)
    for (long long r = static_cast<long long>(begin); r < static_cast<long long>(end); ++r) {
      float* value = store_.row(ParamGroup::Geometry, ParamState::Value, r);
      value[10] = std::min(value[10], max_logit);
      store_.row(ParamGroup::Geometry, ParamState::FirstMoment, r)[10] = 0.0f;
      store_.row(ParamGroup::Geometry, ParamState::SecondMoment, r)[10] = 0.0f;
    }
  });
}

}  // namespace splat
