// The training loop of the reference 3DGS recipe over a ParameterStore and a ViewRenderer:
// sample a batch, render, loss, backward, average, Adam, densify; evaluate and checkpoint at the
// configured steps. It knows neither files nor the backend.
#pragma once

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "io/checkpoint.hpp"
#include "model/densification.hpp"
#include "train/camera_sampler.hpp"
#include "train/parameter_store.hpp"
#include "train/train_config.hpp"
#include "train/view_renderer.hpp"
#include "train/view_source.hpp"

namespace splat {

struct ViewScore {
  std::string name;
  double psnr;
  double ssim;
};

struct Evaluation {
  int step = 0;
  std::vector<ViewScore> views;
  double mean_psnr = 0;
  double mean_ssim = 0;
};

struct StepStats {
  float loss = 0;  // mean over the batch
  float psnr = 0;  // of the training views, from their L1-free MSE
  DensifyReport densify;
};

class Trainer {
 public:
  // `gaussians` is the initial model (or a checkpoint's, see restore()).
  Trainer(const TrainConfig& config, float scene_extent, TrainableGaussians gaussians,
          ViewSource& train_views, ViewRenderer& renderer,
          const std::function<std::unique_ptr<ParameterStore>(TrainableGaussians&)>& make_store);

  // Continues from a checkpoint written by this configuration.
  void restore(TrainingCheckpoint checkpoint);
  TrainingCheckpoint checkpoint(const std::string& config_yaml);

  // One optimizer step (a batch of train.batch_size views).
  StepStats step();
  int steps_done() const { return step_; }
  std::size_t gaussian_count() const { return gaussians_.size(); }

  // Renders every view of `views` with the current model; `on_render` gets each image.
  using RenderSink =
      std::function<void(std::size_t index, const ViewImage& render, const ViewImage& truth)>;
  Evaluation evaluate(ViewSource& views, const RenderSink& on_render = {});

  // The current model on the host (parameters only are meaningful for export).
  const TrainableGaussians& gaussians();

 private:
  StepRates rates_for_step() const;

  TrainConfig config_;
  float extent_;
  TrainableGaussians gaussians_;
  ViewSource& train_views_;
  ViewRenderer& renderer_;
  std::unique_ptr<ParameterStore> store_;
  CameraSampler sampler_;
  Default3dgsStrategy densify_;
  AdamHyper hyper_;
  float lr_factor_;
  int step_ = 0;
  float background_[3];
  std::vector<std::uint32_t> visible_ids_;  // 0..N-1: every Gaussian reports per view
};

}  // namespace splat
