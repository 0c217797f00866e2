// The central invariant of the offload engine, on the CPU backend and a real scene: for the same
// seed, data, camera order and batch size, offloaded training (with a device budget far below
// the model) gives the parameters resident training gives through densification, bit for bit in
// the sampled camera order; `deferred` gives what `dense` gives; naive offloading too; and a
// resumed offload run equals an uninterrupted one.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "offload_runs.hpp"
#include "temp_dir.hpp"

using namespace splat;
using namespace splat::test;
namespace fs = std::filesystem;

TEST_CASE("offload equals resident bit for bit through densification with one camera per batch",
          "[offload]") {
  const test::TempDir dir("splat-offload-eq");
  // One camera per batch: every Gaussian's gradient is one view's, summed in the same order,
  // equal depths blend in global-id order, and culling keeps every Gaussian the renderer gives a
  // screen radius, so the densification statistics (and with them clone, split, prune and the
  // opacity reset) agree as well.
  const std::vector<std::string> one_camera = {"train.batch_size=1"};
  const auto [resident, offload] = same_order_runs(dir, 100, one_camera);
  run_training(resident);
  run_training(offload);
  const auto a = final_state(dir / "resident").gaussians;
  const auto b = final_state(dir / "offload").gaussians;
  INFO("resident " << a.size() << " Gaussians, offload " << b.size());
  CHECK(a.size() != 20000);  // densification did change the model
  check_same_model(a, b, 0.0);
  check_budget_kept(dir / "offload");
}

// Four cameras per batch in the order they were sampled: a Gaussian that leaves the working set
// and comes back brings its held gradient with it and accumulates on from there, so every
// gradient is summed in the order resident training sums it; and the working set passes its
// rows' global ids to the renderer, so Gaussians of equal depth (a clone and its original) blend
// in resident training's order too. Densification clones at steps 60 and 90 (and splits, prunes
// and resets opacity), so the runs go through exact depth ties, and still agree bit for bit
// (without the order keys they end one Gaussian apart).
TEST_CASE("offload equals resident bit for bit with four cameras per batch through densification",
          "[offload]") {
  const test::TempDir dir("splat-offload-eq");
  auto [resident, offload] = same_order_runs(dir, 100, {"train.batch_size=4"});
  // Culled on the (CPU) device or by chunks on the host: the same visible sets, the same run.
  const std::string culling = GENERATE(std::string("gaussians"), std::string("chunks"));
  offload.overrides.push_back("offload.culling=" + culling);
  const TrainRunResult r = run_training(resident);
  const TrainRunResult o = run_training(offload);
  const auto a = final_state(dir / "resident").gaussians;
  const auto b = final_state(dir / "offload").gaussians;
  INFO("resident " << a.size() << " Gaussians, offload " << b.size());
  CHECK(a.size() != 20000);  // densification did change the model
  check_same_model(a, b, 0.0);
  // The evaluation renders of the final model agree too.
  CHECK(o.test_psnr == r.test_psnr);
  CHECK(o.test_ssim == r.test_ssim);
  // Gaussians did leave and come back: more were loaded than the batches' distinct ones.
  const auto m = metrics_of(dir / "offload");
  CHECK(m["offload"]["loaded_gaussians"].get<std::size_t>() >
        m["offload"]["loaded_gaussians_lower_bound"].get<std::size_t>());
  check_budget_kept(dir / "offload");
  // The culling counters: at least every kept row was tested (how many fewer chunk culling
  // tests is measured where blocks are many: the chunk culling tests and docs/choosing-memory).
  const auto tested = m["offload"]["culling_tested_rows"].get<std::size_t>();
  const auto kept = m["offload"]["culling_visible_rows"].get<std::size_t>();
  CHECK(kept > 0);
  CHECK(tested >= kept);
}

// In TSP order the cameras of a batch render in another order than resident training's sampled
// one, so gradients are summed in another order, and Adam (epsilon 1e-15) turns a near-zero
// gradient's rounding into a full step; densification thresholds then flip for a few Gaussians.
// This test pins the size of that effect; the exact comparisons (sampled order) are above.
TEST_CASE("offload in TSP order stays close to resident through densification", "[offload]") {
  const test::TempDir dir("splat-offload-eq");
  auto resident = run_options(dir / "resident", 100, {});
  auto offload = run_options(dir / "offload", 100, kOffload);
  offload.overrides.push_back("scheduler.order=tsp");
  const TrainRunResult r = run_training(resident);
  const TrainRunResult o = run_training(offload);
  const auto a = final_state(dir / "resident").gaussians;
  const auto b = final_state(dir / "offload").gaussians;
  INFO("resident " << a.size() << " Gaussians, offload " << b.size());
  CHECK(std::abs(static_cast<double>(a.size()) - static_cast<double>(b.size())) <
        0.01 * static_cast<double>(a.size()));
  CHECK(std::abs(r.test_psnr - o.test_psnr) < 1.0);
  check_budget_kept(dir / "offload");
  const auto m = metrics_of(dir / "offload");
  CHECK(m["offload"]["loaded_gaussians"].get<std::size_t>() > 0);
  CHECK(m["offload"]["h2d_bytes"].get<std::size_t>() > 0);
  CHECK(m["offload"]["loaded_gaussians"].get<std::size_t>() <=
        m["offload"]["loaded_gaussians_sampled_order"].get<std::size_t>());
  // Transfers against what the camera sequence requires, and against the pinned-copy peak.
  const auto& off = m["offload"];
  CHECK(off["h2d_bytes"].get<std::size_t>() >= off["h2d_bytes_lower_bound"].get<std::size_t>());
  CHECK(off["h2d_bytes_lower_bound"].get<std::size_t>() ==
        off["loaded_gaussians_lower_bound"].get<std::size_t>() * (11 + 12) * sizeof(float));
  CHECK(off["d2h_bytes"].get<std::size_t>() >= off["d2h_bytes_lower_bound"].get<std::size_t>());
  CHECK(off["pinned_copy_peak"]["h2d_gbps"].get<double>() > 0);
  CHECK(off["pinned_copy_peak"]["d2h_gbps"].get<double>() > 0);
  CHECK(off["pinned_copy_peak"]["probe_bytes"].get<std::size_t>() > 0);
  CHECK(off["h2d_gbps"].get<double>() > 0);
  CHECK(off["h2d_fraction_of_peak"].get<double>() > 0);
  CHECK(off["seconds_per_batch"]["batches"].get<double>() ==
        Approx(off["seconds"]["batches"].get<double>() / off["steps"].get<double>()));
  // The compute stream's waits for uploads happen within the batches.
  const double waits = off["seconds"]["compute_waits_for_uploads"].get<double>();
  CHECK(waits >= 0);
  CHECK(waits <= off["seconds"]["batches"].get<double>());
}

TEST_CASE("offload: deferred Adam equals dense Adam exactly and skip differs", "[offload]") {
  const test::TempDir dir("splat-offload-eq");
  // Through densification (clones, splits, prunes, an opacity reset): deferred rows are culled
  // with spheres that bound their skipped steps, a superset of dense's visible sets whose extra
  // rows the renderer gives no screen radius, so gradients, Adam and the densification
  // statistics are dense's.
  std::vector<std::string> base = kOffload;
  base.push_back("scheduler.order=sampled");
  auto with = [&](const char* policy) {
    auto o = base;
    o.push_back(std::string("optimizer.untouched=") + policy);
    return o;
  };
  run_training(run_options(dir / "dense", 100, with("dense")));
  run_training(run_options(dir / "deferred", 100, with("deferred")));
  run_training(run_options(dir / "skip", 100, with("skip")));
  const auto dense = final_state(dir / "dense").gaussians;
  check_same_model(dense, final_state(dir / "deferred").gaussians, 0.0);
  const auto skip = final_state(dir / "skip").gaussians;
  CHECK((skip.size() != dense.size() || skip.params.means != dense.params.means));
}

// The disk tier keeps most of the store in a scratch file and reads chunks back as batches
// need them: the same arithmetic on the same values, so the same run bit for bit, through
// densification (clones, splits, prunes, the reorder after them), an opacity reset and a resume.
TEST_CASE("offload: a run with a disk tier equals one in memory, through a resume", "[offload]") {
  const test::TempDir dir("splat-offload-eq");
  // Small chunks: the 20,000 Gaussians take 20 of them and up to 24 once densified; the budget
  // holds 20 (one camera sees up to 17: random Gaussians in the cameras' box).
  const std::vector<std::string> base = {"mode=offload", "offload.gpu_budget=2MiB",
                                         "offload.chunk_rows=1024", "offload.culling=chunks",
                                         "train.batch_size=1"};
  auto spilled = base;
  spilled.push_back("offload.host_budget=5600KiB");
  run_training(run_options(dir / "memory", 100, base));
  run_training(run_options(dir / "spilled", 100, spilled));
  run_stopped_and_resumed(dir / "resumed", 100, 55, spilled);
  const auto want = final_state(dir / "memory").gaussians;
  CHECK(want.size() != 20000);
  check_same_model(want, final_state(dir / "spilled").gaussians, 0.0);
  check_same_model(want, final_state(dir / "resumed").gaussians, 0.0);
  // It did spill: chunks were read back, and never more were held than the budget allows.
  const auto disk = metrics_of(dir / "spilled")["offload"]["disk"];
  CHECK(disk["disk_read_bytes"].get<std::size_t>() > 0);
  CHECK(disk["disk_write_bytes"].get<std::size_t>() > 0);
  CHECK(disk["peak_resident_chunks"].get<std::size_t>() <=
        disk["resident_chunk_limit"].get<std::size_t>());
  CHECK(disk["chunk_hit_rate"].get<double>() > 0);
  CHECK(disk["chunk_hit_rate"].get<double>() < 1);
  // The default spill folder is inside the run's output, and the scratch file leaves no name.
  CHECK(fs::is_empty(dir / "spilled" / "spill"));
}

TEST_CASE("naive offload equals resident", "[offload]") {
  const test::TempDir dir("splat-offload-eq");
  run_training(run_options(dir / "resident", 60, {}));
  run_training(run_options(dir / "naive", 60, {"mode=naive", "offload.gpu_budget=16MiB"}));
  check_same_model(final_state(dir / "resident").gaussians, final_state(dir / "naive").gaussians,
                   0.0);
  check_budget_kept(dir / "naive");
}

TEST_CASE("offload: a resumed run equals an uninterrupted one", "[offload]") {
  const test::TempDir dir("splat-offload-eq");
  std::vector<std::string> no_densify = kOffload;
  no_densify.push_back("densify.from=1000");
  run_training(run_options(dir / "straight", 100, no_densify));
  run_stopped_and_resumed(dir / "resumed", 100, 50, no_densify);
  check_same_model(final_state(dir / "straight").gaussians, final_state(dir / "resumed").gaussians,
                   0.0);
}

// Densification grows what cameras see past a 2 MiB working set: the run stops with the state
// of its last completed step saved, and resuming with a larger budget finishes exactly as a run
// that had the larger budget from the start.
TEST_CASE("offload: a working set outgrown mid-run saves the state to resume with more",
          "[offload]") {
  const test::TempDir dir("splat-offload-eq");
  const std::vector<std::string> growing = {"mode=offload", "densify.grad_threshold=0.000002"};
  const auto with_budget = [&](const char* budget) {
    auto o = growing;
    o.push_back(std::string("offload.gpu_budget=") + budget);
    return o;
  };
  run_training(run_options(dir / "straight", 40, with_budget("4MiB")));
  auto first = run_options(dir / "resumed", 40, with_budget("2MiB"));
  CHECK_THROWS_WITH(run_training(first), Catch::Contains("raise offload.gpu_budget") &&
                                             Catch::Contains("is saved in") &&
                                             Catch::Contains("--resume"));
  const auto saved = final_state(dir / "resumed");
  // The densification at 30 made the working set too small for a training view.
  CHECK(saved.step >= 30);
  CHECK(saved.step < 40);
  CHECK_FALSE(fs::exists(dir / "resumed" / "point_cloud.ply"));
  auto second = run_options(dir / "resumed", 40, with_budget("4MiB"));
  second.resume = true;
  run_training(second);
  check_same_model(final_state(dir / "straight").gaussians, final_state(dir / "resumed").gaussians,
                   0.0);
}

// The same for a test view: training ends, the final evaluation is refused, the state after the
// last step is saved, and resuming with more budget only evaluates and exports.
TEST_CASE("offload: an evaluation view the working set cannot hold saves the state first",
          "[offload]") {
  const test::TempDir dir("splat-offload-eq");
  // One camera per batch: after the densification at 30 every training view still fits, a test
  // view does not. Dense Adam: deferred rows' drifting spheres (offload/deferred_drift.hpp)
  // would add to every training view's set what this fine line between them leaves no room for.
  const std::vector<std::string> growing = {"mode=offload", "train.batch_size=1",
                                            "densify.grad_threshold=0.00001",
                                            "offload.gpu_budget=2MiB", "optimizer.untouched=dense"};
  auto first = run_options(dir / "run", 40, growing);
  CHECK_THROWS_WITH(run_training(first), Catch::Contains("test view") &&
                                             Catch::Contains("raise offload.gpu_budget") &&
                                             Catch::Contains("after step 40 is saved"));
  CHECK(final_state(dir / "run").step == 40);
  CHECK_FALSE(fs::exists(dir / "run" / "point_cloud.ply"));
  auto second = run_options(dir / "run", 40, growing);
  second.overrides.push_back("offload.gpu_budget=4MiB");
  second.resume = true;
  run_training(second);
  CHECK(fs::exists(dir / "run" / "point_cloud.ply"));
}

TEST_CASE("offload: a budget whose working set cannot hold a camera's view is refused",
          "[offload]") {
  const test::TempDir dir("splat-offload-eq");
  auto o = run_options(dir / "tiny", 10, {"mode=offload", "offload.gpu_budget=200KiB"});
  CHECK_THROWS_WITH(run_training(o), Catch::Contains("raise offload.gpu_budget"));
  o = run_options(dir / "bad", 10, {"mode=offload", "optimizer.untouched=lazy"});
  CHECK_THROWS_WITH(run_training(o), Catch::Contains("optimizer.untouched"));
}
