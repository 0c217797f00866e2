#include <algorithm>

#include "offload/cpu_adam.hpp"
#include "train/parameter_store.hpp"

namespace splat {

namespace {

GaussianArrays arrays_of(GaussianModel& m) {
  return {
      m.means.data(), m.log_scales.data(), m.rotations.data(), m.opacity_logits.data(), m.sh.data(),
      m.size(),       m.sh_degree};
}

class HostParameterStore final : public ParameterStore {
 public:
  explicit HostParameterStore(TrainableGaussians& host) : host_(host) { resize(); }

  GaussianArrays params() override { return arrays_of(host_.params); }
  GaussianArrays grads() override { return arrays_of(grads_); }
  float* screen_grad() override { return screen_grad_.data(); }
  float* radii() override { return radii_.data(); }
  ViewStatistics view_statistics() override { return {screen_grad_.data(), radii_.data()}; }

  void zero_grads() override {
    for (const RowArrayRef& a : row_arrays(grads_))
      std::fill(a.values->begin(), a.values->end(), 0.0f);
    std::fill(screen_grad_.begin(), screen_grad_.end(), 0.0f);
    std::fill(radii_.begin(), radii_.end(), 0.0f);
  }

  void scale_grads(float factor) override {
    for (const RowArrayRef& a : row_arrays(grads_))
      for (float& g : *a.values) g *= factor;
  }

  void adam_step(const StepRates& r, int step, const AdamHyper& hyper) override {
    GaussianModel& p = host_.params;
    GaussianModel& m = host_.adam_m;
    GaussianModel& v = host_.adam_v;
    const auto run = [&](std::vector<float>& param, std::vector<float>& mm, std::vector<float>& vv,
                         const std::vector<float>& g, AdamRates rates) {
      adam_step_cpu({param.data(), mm.data(), vv.data(), g.data(), param.size()}, rates, step,
                    hyper);
    };
    run(p.means, m.means, v.means, grads_.means, AdamRates::uniform(r.position));
    run(p.log_scales, m.log_scales, v.log_scales, grads_.log_scales, AdamRates::uniform(r.scale));
    run(p.rotations, m.rotations, v.rotations, grads_.rotations, AdamRates::uniform(r.rotation));
    run(p.opacity_logits, m.opacity_logits, v.opacity_logits, grads_.opacity_logits,
        AdamRates::uniform(r.opacity));
    run(p.sh, m.sh, v.sh, grads_.sh,
        {r.sh_dc, r.sh_rest, static_cast<std::size_t>(p.sh_coefficients()) * 3, 3});
    std::fill(host_.adam_steps.begin(), host_.adam_steps.end(), step);
  }

  void pull(TrainableGaussians&) override {}
  void push(const TrainableGaussians&) override { resize(); }

 private:
  void resize() {
    grads_.sh_degree = host_.params.sh_degree;
    grads_.resize(host_.size());
    screen_grad_.resize(host_.size() * 2);
    radii_.resize(host_.size());
  }

  TrainableGaussians& host_;
  GaussianModel grads_;
  std::vector<float> screen_grad_;
  std::vector<float> radii_;
};

}  // namespace

std::unique_ptr<ParameterStore> make_host_parameter_store(TrainableGaussians& host) {
  return std::make_unique<HostParameterStore>(host);
}

}  // namespace splat
