#include "train/trainer.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "math/spherical_harmonics.hpp"  // camera_center_of
#include "train/schedules.hpp"

namespace splat {

namespace {

CameraSampler make_sampler(const TrainConfig& config, const ViewSource& views) {
  if (config.scheduler_batches != "coherent") return CameraSampler(views.count(), config.seed);
  std::vector<float> centers(views.count() * 3);
  for (std::size_t v = 0; v < views.count(); ++v)
    camera_center_of(views.camera(v).R, views.camera(v).t, &centers[v * 3]);
  return CameraSampler(std::move(centers), config.seed);
}

}  // namespace

Trainer::Trainer(
    const TrainConfig& config, float scene_extent, TrainableGaussians gaussians,
    ViewSource& train_views, ViewRenderer& renderer,
    const std::function<std::unique_ptr<ParameterStore>(TrainableGaussians&)>& make_store)
    : config_(config),
      extent_(scene_extent),
      gaussians_(std::move(gaussians)),
      train_views_(train_views),
      renderer_(renderer),
      sampler_(make_sampler(config, train_views)),
      densify_(config.densify, scene_extent, config.seed, gaussians_.size()),
      hyper_(batch_adam_hyper(config.batch_size, config.lr.batch_scaling == "sqrt")),
      lr_factor_(batch_lr_factor(config.batch_size, config.lr.batch_scaling == "sqrt")) {
  SPLAT_REQUIRE(gaussians_.size() > 0, "cannot train a model without Gaussians");
  SPLAT_REQUIRE(gaussians_.params.sh_degree == config.sh_degree, "the model stores SH degree ",
                gaussians_.params.sh_degree, " but model.sh_degree is ", config.sh_degree);
  if (gaussians_.adam_m.size() != gaussians_.size()) gaussians_.reset_optimizer_state();
  const float level = config.data.background == "white" ? 1.0f : 0.0f;
  std::fill(background_, background_ + 3, level);
  store_ = make_store(gaussians_);
}

void Trainer::restore(TrainingCheckpoint checkpoint) {
  SPLAT_REQUIRE(checkpoint.gaussians.params.sh_degree == config_.sh_degree,
                "checkpoint stores SH degree ", checkpoint.gaussians.params.sh_degree,
                " but model.sh_degree is ", config_.sh_degree);
  gaussians_ = std::move(checkpoint.gaussians);
  step_ = checkpoint.step;
  sampler_.restore(checkpoint.sampler_state);
  densify_.restore(std::move(checkpoint.densify));
  store_->push(gaussians_);
}

TrainingCheckpoint Trainer::checkpoint(const std::string& config_yaml) {
  store_->pull(gaussians_);
  TrainingCheckpoint c;
  c.step = step_;
  c.config_yaml = config_yaml;
  c.sampler_state = sampler_.state();
  c.gaussians = gaussians_;
  c.densify = densify_.state();
  return c;
}

const TrainableGaussians& Trainer::gaussians() {
  store_->pull(gaussians_);
  return gaussians_;
}

StepRates Trainer::rates_for_step() const {
  const float f = lr_factor_;
  return {f * extent_ *
              exponential_decay(config_.lr.position, config_.lr.position_final, step_,
                                config_.iterations),
          f * config_.lr.sh_dc,
          f * config_.lr.sh_rest,
          f * config_.lr.opacity,
          f * config_.lr.scale,
          f * config_.lr.rotation};
}

StepStats Trainer::step() {
  const std::vector<int> batch = sampler_.next_batch(config_.batch_size);
  train_views_.prefetch(sampler_.peek(config_.batch_size));  // decode the next batch meanwhile
  const int sh_degree = active_sh_degree(step_, config_.sh_increase_every, config_.sh_degree);
  // Statistics are only gathered while densification can still use them.
  const bool observe = step_ < config_.densify.until_step;
  store_->zero_grads();
  StepStats stats;
  double mse_sum = 0;
  if (observe && visible_ids_.size() != gaussians_.size()) {
    visible_ids_.resize(gaussians_.size());
    for (std::size_t i = 0; i < visible_ids_.size(); ++i)
      visible_ids_[i] = static_cast<std::uint32_t>(i);
  }
  for (int view : batch) {
    const auto truth = train_views_.image(view);
    const PinholeCamera& camera = train_views_.camera(view);
    SPLAT_REQUIRE(truth->width == camera.width && truth->height == camera.height, "image ",
                  train_views_.name(view), " is ", truth->width, "x", truth->height,
                  " but its camera is ", camera.width, "x", camera.height);
    renderer_.forward(store_->params(), camera, sh_degree, background_);
    const LossValue value = renderer_.loss(*truth, config_.ssim_weight);
    SPLAT_REQUIRE(std::isfinite(value.loss), "the loss of view ", train_views_.name(view),
                  " at step ", step_ + 1, " is not finite: training diverged");
    stats.loss += value.loss;
    mse_sum += value.mse;
    renderer_.backward(store_->grads(), store_->screen_grad(), store_->radii());
    if (observe) {
      // Densification statistics see each view separately, as in the reference.
      const auto statistics = store_->view_statistics();
      densify_.observe_view(visible_ids_.data(), statistics.screen_grad, statistics.radii,
                            visible_ids_.size());
    }
  }
  const float views = static_cast<float>(batch.size());
  if (batch.size() > 1) store_->scale_grads(1.0f / views);
  stats.loss /= views;
  const double mse = mse_sum / views;
  stats.psnr = mse > 0 ? static_cast<float>(-10.0 * std::log10(mse)) : 99.0f;
  ++step_;
  store_->adam_step(rates_for_step(), step_, hyper_);
  if (densify_.acts_at(step_)) {
    store_->pull(gaussians_);
    stats.densify = densify_.after_step(step_, gaussians_);
    if (stats.densify.changed()) store_->push(gaussians_);
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
    renderer_.forward(store_->params(), views.camera(v), sh_degree, background_);
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
