// How many Gaussians each camera sees, on the model actually loaded, before anything is
// allocated: the budget plan sizes the working set from the largest of these. The test is the
// engine's own culling test (culling_radius spheres against make_culling_frustum), so a plan and
// a later refusal agree. Exact while cameras x Gaussians stays under a bound; beyond it every
// k-th Gaussian is culled (the same rows for every camera) and each count is an upper bound.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "math/camera.hpp"
#include "model/model_reader.hpp"

namespace splat {

struct SurveyCamera {
  std::string name;
  PinholeCamera camera;
};

struct VisibilitySurvey {
  std::size_t gaussians = 0;  // N of the surveyed model
  std::size_t cameras = 0;
  std::size_t stride = 1;            // every stride-th Gaussian was culled; 1: all (exact)
  std::vector<std::size_t> visible;  // per camera: exact, or the sample's upper bound
  std::size_t largest = 0;           // max of `visible`
  std::string largest_camera;        // the camera with it (the first of equals)
  bool exact() const { return stride == 1; }
  double largest_fraction() const;
  // "exact over 96 cameras", or how the sample was taken and what margin the bound has.
  std::string method() const;
};

// Sphere tests (cameras x Gaussians) made exactly; beyond it the survey samples. About two
// seconds of one core per 2^30 tests.
constexpr std::size_t kExactSurveyTests = std::size_t{1} << 32;
// Standard deviations of a binomial sample added to a sampled count (a miss at 5 sigma is
// about one camera in three million).
constexpr double kSurveyMarginSigmas = 5.0;

VisibilitySurvey survey_visibility(const ModelReader& model,
                                   const std::vector<SurveyCamera>& cameras,
                                   std::size_t max_tests = kExactSurveyTests);

}  // namespace splat
