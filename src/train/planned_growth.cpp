#include "train/planned_growth.hpp"

#include <algorithm>

namespace splat {

int last_densification_step(const TrainConfig& config) {
  // Default3dgsStrategy clones and splits at steps s with from < s < until, s % interval == 0.
  const DensifyConfig& d = config.densify;
  const int last = std::min(d.until_step - 1, config.iterations);
  if (d.interval <= 0 || last <= d.from_step) return 0;
  const int step = last / d.interval * d.interval;
  return step > d.from_step ? step : 0;
}

ModelGrowth planned_growth(const TrainConfig& config) {
  ModelGrowth growth;
  growth.until_step = last_densification_step(config);
  growth.max_gaussians = config.densify.max_gaussians;
  growth.factor = config.offload.plan_growth;
  return growth;
}

}  // namespace splat
