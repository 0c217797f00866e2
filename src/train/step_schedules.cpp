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

ScheduleRecipe schedule_recipe_of(const ConfigSchema& schema, const TrainConfig& config,
                                  const std::string& file) {
  if (file.empty() || schema.set_by("train.iterations") != file) return {};
  return {file, config.iterations};
}

double schedule_scale_factor(const TrainConfig& config, int written_for) {
  const std::string& text = config.schedule_scale;
  if (text == "auto")
    return config.iterations < written_for ? static_cast<double>(config.iterations) / written_for
                                           : 1.0;
  double factor = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), factor);
  SPLAT_REQUIRE(ec == std::errc() && end == text.data() + text.size() && std::isfinite(factor) &&
                    factor > 0 && factor <= 1000,
                "train.schedule_scale: expected auto or a number in (0, 1000], got '", text, "'");
  return factor;
}

std::string resolve_step_schedules(TrainConfig& c, const ConfigSchema& schema,
                                   const ScheduleRecipe& recipe) {
  const double default_factor = schedule_scale_factor(c);
  const double recipe_factor =
      recipe.iterations > 0 ? schedule_scale_factor(c, recipe.iterations) : 1.0;
  // The factor for `key`, or 0 when its value is taken as it is.
  auto factor_of = [&](const char* key) {
    const std::string source = schema.set_by(key);
    if (source.empty()) return default_factor;
    if (recipe.iterations > 0 && source == recipe.source) return recipe_factor;
    return 0.0;
  };
  std::string scaled_keys;
  double shown_factor = 0;
  auto scale = [&](const char* key, int& value, int floor) {
    const double factor = factor_of(key);
    if (factor == 0.0 || factor == 1.0) return;
    shown_factor = factor;
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
  if (const double factor = factor_of("train.eval_at"); factor > 0) {
    if (factor != 1.0) shown_factor = factor;
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
  std::snprintf(factor_text, sizeof factor_text, "%.4g", shown_factor > 0 ? shown_factor : 1.0);
  return str_cat("step schedules fitted to ", c.iterations, " steps (train.schedule_scale ",
                 c.schedule_scale, ", factor ", factor_text, "): ", scaled_keys);
}

}  // namespace splat
