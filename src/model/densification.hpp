// Adaptive density control. The trainer feeds every rendered view's screen-space gradients
// and radii to a strategy and asks it, after each optimizer step, to change the set of
// Gaussians. Default3dgsStrategy is the reference recipe (clone small, split large, prune
// transparent and oversized, reset opacity).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "model/densify_target.hpp"
#include "model/spatial_order.hpp"
#include "model/trainable_gaussians.hpp"

namespace splat {

struct DensifyConfig {
  int from_step = 500;
  int until_step = 15000;
  int interval = 100;
  int opacity_reset_interval = 3000;
  float grad_threshold = 2e-4f;  // on the mean screen-space gradient norm
  float percent_dense = 0.01f;   // clone below, split above this fraction of the extent
  float min_opacity = 0.005f;
  float max_screen_radius = 20.0f;  // pixels; pruning by size starts after the first reset
  float max_world_scale = 0.1f;     // fraction of the extent
  std::size_t max_gaussians = 0;    // 0: no cap
  // Rows put back in this order after each densify-and-prune pass (the appended rows sit at the
  // end until then); the statistics restart at zero there, so only the model moves.
  SpatialOrder spatial_order = SpatialOrder::None;
};

struct DensifyReport {
  std::size_t cloned = 0;
  std::size_t split = 0;
  std::size_t pruned = 0;
  bool opacity_reset = false;
  bool reordered = false;  // rows moved to the spatial order (every row's id may have changed)
  bool changed() const { return cloned || split || pruned || opacity_reset || reordered; }
  bool rows_moved() const { return cloned || split || pruned || reordered; }
};

// What a strategy must save in a checkpoint to continue exactly.
struct DensifyState {
  std::vector<std::vector<float>> arrays;  // N-sized statistics
  std::string rng;                         // random engine state, as text
};

class DensificationStrategy {
 public:
  virtual ~DensificationStrategy() = default;
  // One rendered view: for its `count` visible Gaussians (global `ids`), the screen-space
  // mean gradient (2 floats each) and the screen radius in pixels.
  virtual void observe_view(const std::uint32_t* ids, const float* screen_grad, const float* radii,
                            std::size_t count) = 0;
  // Whether after_step(step) may change anything (so callers can skip syncing the model).
  virtual bool acts_at(int step) const = 0;
  // After the optimizer step `step` (1-based): may add, remove or edit Gaussians, in place.
  virtual DensifyReport after_step(int step, DensifyTarget& g) = 0;
  DensifyReport after_step(int step, TrainableGaussians& g) {
    TrainableGaussiansTarget target(g);
    return after_step(step, target);
  }
  virtual DensifyState state() const = 0;
  virtual void restore(DensifyState state) = 0;
};

class Default3dgsStrategy final : public DensificationStrategy {
 public:
  Default3dgsStrategy(DensifyConfig config, float scene_extent, std::uint64_t seed,
                      std::size_t initial_count);
  void observe_view(const std::uint32_t* ids, const float* screen_grad, const float* radii,
                    std::size_t count) override;
  bool acts_at(int step) const override;
  using DensificationStrategy::after_step;
  DensifyReport after_step(int step, DensifyTarget& g) override;
  DensifyState state() const override;
  void restore(DensifyState state) override;

  // Exposed for tests: one densify-and-prune pass with the current statistics.
  DensifyReport densify_and_prune(DensifyTarget& g, bool prune_by_size);
  DensifyReport densify_and_prune(TrainableGaussians& g, bool prune_by_size);

 private:
  void resize_stats(std::size_t n);

  DensifyConfig config_;
  float extent_;
  std::mt19937_64 rng_;
  std::vector<float> grad_accum_;  // sum over views of |screen gradient|
  std::vector<float> view_count_;  // views in which each Gaussian was visible
  std::vector<float> max_radius_;  // largest screen radius seen
};

// Sets every opacity to at most `max_opacity` and clears the opacity moments.
void reset_opacity(TrainableGaussians& g, float max_opacity);

}  // namespace splat
