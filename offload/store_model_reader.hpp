// The pinned GaussianStore as a ModelReader: checkpoints and exports read the offload engine's
// rows chunk by chunk, so saving a model that fills most of host memory needs no second copy.
#pragma once

#include "model/model_reader.hpp"
#include "offload/gaussian_store.hpp"

namespace splat {

class StoreModelReader final : public ModelReader {
 public:
  explicit StoreModelReader(const GaussianStore& store) : store_(store) {}
  std::size_t size() const override { return store_.size(); }
  int sh_degree() const override { return store_.sh_degree(); }
  void read(int state, Attribute attribute, std::size_t begin, std::size_t end,
            float* out) const override;
  void read_steps(std::size_t begin, std::size_t end, std::int32_t* out) const override;

 private:
  const GaussianStore& store_;
};

}  // namespace splat
