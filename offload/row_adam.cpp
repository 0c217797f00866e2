#include "offload/row_adam.hpp"

#include <omp.h>

#include <algorithm>

#include "core/error.hpp"

namespace splat {

namespace {

constexpr std::size_t kMaxRowWidth = 3 * 16;  // SH degree 3

// One row: the gradient is scaled first, exactly as the resident store scales its gradients
// before Adam. Compiled for AVX2 and the x86-64 baseline (no FMA, so both give the same bits
// as the resident loop).
#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
__attribute__((target_clones("avx2", "default")))
#endif
void adam_row(float* __restrict param, float* __restrict m, float* __restrict v,
              const float* __restrict grad, float grad_scale, const float* __restrict step_size,
              std::size_t width, float eps_scaled, AdamHyper hyper) {
#pragma omp simd
  for (std::size_t e = 0; e < width; ++e) {
    float g = grad[e];
    g *= grad_scale;
    adam_update(param[e], m[e], v[e], g, step_size[e], eps_scaled, hyper);
  }
}

void zero_gradient_row(float* param, float* m, float* v, const float* step_size, std::size_t width,
                       float eps_scaled, const AdamHyper& hyper) {
  static const float zeros[kMaxRowWidth] = {};
  adam_row(param, m, v, zeros, 1.0f, step_size, width, eps_scaled, hyper);
}

}  // namespace

RowStepSizes row_step_sizes(const StepRates& r, int adam_step, const AdamHyper& hyper,
                            std::size_t appearance_width) {
  RowStepSizes s;
  const auto size = [&](float lr) { return adam_step_size(lr, hyper, adam_step); };
  s.geometry = {size(r.position), size(r.position), size(r.position), size(r.scale),
                size(r.scale),    size(r.scale),    size(r.rotation), size(r.rotation),
                size(r.rotation), size(r.rotation), size(r.opacity)};
  s.appearance.assign(appearance_width, size(r.sh_rest));
  std::fill_n(s.appearance.begin(), std::min<std::size_t>(3, appearance_width), size(r.sh_dc));
  s.eps_scaled = adam_scaled_epsilon(hyper, adam_step);
  return s;
}

void RowAdam::begin_step(int step, std::function<StepRates(int)> rates_at, const AdamHyper& hyper) {
  step_ = step;
  rates_at_ = std::move(rates_at);
  hyper_ = hyper;
  // Rates of steps long past are not needed again once every row has moved beyond them.
  if (cache_.size() > 4096) cache_.clear();
}

const RowStepSizes& RowAdam::sizes(int lr_step, int adam_step) {
  const auto key = std::make_pair(lr_step, adam_step);
  auto it = cache_.find(key);
  if (it == cache_.end())
    it = cache_
             .emplace(key, row_step_sizes(rates_at_(lr_step), adam_step, hyper_,
                                          store_.width(ParamGroup::Appearance)))
             .first;
  return it->second;
}

void RowAdam::zero_gradient_steps(std::size_t row, int to_step) {
  std::int32_t& steps = store_.adam_steps(row);
  const std::size_t aw = store_.width(ParamGroup::Appearance);
  for (int s = steps + 1; s <= to_step; ++s) {
    const RowStepSizes& z = cache_.at({s, s});
    if (!geometry_on_device_)
      zero_gradient_row(store_.row(ParamGroup::Geometry, ParamState::Value, row),
                        store_.row(ParamGroup::Geometry, ParamState::FirstMoment, row),
                        store_.row(ParamGroup::Geometry, ParamState::SecondMoment, row),
                        z.geometry.data(), kGeometryWidth, z.eps_scaled, hyper_);
    zero_gradient_row(store_.row(ParamGroup::Appearance, ParamState::Value, row),
                      store_.row(ParamGroup::Appearance, ParamState::FirstMoment, row),
                      store_.row(ParamGroup::Appearance, ParamState::SecondMoment, row),
                      z.appearance.data(), aw, z.eps_scaled, hyper_);
  }
  steps = std::max(steps, to_step);
}

void RowAdam::catch_up(const std::uint32_t* ids, std::size_t count, int to_step) {
  if (policy_ != UntouchedPolicy::Deferred || count == 0) return;
  int oldest = to_step;
  for (std::size_t i = 0; i < count; ++i) oldest = std::min(oldest, store_.adam_steps(ids[i]));
  for (int s = oldest + 1; s <= to_step; ++s) sizes(s, s);  // filled before the threads read
#pragma omp parallel for schedule(dynamic, 256) if (count > 1024)
  for (long long i = 0; i < static_cast<long long>(count); ++i)
    zero_gradient_steps(ids[i], to_step);
}

void RowAdam::catch_up_all(int to_step) {
  if (policy_ != UntouchedPolicy::Deferred) return;
  // Chunk by chunk: with the disk tier each is read in, caught up and later written back.
  std::vector<std::uint32_t> ids;
  store_.for_each_chunk(true, [&](std::size_t begin, std::size_t end) {
    ids.resize(end - begin);
    for (std::size_t i = begin; i < end; ++i) ids[i - begin] = static_cast<std::uint32_t>(i);
    catch_up(ids.data(), ids.size(), to_step);
  });
}

void RowAdam::update(const std::uint32_t* ids, std::size_t count, const float* grad_geometry,
                     const float* grad_appearance, float grad_scale) {
  if (count == 0) return;
  const std::size_t aw = store_.width(ParamGroup::Appearance);
  SPLAT_REQUIRE(aw <= kMaxRowWidth, "row Adam: appearance rows of ", aw, " floats");
  // Sparse Adam counts steps per row; the others give every row the batch's step.
  const bool per_row = policy_ == UntouchedPolicy::Skip;
  if (per_row)
    for (std::size_t i = 0; i < count; ++i) sizes(step_, store_.adam_steps(ids[i]) + 1);
  else
    sizes(step_, step_);
#pragma omp parallel for schedule(static) if (count > 2048)
  for (long long i = 0; i < static_cast<long long>(count); ++i) {
    const std::size_t row = ids[i];
    std::int32_t& steps = store_.adam_steps(row);
    const int adam_step = per_row ? steps + 1 : step_;
    const RowStepSizes& z = cache_.at({step_, adam_step});
    if (!geometry_on_device_)
      adam_row(store_.row(ParamGroup::Geometry, ParamState::Value, row),
               store_.row(ParamGroup::Geometry, ParamState::FirstMoment, row),
               store_.row(ParamGroup::Geometry, ParamState::SecondMoment, row),
               grad_geometry + i * kGeometryWidth, grad_scale, z.geometry.data(), kGeometryWidth,
               z.eps_scaled, hyper_);
    adam_row(store_.row(ParamGroup::Appearance, ParamState::Value, row),
             store_.row(ParamGroup::Appearance, ParamState::FirstMoment, row),
             store_.row(ParamGroup::Appearance, ParamState::SecondMoment, row),
             grad_appearance + i * aw, grad_scale, z.appearance.data(), aw, z.eps_scaled, hyper_);
    steps = adam_step;
  }
}

void RowAdam::finish_step() {
  if (policy_ != UntouchedPolicy::Dense) return;
  // Every row (the rows updated this step only skip): chunk by chunk for the disk tier.
  store_.for_each_chunk(true, [&](std::size_t begin, std::size_t end) {
    int oldest = step_;
    for (std::size_t row = begin; row < end; ++row)
      oldest = std::min(oldest, static_cast<int>(store_.adam_steps(row)));
    for (int s = oldest + 1; s <= step_; ++s) sizes(s, s);
#pragma omp parallel for schedule(static)
    for (long long row = static_cast<long long>(begin); row < static_cast<long long>(end); ++row)
      if (store_.adam_steps(row) < step_) zero_gradient_steps(row, step_);
  });
}

}  // namespace splat
