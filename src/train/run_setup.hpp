// What `train` and `plan` both start from: the effective configuration (the dataset's own
// settings, a checkpoint's, then the preset file, then the overrides) and the model a run begins
// with.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "io/checkpoint.hpp"
#include "io/scene.hpp"
#include "model/gaussian_model.hpp"
#include "train/train_config.hpp"

namespace splat {

struct ResolvedConfig {
  TrainConfig config;
  std::string yaml;
  std::string schedule_line;  // what resolve_step_schedules scaled, for the log
  std::string dataset_line;   // what the dataset's splatstream.yaml set, for the log
  std::unique_ptr<CheckpointFile> checkpoint;  // mapped; the model is read when loaded
};

// `checkpoint_path` empty: a new run.
ResolvedConfig resolve_run_config(const std::string& data_dir, const std::string& config_file,
                                  const std::vector<std::string>& overrides,
                                  const std::string& checkpoint_path);

// The model a new run starts from: model.init_ply, else the scene's sparse points, else random;
// in model.spatial_order.
GaussianModel initial_model(const TrainConfig& config, const Scene& scene);
// Where initial_model took it from, for the log: " (from x.ply)", " (random)", ...
std::string initial_model_source(const TrainConfig& config, const Scene& scene);

}  // namespace splat
