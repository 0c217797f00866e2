// `offload.resident: geometry` on the CPU backend and lego: geometry, its Adam state and its
// gradient sums stay in the arena, only the SH streams, and geometry Adam runs on the device.
// It must train exactly what resident training and culling-only offloading train.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "model/gaussian_model.hpp"
#include "offload_runs.hpp"
#include "temp_dir.hpp"

using namespace splat;
using namespace splat::test;
namespace fs = std::filesystem;

namespace {

// Densification at 30, 60 and 90; opacity resets at 45 (alone: the device geometry is sent
// again without a new layout) and at 90.
std::vector<std::string> geometry_run(std::vector<std::string> extra) {
  std::vector<std::string> o = {"mode=offload", "offload.resident=geometry",
                                "densify.opacity_reset_every=45"};
  o.insert(o.end(), extra.begin(), extra.end());
  return o;
}

// 21,000 Gaussians at 196 B each on the device take 4 MiB; 6 MiB leaves a working set of
// about 10,000, still below the model's 20,000-plus.
const std::string kGeometryBudget = "offload.gpu_budget=6MiB";
const std::string kSampledOrder = "scheduler.order=sampled";

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

// Four cameras per batch in sampled order: gradient sums in resident training's order, depth
// ties by global id, so the same bits as resident training through densification.
TEST_CASE("resident geometry equals resident training bit for bit through densification",
          "[offload]") {
  const TempDir dir("splat-geometry");
  const std::vector<std::string> recipe = {"densify.opacity_reset_every=45",
                                           "scheduler.order=sampled", "optimizer.untouched=dense"};
  run_training(run_options(dir / "resident", 100, recipe));
  run_training(run_options(dir / "geometry", 100, with(recipe, geometry_run({kGeometryBudget}))));
  const auto a = final_state(dir / "resident").gaussians;
  const auto b = final_state(dir / "geometry").gaussians;
  INFO("resident " << a.size() << " Gaussians, resident geometry " << b.size());
  CHECK(a.size() != 20000);
  check_same_model(a, b, 0.0);
  check_budget_kept(dir / "geometry");
  // Only the SH and each row's id crossed (12 floats + 4 bytes per Gaussian at degree 1), and
  // for Gaussians coming back within a batch their held SH gradients (12 floats).
  const auto m = metrics_of(dir / "geometry")["offload"];
  const auto loaded = m["loaded_gaussians"].get<std::size_t>();
  const std::size_t sh_row = 12 * sizeof(float);
  REQUIRE(loaded > 0);
  const std::size_t held_bytes = m["h2d_bytes"].get<std::size_t>() - loaded * (sh_row + 4);
  CHECK(held_bytes % sh_row == 0);
  CHECK(held_bytes > 0);
  CHECK(held_bytes < loaded * sh_row);
  CHECK(m["seconds"]["device_adam"].get<double>() > 0);
}

// Four cameras per batch, Gaussians leaving and coming back, three densifications: the working
// set's slots follow the same residency in both modes, so resident geometry (gradient sums held
// in device rows) must equal culling-only offloading (sums held on the host) bit for bit, with
// dense Adam and with sparse Adam (per-row step counts on both sides).
TEST_CASE("resident geometry equals culling-only offload bit for bit, dense and skip",
          "[offload]") {
  const TempDir dir("splat-geometry");
  for (const char* policy : {"dense", "skip"}) {
    INFO("optimizer.untouched=" << policy);
    const std::vector<std::string> recipe = {std::string("optimizer.untouched=") + policy,
                                             "densify.opacity_reset_every=45"};
    const fs::path culling = dir / (std::string("culling-") + policy);
    const fs::path geometry = dir / (std::string("geometry-") + policy);
    run_training(
        run_options(culling, 100, with(recipe, {"mode=offload", "offload.gpu_budget=6MiB"})));
    run_training(run_options(geometry, 100, with(recipe, geometry_run({kGeometryBudget}))));
    const auto a = final_state(culling).gaussians;
    CHECK(a.size() != 20000);
    check_same_model(a, final_state(geometry).gaussians, 0.0);
    // Gaussians did leave and come back.
    const auto m = metrics_of(geometry)["offload"];
    CHECK(m["loaded_gaussians"].get<std::size_t>() >
          m["loaded_gaussians_lower_bound"].get<std::size_t>());
  }
}

TEST_CASE("resident geometry: deferred equals dense through densification", "[offload]") {
  const TempDir dir("splat-geometry");
  run_training(run_options(dir / "dense", 100,
                           geometry_run({kGeometryBudget, "optimizer.untouched=dense"})));
  run_training(run_options(dir / "deferred", 100,
                           geometry_run({kGeometryBudget, "optimizer.untouched=deferred"})));
  check_same_model(final_state(dir / "dense").gaussians, final_state(dir / "deferred").gaussians,
                   0.0);
}

TEST_CASE("resident geometry: a resumed run equals an uninterrupted one", "[offload]") {
  const TempDir dir("splat-geometry");
  // Stopped at 50: after the densification at 30 and the reset at 45, before the one at 60.
  const auto recipe = geometry_run({kGeometryBudget, "optimizer.untouched=skip"});
  run_training(run_options(dir / "straight", 100, recipe));
  run_stopped_and_resumed(dir / "resumed", 100, 50, recipe);
  check_same_model(final_state(dir / "straight").gaussians, final_state(dir / "resumed").gaussians,
                   0.0);
}

// A checkpoint holds the model, not where it lived: a run resumed with the other
// offload.resident goes on exactly as before (both train the same bits).
TEST_CASE("resident geometry: a checkpoint resumes across offload.resident", "[offload]") {
  const TempDir dir("splat-geometry");
  // Sampled order: the two engines' deferred culling sets differ (see the short run below).
  const std::vector<std::string> culling = {"mode=offload", kGeometryBudget,
                                            "densify.opacity_reset_every=45", kSampledOrder};
  run_training(run_options(dir / "straight", 100, culling));
  auto first = run_options(dir / "switched", 100, culling);
  first.stop_after_steps = 50;
  CHECK(run_training(first).interrupted);
  auto second = run_options(dir / "switched", 100, geometry_run({kGeometryBudget, kSampledOrder}));
  second.resume = true;
  run_training(second);
  check_same_model(final_state(dir / "straight").gaussians, final_state(dir / "switched").gaussians,
                   0.0);
}

TEST_CASE("resident geometry: a budget below the N-sized geometry is refused", "[offload]") {
  const TempDir dir("splat-geometry");
  // 20,000 Gaussians need 3.7 MiB of resident geometry alone.
  auto o = run_options(dir / "tiny", 10, geometry_run({"offload.gpu_budget=3MiB"}));
  CHECK_THROWS_WITH(run_training(o),
                    Catch::Contains("offload.gpu_budget") && Catch::Contains("resident geometry"));
  CHECK_FALSE(fs::exists(dir / "tiny" / "point_cloud.ply"));
}

// Short enough to run under ThreadSanitizer too (tools/test.sh): both engines' threads (gather
// and Adam workers, the copy and compute streams) through held gradients, a densification at 5
// and the rebuilt device side after it. In the sampled order: under deferred Adam the culling-only
// engine culls with drifting spheres (a superset of what resident geometry's fresh spheres keep,
// offload/deferred_drift.hpp), which the TSP order would visit in another order.
TEST_CASE("offload engines: culling and resident geometry agree over a short densifying run",
          "[offload][threads]") {
  const TempDir dir("splat-geometry");
  const std::vector<std::string> recipe = {"densify.from=2", "densify.interval=5",
                                           "optimizer.untouched=deferred", kSampledOrder};
  run_training(run_options(dir / "culling", 8, with(recipe, {"mode=offload", kGeometryBudget})));
  run_training(run_options(dir / "geometry", 8, with(recipe, geometry_run({kGeometryBudget}))));
  const auto a = final_state(dir / "culling").gaussians;
  CHECK(a.size() != 20000);
  check_same_model(a, final_state(dir / "geometry").gaussians, 0.0);
}
