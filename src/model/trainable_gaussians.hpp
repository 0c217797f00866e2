// Parameters plus their Adam moments. The moments use the parameter layout itself (a
// GaussianModel holding m, another holding v), so every row operation — gather, append,
// compact — treats all three the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/gaussian_model.hpp"

namespace splat {

struct TrainableGaussians {
  GaussianModel params;
  GaussianModel adam_m;  // first moments
  GaussianModel adam_v;  // second moments
  // Adam steps taken by each row; equal for all rows under dense Adam, per row under sparse.
  std::vector<std::int32_t> adam_steps;

  std::size_t size() const { return params.size(); }
  // Zero moments and step counts sized like `params`.
  void reset_optimizer_state();
};

// The per-row arrays of a GaussianModel with their widths, for generic row operations.
struct RowArrayRef {
  std::vector<float>* values;
  std::size_t width;
};
std::vector<RowArrayRef> row_arrays(GaussianModel& model);

// Keeps the rows whose mask is true, in order, without reallocating.
void keep_rows(TrainableGaussians& g, const std::vector<std::uint8_t>& keep);
// Moves row new_to_old[i] to row i, for every row, in place (a permutation: checked).
void permute_rows(GaussianModel& model, const std::vector<std::uint32_t>& new_to_old);
void permute_rows(TrainableGaussians& g, const std::vector<std::uint32_t>& new_to_old);
// Appends copies of the parameters of `source_rows` with zero moments (as the reference
// implementation's optimizer does for new Gaussians) and the source rows' step counts; the
// caller then edits the new parameters in place.
void append_copies(TrainableGaussians& g, const std::vector<std::size_t>& source_rows);

}  // namespace splat
