#include "train/step_schedules.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/config_schema.hpp"
#include "core/error.hpp"
#include "train/train_config.hpp"

namespace splat {

namespace {

// A scaled step never goes below `floor`: densifying or resetting every step, or raising the SH
// degree at step 0, is no longer the recipe's shape.
int scaled(int steps, double factor, int floor) {
  return std::max(floor, static_cast<int>(std::lround(steps * factor)));
}

}  // namespace

double schedule_scale_factor(const TrainConfig& config) {
  const std::string& text = config.schedule_scale;
  if (text == "auto")
    return config.iterations < kRecipeIterations
               ? static_cast<double>(config.iterations) / kRecipeIterations
               : 1.0;
  double factor = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), factor);
  SPLAT_REQUIRE(ec == std::errc() && end == text.data() + text.size() && std::isfinite(factor) &&
                    factor > 0 && factor <= 1000,
                "train.schedule_scale: expected auto or a number in (0, 1000], got '", text, "'");
  return factor;
}

std::string resolve_step_schedules(TrainConfig& c, const ConfigSchema& schema) {
  const double factor = schedule_scale_factor(c);
  std::string scaled_keys;
  auto scale = [&](const char* key, int& value, int floor) {
    if (factor == 1.0 || schema.was_set(key)) return;
    const int before = value;
    value = scaled(value, factor, floor);
    if (value != before) scaled_keys += str_cat(scaled_keys.empty() ? "" : ", ", key, " ", value);
  };
  DensifyConfig& d = c.densify;
  scale("densify.from", d.from_step, 0);
  scale("densify.until", d.until_step, 1);
  scale("densify.interval", d.interval, kMinDensifyInterval);
  scale("densify.opacity_reset_every", d.opacity_reset_interval, kMinOpacityResetInterval);
  scale("model.sh_increase_every", c.sh_increase_every, 1);

  const std::vector<int> default_eval = c.eval_at;
  if (!schema.was_set("train.eval_at")) {
    std::vector<int> steps;
    for (int step : c.eval_at) {
      const int at = factor == 1.0 ? step : scaled(step, factor, 1);
      if (at < c.iterations) steps.push_back(at);
    }
    steps.push_back(c.iterations);  // the last step is always evaluated
    std::sort(steps.begin(), steps.end());
    steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
    c.eval_at = std::move(steps);
  }
  if (c.eval_at != default_eval) {
    std::string steps;
    for (int step : c.eval_at) steps += str_cat(steps.empty() ? "" : " ", step);
    scaled_keys += str_cat(scaled_keys.empty() ? "" : ", ", "train.eval_at [", steps, "]");
  }
  if (scaled_keys.empty()) return {};
  char factor_text[32];
  std::snprintf(factor_text, sizeof factor_text, "%.4g", factor);
  return str_cat("step schedules fitted to ", c.iterations, " steps (train.schedule_scale ",
                 c.schedule_scale, ", factor ", factor_text, "): ", scaled_keys);
}

}  // namespace splat
