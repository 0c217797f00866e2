// Where the trainer's parameters, moments and gradients live during resident training. The host
// TrainableGaussians is the reference copy for densification and checkpoints; a store mirrors
// it in the backend's memory and runs Adam there.
#pragma once

#include <memory>

#include "math/adam.hpp"
#include "model/trainable_gaussians.hpp"
#include "train/view_renderer.hpp"

namespace splat {

// Learning rates of one optimizer step, per attribute.
struct StepRates {
  float position;
  float sh_dc;
  float sh_rest;
  float opacity;
  float scale;
  float rotation;
};

class ParameterStore {
 public:
  virtual ~ParameterStore() = default;
  virtual GaussianArrays params() = 0;
  virtual GaussianArrays grads() = 0;
  // Screen-space gradients (N x 2) and radii (N) of the last backward, in backend memory.
  virtual float* screen_grad() = 0;
  virtual float* radii() = 0;
  // The same two arrays on the host, for densification statistics (device stores copy them;
  // the pointers stay valid until the next call).
  struct ViewStatistics {
    const float* screen_grad;
    const float* radii;
  };
  virtual ViewStatistics view_statistics() = 0;
  virtual void zero_grads() = 0;
  // Multiplies every gradient by `factor` (averaging over a batch).
  virtual void scale_grads(float factor) = 0;
  virtual void adam_step(const StepRates& rates, int step, const AdamHyper& hyper) = 0;
  // Brings the host copy up to date / makes the backend copy match the host copy (after the
  // host changed the set of Gaussians).
  virtual void pull(TrainableGaussians& host) = 0;
  virtual void push(const TrainableGaussians& host) = 0;
};

// The CPU backend's store: it works on the host copy itself, so pull and push only resize.
std::unique_ptr<ParameterStore> make_host_parameter_store(TrainableGaussians& host);

}  // namespace splat
