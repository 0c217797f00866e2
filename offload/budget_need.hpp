// What a run needs from offload.gpu_budget: the smallest budget whose working set holds the
// largest visible set of every training and evaluation camera, at the size the model may grow
// to. The refusals name it, so the first budget they name is enough for the whole run.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "offload/device_rows.hpp"
#include "offload/offload_plan.hpp"
#include "offload/visibility_survey.hpp"

namespace splat {

// Training moves and grows Gaussians, so visible sets drift after the survey (a converged
// 300k-Gaussian street scene: +0.05% in 36 steps): the working set planned is the largest
// visible set plus this share of it.
constexpr double kVisibleDriftMargin = 0.05;

struct BudgetNeed {
  std::size_t gaussians = 0;        // N now
  std::size_t largest_visible = 0;  // the most one camera sees now (survey)
  std::string largest_camera;
  std::string survey_method;  // exact, or how it was sampled
  std::size_t planned_gaussians = 0;
  std::string growth;               // why that size
  std::size_t planned_visible = 0;  // working-set rows the planned model needs
  std::size_t minimum_budget = 0;   // as format_budget prints it (never below the need)
  std::string describe() const;
  // Whether an arena of `budget` bytes (as DeviceArena keeps it) is enough.
  bool met_by(std::size_t budget) const;
};

// `now` is the plan input for the current model (its budget is ignored); `scratch` gives the row
// ops' scratch for a model of a given size. Naive mode (whole_model) needs the whole model.
BudgetNeed budget_need(const OffloadPlanInput& now, const VisibilitySurvey& survey,
                       std::size_t planned_gaussians, const std::string& growth,
                       const std::function<DeviceRowsScratch(std::size_t)>& scratch);

// The smallest budget whose plan's working set holds `visible` rows, rounded up to what
// format_budget writes (two decimals of its unit).
std::size_t minimum_budget(OffloadPlanInput in, std::size_t visible);
// "14.81MiB": parse_bytes reads it back as at least `bytes` when `bytes` came from
// minimum_budget.
std::string format_budget(std::size_t bytes);

// The refusals (BudgetRefusal: callers raise them before changing anything). Before the first
// step, when the budget is below need.minimum_budget:
[[noreturn]] void refuse_budget(const OffloadPlan& plan, const BudgetNeed& need);
// Mid-run, when `visible` Gaussians must be resident at once and only plan.capacity fit.
[[noreturn]] void refuse_working_set(const OffloadPlan& plan, const BudgetNeed& need,
                                     const std::string& camera, std::size_t visible);

}  // namespace splat
