// One training run as the command line starts it: configuration (preset, overrides, or a
// checkpoint's), dataset, backend, the training loop with progress, evaluation, checkpoints
// and Ctrl-C, and the output folder.
#pragma once

#include <string>
#include <vector>

namespace splat {

struct TrainRunOptions {
  std::string data_dir;
  std::string out_dir;
  std::string config_file;             // optional YAML preset
  std::vector<std::string> overrides;  // key=value, applied last
  bool resume = false;                 // continue from <out>/checkpoints/latest.ckpt
  std::string resume_from;             // or from this checkpoint
  int stop_after_steps = 0;            // stop (as if interrupted) after this many steps; 0: no
};

struct TrainRunResult {
  int steps_done = 0;
  bool interrupted = false;
  double test_psnr = 0;  // of the final evaluation (0 when the scene has no test views)
  double test_ssim = 0;
};

TrainRunResult run_training(const TrainRunOptions& options);

}  // namespace splat
