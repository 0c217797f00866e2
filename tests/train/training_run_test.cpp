// Training runs as the command line starts them, on real data from ../shared/data on the CPU:
// quality rises well above the initial model, a resumed run equals an uninterrupted one, and the
// outputs are complete.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "io/checkpoint.hpp"
#include "io/gaussian_ply.hpp"
#include "shared_data.hpp"
#include "strict_yaml.hpp"
#include "temp_dir.hpp"
#include "train/model_views.hpp"
#include "train/run_outputs.hpp"
#include "train/training_run.hpp"

using namespace splat;
namespace fs = std::filesystem;

namespace {

const std::string kBartoszek = test::shared_data("bartoszek");

// `churn`: densify and reset opacities far more often than the recipe does, to put every kind
// of model change on both sides of a checkpoint.
TrainRunOptions bartoszek_run(const fs::path& out, int iterations, bool churn = false) {
  TrainRunOptions o;
  o.data_dir = kBartoszek;
  o.out_dir = out.string();
  o.overrides = {"backend=cpu",
                 "data.resolution=8",
                 "train.iterations=" + std::to_string(iterations),
                 "train.eval_at=[" + std::to_string(iterations) + "]",
                 "train.log_every=100",
                 "model.sh_degree=1",
                 "model.sh_increase_every=100",
                 "densify.until=" + std::to_string(iterations),
                 "seed=5"};
  if (churn) {
    for (const char* o2 :
         {"densify.from=40", "densify.interval=40", "densify.opacity_reset_every=120"})
      o.overrides.push_back(o2);
  } else {
    for (const char* o2 : {"densify.from=200", "densify.interval=100"}) o.overrides.push_back(o2);
  }
  return o;
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("training run: bartoszek's test PSNR rises well above the initial model", "[run]") {
  const test::TempDir dir("splat-run-test");
  const TrainRunResult initial = run_training(bartoszek_run(dir / "initial", 1));
  const TrainRunResult trained = run_training(bartoszek_run(dir / "trained", 400));
  INFO("test PSNR " << initial.test_psnr << " -> " << trained.test_psnr);
  CHECK(trained.test_psnr > initial.test_psnr + 5.0);

  // The output folder is complete and metrics.json has the public keys.
  const fs::path out = dir / "trained";
  for (const char* file :
       {"config.yaml", "point_cloud.ply", "metrics.json", "checkpoints/latest.ckpt"})
    CHECK(fs::exists(out / file));
  CHECK(fs::exists(out / "test/renders/DSC_5283.png"));
  CHECK(fs::exists(out / "test/gt/DSC_5283.png"));
  const auto metrics = nlohmann::json::parse(read_all(out / "metrics.json"));
  CHECK(metrics["iterations"] == 400);
  CHECK(metrics["num_gaussians"].get<std::size_t>() ==
        read_gaussian_ply((out / "point_cloud.ply").string()).size());
  CHECK(metrics["train_seconds"].get<double>() > 0);
  CHECK(std::abs(metrics["test"]["psnr"].get<double>() - trained.test_psnr) < 1e-9);
  CHECK(metrics["test"]["ssim"].get<double>() > 0);
  CHECK(metrics["test"]["views"] == 3);
  CHECK(metrics["memory"]["peak_device_bytes"] == 0);
  CHECK(metrics["memory"]["peak_host_bytes"].get<std::size_t>() > 0);

  // A new run can start from the trained model (PLY import): one more step keeps its quality.
  TrainRunOptions from_ply = bartoszek_run(dir / "from_ply", 1);
  from_ply.overrides.push_back("model.init_ply=" + (out / "point_cloud.ply").string());
  const TrainRunResult continued = run_training(from_ply);
  CHECK(continued.test_psnr > trained.test_psnr - 1.0);
}

// What a first run looks like: only the length set, every schedule from the defaults.
TEST_CASE("training run: a short run with only train.iterations set trains", "[run]") {
  const test::TempDir dir("splat-run-test");
  TrainRunOptions o;
  o.data_dir = kBartoszek;
  o.out_dir = (dir / "initial").string();
  o.overrides = {"backend=cpu", "data.resolution=8", "train.iterations=1"};
  const TrainRunResult initial = run_training(o);
  o.out_dir = (dir / "short").string();
  o.overrides.back() = "train.iterations=150";
  const TrainRunResult trained = run_training(o);
  CHECK(trained.steps_done == 150);
  INFO("test PSNR " << initial.test_psnr << " -> " << trained.test_psnr);
  CHECK(trained.test_psnr > initial.test_psnr + 4.0);
  const auto metrics = nlohmann::json::parse(read_all(dir / "short/metrics.json"));
  std::vector<int> evaluated;
  for (const auto& e : metrics["evaluations"]) evaluated.push_back(e["step"].get<int>());
  CHECK(evaluated == std::vector<int>{35, 150});  // 7000 scaled by 150/30000, then the end
  const std::string yaml = read_all(dir / "short/config.yaml");
  CHECK_NOTHROW(test::require_unique_keys(yaml));
  CHECK_THAT(yaml, Catch::Contains("  iterations: 150") && Catch::Contains("eval_at: [35, 150]"));
}

TEST_CASE("training run: a resumed run equals an uninterrupted one", "[run]") {
  const test::TempDir dir("splat-run-test");
  // Densification at 40, 80, 120 and an opacity reset at 120 fall on both sides of the stop.
  const TrainRunResult straight = run_training(bartoszek_run(dir / "straight", 150, true));
  TrainRunOptions first = bartoszek_run(dir / "resumed", 150, true);
  first.stop_after_steps = 70;
  const TrainRunResult stopped = run_training(first);
  CHECK(stopped.interrupted);
  CHECK(stopped.steps_done == 70);
  CHECK(read_checkpoint((dir / "resumed/checkpoints/latest.ckpt").string()).step == 70);
  TrainRunOptions second = bartoszek_run(dir / "resumed", 150, true);
  second.resume = true;
  const TrainRunResult resumed = run_training(second);
  CHECK(resumed.steps_done == 150);
  CHECK(resumed.test_psnr == straight.test_psnr);
  CHECK(read_all(dir / "resumed/point_cloud.ply") == read_all(dir / "straight/point_cloud.ply"));
}

TEST_CASE("training run: snapshots and curves a viewer can follow", "[run]") {
  const test::TempDir dir("splat-snapshot-test");
  TrainRunOptions o = bartoszek_run(dir.path() / "run", 12);
  o.overrides.push_back("train.snapshot_every=5");
  run_training(o);
  const fs::path run = dir.path() / "run";
  // The last snapshot before the end: step 10, its model and its curves so far.
  const auto snapshot = nlohmann::json::parse(read_all(run / "snapshot" / "metrics.json"));
  CHECK(snapshot["snapshot_step"] == 10);
  CHECK(snapshot["iterations"] == 10);
  CHECK(snapshot["history"]["step"].back() == 10);
  const GaussianModel model = read_gaussian_ply((run / "snapshot" / "point_cloud.ply").string());
  CHECK(model.size() == snapshot["num_gaussians"].get<std::size_t>());
  // The final metrics carry every step's loss and PSNR (12 steps: one point each).
  const auto metrics = nlohmann::json::parse(read_all(run / "metrics.json"));
  const auto& history = metrics["history"];
  CHECK(history["steps_per_point"] == 1);
  REQUIRE(history["step"].size() == 12);
  CHECK(history["step"].back() == 12);
  for (const char* curve : {"loss", "train_psnr", "gaussians", "host_bytes", "images_per_second"})
    CHECK(history[curve].size() == 12);
  CHECK(history["loss"].back().get<double>() > 0);
  CHECK(history["train_psnr"].back().get<double>() > 5);
}

TEST_CASE("training run: bad input is one clear error", "[run]") {
  const test::TempDir dir("splat-run-test");
  TrainRunOptions o = bartoszek_run(dir / "bad", 10);
  o.overrides.push_back("train.iterations=zero");
  CHECK_THROWS_WITH(run_training(o), Catch::Contains("train.iterations"));
  o = bartoszek_run(dir / "bad", 10);
  o.overrides.push_back("no.such_key=1");
  CHECK_THROWS_WITH(run_training(o), Catch::Contains("no.such_key"));
  o = bartoszek_run(dir / "bad", 10);
  o.data_dir = kBartoszek + "-missing";
  CHECK_THROWS_WITH(run_training(o), Catch::Contains("bartoszek-missing"));
  o = bartoszek_run(dir / "fresh", 10);
  o.resume = true;
  CHECK_THROWS_WITH(run_training(o), Catch::Contains("no checkpoint to resume from"));
}

TEST_CASE("render and eval: a trained model scores as the run's final evaluation", "[run]") {
  const test::TempDir dir("splat-run-test");
  const TrainRunResult trained = run_training(bartoszek_run(dir / "trained", 200));
  ModelViewsOptions o;
  o.model_path = (dir / "trained/point_cloud.ply").string();
  o.data_dir = kBartoszek;
  o.overrides = {"backend=cpu", "data.resolution=8"};
  std::vector<std::string> names;
  const Evaluation e = render_model_views(
      o, [&](const std::string& name, const ViewImage& render, const ViewImage& truth) {
        names.push_back(name);
        write_render_pair((dir / "renders").string(), name, render, truth);
      });
  // Same model, same views, same (full) SH degree: the same scores.
  REQUIRE(e.views.size() == 3);
  CHECK(e.mean_psnr == Approx(trained.test_psnr).epsilon(1e-9));
  CHECK(e.mean_ssim == Approx(trained.test_ssim).epsilon(1e-9));
  CHECK(names == std::vector<std::string>{"DSC_5283.jpg", "DSC_5291.jpg", "DSC_5299.jpg"});
  CHECK(fs::exists(dir / "renders/renders/DSC_5283.png"));
  CHECK(fs::exists(dir / "renders/gt/DSC_5283.png"));
  o.split = "all";
  CHECK(render_model_views(o, {}).views.size() == 23);
  o.split = "validation";
  CHECK_THROWS_WITH(render_model_views(o, {}),
                    Catch::Contains("--split must be test, train or all"));
  o.split = "test";
  o.model_path = (dir / "trained/metrics.json").string();
  CHECK_THROWS_WITH(render_model_views(o, {}), Catch::Contains("metrics.json: not a PLY file"));
}

TEST_CASE("training run: Ctrl-C stops after the current step with a checkpoint", "[run]") {
  const test::TempDir dir("splat-run-test");
  set_interrupt_requested(true);  // as the signal handler does
  const TrainRunResult stopped = run_training(bartoszek_run(dir / "run", 50));
  set_interrupt_requested(false);
  CHECK(stopped.interrupted);
  CHECK(stopped.steps_done == 1);
  CHECK(read_checkpoint((dir / "run/checkpoints/latest.ckpt").string()).step == 1);
  CHECK_FALSE(fs::exists(dir / "run/point_cloud.ply"));  // no final outputs for a stopped run
}
