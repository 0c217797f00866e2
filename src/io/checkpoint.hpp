// Training checkpoints: the full state needed to continue a run exactly (parameters, Adam
// moments and step counts, densification statistics and random state, the sampler's state, the
// step). Written atomically; a truncated or corrupt file is an Error naming it.
#pragma once

#include <cstdint>
#include <string>

#include "model/densification.hpp"
#include "model/model_reader.hpp"
#include "model/trainable_gaussians.hpp"

namespace splat {

struct TrainingCheckpoint {
  int step = 0;               // optimizer steps completed
  std::string config_yaml;    // the effective configuration of the run
  std::string sampler_state;  // camera sampler (order and random engine), as text
  TrainableGaussians gaussians;
  DensifyState densify;
};

void write_checkpoint(const std::string& path, const TrainingCheckpoint& checkpoint);
// The same file with the model read chunk by chunk from wherever it lives (no whole copy).
void write_checkpoint(const std::string& path, int step, const std::string& config_yaml,
                      const std::string& sampler_state, const DensifyState& densify,
                      const ModelReader& model);
TrainingCheckpoint read_checkpoint(const std::string& path);

}  // namespace splat
