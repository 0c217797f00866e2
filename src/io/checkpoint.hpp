// Training checkpoints: the full state needed to continue a run exactly (parameters, Adam
// moments and step counts, densification statistics and random state, the sampler's state, the
// step). Written atomically; a truncated or corrupt file is an Error naming it.
#pragma once

#include <cstdint>
#include <memory>
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
// The whole checkpoint in memory.
TrainingCheckpoint read_checkpoint(const std::string& path);

// A checkpoint mapped, with its layout validated up front: the small state in memory and the
// model read from the file in row ranges (values checked as they are read, errors naming the
// file), so resuming loads the model straight to where it lives without a host copy of it.
class CheckpointFile {
 public:
  explicit CheckpointFile(const std::string& path);
  ~CheckpointFile();
  CheckpointFile(const CheckpointFile&) = delete;
  CheckpointFile& operator=(const CheckpointFile&) = delete;

  int step() const;
  const std::string& config_yaml() const;
  const std::string& sampler_state() const;
  const DensifyState& densify() const;
  const ModelReader& model() const;

 private:
  struct Parsed;
  std::unique_ptr<Parsed> parsed_;
};

}  // namespace splat
