#include "train/trainer.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "io/checkpoint.hpp"
#include "io/gaussian_ply_stream.hpp"
#include "math/spherical_harmonics.hpp"  // camera_center_of
#include "model/spatial_reorder_strategy.hpp"
#include "train/schedules.hpp"

namespace splat {

namespace {

// The densification recipe with the run's row order: densification is where rows are appended,
// so it is where they are put back in order.
DensifyConfig ordered_densify_config(const TrainConfig& config) {
  DensifyConfig d = config.densify;
  d.spatial_order = parse_spatial_order(config.spatial_order);
  return d;
}

CameraSampler make_sampler(const TrainConfig& config, const ViewSource& views) {
  if (config.scheduler_batches != "coherent") return CameraSampler(views.count(), config.seed);
  std::vector<float> centers(views.count() * 3);
  for (std::size_t v = 0; v < views.count(); ++v)
    camera_center_of(views.camera(v).R, views.camera(v).t, &centers[v * 3]);
  return CameraSampler(std::move(centers), config.seed);
}

}  // namespace

Trainer::Trainer(const TrainConfig& config, float scene_extent, TrainableGaussians gaussians,
                 ViewSource& train_views, ViewRenderer& renderer, const StoreFactory& make_store)
    : Trainer(config, scene_extent, std::move(gaussians), train_views, renderer,
              ExecutorFactory([&](TrainableGaussians& host) {
                return make_resident_executor(make_store(host), renderer);
              })) {}

Trainer::Trainer(const TrainConfig& config, float scene_extent, TrainableGaussians gaussians,
                 ViewSource& train_views, ViewRenderer& renderer,
                 const ExecutorFactory& make_executor)
    : config_(config),
      extent_(scene_extent),
      gaussians_(std::move(gaussians)),
      train_views_(train_views),
      renderer_(renderer),
      sampler_(make_sampler(config, train_views)),
      densify_(ordered_densify_config(config), scene_extent, config.seed, gaussians_.size()),
      hyper_(batch_adam_hyper(config.batch_size, config.lr.batch_scaling == "sqrt")),
      lr_factor_(batch_lr_factor(config.batch_size, config.lr.batch_scaling == "sqrt")) {
  SPLAT_REQUIRE(gaussians_.size() > 0, "cannot train a model without Gaussians");
  SPLAT_REQUIRE(gaussians_.params.sh_degree == config.sh_degree, "the model stores SH degree ",
                gaussians_.params.sh_degree, " but model.sh_degree is ", config.sh_degree);
  // A fresh model gets zero moments here, except when the offload engine takes it: its store
  // starts them at zero itself, and a host copy of both moments is twice the model again.
  const bool streamed = config.mode == "offload" || config.mode == "naive";
  if (gaussians_.adam_m.size() != gaussians_.size() && !streamed)
    gaussians_.reset_optimizer_state();
  const float level = config.data.background == "white" ? 1.0f : 0.0f;
  std::fill(background_, background_ + 3, level);
  executor_ = make_executor(gaussians_);
  release_host_copy();
}

void Trainer::release_host_copy() {
  if (!executor_->holds_model()) return;
  const int sh_degree = gaussians_.params.sh_degree;
  gaussians_ = TrainableGaussians{};
  for (GaussianModel* m : {&gaussians_.params, &gaussians_.adam_m, &gaussians_.adam_v})
    m->sh_degree = sh_degree;
}

void Trainer::restore(const CheckpointFile& checkpoint) {
  SPLAT_REQUIRE(checkpoint.model().sh_degree() == config_.sh_degree, "checkpoint stores SH degree ",
                checkpoint.model().sh_degree(), " but model.sh_degree is ", config_.sh_degree);
  step_ = checkpoint.step();
  sampler_.restore(checkpoint.sampler_state());
  densify_.restore(checkpoint.densify());
  executor_->load_model(checkpoint.model(), gaussians_);
  release_host_copy();
}

void Trainer::start_from(const ModelReader& model) {
  SPLAT_REQUIRE(model.sh_degree() == config_.sh_degree, "the model stores SH degree ",
                model.sh_degree(), " but model.sh_degree is ", config_.sh_degree);
  executor_->load_model(model, gaussians_);
  SpatialReorderStrategy order(parse_spatial_order(config_.spatial_order));
  if (order.acts_at(0)) executor_->densify(order, 0, gaussians_);
  densify_ = Default3dgsStrategy(ordered_densify_config(config_), extent_, config_.seed,
                                 executor_->size());
  release_host_copy();
}

void Trainer::save_checkpoint(const std::string& path, const std::string& config_yaml) {
  // Written from wherever the model lives, chunk by chunk: a copy of parameters and both
  // moments is three times the model in host memory, which is what large scenes cannot spare.
  const std::unique_ptr<ModelReader> model = executor_->read_model(gaussians_, step_);
  write_checkpoint(path, step_, config_yaml, sampler_.state(), densify_.state(), *model);
}

void Trainer::export_model(const std::string& path) {
  write_gaussian_ply(path, *executor_->read_model(gaussians_, step_));
}

const TrainableGaussians& Trainer::gaussians() {
  executor_->pull(gaussians_, step_);
  return gaussians_;
}

StepRates Trainer::rates_at(int step) const {
  const float f = lr_factor_;
  return {f * extent_ *
              exponential_decay(config_.lr.position, config_.lr.position_final, step,
                                config_.iterations),
          f * config_.lr.sh_dc,
          f * config_.lr.sh_rest,
          f * config_.lr.opacity,
          f * config_.lr.scale,
          f * config_.lr.rotation};
}

StepStats Trainer::step() {
  release_host_copy();
  // A batch the budget refuses leaves the trainer as it was, sampler included, so the state
  // saved after a refusal resumes with this very batch.
  CameraSampler sampler_before = sampler_;
  const std::vector<int> batch = sampler_.next_batch(config_.batch_size);
  const std::vector<int> next = sampler_.peek(config_.batch_size);
  train_views_.prefetch(next);  // decode the next batch meanwhile
  BatchRequest request;
  request.views = &batch;
  request.source = &train_views_;
  request.next_views = &next;
  request.step = step_ + 1;
  request.active_sh_degree = active_sh_degree(step_, config_.sh_increase_every, config_.sh_degree);
  request.background = background_;
  request.ssim_weight = config_.ssim_weight;
  // Statistics are only gathered while densification can still use them.
  request.observer = step_ < config_.densify.until_step ? &densify_ : nullptr;
  request.rates_at = [this](int step) { return rates_at(step); };
  request.hyper = hyper_;
  BatchResult result;
  try {
    result = executor_->run_batch(request);
  } catch (const BudgetRefusal&) {
    sampler_ = std::move(sampler_before);
    throw;
  }

  StepStats stats;
  const double views = static_cast<double>(batch.size());
  stats.loss = static_cast<float>(result.loss_sum / views);
  const double mse = result.mse_sum / views;
  stats.psnr = mse > 0 ? static_cast<float>(-10.0 * std::log10(mse)) : 99.0f;
  ++step_;
  if (densify_.acts_at(step_)) {
    stats.densify = executor_->densify(densify_, step_, gaussians_);
  }
  return stats;
}

Evaluation Trainer::evaluate(ViewSource& views, const RenderSink& on_render) {
  Evaluation evaluation;
  evaluation.step = step_;
  const int sh_degree = active_sh_degree(step_, config_.sh_increase_every, config_.sh_degree);
  ViewImage render;
  for (std::size_t v = 0; v < views.count(); ++v) {
    const auto truth = views.image(v);
    try {
      executor_->render(views.camera(v), sh_degree, background_);
    } catch (const BudgetRefusal& refusal) {
      throw BudgetRefusal(str_cat("test view ", views.name(v), ": ", refusal.what()));
    }
    const ImageQuality q = renderer_.quality(*truth);
    evaluation.views.push_back({views.name(v), q.psnr, q.ssim});
    evaluation.mean_psnr += q.psnr;
    evaluation.mean_ssim += q.ssim;
    if (on_render) {
      renderer_.read_image(render);
      on_render(v, render, *truth);
    }
  }
  if (!evaluation.views.empty()) {
    evaluation.mean_psnr /= static_cast<double>(evaluation.views.size());
    evaluation.mean_ssim /= static_cast<double>(evaluation.views.size());
  }
  return evaluation;
}

}  // namespace splat
