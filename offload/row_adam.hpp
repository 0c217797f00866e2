// Adam over rows of the GaussianStore, for the rows a batch finished with. A geometry row mixes
// four learning rates (position, scale, rotation, opacity) and an appearance row two (SH degree
// 0 and the rest), so the folded step sizes are per element of a row, precomputed per step;
// the per-element arithmetic is math/adam.hpp's, the same the resident trainer runs, so a row
// updated here takes exactly the values it would take there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <utility>
#include <vector>

#include "math/adam.hpp"
#include "offload/gaussian_store.hpp"
#include "offload/untouched_policy.hpp"
#include "train/parameter_store.hpp"

namespace splat {

// Folded step sizes of one Adam step, per element of a geometry and an appearance row.
struct RowStepSizes {
  std::vector<float> geometry;    // kGeometryWidth
  std::vector<float> appearance;  // appearance width
  float eps_scaled = 0;
};

RowStepSizes row_step_sizes(const StepRates& rates, int adam_step, const AdamHyper& hyper,
                            std::size_t appearance_width);

class RowAdam {
 public:
  // With `geometry_on_device` (offload.resident: geometry) only the appearance rows are
  // updated here; the device runs geometry Adam.
  RowAdam(GaussianStore& store, UntouchedPolicy policy, bool geometry_on_device = false)
      : store_(store), policy_(policy), geometry_on_device_(geometry_on_device) {}

  // The optimizer step the next updates belong to (1-based) and how to get any step's rates.
  void begin_step(int step, std::function<StepRates(int)> rates_at, const AdamHyper& hyper);
  // Deferred: replays the zero-gradient steps rows `ids` skipped, up to `to_step`, so they hold
  // what dense Adam would have given them. Other policies: nothing.
  void catch_up(const std::uint32_t* ids, std::size_t count, int to_step);
  // Every row, up to `to_step` (before the host reads the whole model).
  void catch_up_all(int to_step);
  // One step for rows `ids` with gradients (count x 11 and count x appearance width floats; no
  // geometry gradients when geometry is on the device), each multiplied by `grad_scale` first.
  // Thread-safe against gathers of other rows.
  void update(const std::uint32_t* ids, std::size_t count, const float* grad_geometry,
              const float* grad_appearance, float grad_scale);
  // Dense: the zero-gradient step for every row the batch did not update.
  void finish_step();

 private:
  const RowStepSizes& sizes(int lr_step, int adam_step);
  void zero_gradient_steps(std::size_t row, int to_step);

  GaussianStore& store_;
  UntouchedPolicy policy_;
  bool geometry_on_device_;
  int step_ = 0;
  std::function<StepRates(int)> rates_at_;
  AdamHyper hyper_;
  std::map<std::pair<int, int>, RowStepSizes> cache_;  // (lr step, Adam step) -> sizes
};

}  // namespace splat
