#include <catch2/catch.hpp>

#include <cmath>

#include "core/byte_size.hpp"
#include "core/error.hpp"
#include "offload/budget_need.hpp"
#include "offload/frustum_culling.hpp"
#include "offload/model_growth.hpp"
#include "offload/visibility_survey.hpp"
#include "random_trainable.hpp"

using namespace splat;

namespace {

// Cameras on a circle looking at the origin, where random_trainable puts its means
// ([-1, 1]^3): each sees a different share.
std::vector<SurveyCamera> ring_of_cameras(int count) {
  std::vector<SurveyCamera> cameras;
  for (int k = 0; k < count; ++k) {
    const float angle = 6.2831853f * k / count;
    const float distance = 1.2f + 0.4f * k;
    PinholeCamera c{};
    // World to camera: rotation about y by `angle`, camera at distance along its view axis.
    const float s = std::sin(angle), co = std::cos(angle);
    const float R[9] = {co, 0, -s, 0, 1, 0, s, 0, co};
    for (int i = 0; i < 9; ++i) c.R[i] = R[i];
    c.t[0] = 0, c.t[1] = 0, c.t[2] = distance;
    c.fx = c.fy = 40.0f + 10.0f * k;
    c.width = 64, c.height = 48;
    c.cx = 32, c.cy = 24;
    c.near_plane = 0.2f;
    cameras.push_back({"cam" + std::to_string(k), c});
  }
  return cameras;
}

std::vector<std::size_t> culled_sizes(const TrainableGaussians& g,
                                      const std::vector<SurveyCamera>& cameras) {
  std::vector<float> spheres(g.size() * 4);
  build_culling_spheres(g.params, 0, g.size(), spheres.data());
  std::vector<PinholeCamera> views;
  for (const SurveyCamera& c : cameras) views.push_back(c.camera);
  std::vector<std::size_t> sizes;
  for (const VisibleSet& v : cull_cameras_cpu(spheres.data(), g.size(), views))
    sizes.push_back(v.size());
  return sizes;
}

}  // namespace

TEST_CASE("visibility survey: exact counts are the culler's set sizes", "[plan]") {
  const TrainableGaussians g = test::random_trainable(150'000, 1, 3);  // > one survey block
  const auto cameras = ring_of_cameras(7);
  const VisibilitySurvey survey = survey_visibility(TrainableGaussiansReader(g), cameras);
  const auto sizes = culled_sizes(g, cameras);
  REQUIRE(survey.exact());
  CHECK(survey.visible == sizes);
  const auto largest = std::max_element(sizes.begin(), sizes.end());
  CHECK(survey.largest == *largest);
  CHECK(survey.largest_camera == cameras[largest - sizes.begin()].name);
  // The cameras see different shares, so the test tells one camera from another.
  CHECK(*std::min_element(sizes.begin(), sizes.end()) < *largest);
}

TEST_CASE("visibility survey: a sample bounds every camera from above, and not loosely", "[plan]") {
  const TrainableGaussians g = test::random_trainable(150'000, 1, 4);
  const auto cameras = ring_of_cameras(7);
  const auto sizes = culled_sizes(g, cameras);
  // 7 x 150,000 tests allowed 70,000: every 15th Gaussian.
  const VisibilitySurvey survey = survey_visibility(TrainableGaussiansReader(g), cameras, 70'000);
  CHECK_FALSE(survey.exact());
  CHECK(survey.stride == 15);
  CHECK(survey.method().find("every 15th") != std::string::npos);
  for (std::size_t c = 0; c < cameras.size(); ++c) {
    CHECK(survey.visible[c] >= sizes[c]);
    // 5 sigma of a 10,000-row sample is at most 2.5% of N.
    CHECK(survey.visible[c] <= sizes[c] + 150'000 / 40);
  }
}

TEST_CASE("minimum budget: it holds the working set, 1% less does not", "[plan]") {
  OffloadPlanInput in;
  in.gaussians = 300'000;
  in.sh_degree = 1;
  in.render_reserve = 3 << 20;
  in.render_row_bytes = 250;
  for (std::size_t visible : {std::size_t{1}, std::size_t{41'637}, std::size_t{198'258}}) {
    const std::size_t minimum = minimum_budget(in, visible);
    // What a user types back is what the arena gets (a multiple of its alignment).
    const std::size_t typed = parse_bytes(format_budget(minimum));
    CHECK(typed >= minimum);
    OffloadPlanInput at = in;
    at.budget = typed / DeviceArena::kAlignment * DeviceArena::kAlignment;
    CHECK(plan_offload(at).capacity >= visible);
    at.budget = static_cast<std::size_t>(0.99 * static_cast<double>(minimum));
    CHECK(plan_offload(at).capacity < visible);
  }
}

TEST_CASE("minimum budget: naive mode holds the whole model, capped at it", "[plan]") {
  OffloadPlanInput in;
  in.gaussians = 300'000;
  in.sh_degree = 1;
  in.whole_model = true;
  const std::size_t minimum = minimum_budget(in, in.gaussians);
  in.budget = minimum / DeviceArena::kAlignment * DeviceArena::kAlignment;
  CHECK(plan_offload(in).capacity == in.gaussians);
  in.budget = static_cast<std::size_t>(0.99 * static_cast<double>(minimum));
  CHECK(plan_offload(in).capacity < in.gaussians);
}

TEST_CASE("minimum budget: every larger budget holds the working set too", "[plan]") {
  // Capacity is not monotone in the budget byte by byte: where the transfer chunk gains a row
  // it loses a few. Budgets just above many minimums cross such places.
  OffloadPlanInput in;
  in.gaussians = 300'000;
  in.sh_degree = 1;
  std::size_t short_budgets = 0;
  for (std::size_t visible = 20'000; visible < 290'000; visible += 37) {
    const std::size_t minimum = minimum_budget(in, visible);
    OffloadPlanInput at = in;
    for (std::size_t budget = minimum; budget < minimum + 2048; budget += 64) {
      at.budget = budget;
      short_budgets += plan_offload(at).capacity < visible;
    }
  }
  CHECK(short_budgets == 0);
}

TEST_CASE("budget need: the growth and the drift margin raise the working set", "[plan]") {
  const TrainableGaussians g = test::random_trainable(20'000, 1, 5);
  const auto cameras = ring_of_cameras(4);
  const VisibilitySurvey survey = survey_visibility(TrainableGaussiansReader(g), cameras);
  OffloadPlanInput in;
  in.gaussians = g.size();
  in.sh_degree = 1;
  const auto no_scratch = [](std::size_t) { return DeviceRowsScratch{}; };
  const BudgetNeed same = budget_need(in, survey, g.size(), "none", no_scratch);
  CHECK(same.planned_visible ==
        std::min(g.size(),
                 static_cast<std::size_t>(std::ceil(survey.largest * (1 + kVisibleDriftMargin)))));
  const BudgetNeed doubled = budget_need(in, survey, 2 * g.size(), "2x", no_scratch);
  CHECK(doubled.planned_visible >= 2 * survey.largest);
  CHECK(doubled.minimum_budget > same.minimum_budget);
  CHECK(doubled.met_by(doubled.minimum_budget));
  CHECK_FALSE(doubled.met_by(same.minimum_budget));
  // The refusal before the first step names the budget and the camera.
  in.budget = same.minimum_budget;
  in.visible_fraction = survey.largest_fraction();
  const OffloadPlan plan = plan_offload(in);
  CHECK_THROWS_AS(refuse_budget(plan, doubled), BudgetRefusal);
  CHECK_THROWS_WITH(
      refuse_budget(plan, doubled),
      Catch::Contains("offload.gpu_budget=" + format_budget(doubled.minimum_budget)) &&
          Catch::Contains(survey.largest_camera) && Catch::Contains("densify.max_gaussians="));
}

TEST_CASE("model growth: a cap, a factor, and none once densification is over", "[plan]") {
  ModelGrowth growth;
  growth.until_step = 15000;
  growth.factor = 2;
  CHECK(growth.planned(1000, 0) == 2000);
  CHECK(growth.planned(1000, 15000) == 1000);
  CHECK(growth.reason(1000, 15000).find("no densification") != std::string::npos);
  growth.max_gaussians = 5000;
  CHECK(growth.planned(1000, 0) == 5000);
  CHECK(growth.planned(6000, 0) == 6000);
  CHECK(growth.reason(1000, 0).find("densify.max_gaussians") != std::string::npos);
}
