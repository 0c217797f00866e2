#include "offload/partial_gradients.hpp"

#include <algorithm>

namespace splat {

void PartialGradients::add(const std::uint32_t* ids, std::size_t count, const float* geometry,
                           const float* appearance) {
  const std::lock_guard<std::mutex> lock(mutex_);
  const std::size_t gw = geometry_width_, aw = appearance_width_;
  for (std::size_t i = 0; i < count; ++i) {
    auto [it, fresh] = index_.try_emplace(ids[i], 0);
    if (fresh) {
      if (free_rows_.empty()) {
        it->second = pool_rows_++;
        geometry_.resize(geometry_.size() + gw);
        appearance_.resize(appearance_.size() + aw);
      } else {
        it->second = free_rows_.back();
        free_rows_.pop_back();
      }
      std::copy_n(geometry + i * gw, gw, geometry_.begin() + it->second * gw);
      std::copy_n(appearance + i * aw, aw, appearance_.begin() + it->second * aw);
      continue;
    }
    float* g = geometry_.data() + it->second * gw;
    float* a = appearance_.data() + it->second * aw;
    for (std::size_t e = 0; e < gw; ++e) g[e] += geometry[i * gw + e];
    for (std::size_t e = 0; e < aw; ++e) a[e] += appearance[i * aw + e];
  }
}

void PartialGradients::take(const std::uint32_t* ids, std::size_t count, float* geometry,
                            float* appearance) {
  const std::lock_guard<std::mutex> lock(mutex_);
  const std::size_t gw = geometry_width_, aw = appearance_width_;
  for (std::size_t i = 0; i < count; ++i) {
    const auto it = index_.find(ids[i]);
    if (it == index_.end()) continue;
    const float* g = geometry_.data() + it->second * gw;
    const float* a = appearance_.data() + it->second * aw;
    for (std::size_t e = 0; e < gw; ++e) geometry[i * gw + e] = g[e] + geometry[i * gw + e];
    for (std::size_t e = 0; e < aw; ++e) appearance[i * aw + e] = a[e] + appearance[i * aw + e];
    free_rows_.push_back(it->second);
    index_.erase(it);
  }
}

void PartialGradients::extract(const std::uint32_t* ids, std::size_t count, float* geometry,
                               float* appearance) {
  const std::lock_guard<std::mutex> lock(mutex_);
  const std::size_t gw = geometry_width_, aw = appearance_width_;
  for (std::size_t i = 0; i < count; ++i) {
    const auto it = index_.find(ids[i]);
    if (it == index_.end()) {
      std::fill_n(geometry + i * gw, gw, 0.0f);
      std::fill_n(appearance + i * aw, aw, 0.0f);
      continue;
    }
    std::copy_n(geometry_.data() + it->second * gw, gw, geometry + i * gw);
    std::copy_n(appearance_.data() + it->second * aw, aw, appearance + i * aw);
    free_rows_.push_back(it->second);
    index_.erase(it);
  }
}

std::size_t PartialGradients::held() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return index_.size();
}

void PartialGradients::clear() {
  const std::lock_guard<std::mutex> lock(mutex_);
  index_.clear();
  free_rows_.clear();
  pool_rows_ = 0;
  geometry_.clear();
  appearance_.clear();
}

}  // namespace splat
