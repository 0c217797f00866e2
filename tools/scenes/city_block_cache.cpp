#include "tools/scenes/city_block_cache.hpp"

#include <algorithm>

#include "tools/scenes/city_block_gaussians.hpp"

namespace splat {

void CityBlockCache::hold(const std::vector<std::size_t>& blocks) {
  for (auto it = held_.begin(); it != held_.end();)
    it = std::binary_search(blocks.begin(), blocks.end(), it->first) ? std::next(it)
                                                                     : held_.erase(it);
  std::vector<std::size_t> missing;
  for (std::size_t b : blocks)
    if (!held_.count(b)) missing.push_back(b);
  std::vector<std::unique_ptr<GaussianModel>> made(missing.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (long i = 0; i < static_cast<long>(missing.size()); ++i)
    made[i] = std::make_unique<GaussianModel>(generate_city_block(city_, missing[i]));
  for (std::size_t i = 0; i < missing.size(); ++i) held_[missing[i]] = std::move(made[i]);
  generated_ += missing.size();
}

std::size_t CityBlockCache::gaussians_held() const {
  std::size_t total = 0;
  for (const auto& [index, model] : held_) total += model->size();
  return total;
}

}  // namespace splat
