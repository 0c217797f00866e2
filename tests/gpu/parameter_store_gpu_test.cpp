// The CUDA resident store against the host store: same gradients in, same parameters out.
#include <catch2/catch.hpp>

#include <random>

#include "core/cuda_backend.hpp"
#include "core/device_arena.hpp"
#include "train/device_parameter_store.hpp"

using namespace splat;

namespace {
TrainableGaussians random_model(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  TrainableGaussians g;
  g.params.sh_degree = 3;
  g.params.resize(n);
  for (const RowArrayRef& a : row_arrays(g.params))
    for (float& x : *a.values) x = normal(rng);
  g.reset_optimizer_state();
  return g;
}

// Writes the same pseudo-random gradients wherever `grads` live (cudaMemcpyDefault copies).
void fill_grads(const GaussianArrays& grads, std::size_t n, unsigned seed, Stream& stream) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  GaussianModel values;
  values.sh_degree = 3;
  values.resize(n);
  for (const RowArrayRef& a : row_arrays(values))
    for (float& x : *a.values) x = normal(rng);
  float* targets[5] = {grads.means, grads.log_scales, grads.rotations, grads.opacity_logits,
                       grads.sh};
  const auto arrays = row_arrays(values);
  for (int a = 0; a < 5; ++a) {
    stream.copy_async(targets[a], arrays[a].values->data(), arrays[a].values->size() * 4);
  }
  stream.synchronize();
}
}  // namespace

TEST_CASE("cuda parameter store matches the host store over Adam steps", "[gpu]") {
  CudaBackend backend(0);
  DeviceArena arena(backend, 512 << 20);
  auto stream = backend.create_stream();
  const std::size_t n = 50'000;
  TrainableGaussians host_model = random_model(n, 1);
  TrainableGaussians device_model = random_model(n, 1);
  auto host_store = make_host_parameter_store(host_model);
  auto device_store = make_device_parameter_store(backend, arena, *stream, device_model);
  const StepRates rates{1e-3f, 2.5e-3f, 1.25e-4f, 0.05f, 5e-3f, 1e-3f};
  for (int step = 1; step <= 3; ++step) {
    host_store->zero_grads();
    device_store->zero_grads();
    fill_grads(host_store->grads(), n, 10 + step, *stream);
    fill_grads(device_store->grads(), n, 10 + step, *stream);
    host_store->scale_grads(0.5f);
    device_store->scale_grads(0.5f);
    host_store->adam_step(rates, step, AdamHyper{});
    device_store->adam_step(rates, step, AdamHyper{});
  }
  device_store->pull(device_model);
  for (std::size_t i = 0; i < host_model.params.sh.size(); ++i)
    REQUIRE(device_model.params.sh[i] ==
            Approx(host_model.params.sh[i]).epsilon(1e-5).margin(1e-6));
  for (std::size_t i = 0; i < host_model.params.means.size(); ++i)
    REQUIRE(device_model.adam_v.means[i] ==
            Approx(host_model.adam_v.means[i]).epsilon(1e-5).margin(1e-8));
  REQUIRE(arena.peak() <= arena.budget());
}
