// Training runs on lego for the offload comparisons: one recipe with every kind of model change,
// the budgets, and comparisons of final checkpoints array by array.
#pragma once

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "io/checkpoint.hpp"
#include "shared_data.hpp"
#include "temp_dir.hpp"
#include "train/training_run.hpp"

namespace splat::test {

namespace fs = std::filesystem;

// Lego (random initialisation, cameras all around): each camera sees about a third of the
// Gaussians, so a small budget holds the working set of every view but far from the model.
inline const std::string kLego = test::shared_data("lego");

// Densification at 30, 60 and 90 and an opacity reset at 90: every kind of model change.
inline TrainRunOptions run_options(const fs::path& out, int iterations,
                                   std::vector<std::string> extra) {
  TrainRunOptions o;
  o.data_dir = kLego;
  o.out_dir = out.string();
  o.overrides = {"backend=cpu", "data.resolution=8",
                 "train.iterations=" + std::to_string(iterations),
                 "train.eval_at=[" + std::to_string(iterations) + "]", "train.batch_size=4",
                 "model.sh_degree=1", "model.random_init_count=20000",
                 "model.random_init_region=cameras",  // each camera sees a part of them
                 "model.sh_increase_every=40", "densify.from=20", "densify.interval=30",
                 "densify.opacity_reset_every=90", "densify.until=" + std::to_string(iterations),
                 // The budgets here are tight on purpose (rows leave and come back): plan them
                 // for the model as loaded, not for the default doubling.
                 "offload.plan_growth=1", "seed=11"};
  o.overrides.insert(o.overrides.end(), extra.begin(), extra.end());
  return o;
}

// A device budget far below the model: 2 MiB holds the culling set and a working set of about
// 7,000 Gaussians; the model's parameters and Adam state take 5.6 MB on the host (and resident
// training would need 7.6 MB of device memory).
inline const std::vector<std::string> kOffload = {"mode=offload", "offload.gpu_budget=2MiB"};

// A resident run and an offload run of the same recipe, the offload one in the sampled camera
// order with dense Adam: what the exact comparisons compare.
inline std::pair<TrainRunOptions, TrainRunOptions> same_order_runs(
    const test::TempDir& dir, int steps, const std::vector<std::string>& extra) {
  auto resident = run_options(dir / "resident", steps, extra);
  auto offload = run_options(dir / "offload", steps, extra);
  offload.overrides.insert(offload.overrides.end(), kOffload.begin(), kOffload.end());
  offload.overrides.push_back("optimizer.untouched=dense");
  offload.overrides.push_back("scheduler.order=sampled");
  return {resident, offload};
}

// The recipe run into `out`, stopped after `stop_after` steps (it must report the interrupt),
// then resumed there to the end with the same configuration.
inline void run_stopped_and_resumed(const fs::path& out, int iterations, int stop_after,
                                    const std::vector<std::string>& extra) {
  auto first = run_options(out, iterations, extra);
  first.stop_after_steps = stop_after;
  CHECK(run_training(first).interrupted);
  auto second = run_options(out, iterations, extra);
  second.resume = true;
  run_training(second);
}

inline TrainingCheckpoint final_state(const fs::path& out) {
  return read_checkpoint((out / "checkpoints/latest.ckpt").string());
}

inline nlohmann::json metrics_of(const fs::path& out) {
  std::ifstream in(out / "metrics.json");
  return nlohmann::json::parse(in);
}

// Largest difference of two arrays relative to the first one's largest magnitude.
inline double relative_difference(const std::vector<float>& a, const std::vector<float>& b) {
  REQUIRE(a.size() == b.size());
  double scale = 0, diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    scale = std::max(scale, static_cast<double>(std::abs(a[i])));
    diff = std::max(diff, static_cast<double>(std::abs(a[i] - b[i])));
  }
  return scale > 0 ? diff / scale : diff;
}

// Every parameter and moment array within `tolerance` of the other run's, steps equal.
inline void check_same_model(const TrainableGaussians& a, TrainableGaussians b, double tolerance) {
  REQUIRE(a.size() == b.size());
  CHECK(a.adam_steps == b.adam_steps);
  const char* names[] = {"means", "log_scales", "rotations", "opacity_logits", "sh"};
  const GaussianModel* left[] = {&a.params, &a.adam_m, &a.adam_v};
  GaussianModel* right[] = {&b.params, &b.adam_m, &b.adam_v};
  for (int s = 0; s < 3; ++s) {
    auto l = row_arrays(const_cast<GaussianModel&>(*left[s]));
    auto r = row_arrays(*right[s]);
    for (std::size_t k = 0; k < l.size(); ++k) {
      INFO("state " << s << " (0 params, 1 m, 2 v), array " << names[k]);
      CHECK(relative_difference(*l[k].values, *r[k].values) <= tolerance);
    }
  }
}

inline void check_budget_kept(const fs::path& out) {
  const auto m = metrics_of(out);
  const auto peak = m["memory"]["peak_device_bytes"].get<std::size_t>();
  CHECK(peak > 0);
  CHECK(peak <= m["memory"]["device_budget_bytes"].get<std::size_t>());
}

}  // namespace splat::test
