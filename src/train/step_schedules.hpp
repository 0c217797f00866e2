// The recipe's step-based schedules (densification window and interval, opacity resets, SH
// degree steps, evaluation steps) are tuned for 30,000 steps. A shorter run keeps their shape
// by scaling them together, as gsplat's steps scaler does: `train.schedule_scale` is a factor,
// or `auto` (iterations / 30,000 below 30,000 steps). Keys a file or --set gave are never
// scaled.
#pragma once

#include <string>

namespace splat {

class ConfigSchema;
struct TrainConfig;

// The length the recipe's schedules are written for.
inline constexpr int kRecipeIterations = 30000;
// Floors of the scaled densification keys (see docs/training-schedules.md for the runs that
// chose them).
inline constexpr int kMinDensifyInterval = 100;
inline constexpr int kMinOpacityResetInterval = 3000;

// The factor `train.schedule_scale` asks for at `config.iterations`; an Error naming the key for
// anything but a positive number or `auto`.
double schedule_scale_factor(const TrainConfig& config);

// Scales every step-based key `schema` did not see set, drops default evaluation steps past the
// last step and adds the last step to them. Returns one line saying what was scaled (empty when
// nothing changed), for the log.
std::string resolve_step_schedules(TrainConfig& config, const ConfigSchema& schema);

}  // namespace splat
