#include "train/device_parameter_store.hpp"

#include <cuda_runtime_api.h>

#include <array>
#include <cstring>
#include <vector>

#include "core/error.hpp"
#include "cuda/adam.cuh"
#include "cuda/scale.cuh"

namespace splat {

namespace {

// The five attribute arrays of one GaussianModel-shaped block, in the arena.
struct DeviceBlock {
  std::array<Buffer, 5> arrays;  // means, log_scales, rotations, opacity_logits, sh
};

class DeviceParameterStore final : public ParameterStore {
 public:
  DeviceParameterStore(Backend& backend, DeviceArena& arena, Stream& stream,
                       TrainableGaussians& host)
      : backend_(backend), arena_(arena), stream_(stream) {
    push(host);
  }

  GaussianArrays params() override { return arrays_of(blocks_[0]); }
  GaussianArrays grads() override { return arrays_of(blocks_[3]); }
  float* screen_grad() override { return screen_grad_.as<float>(); }
  float* radii() override { return radii_.as<float>(); }
  ViewStatistics view_statistics() override {
    host_screen_grad_.resize(count_ * 2);
    host_radii_.resize(count_);
    stream_.copy_async(host_screen_grad_.data(), screen_grad_.data(), screen_grad_.bytes());
    stream_.copy_async(host_radii_.data(), radii_.data(), radii_.bytes());
    stream_.synchronize();
    return {host_screen_grad_.data(), host_radii_.data()};
  }

  void zero_grads() override {
    for (Buffer& b : blocks_[3].arrays) stream_.fill_async(b.data(), 0, b.bytes());
  }

  void scale_grads(float factor) override {
    for (Buffer& b : blocks_[3].arrays)
      cuda::launch_scale(b.as<float>(), b.count<float>(), factor, native());
  }

  void adam_step(const StepRates& r, int step, const AdamHyper& hyper) override {
    const AdamRates rates[5] = {
        AdamRates::uniform(r.position),
        AdamRates::uniform(r.scale),
        AdamRates::uniform(r.rotation),
        AdamRates::uniform(r.opacity),
        {r.sh_dc, r.sh_rest, static_cast<std::size_t>(sh_coefficient_count(sh_degree_)) * 3, 3}};
    for (int a = 0; a < 5; ++a)
      cuda::launch_adam_step(blocks_[0].arrays[a].as<float>(), blocks_[1].arrays[a].as<float>(),
                             blocks_[2].arrays[a].as<float>(), blocks_[3].arrays[a].as<float>(),
                             blocks_[0].arrays[a].count<float>(), rates[a], step, hyper, native());
    last_step_ = step;
  }

  void pull(TrainableGaussians& host) override {
    GaussianModel* models[3] = {&host.params, &host.adam_m, &host.adam_v};
    for (int b = 0; b < 3; ++b) {
      const auto arrays = row_arrays(*models[b]);
      for (int a = 0; a < 5; ++a)
        stream_.copy_async(arrays[a].values->data(), blocks_[b].arrays[a].data(),
                           blocks_[b].arrays[a].bytes());
    }
    stream_.synchronize();
    std::fill(host.adam_steps.begin(), host.adam_steps.end(), last_step_);
  }

  void push(const TrainableGaussians& host) override {
    sh_degree_ = host.params.sh_degree;
    const std::size_t n = host.size();
    stream_.synchronize();  // the old buffers may still be in use
    const GaussianModel* models[3] = {&host.params, &host.adam_m, &host.adam_v};
    for (int b = 0; b < 4; ++b) {
      // Gradients are shaped like the parameters.
      auto arrays = row_arrays(const_cast<GaussianModel&>(*models[b < 3 ? b : 0]));
      for (int a = 0; a < 5; ++a) {
        blocks_[b].arrays[a] = Buffer();
        blocks_[b].arrays[a] =
            arena_.allocate(arrays[a].values->size() * sizeof(float), "resident Gaussians");
        if (b < 3)
          stream_.copy_async(blocks_[b].arrays[a].data(), arrays[a].values->data(),
                             blocks_[b].arrays[a].bytes());
      }
    }
    screen_grad_ = Buffer();
    radii_ = Buffer();
    screen_grad_ = arena_.allocate(n * 2 * sizeof(float), "screen-space gradients");
    radii_ = arena_.allocate(n * sizeof(float), "screen radii");
    count_ = n;
    last_step_ = host.adam_steps.empty() ? 0 : host.adam_steps[0];
    stream_.synchronize();
  }

 private:
  cudaStream_t native() { return static_cast<cudaStream_t>(stream_.native_handle()); }
  GaussianArrays arrays_of(DeviceBlock& block) {
    return {block.arrays[0].as<float>(),
            block.arrays[1].as<float>(),
            block.arrays[2].as<float>(),
            block.arrays[3].as<float>(),
            block.arrays[4].as<float>(),
            count_,
            sh_degree_};
  }

  Backend& backend_;
  DeviceArena& arena_;
  Stream& stream_;
  DeviceBlock blocks_[4];  // params, m, v, grads
  Buffer screen_grad_;
  Buffer radii_;
  std::vector<float> host_screen_grad_, host_radii_;
  std::size_t count_ = 0;
  int sh_degree_ = 0;
  int last_step_ = 0;
};

}  // namespace

std::unique_ptr<ParameterStore> make_device_parameter_store(Backend& backend, DeviceArena& arena,
                                                            Stream& stream,
                                                            TrainableGaussians& host) {
  return std::make_unique<DeviceParameterStore>(backend, arena, stream, host);
}

}  // namespace splat
