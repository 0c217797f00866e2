#include "train/device_parameter_store.hpp"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "core/error.hpp"
#include "cuda/adam.cuh"
#include "cuda/scale.cuh"

namespace splat {

namespace {

constexpr std::size_t kAlignment = 256;  // what cudaMalloc gives, for coalesced access
std::size_t aligned(std::size_t bytes) {
  return (bytes + kAlignment - 1) / kAlignment * kAlignment;
}

// The five attribute arrays of one GaussianModel-shaped block, carved out of the store's one
// arena block.
struct DeviceBlock {
  std::array<float*, 5> arrays{};  // means, log_scales, rotations, opacity_logits, sh
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
  float* screen_grad() override { return screen_grad_; }
  float* radii() override { return radii_; }
  // Read into pinned memory: a pageable destination would make the copy synchronous and stage
  // it through the driver's own buffer.
  ViewStatistics view_statistics() override {
    const std::size_t grad_bytes = count_ * 2 * sizeof(float), radii_bytes = count_ * sizeof(float);
    if (host_statistics_.bytes() < grad_bytes + radii_bytes) {
      host_statistics_ = Buffer();
      host_statistics_ = Buffer::allocate(backend_, MemorySpace::PinnedHost,
                                          std::max<std::size_t>(grad_bytes + radii_bytes, 1));
    }
    auto* host = host_statistics_.as<float>();
    stream_.copy_async(host, screen_grad_, grad_bytes);
    stream_.copy_async(host + count_ * 2, radii_, radii_bytes);
    stream_.synchronize();
    return {host, host + count_ * 2};
  }

  void zero_grads() override {
    for (int a = 0; a < 5; ++a) stream_.fill_async(blocks_[3].arrays[a], 0, bytes_[a]);
  }

  void scale_grads(float factor) override {
    for (int a = 0; a < 5; ++a)
      cuda::launch_scale(blocks_[3].arrays[a], bytes_[a] / sizeof(float), factor, native());
  }

  void adam_step(const StepRates& r, int step, const AdamHyper& hyper) override {
    const AdamRates rates[5] = {
        AdamRates::uniform(r.position),
        AdamRates::uniform(r.scale),
        AdamRates::uniform(r.rotation),
        AdamRates::uniform(r.opacity),
        {r.sh_dc, r.sh_rest, static_cast<std::size_t>(sh_coefficient_count(sh_degree_)) * 3, 3}};
    for (int a = 0; a < 5; ++a)
      cuda::launch_adam_step(blocks_[0].arrays[a], blocks_[1].arrays[a], blocks_[2].arrays[a],
                             blocks_[3].arrays[a], bytes_[a] / sizeof(float), rates[a], step, hyper,
                             native());
    last_step_ = step;
  }

  void pull(TrainableGaussians& host) override {
    GaussianModel* models[3] = {&host.params, &host.adam_m, &host.adam_v};
    for (int b = 0; b < 3; ++b) {
      const auto arrays = row_arrays(*models[b]);
      for (int a = 0; a < 5; ++a)
        stream_.copy_async(arrays[a].values->data(), blocks_[b].arrays[a], bytes_[a]);
    }
    stream_.synchronize();
    std::fill(host.adam_steps.begin(), host.adam_steps.end(), last_step_);
  }

  // Everything N-sized is one arena block: freed and taken again whole when densification
  // changes N, so the 22 arrays cannot leave holes between the renderer's workspaces.
  void push(const TrainableGaussians& host) override {
    const std::size_t n = host.size();
    SPLAT_REQUIRE(host.adam_m.size() == n && host.adam_v.size() == n, "the model has ", n,
                  " Gaussians but its Adam moments have ", host.adam_m.size(), " and ",
                  host.adam_v.size(), " rows");
    sh_degree_ = host.params.sh_degree;
    stream_.synchronize();  // the old block may still be in use
    const GaussianModel* models[3] = {&host.params, &host.adam_m, &host.adam_v};
    const auto shapes = row_arrays(const_cast<GaussianModel&>(host.params));
    std::size_t total = 0;
    for (int a = 0; a < 5; ++a) {
      bytes_[a] = shapes[a].values->size() * sizeof(float);
      total += 4 * aligned(bytes_[a]);  // params, m, v, grads
    }
    const std::size_t grad_offset = total;
    total += aligned(n * 2 * sizeof(float)) + aligned(n * sizeof(float));
    storage_ = Buffer();
    storage_ = arena_.allocate(std::max<std::size_t>(total, 1), "resident Gaussians");
    auto* base = static_cast<unsigned char*>(storage_.data());
    std::size_t offset = 0;
    for (int b = 0; b < 4; ++b)
      for (int a = 0; a < 5; ++a) {
        blocks_[b].arrays[a] = reinterpret_cast<float*>(base + offset);
        offset += aligned(bytes_[a]);
        if (b == 3) continue;  // gradients are zeroed before each use
        const auto arrays = row_arrays(const_cast<GaussianModel&>(*models[b]));
        SPLAT_REQUIRE(arrays[a].values->size() * sizeof(float) == bytes_[a],
                      "a moment array's size differs from its parameter's");
        stream_.copy_async(blocks_[b].arrays[a], arrays[a].values->data(), bytes_[a]);
      }
    screen_grad_ = reinterpret_cast<float*>(base + grad_offset);
    radii_ = reinterpret_cast<float*>(base + grad_offset + aligned(n * 2 * sizeof(float)));
    count_ = n;
    last_step_ = host.adam_steps.empty() ? 0 : host.adam_steps[0];
    stream_.synchronize();
  }

 private:
  cudaStream_t native() { return static_cast<cudaStream_t>(stream_.native_handle()); }
  GaussianArrays arrays_of(DeviceBlock& block) {
    return {block.arrays[0], block.arrays[1], block.arrays[2], block.arrays[3],
            block.arrays[4], count_,          sh_degree_};
  }

  Backend& backend_;
  DeviceArena& arena_;
  Stream& stream_;
  Buffer storage_;         // every array below, one arena block
  DeviceBlock blocks_[4];  // params, m, v, grads
  std::size_t bytes_[5] = {};
  float* screen_grad_ = nullptr;
  float* radii_ = nullptr;
  Buffer host_statistics_;  // pinned: screen gradients, then radii
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
