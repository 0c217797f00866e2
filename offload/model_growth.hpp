// How large the model may become during the rest of a run, for the budget plan: densification
// adds Gaussians after the first step, and a budget that holds only the initial model fails
// hours later. The rule comes from the configuration (see planned_growth in train/).
#pragma once

#include <cstddef>
#include <string>

namespace splat {

struct ModelGrowth {
  int until_step = 0;             // no growth from this step on (densification's last step)
  std::size_t max_gaussians = 0;  // densify.max_gaussians (0: no cap)
  double factor = 1;              // without a cap: the planned size as a multiple of N
  // The planned size for a model of `gaussians` after `step` completed steps.
  std::size_t planned(std::size_t gaussians, int step) const;
  // Why that size, for the plan and the refusals.
  std::string reason(std::size_t gaussians, int step) const;
};

}  // namespace splat
