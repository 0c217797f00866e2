// What densification reads and edits, wherever the model lives: the host TrainableGaussians
// (resident training) or the offload engine's pinned GaussianStore, edited in place so a
// densification step never copies the whole model. Both give the same results because the
// strategy's arithmetic runs once, here, against this interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/trainable_gaussians.hpp"

namespace splat {

class DensifyTarget {
 public:
  virtual ~DensifyTarget() = default;
  virtual std::size_t size() const = 0;
  // Mean (3), log-scale (3), rotation (4), opacity logit of one row.
  virtual void read_geometry(std::size_t row, float mean[3], float log_scale[3], float rotation[4],
                             float* opacity_logit) const = 0;
  virtual void write_mean_and_scale(std::size_t row, const float mean[3],
                                    const float log_scale[3]) = 0;
  // Appends copies of `rows`' parameters with zero moments and the source rows' step counts.
  virtual void append_copies(const std::vector<std::size_t>& rows) = 0;
  // Keeps the rows whose mask entry is nonzero, in order.
  virtual void keep_rows(const std::vector<std::uint8_t>& keep) = 0;
  // Moves row new_to_old[i] (parameters, moments, step count) to row i, for every row.
  virtual void permute_rows(const std::vector<std::uint32_t>& new_to_old) = 0;
  // Every opacity logit to at most `max_logit`, and the opacity moments cleared.
  virtual void cap_opacity(float max_logit) = 0;
};

// The host model as a DensifyTarget.
class TrainableGaussiansTarget final : public DensifyTarget {
 public:
  explicit TrainableGaussiansTarget(TrainableGaussians& g) : g_(g) {}
  std::size_t size() const override { return g_.size(); }
  void read_geometry(std::size_t row, float mean[3], float log_scale[3], float rotation[4],
                     float* opacity_logit) const override;
  void write_mean_and_scale(std::size_t row, const float mean[3],
                            const float log_scale[3]) override;
  void append_copies(const std::vector<std::size_t>& rows) override;
  void keep_rows(const std::vector<std::uint8_t>& keep) override;
  void permute_rows(const std::vector<std::uint32_t>& new_to_old) override;
  void cap_opacity(float max_logit) override;

 private:
  TrainableGaussians& g_;
};

}  // namespace splat
