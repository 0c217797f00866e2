// Culling spheres that stay conservative under deferred Adam (optimizer.untouched: deferred).
// A Gaussian a batch does not see skips its zero-gradient Adam steps until it is next used, but
// dense Adam would have moved it: its momentum keeps pushing the mean and the log-scales after
// the gradient stops. Culling must keep every Gaussian the renderer would draw at the caught-up
// values, so the sphere of such a row bounds every position and size those steps can reach.
//
// The bound, per element with first and second moments m0, v0 when the row was last stepped:
// zero-gradient step j moves it by a_j |m0| b1^j / (sqrt(v0 b2^j) + eps_j)
//   <= a_max (b1 / sqrt(b2))^j |m0| / max(sqrt(v0), eps_min),
// where a_j = lr_j sqrt(1 - b2^t) / (1 - b1^t) is the folded step size (lr non-increasing in
// the step, so lr_max is the rate at the step the bound is made for). Summed over every j >= 1,
// for any number of deferred steps: r / (1 - r) with r = b1 / sqrt(b2). A factor of 2 covers
// float rounding of the steps (each rounds by at most half an ulp of a change it makes).
#pragma once

#include "math/adam.hpp"
#include "train/parameter_store.hpp"

namespace splat {

struct DriftBound {
  float position_lr = 0, scale_lr = 0;
  // 2 x max over t of the bias factor x r / (1 - r); infinite when b1 >= sqrt(b2).
  float factor = 0;
  float eps_min = 0;  // the smallest scaled epsilon (t = 1)
};

// For steps from the one whose rates are given on (position rates never grow; scale rates are
// constant).
DriftBound make_drift_bound(const StepRates& rates, const AdamHyper& hyper);

// The culling radius of a geometry row (11 floats: mean, log-scale, rotation, opacity) with its
// moments: culling_radius(log-scale) when the moments cannot move it, else minus (the radius at
// the largest log-scale the steps can reach + how far the mean can move): the drifting sphere
// of math/frustum.hpp.
float drifting_culling_radius(const float* value, const float* m, const float* v,
                              const DriftBound& bound);

}  // namespace splat
