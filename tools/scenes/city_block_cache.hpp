// The blocks the current view needs, generated on demand (in parallel, one block per thread)
// and kept only while consecutive views keep needing them: memory follows what one view sees,
// never the whole city.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <vector>

#include "model/gaussian_model.hpp"
#include "tools/scenes/city_layout.hpp"

namespace splat {

class CityBlockCache {
 public:
  explicit CityBlockCache(const CityLayout& city) : city_(city) {}
  // Keeps exactly `blocks` (ascending indices): drops the others, makes the missing ones.
  void hold(const std::vector<std::size_t>& blocks);
  const GaussianModel& block(std::size_t index) const { return *held_.at(index); }
  std::size_t gaussians_held() const;
  std::size_t blocks_generated() const { return generated_; }

 private:
  const CityLayout& city_;
  std::map<std::size_t, std::unique_ptr<GaussianModel>> held_;
  std::size_t generated_ = 0;
};

}  // namespace splat
