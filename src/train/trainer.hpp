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
#include "train/batch_executor.hpp"
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
  using StoreFactory = std::function<std::unique_ptr<ParameterStore>(TrainableGaussians&)>;
  using ExecutorFactory = std::function<std::unique_ptr<BatchExecutor>(TrainableGaussians&)>;

  // `gaussians` is the initial model (restore() replaces it from a checkpoint). Resident training
  // over the store `make_store` builds.
  Trainer(const TrainConfig& config, float scene_extent, TrainableGaussians gaussians,
          ViewSource& train_views, ViewRenderer& renderer, const StoreFactory& make_store);
  // Any executor (resident or offloaded); `renderer` is the one the executor renders with.
  Trainer(const TrainConfig& config, float scene_extent, TrainableGaussians gaussians,
          ViewSource& train_views, ViewRenderer& renderer, const ExecutorFactory& make_executor);

  // Continues from a checkpoint written by this configuration: the model goes from the mapped
  // file to the executor, without a host copy where the executor keeps it (offload).
  void restore(const CheckpointFile& checkpoint);
  // A fresh run whose model is read from `model` (model.init_ply) straight to where the executor
  // keeps it (built on the model's first Gaussian), then put in the run's spatial order there:
  // the same rows initial_model() gives, without a host copy of the model.
  void start_from(const ModelReader& model);
  // Writes the checkpoint without copying the model (atomically; see io/checkpoint.hpp).
  void save_checkpoint(const std::string& path, const std::string& config_yaml);
  // The trained parameters as a 3DGS PLY, written chunk by chunk from wherever they live.
  void export_model(const std::string& path);

  // One optimizer step (a batch of train.batch_size views). A BudgetRefusal leaves the trainer
  // as it was before the call.
  StepStats step();
  int steps_done() const { return step_; }
  ExecutorMetrics executor_metrics() const { return executor_->metrics(); }
  std::size_t gaussian_count() const { return executor_->size(); }

  // Renders every view of `views` with the current model; `on_render` gets each image.
  using RenderSink =
      std::function<void(std::size_t index, const ViewImage& render, const ViewImage& truth)>;
  Evaluation evaluate(ViewSource& views, const RenderSink& on_render = {});

  // The current model on the host (parameters only are meaningful for export).
  const TrainableGaussians& gaussians();

 private:
  // The learning rates of optimizer step `step` (1-based).
  StepRates rates_at(int step) const;
  // The host copy is a snapshot when the executor holds the model: released before training on.
  void release_host_copy();

  TrainConfig config_;
  float extent_;
  TrainableGaussians gaussians_;
  ViewSource& train_views_;
  ViewRenderer& renderer_;
  std::unique_ptr<BatchExecutor> executor_;
  CameraSampler sampler_;
  Default3dgsStrategy densify_;
  AdamHyper hyper_;
  float lr_factor_;
  int step_ = 0;
  float background_[3];
};

}  // namespace splat
