// The recipe's step-based schedules (densification window and interval, opacity resets, SH
// degree steps, evaluation steps) are tuned for 30,000 steps. A shorter run keeps their shape
// by scaling them together, as gsplat's steps scaler does: `train.schedule_scale` is a factor,
// or `auto` (iterations / length below the length the schedules were written for).
//
// Whose schedules scale: the defaults (written for 30,000 steps), and those of a config file that
// states its own `train.iterations` (a recipe such as configs/quickstart.yaml: its schedules are
// written for that length, so `--config configs/offload.yaml --set train.iterations=1000` is a
// short run of that recipe). Keys given with --set, by a checkpoint, or by a file that does not
// say how long its run is are taken as they are.
#pragma once

#include <string>

namespace splat {

class ConfigSchema;
struct TrainConfig;

// A config file whose step schedules are written for `iterations` steps (0: none).
struct ScheduleRecipe {
  std::string source;
  int iterations = 0;
};

// The recipe a config file just loaded into `schema` makes, if it set train.iterations.
ScheduleRecipe schedule_recipe_of(const ConfigSchema& schema, const TrainConfig& config,
                                  const std::string& file);

// The length the recipe's schedules are written for.
inline constexpr int kRecipeIterations = 30000;
// Floors of the scaled densification keys (see docs/training-schedules.md for the runs that
// chose them).
inline constexpr int kMinDensifyInterval = 100;
inline constexpr int kMinOpacityResetInterval = 3000;

// The factor `train.schedule_scale` asks for at `config.iterations`, for schedules written for
// `written_for` steps; an Error naming the key for anything but a positive number or `auto`.
double schedule_scale_factor(const TrainConfig& config, int written_for = kRecipeIterations);

// Scales every step-based key left at its default or given by `recipe`, drops such evaluation
// steps past the last step and adds the last step to them. Returns one line saying what was
// scaled (empty when nothing changed), for the log.
std::string resolve_step_schedules(TrainConfig& config, const ConfigSchema& schema,
                                   const ScheduleRecipe& recipe = {});

}  // namespace splat
