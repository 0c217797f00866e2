// `splatstream train`: trains a dataset into an output folder (see train/training_run.hpp).
#include <cstdio>
#include <memory>

#include "app/commands.hpp"
#include "train/training_run.hpp"

namespace splat::app {

void register_train_command(CLI::App& app) {
  add_command(app, "train", "train a dataset into an output folder", [](CLI::App& sub) {
    auto options = std::make_shared<TrainRunOptions>();
    sub.add_option("--data", options->data_dir, "dataset folder (COLMAP or transforms*.json)")
        ->required();
    sub.add_option("--out", options->out_dir, "output folder")->required();
    sub.add_option("--config", options->config_file, "YAML preset (see configs/)");
    sub.add_option("--set", options->overrides, "override a key: --set train.iterations=7000")
        ->allow_extra_args(false);
    sub.add_flag("--resume", options->resume,
                 "continue from the output folder's checkpoints/latest.ckpt");
    sub.add_option("--resume-from", options->resume_from, "continue from this checkpoint");
    return [options] {
      const TrainRunResult result = run_training(*options);
      if (result.interrupted) return 130;
      std::printf("trained %d steps: test PSNR %.2f dB, SSIM %.4f; outputs in %s\n",
                  result.steps_done, result.test_psnr, result.test_ssim, options->out_dir.c_str());
      return 0;
    };
  });
}

}  // namespace splat::app
