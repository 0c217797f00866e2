#include "offload/visibility_survey.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "math/frustum.hpp"
#include "offload/frustum_culling.hpp"

namespace splat {

namespace {

// Rows read from the model at a time: bounds the survey's memory at any N.
constexpr std::size_t kSurveyBlock = std::size_t{1} << 18;

// An upper bound on a camera's visible count from `kept` of `sampled` rows.
std::size_t sampled_upper_bound(std::size_t kept, std::size_t sampled, std::size_t gaussians) {
  const double m = static_cast<double>(sampled);
  const double p = static_cast<double>(kept) / m;
  // The variance floor of one row keeps the margin from vanishing at p = 0 or 1.
  const double sigma = std::sqrt(std::max(p * (1 - p), 1 / m) / m);
  const double upper = std::min(1.0, p + kSurveyMarginSigmas * sigma);
  return std::min(gaussians,
                  static_cast<std::size_t>(std::ceil(upper * static_cast<double>(gaussians))));
}

}  // namespace

double VisibilitySurvey::largest_fraction() const {
  return gaussians > 0 ? static_cast<double>(largest) / static_cast<double>(gaussians) : 0.0;
}

std::string VisibilitySurvey::method() const {
  if (exact()) return str_cat("exact over ", cameras, " cameras");
  return str_cat("every ", stride, "th of ", gaussians, " Gaussians culled by ", cameras,
                 " cameras, counts raised by ", kSurveyMarginSigmas,
                 " standard deviations of that sample");
}

VisibilitySurvey survey_visibility(const ModelReader& model,
                                   const std::vector<SurveyCamera>& cameras,
                                   std::size_t max_tests) {
  VisibilitySurvey survey;
  survey.gaussians = model.size();
  survey.cameras = cameras.size();
  survey.visible.assign(cameras.size(), 0);
  if (cameras.empty() || survey.gaussians == 0) return survey;
  const std::size_t tests_per_row = cameras.size();
  const std::size_t exact_rows = std::max<std::size_t>(max_tests / tests_per_row, 1);
  survey.stride = (survey.gaussians + exact_rows - 1) / exact_rows;

  std::vector<CullingFrustum> frustums;
  for (const SurveyCamera& c : cameras) frustums.push_back(make_culling_frustum(c.camera));
  std::vector<float> means(kSurveyBlock * 3), log_scales(kSurveyBlock * 3);
  std::vector<float> spheres(kSurveyBlock * 4);
  std::size_t sampled = 0;
  for (std::size_t begin = 0; begin < survey.gaussians; begin += kSurveyBlock) {
    const std::size_t end = std::min(survey.gaussians, begin + kSurveyBlock);
    model.read(0, Attribute::Means, begin, end, means.data());
    model.read(0, Attribute::LogScales, begin, end, log_scales.data());
    // Rows whose index is a multiple of the stride: the same rows for every camera.
    const std::size_t first = (begin + survey.stride - 1) / survey.stride * survey.stride;
    std::size_t count = 0;
    for (std::size_t row = first; row < end; row += survey.stride, ++count) {
      const std::size_t r = row - begin;
      for (int a = 0; a < 3; ++a) spheres[count * 4 + a] = means[r * 3 + a];
      spheres[count * 4 + 3] = culling_radius(&log_scales[r * 3]);
    }
    count_visible_cpu(spheres.data(), count, frustums, survey.visible.data());
    sampled += count;
  }
  SPLAT_REQUIRE(sampled > 0, "visibility survey: no Gaussian was sampled");
  if (!survey.exact())
    for (std::size_t& v : survey.visible) v = sampled_upper_bound(v, sampled, survey.gaussians);
  const auto largest = std::max_element(survey.visible.begin(), survey.visible.end());
  survey.largest = *largest;
  survey.largest_camera = cameras[largest - survey.visible.begin()].name;
  return survey;
}

}  // namespace splat
