// The model growth a run's configuration implies, for the offload budget plan: none when no
// densification step adds Gaussians before the run ends, densify.max_gaussians when set, and
// offload.plan_growth times the model otherwise.
#pragma once

#include "offload/model_growth.hpp"
#include "train/train_config.hpp"

namespace splat {

ModelGrowth planned_growth(const TrainConfig& config);

// The last step at which densification may clone or split (0: none in this run).
int last_densification_step(const TrainConfig& config);

}  // namespace splat
