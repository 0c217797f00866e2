#include "train/batch_executor.hpp"

namespace splat {

namespace {

class ResidentBatchExecutor final : public BatchExecutor {
 public:
  ResidentBatchExecutor(std::unique_ptr<ParameterStore> store, ViewRenderer& renderer)
      : store_(std::move(store)), renderer_(renderer) {}

  BatchResult run_batch(const BatchRequest& r) override {
    store_->zero_grads();
    const std::size_t n = store_->params().count;
    if (r.observer && visible_ids_.size() != n) {
      visible_ids_.resize(n);
      for (std::size_t i = 0; i < n; ++i) visible_ids_[i] = static_cast<std::uint32_t>(i);
    }
    BatchResult result;
    for (int view : *r.views) {
      const auto truth = r.source->image(view);
      check_view_image(*r.source, view, *truth);
      renderer_.forward(store_->params(), r.source->camera(view), r.active_sh_degree, r.background);
      const LossValue value = renderer_.loss(*truth, r.ssim_weight);
      check_view_loss(*r.source, view, r.step, value);
      result.loss_sum += value.loss;
      result.mse_sum += value.mse;
      renderer_.backward(store_->grads(), store_->screen_grad(), store_->radii());
      if (r.observer) {
        // Densification statistics see each view separately, as in the reference.
        const auto statistics = store_->view_statistics();
        r.observer->observe_view(visible_ids_.data(), statistics.screen_grad, statistics.radii,
                                 visible_ids_.size());
      }
    }
    const std::size_t views = r.views->size();
    if (views > 1) store_->scale_grads(1.0f / static_cast<float>(views));
    store_->adam_step(r.rates_at(r.step), r.step, r.hyper);
    return result;
  }

  void render(const PinholeCamera& camera, int active_sh_degree,
              const float background[3]) override {
    renderer_.forward(store_->params(), camera, active_sh_degree, background);
  }

  std::size_t size() const override { return const_cast<ParameterStore&>(*store_).params().count; }
  void pull(TrainableGaussians& host, int) override { store_->pull(host); }
  void push(const TrainableGaussians& host) override { store_->push(host); }
  bool holds_model() const override { return false; }

 private:
  std::unique_ptr<ParameterStore> store_;
  ViewRenderer& renderer_;
  std::vector<std::uint32_t> visible_ids_;  // 0..N-1: every Gaussian reports per view
};

}  // namespace

std::unique_ptr<BatchExecutor> make_resident_executor(std::unique_ptr<ParameterStore> store,
                                                      ViewRenderer& renderer) {
  return std::make_unique<ResidentBatchExecutor>(std::move(store), renderer);
}

}  // namespace splat
