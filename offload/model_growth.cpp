#include "offload/model_growth.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace splat {

std::size_t ModelGrowth::planned(std::size_t gaussians, int step) const {
  if (step >= until_step) return gaussians;
  if (max_gaussians > 0) return std::max(gaussians, max_gaussians);
  return static_cast<std::size_t>(std::ceil(static_cast<double>(gaussians) * factor));
}

std::string ModelGrowth::reason(std::size_t gaussians, int step) const {
  if (step >= until_step) return "no densification in the rest of the run";
  if (max_gaussians > 0)
    return max_gaussians > gaussians ? str_cat("densify.max_gaussians is ", max_gaussians)
                                     : "at densify.max_gaussians already";
  return str_cat("densification may grow the model: offload.plan_growth assumes ", factor,
                 "x; set densify.max_gaussians to plan for a cap instead");
}

}  // namespace splat
