// A trained model read in row ranges, wherever it lives: the host TrainableGaussians, or the
// offload engine's pinned store. Checkpoints and PLY exports are written from a reader chunk by
// chunk, so saving never assembles a second copy of a model that may be most of host memory.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model/trainable_gaussians.hpp"

namespace splat {

// The five per-row attributes, in GaussianModel's (and row_arrays') order.
enum class Attribute { Means = 0, LogScales, Rotations, OpacityLogits, Sh };
constexpr int kAttributeCount = 5;
// Floats per row of an attribute at an SH degree.
std::size_t attribute_width(Attribute a, int sh_degree);

class ModelReader {
 public:
  virtual ~ModelReader() = default;
  virtual std::size_t size() const = 0;
  virtual int sh_degree() const = 0;
  // Rows [begin, end) of one attribute of parameters (state 0), first moments (1) or second
  // moments (2), as (end - begin) x width floats.
  virtual void read(int state, Attribute attribute, std::size_t begin, std::size_t end,
                    float* out) const = 0;
  virtual void read_steps(std::size_t begin, std::size_t end, std::int32_t* out) const = 0;
};

// Rows [begin, end) of the parameters as a model (for chunked PLY export).
void read_parameters(const ModelReader& reader, std::size_t begin, std::size_t end,
                     GaussianModel& out);

// Rows [begin, end) with their moments and steps as a host model.
TrainableGaussians read_trainable(const ModelReader& reader, std::size_t begin, std::size_t end);

class TrainableGaussiansReader final : public ModelReader {
 public:
  explicit TrainableGaussiansReader(const TrainableGaussians& g) : g_(g) {}
  std::size_t size() const override { return g_.size(); }
  int sh_degree() const override { return g_.params.sh_degree; }
  void read(int state, Attribute attribute, std::size_t begin, std::size_t end,
            float* out) const override;
  void read_steps(std::size_t begin, std::size_t end, std::int32_t* out) const override;

 private:
  const TrainableGaussians& g_;
};

}  // namespace splat
