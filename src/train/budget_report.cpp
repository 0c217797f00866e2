#include "train/budget_report.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/backend_select.hpp"
#include "core/byte_size.hpp"
#include "core/error.hpp"
#include "io/gaussian_ply.hpp"
#include "io/scene.hpp"
#include "offload/budget_need.hpp"
#include "offload/offload_engine.hpp"
#include "offload/offload_plan.hpp"
#include "train/planned_growth.hpp"
#include "train/render_backend.hpp"
#include "train/run_setup.hpp"

namespace splat {

namespace {

std::size_t floats_per_gaussian(int sh_degree) {
  std::size_t floats = 0;
  for (int a = 0; a < kAttributeCount; ++a)
    floats += attribute_width(static_cast<Attribute>(a), sh_degree);
  return floats;
}

// Resident training keeps parameters, both moments and the gradient of every Gaussian, plus
// its screen statistics (2D gradient norm sum, radius): on the device on CUDA, on the host on
// the CPU backend. The trainer's host model (parameters, moments, a step count) stays beside
// the device store on CUDA. The renderer's share per Gaussian and fixed part on CUDA come from
// the same estimate the offload plan uses.
ModePlan resident_plan(const TrainConfig& config, BackendKind backend, std::size_t budget,
                       std::size_t gaussians, std::size_t planned, std::size_t per_gaussian_render,
                       std::size_t render_fixed) {
  ModePlan p;
  p.mode = "resident";
  p.budget_key = "device.memory_budget";
  p.budget = budget;
  const std::size_t floats = floats_per_gaussian(config.sh_degree);
  const std::size_t store = 4 * floats * sizeof(float) + 3 * sizeof(float);
  const std::size_t step = sizeof(std::int32_t);
  p.host_bytes_per_gaussian =
      backend == BackendKind::Cpu ? store + step : 3 * floats * sizeof(float) + step;
  if (backend == BackendKind::Cpu) {
    p.working_set = gaussians;
    return p;  // no device: nothing to plan against
  }
  p.device_bytes_per_gaussian = store + per_gaussian_render;
  p.working_set = gaussians;
  p.allocated_bytes = p.device_bytes_per_gaussian * gaussians + render_fixed;
  p.minimum_budget = p.device_bytes_per_gaussian * planned + render_fixed;
  p.largest_gaussians =
      budget > render_fixed ? (budget - render_fixed) / p.device_bytes_per_gaussian : 0;
  p.fits = budget >= p.minimum_budget;
  return p;
}

}  // namespace

BudgetReport make_budget_report(const TrainConfig& config, BackendKind backend, std::size_t budget,
                                std::size_t resident_budget, const ModelReader& model,
                                const std::vector<SurveyCamera>& cameras, int step) {
  BudgetReport report;
  report.backend = backend_kind_name(backend);
  report.gaussians = model.size();
  report.sh_degree = model.sh_degree();
  report.survey = survey_visibility(model, cameras);
  report.visible_fraction = report.survey.largest_fraction();
  const ModelGrowth growth = planned_growth(config);
  report.planned_gaussians = growth.planned(report.gaussians, step);
  report.growth = growth.reason(report.gaussians, step);

  std::vector<PinholeCamera> views;
  for (const SurveyCamera& c : cameras) views.push_back(c.camera);
  struct Streamed {
    const char* name;
    const char* mode;
    const char* resident;
    const char* culling;
  };
  OffloadOptions render_share;
  for (const Streamed& s : {Streamed{"naive", "naive", "culling", "gaussians"},
                            Streamed{"offload", "offload", "culling", "gaussians"},
                            Streamed{"offload-chunks", "offload", "culling", "chunks"},
                            Streamed{"offload-geometry", "offload", "geometry", "gaussians"}}) {
    TrainConfig c = config;
    c.mode = s.mode;
    c.offload.resident = s.resident;
    c.offload.culling = s.culling;
    const OffloadOptions options = offload_options_for(c, backend, views);
    render_share = options;
    // Culling by chunks takes no device scratch for culling.
    const auto scratch = [&](std::size_t culled) {
      return device_rows_scratch(backend, options.chunk_culling ? 0 : culled);
    };
    OffloadPlanInput in = plan_input_for(options, budget, report.gaussians, report.sh_degree,
                                         scratch(options.whole_model ? 0 : report.gaussians));
    in.visible_fraction = options.whole_model ? 1.0 : report.visible_fraction;
    const OffloadPlan plan = plan_offload(in);
    const BudgetNeed need =
        budget_need(in, report.survey, report.planned_gaussians, report.growth, scratch);
    ModePlan p;
    p.mode = s.name;
    p.budget_key = "offload.gpu_budget";
    p.budget = budget;
    p.device_bytes_per_gaussian = plan.device_bytes_per_gaussian;
    p.device_bytes_per_row = plan.slot_bytes;
    p.host_bytes_per_gaussian = plan.host_bytes_per_gaussian;
    p.working_set = plan.capacity;
    p.allocated_bytes = plan.capacity > 0 ? plan.allocated_bytes() : 0;
    p.minimum_budget = need.minimum_budget;
    p.largest_gaussians = plan.largest_gaussians;
    p.fits = need.met_by(budget) && plan.capacity > 0;
    report.modes.push_back(p);
  }
  report.modes.insert(
      report.modes.begin(),
      resident_plan(config, backend, resident_budget, report.gaussians, report.planned_gaussians,
                    render_share.render_row_bytes, render_share.render_reserve));
  report.disk =
      plan_disk_tier(config.offload.host_budget, config.offload.chunk_rows, report.sh_degree,
                     report.planned_gaussians, config.spatial_order != "none");
  return report;
}

std::string BudgetReport::text() const {
  std::string out = str_cat("model: ", gaussians, " Gaussians, SH degree ", sh_degree, "; backend ",
                            backend, "\n", "largest visible set: ", survey.largest, " (",
                            std::round(visible_fraction * 1000) / 10, "%) at camera ",
                            survey.largest_camera, "; ", survey.method(), "\n", "planned for ",
                            planned_gaussians, " Gaussians: ", growth, "\n\n");
  char line[256];
  std::snprintf(line, sizeof line, "%-17s %11s %9s %10s %12s %13s %13s %14s  %s\n", "mode",
                "device B/G", "B/row", "host B/G", "working set", "laid out", "minimum",
                "largest N", "budget");
  out += line;
  for (const ModePlan& m : modes) {
    const bool device =
        m.budget > 0 && (m.device_bytes_per_gaussian > 0 || m.device_bytes_per_row > 0);
    std::snprintf(
        line, sizeof line, "%-17s %11zu %9zu %10zu %12zu %13s %13s %14s  %s\n", m.mode.c_str(),
        m.device_bytes_per_gaussian, m.device_bytes_per_row, m.host_bytes_per_gaussian,
        m.working_set,
        device && m.allocated_bytes > 0 ? format_bytes(m.allocated_bytes).c_str() : "-",
        device ? format_budget(m.minimum_budget).c_str() : "-",
        device ? std::to_string(m.largest_gaussians).c_str() : "-",
        device ? str_cat(m.budget_key, "=", format_bytes(m.budget), m.fits ? "" : " (too small)")
                     .c_str()
               : "(no device)");
    out += line;
  }
  if (disk.enabled) out += "\n" + disk.describe() + "\n";
  out +=
      "\nB/G: bytes per Gaussian of the model; B/row: per working-set row; minimum: the smallest "
      "budget for the whole run (every camera, the planned size, the drift margin); largest N: "
      "the most Gaussians the budget holds at this scene's visible fraction\n";
  return out;
}

std::string BudgetReport::json() const {
  nlohmann::json modes_json = nlohmann::json::object();
  for (const ModePlan& m : modes)
    modes_json[m.mode] = {{"budget_key", m.budget_key},
                          {"budget", m.budget},
                          {"device_bytes_per_gaussian", m.device_bytes_per_gaussian},
                          {"device_bytes_per_row", m.device_bytes_per_row},
                          {"host_bytes_per_gaussian", m.host_bytes_per_gaussian},
                          {"host_bytes", m.host_bytes_per_gaussian * gaussians},
                          {"working_set", m.working_set},
                          {"allocated_bytes", m.allocated_bytes},
                          {"minimum_budget", m.minimum_budget},
                          {"largest_gaussians", m.largest_gaussians},
                          {"fits", m.fits}};
  const nlohmann::json report = {
      {"backend", backend},
      {"gaussians", gaussians},
      {"sh_degree", sh_degree},
      {"largest_visible", survey.largest},
      {"largest_camera", survey.largest_camera},
      {"visible_fraction", visible_fraction},
      {"survey",
       {{"exact", survey.exact()},
        {"stride", survey.stride},
        {"cameras", survey.cameras},
        {"method", survey.method()}}},
      {"planned_gaussians", planned_gaussians},
      {"growth", growth},
      {"modes", modes_json},
      {"disk_tier", disk.enabled
                        ? nlohmann::json{{"chunk_rows", disk.chunk_rows},
                                         {"chunk_bytes", disk.chunk_bytes},
                                         {"resident_chunks", disk.resident_chunks},
                                         {"store_bytes", disk.store_bytes},
                                         {"host_bytes", disk.host_bytes},
                                         {"disk_bytes", disk.disk_bytes},
                                         {"disk_bytes_reordering", disk.disk_bytes_reordering}}
                        : nlohmann::json(nullptr)}};
  return report.dump(2) + "\n";
}

DatasetPlan plan_dataset(const std::string& data_dir, const std::string& config_file,
                         const std::vector<std::string>& overrides,
                         const std::string& checkpoint_path) {
  ResolvedConfig resolved = resolve_run_config(data_dir, config_file, overrides, checkpoint_path);
  const TrainConfig& config = resolved.config;
  auto backend = make_backend(config.backend);
  const Scene scene = load_scene(data_dir, config.data);
  SPLAT_REQUIRE(!scene.train.empty(), data_dir, ": the dataset has no training views");
  std::vector<SurveyCamera> cameras;
  for (const auto* views : {&scene.train, &scene.test})
    for (const SceneView& v : *views) cameras.push_back({v.name, v.camera});

  // The model the run would start from, read in blocks where it is a file (a checkpoint,
  // model.init_ply: planning a 100M-Gaussian model never holds it), else the initial model
  // train builds from the points.
  TrainableGaussians initial;
  std::unique_ptr<ModelReader> reader;
  const ModelReader* model = nullptr;
  if (resolved.checkpoint) {
    model = &resolved.checkpoint->model();
  } else if (!config.init_ply.empty()) {
    reader = std::make_unique<GaussianPlyReader>(config.init_ply);
    SPLAT_REQUIRE(reader->sh_degree() == config.sh_degree, config.init_ply, ": stores SH degree ",
                  reader->sh_degree(), " but model.sh_degree is ", config.sh_degree);
    model = reader.get();
  } else {
    initial.params = initial_model(config, scene);
    reader = std::make_unique<TrainableGaussiansReader>(initial);
    model = reader.get();
  }
  TrainConfig resident = config;
  resident.offload.gpu_budget = config.device_memory_budget;
  const std::size_t resident_budget =
      backend->kind() == BackendKind::Cpu ? 0 : offload_budget(resident, *backend);
  DatasetPlan plan;
  plan.train_views = scene.train.size();
  plan.test_views = scene.test.size();
  plan.report =
      make_budget_report(config, backend->kind(), offload_budget(config, *backend), resident_budget,
                         *model, cameras, resolved.checkpoint ? resolved.checkpoint->step() : 0);
  return plan;
}

}  // namespace splat
