// The offload engine on the CUDA backend against resident training on the CUDA backend, on lego
// (the scene and recipe of tests/offload/offload_equivalence_test.cpp, one camera per batch, no
// densification): same parameters up to the GPU's own summation noise, through a budget far
// below what resident training takes, and the budget kept. Naive offloading likewise.
//
// The CUDA rasterizer sums gradients with float atomics, so even two resident runs differ in
// the last bits, and Adam (epsilon 1e-15) turns such noise in a near-zero gradient into a full
// step for that element. So the comparison allows a few elements beyond a tight tolerance, far
// fewer than a wrong row, slot or culling would move.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/device_arena.hpp"
#include "io/checkpoint.hpp"
#include "offload/budget_need.hpp"
#include "shared_data.hpp"
#include "temp_dir.hpp"
#include "train/budget_report.hpp"
#include "train/training_run.hpp"

using namespace splat;
namespace fs = std::filesystem;

namespace {

const std::string kLego = test::shared_data("lego");

// 100,000 random Gaussians at SH degree 3 around the cameras: each camera's culled set is at
// most about 32,000 (a third), resident training holds all of them (944 B each, plus the
// renderer's workspaces for all of them). Emulated CUDA (SPLAT_CUDA=EMU) runs each GPU thread
// as a fiber and every warp vote and shuffle of the backward pass as a collective of 32 of
// them: it trains 2,000 Gaussians at 25x25 pixels for 20 steps. At that size the renderer's
// fixed workspaces weigh as much as the model, so the budgets are the plan's own minimums
// with room to spare, and "far below" resident training becomes "below".
#ifdef SPLAT_CUDA_EMU
constexpr int kGaussians = 2'000;
constexpr int kResolution = 32;
constexpr int kIterations = 20;
constexpr std::size_t kKiB = 1024;
constexpr std::size_t kOffloadBudget = 2048 * kKiB;
constexpr std::size_t kNaiveBudget = 4096 * kKiB;
constexpr std::size_t kGeometryBudget = 2560 * kKiB;
constexpr std::size_t kTooSmallBudget = 512 * kKiB;
constexpr std::size_t kFarBelow = 1;  // resident peak > kFarBelow x the offload budget
#else
constexpr int kGaussians = 100'000;
constexpr int kResolution = 8;
constexpr int kIterations = 60;
// About 35 MiB hold the culling set (20 B x 100,000), the largest culled set's working set
// (about 990 B a row with the renderer's share) and the fixed part; resident training takes
// about 120 MB.
constexpr std::size_t kOffloadBudget = std::size_t{48} << 20;
// Naive holds the whole model as its working set (about 100 MB) and larger transfer chunks.
constexpr std::size_t kNaiveBudget = std::size_t{192} << 20;
// Resident geometry adds 176 B per Gaussian of N-sized geometry and Adam state (17.6 MB).
constexpr std::size_t kGeometryBudget = std::size_t{80} << 20;
// Too small for the working set of one view.
constexpr std::size_t kTooSmallBudget = std::size_t{8} << 20;
constexpr std::size_t kFarBelow = 2;
#endif

std::string budget_text(std::size_t bytes) {
  return std::to_string(bytes);
}

TrainRunOptions run_options(const fs::path& out, std::vector<std::string> extra) {
  TrainRunOptions o;
  o.data_dir = kLego;
  o.out_dir = out.string();
  o.overrides = {"backend=cuda",
                 "data.resolution=" + std::to_string(kResolution),
                 "train.iterations=" + std::to_string(kIterations),
                 "train.eval_at=[" + std::to_string(kIterations) + "]",
                 "train.batch_size=1",
                 "model.sh_degree=3",
                 "model.random_init_count=" + std::to_string(kGaussians),
                 "model.random_init_region=cameras",
                 "model.sh_increase_every=" + std::to_string(kIterations * 2 / 3),
                 "densify.from=1000",
                 "densify.until=1000",
                 "seed=11"};
  o.overrides.insert(o.overrides.end(), extra.begin(), extra.end());
  return o;
}

TrainingCheckpoint final_state(const fs::path& out) {
  return read_checkpoint((out / "checkpoints/latest.ckpt").string());
}

nlohmann::json metrics_of(const fs::path& out) {
  std::ifstream in(out / "metrics.json");
  return nlohmann::json::parse(in);
}

// Elements of `got` farther than 1e-4 of `want`'s largest magnitude from `want`: at most
// 0.5% of them (Adam's amplified summation noise), none non-finite.
void check_close(const std::string& what, const std::vector<float>& want,
                 const std::vector<float>& got) {
  INFO(what);
  REQUIRE(want.size() == got.size());
  double scale = 0;
  for (float w : want) scale = std::max(scale, static_cast<double>(std::abs(w)));
  if (!(scale > 0)) scale = 1;
  std::size_t beyond = 0, nonfinite = 0;
  double worst = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (!std::isfinite(got[i])) {
      ++nonfinite;
      continue;
    }
    const double error = std::abs(static_cast<double>(got[i]) - want[i]) / scale;
    worst = std::max(worst, error);
    if (error > 1e-4) ++beyond;
  }
  INFO(beyond << " of " << want.size() << " elements beyond 1e-4 of the scale " << scale
              << ", worst " << worst);
  CHECK(nonfinite == 0);
  CHECK(static_cast<double>(beyond) <= 0.005 * static_cast<double>(want.size()));
}

void check_same_model(const TrainableGaussians& a, TrainableGaussians b) {
  REQUIRE(a.size() == b.size());
  CHECK(a.adam_steps == b.adam_steps);
  const char* names[] = {"means", "log_scales", "rotations", "opacity_logits", "sh"};
  const GaussianModel* left[] = {&a.params, &a.adam_v};
  GaussianModel* right[] = {&b.params, &b.adam_v};
  for (int s = 0; s < 2; ++s) {
    auto l = row_arrays(const_cast<GaussianModel&>(*left[s]));
    auto r = row_arrays(*right[s]);
    for (std::size_t k = 0; k < l.size(); ++k)
      check_close(std::string(s == 0 ? "parameters " : "second moments ") + names[k], *l[k].values,
                  *r[k].values);
  }
}

// The arena was the configured budget, was used, and its peak stayed within it.
std::size_t check_budget_kept(const fs::path& out, std::size_t budget) {
  const auto m = metrics_of(out);
  const auto peak = m["memory"]["peak_device_bytes"].get<std::size_t>();
  CHECK(m["memory"]["device_budget_bytes"].get<std::size_t>() == budget);
  CHECK(peak > 0);
  CHECK(peak <= budget);
  return peak;
}

}  // namespace

TEST_CASE("cuda offload equals cuda resident within a budget far below the model", "[gpu]") {
  const test::TempDir dir("splat-gpu-offload");
  const TrainRunResult resident = run_training(run_options(dir.path() / "resident", {}));
  const TrainRunResult offload = run_training(run_options(
      dir.path() / "offload", {"mode=offload", "offload.gpu_budget=" + budget_text(kOffloadBudget),
                               "optimizer.untouched=dense", "scheduler.order=sampled"}));
  const auto want = final_state(dir.path() / "resident").gaussians;
  check_same_model(want, final_state(dir.path() / "offload").gaussians);
  CHECK(std::abs(resident.test_psnr - offload.test_psnr) < 0.05);
  // Far below: resident training's device memory is more than twice the offload budget (on a
  // GPU; see kFarBelow).
  const auto resident_peak =
      metrics_of(dir.path() / "resident")["memory"]["peak_device_bytes"].get<std::size_t>();
  CHECK(resident_peak > kFarBelow * kOffloadBudget);
  check_budget_kept(dir.path() / "offload", kOffloadBudget);
  const auto m = metrics_of(dir.path() / "offload");
  CHECK(m["offload"]["h2d_bytes"].get<std::size_t>() > 0);
  CHECK(m["offload"]["d2h_bytes"].get<std::size_t>() > 0);
}

// offload.resident: geometry adds 176 B per Gaussian of N-sized geometry and Adam state
// (17.6 MB at 100,000) to the culling set and the working set: 80 MiB holds them.
TEST_CASE("cuda resident geometry equals cuda resident", "[gpu]") {
  const test::TempDir dir("splat-gpu-geometry");
  const std::size_t budget = kGeometryBudget;
  const TrainRunResult resident = run_training(run_options(dir.path() / "resident", {}));
  const TrainRunResult geometry = run_training(run_options(
      dir.path() / "geometry", {"mode=offload", "offload.resident=geometry",
                                "offload.gpu_budget=" + budget_text(kGeometryBudget),
                                "optimizer.untouched=dense", "scheduler.order=sampled"}));
  check_same_model(final_state(dir.path() / "resident").gaussians,
                   final_state(dir.path() / "geometry").gaussians);
  CHECK(std::abs(resident.test_psnr - geometry.test_psnr) < 0.05);
  check_budget_kept(dir.path() / "geometry", budget);
  // Only the SH (48 floats) and an id per Gaussian crossed.
  const auto m = metrics_of(dir.path() / "geometry")["offload"];
  CHECK(m["h2d_bytes"].get<std::size_t>() ==
        m["loaded_gaussians"].get<std::size_t>() * (48 * sizeof(float) + 4));
}

TEST_CASE("cuda naive offload equals cuda resident", "[gpu]") {
  const test::TempDir dir("splat-gpu-naive");
  const TrainRunResult resident = run_training(run_options(dir.path() / "resident", {}));
  const TrainRunResult naive = run_training(run_options(
      dir.path() / "naive", {"mode=naive", "offload.gpu_budget=" + budget_text(kNaiveBudget)}));
  check_same_model(final_state(dir.path() / "resident").gaussians,
                   final_state(dir.path() / "naive").gaussians);
  CHECK(std::abs(resident.test_psnr - naive.test_psnr) < 0.05);
  check_budget_kept(dir.path() / "naive", kNaiveBudget);
}

TEST_CASE("cuda offload refuses a budget whose working set cannot hold a view", "[gpu]") {
  const test::TempDir dir("splat-gpu-offload");
  CHECK_THROWS_WITH(run_training(run_options(
                        dir.path() / "tiny",
                        {"mode=offload", "offload.gpu_budget=" + budget_text(kTooSmallBudget)})),
                    Catch::Contains("raise offload.gpu_budget"));
}

// The smallest run through the offload engine's streams and threads on the CUDA backend: what
// tools/test.sh runs under ThreadSanitizer on the emulated device (a missing event wait between
// the upload and compute streams is a reported race there), two cameras per batch so rows leave
// and come back.
TEST_CASE("cuda offload: a short run on a tiny scene equals resident", "[gpu]") {
  const test::TempDir dir("splat-gpu-tiny");
  const std::vector<std::string> tiny = {"data.resolution=64",          "train.iterations=4",
                                         "train.eval_at=[4]",           "train.batch_size=2",
                                         "model.random_init_count=300", "model.sh_degree=1"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), tiny.begin(), tiny.end());
    return extra;
  };
  run_training(run_options(dir.path() / "resident", with({})));
  // Culled on the device, or by chunks on the host (no device culling set): the same run.
  const std::string culling = GENERATE(std::string("gaussians"), std::string("chunks"));
  run_training(
      run_options(dir.path() / "offload",
                  with({"mode=offload", "offload.gpu_budget=1MiB", "optimizer.untouched=dense",
                        "scheduler.order=sampled", "offload.culling=" + culling})));
  check_same_model(final_state(dir.path() / "resident").gaussians,
                   final_state(dir.path() / "offload").gaussians);
}

// The plan reserves the renderer 8 Gaussian-tile pairs per working-set row. Forty large random
// Gaussians on 100x100 images cover about 35 of the 49 tiles each, so at the plan's minimum
// budget most views have three times the pairs reserved for them. They render in bands of tiles
// (the run is not refused mid-batch, and the budget holds), and train as a run with room for
// every pair does.
TEST_CASE("cuda offload: views with more tile pairs than planned train at the plan's minimum",
          "[gpu]") {
  const test::TempDir dir("splat-gpu-bands");
  std::vector<std::string> overrides = {
      "data.resolution=8",  "train.iterations=6",         "train.eval_at=[6]",
      "train.batch_size=2", "model.random_init_count=40", "model.sh_degree=1",
      "mode=offload",       "optimizer.untouched=dense",  "scheduler.order=sampled"};
  TrainRunOptions planned = run_options(dir.path() / "minimum", overrides);
  const DatasetPlan plan = plan_dataset(kLego, "", planned.overrides, "");
  std::size_t minimum = 0;
  for (const ModePlan& m : plan.report.modes)
    if (m.mode == "offload") minimum = m.minimum_budget;
  REQUIRE(minimum > 0);
  planned.overrides.push_back("offload.gpu_budget=" + format_budget(minimum));
  const TrainRunResult at_minimum = run_training(planned);
  const auto banded = metrics_of(dir.path() / "minimum")["offload"];
  CHECK(banded["banded_views"].get<std::size_t>() > 0);
  CHECK(banded["tile_bands"].get<std::size_t>() > 2 * banded["banded_views"].get<std::size_t>());
  // The arena takes the budget in whole blocks of its alignment.
  check_budget_kept(dir.path() / "minimum",
                    minimum / DeviceArena::kAlignment * DeviceArena::kAlignment);

  overrides.push_back("offload.gpu_budget=64MiB");  // every view's pairs at once
  const TrainRunResult roomy = run_training(run_options(dir.path() / "roomy", overrides));
  CHECK(metrics_of(dir.path() / "roomy")["offload"]["banded_views"].get<std::size_t>() == 0);
  check_same_model(final_state(dir.path() / "roomy").gaussians,
                   final_state(dir.path() / "minimum").gaussians);
  CHECK(std::abs(at_minimum.test_psnr - roomy.test_psnr) < 0.05);
}
