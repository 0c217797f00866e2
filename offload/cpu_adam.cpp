#include "offload/cpu_adam.hpp"

#include <omp.h>

namespace splat {

namespace {

// Compiled twice, for AVX2 and for the x86-64 baseline; the loader picks one per CPU.
#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("avx2", "default")))
#endif
void adam_range(float* __restrict params, float* __restrict m, float* __restrict v,
                const float* __restrict grad, std::size_t begin, std::size_t end, float step_size,
                float eps_scaled, AdamHyper hyper) {
#pragma omp simd
  for (std::size_t i = begin; i < end; ++i)
    adam_update(params[i], m[i], v[i], grad[i], step_size, eps_scaled, hyper);
}

}  // namespace

void adam_step_cpu(const AdamArrays& a, float lr, int step, const AdamHyper& hyper) {
  const float step_size = adam_step_size(lr, hyper, step);
  const float eps_scaled = adam_scaled_epsilon(hyper, step);
  constexpr std::size_t chunk = 16384;  // large enough to amortise scheduling, cache-sized
  const auto chunks = static_cast<long long>((a.count + chunk - 1) / chunk);
#pragma omp parallel for schedule(static) if (chunks > 1)
  for (long long c = 0; c < chunks; ++c) {
    const std::size_t begin = static_cast<std::size_t>(c) * chunk;
    const std::size_t end = begin + chunk < a.count ? begin + chunk : a.count;
    adam_range(a.params, a.m, a.v, a.grad, begin, end, step_size, eps_scaled, hyper);
  }
}

}  // namespace splat
