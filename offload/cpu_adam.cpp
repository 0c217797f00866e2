#include "offload/cpu_adam.hpp"

#include <omp.h>

#include "core/error.hpp"

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

void adam_step_cpu(const AdamArrays& a, const AdamRates& rates, int step, const AdamHyper& hyper) {
  SPLAT_REQUIRE(
      rates.row_width >= 1 && rates.head <= rates.row_width && a.count % rates.row_width == 0,
      "adam: ", a.count, " values do not form rows of ", rates.row_width);
  const float head_step = adam_step_size(rates.lr_head, hyper, step);
  const float tail_step = adam_step_size(rates.lr_tail, hyper, step);
  const float eps_scaled = adam_scaled_epsilon(hyper, step);
  const std::size_t width = rates.row_width;
  const std::size_t rows = a.count / width;
  // Chunks of whole rows, large enough to amortise scheduling.
  const std::size_t rows_per_chunk = (16384 + width - 1) / width;
  const auto chunks = static_cast<long long>((rows + rows_per_chunk - 1) / rows_per_chunk);
#pragma omp parallel for schedule(static) if (chunks > 1)
  for (long long c = 0; c < chunks; ++c) {
    const std::size_t first = static_cast<std::size_t>(c) * rows_per_chunk;
    const std::size_t last = first + rows_per_chunk < rows ? first + rows_per_chunk : rows;
    if (rates.head == width || head_step == tail_step) {  // one rate: one long loop
      adam_range(a.params, a.m, a.v, a.grad, first * width, last * width, head_step, eps_scaled,
                 hyper);
      continue;
    }
    for (std::size_t row = first; row < last; ++row) {
      const std::size_t begin = row * width;
      adam_range(a.params, a.m, a.v, a.grad, begin, begin + rates.head, head_step, eps_scaled,
                 hyper);
      adam_range(a.params, a.m, a.v, a.grad, begin + rates.head, begin + width, tail_step,
                 eps_scaled, hyper);
    }
  }
}

}  // namespace splat
