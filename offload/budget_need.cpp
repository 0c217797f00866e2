#include "offload/budget_need.hpp"

#include <cmath>
#include <cstdio>

#include "core/byte_size.hpp"
#include "core/device_arena.hpp"
#include "core/error.hpp"

namespace splat {

namespace {

std::size_t unit_of(std::size_t bytes) {
  std::size_t unit = 1;
  while (bytes >= unit * 1024 && unit < (std::size_t{1} << 40)) unit *= 1024;
  return unit;
}

// Up to the next value with two decimals in its unit, so that the printed budget is enough.
std::size_t round_up_printable(std::size_t bytes) {
  const std::size_t unit = unit_of(bytes);
  if (unit == 1) return bytes;
  const double hundredths = std::ceil(static_cast<double>(bytes) * 100 / static_cast<double>(unit));
  return static_cast<std::size_t>(std::round(hundredths * static_cast<double>(unit) / 100));
}

}  // namespace

std::size_t minimum_budget(OffloadPlanInput in, std::size_t visible) {
  // Capacity grows with the budget except where the transfer chunk gains a row: that row's
  // staging (six streamed rows and its scratch) costs up to `dip` working-set rows at that
  // byte. Searching for `dip` rows more makes every larger budget hold `visible` too.
  const OffloadPlan shape = plan_offload(in);
  const std::size_t chunk_row =
      6 * streamed_row_bytes(in.sh_degree, in.resident_geometry) + in.rows_scratch_per_chunk_row;
  const std::size_t dip = (chunk_row + shape.slot_bytes - 1) / shape.slot_bytes + 1;
  const std::size_t target = std::max<std::size_t>(visible, 1) + dip;
  const auto holds = [&](std::size_t budget) {
    in.budget = budget / DeviceArena::kAlignment * DeviceArena::kAlignment;  // as the arena has it
    // Naive mode caps the capacity at the model; the rows before the cap are what may dip.
    return plan_offload(in).uncapped_capacity >= target;
  };
  std::size_t high = std::size_t{1} << 20;
  while (!holds(high)) {
    SPLAT_REQUIRE(high < (std::size_t{1} << 52), "no budget holds a working set of ", visible,
                  " Gaussians");
    high *= 2;
  }
  std::size_t low = 0;  // never holds
  while (high - low > 1) {
    const std::size_t mid = low + (high - low) / 2;
    (holds(mid) ? high : low) = mid;
  }
  // The rounded value holds too (see `dip`); checked rather than assumed.
  std::size_t printable = round_up_printable(high);
  while (!holds(printable)) printable = round_up_printable(printable + 1);
  return printable;
}

std::string format_budget(std::size_t bytes) {
  static const char* const names[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  const std::size_t unit = unit_of(bytes);
  int index = 0;
  for (std::size_t u = unit; u > 1; u /= 1024) ++index;
  if (unit == 1) return str_cat(bytes, "B");
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%s", static_cast<double>(bytes) / static_cast<double>(unit),
                names[index]);
  return text;
}

BudgetNeed budget_need(const OffloadPlanInput& now, const VisibilitySurvey& survey,
                       std::size_t planned_gaussians, const std::string& growth,
                       const std::function<DeviceRowsScratch(std::size_t)>& scratch) {
  BudgetNeed need;
  need.gaussians = now.gaussians;
  need.planned_gaussians = std::max(planned_gaussians, now.gaussians);
  need.growth = growth;
  if (now.whole_model) {
    need.largest_visible = now.gaussians;
    need.survey_method = "naive mode: every camera takes the whole model";
    need.planned_visible = need.planned_gaussians;
  } else {
    need.largest_visible = survey.largest;
    need.largest_camera = survey.largest_camera;
    need.survey_method = survey.method();
    // At the planned size the scene keeps the fraction measured now (an assumption: growth
    // spreads where the model already is), plus the drift margin.
    const double fraction = survey.largest_fraction() * (1 + kVisibleDriftMargin);
    need.planned_visible = std::min(need.planned_gaussians,
                                    static_cast<std::size_t>(std::ceil(
                                        fraction * static_cast<double>(need.planned_gaussians))));
  }
  OffloadPlanInput planned = now;
  planned.gaussians = need.planned_gaussians;
  const DeviceRowsScratch s = scratch(now.whole_model ? 0 : need.planned_gaussians);
  planned.rows_scratch = s.fixed;
  planned.rows_scratch_per_chunk_row = s.per_chunk_row;
  need.minimum_budget = minimum_budget(planned, need.planned_visible);
  return need;
}

bool BudgetNeed::met_by(std::size_t budget) const {
  // minimum_budget was found over budgets as the arena keeps them (a multiple of its alignment).
  return budget >= minimum_budget / DeviceArena::kAlignment * DeviceArena::kAlignment;
}

std::string BudgetNeed::describe() const {
  const double percent = gaussians > 0 ? std::round(1000.0 * static_cast<double>(largest_visible) /
                                                    static_cast<double>(gaussians)) /
                                             10
                                       : 0.0;
  return str_cat("largest visible set ", largest_visible, " of ", gaussians, " Gaussians (",
                 percent, "%",
                 largest_camera.empty() ? std::string() : ", camera " + largest_camera, "; ",
                 survey_method, "); planned for ", planned_gaussians, " Gaussians (", growth,
                 "), a working set of ", planned_visible, " (", kVisibleDriftMargin * 100,
                 "% over that share for drift in training); minimum offload.gpu_budget=",
                 format_budget(minimum_budget));
}

namespace {

std::string what_else(const OffloadPlan& plan) {
  return str_cat(plan.input.resident_geometry ? ", set offload.resident: culling" : "",
                 ", or lower model.sh_degree or densify.max_gaussians");
}

}  // namespace

void refuse_budget(const OffloadPlan& plan, const BudgetNeed& need) {
  // Growth is what does not fit when the current model does: a cap is the other way out.
  const bool cap_helps = need.planned_gaussians > need.gaussians &&
                         plan.largest_gaussians > need.gaussians &&
                         plan.largest_gaussians < need.planned_gaussians;
  throw BudgetRefusal(str_cat(
      "offload.gpu_budget (", format_bytes(plan.input.budget), ") cannot hold this run: ",
      need.largest_camera.empty() ? std::string("every camera") : "camera " + need.largest_camera,
      " sees ", need.largest_visible, " of ", need.gaussians, " Gaussians (", need.survey_method,
      ") and the model is planned for ", need.planned_gaussians, " (", need.growth,
      "), a working set of ", need.planned_visible, " rows of ", plan.slot_bytes, " B after ",
      format_bytes(plan.device_bytes_per_gaussian * plan.input.gaussians),
      plan.input.resident_geometry ? " for the culling set and the resident geometry"
                                   : " for the culling set",
      ": raise offload.gpu_budget to at least ", format_budget(need.minimum_budget),
      " (--set offload.gpu_budget=", format_budget(need.minimum_budget), ")",
      cap_helps
          ? str_cat(" (or keep this budget with densify.max_gaussians=", plan.largest_gaussians,
                    ", the most it holds at this scene's visible fraction)")
          : std::string(),
      what_else(plan)));
}

void refuse_working_set(const OffloadPlan& plan, const BudgetNeed& need, const std::string& camera,
                        std::size_t visible) {
  throw BudgetRefusal(
      str_cat("camera ", camera, " sees ", visible, " Gaussians but offload.gpu_budget (",
              format_bytes(plan.input.budget), ") leaves a working set of only ", plan.capacity,
              " (", plan.slot_bytes, " B each after ",
              format_bytes(plan.device_bytes_per_gaussian * plan.input.gaussians),
              plan.input.resident_geometry ? " for the culling set and the resident geometry"
                                           : " for the culling set",
              "): raise offload.gpu_budget to at least ", format_budget(need.minimum_budget),
              " (every camera's visible set at the current ", need.gaussians,
              " Gaussians, largest ", need.largest_visible, ", with room for ",
              need.planned_gaussians, ": ", need.growth, ")", what_else(plan)));
}

}  // namespace splat
