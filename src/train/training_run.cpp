#include "train/training_run.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "core/byte_size.hpp"
#include "core/error.hpp"
#include "core/host_memory.hpp"
#include "core/interrupt.hpp"
#include "core/log.hpp"
#include "io/checkpoint.hpp"
#include "io/gaussian_ply.hpp"
#include "io/image_cache.hpp"
#include "io/scene.hpp"
#include "train/metric_history.hpp"
#include "train/progress.hpp"
#include "train/render_backend.hpp"
#include "train/run_outputs.hpp"
#include "train/run_setup.hpp"
#include "train/trainer.hpp"

namespace splat {

namespace {

using Clock = std::chrono::steady_clock;

ResolvedConfig resolve_config(const TrainRunOptions& options) {
  std::string checkpoint_path = options.resume_from;
  if (checkpoint_path.empty() && options.resume)
    checkpoint_path = RunOutputs::checkpoint_path_in(options.out_dir);
  return resolve_run_config(options.data_dir, options.config_file, options.overrides,
                            checkpoint_path);
}

nlohmann::json evaluation_json(const Evaluation& e) {
  nlohmann::json views = nlohmann::json::array();
  for (const ViewScore& v : e.views)
    views.push_back({{"name", v.name}, {"psnr", v.psnr}, {"ssim", v.ssim}});
  return {{"step", e.step},
          {"psnr", e.views.empty() ? nlohmann::json() : nlohmann::json(e.mean_psnr)},
          {"ssim", e.views.empty() ? nlohmann::json() : nlohmann::json(e.mean_ssim)},
          {"views", e.views.size()},
          {"per_view", views}};
}

std::string evaluation_line(const Evaluation& e) {
  if (e.views.empty()) return str_cat("[step ", e.step, "] no test views to evaluate");
  char text[160];
  std::snprintf(text, sizeof text, "[step %d] test: PSNR %.2f dB, SSIM %.4f over %zu views", e.step,
                e.mean_psnr, e.mean_ssim, e.views.size());
  return text;
}

// Transfers and per-phase seconds of an offload or naive run (seconds of asynchronous phases
// are summed over the threads that ran them, so phases overlap and may sum past the wall time).
nlohmann::json offload_json(const ExecutorMetrics& m, double train_seconds, int steps_run) {
  const auto& s = m.seconds;
  const double per_batch = m.batches > 0 ? 1.0 / static_cast<double>(m.batches) : 0.0;
  const auto gbps = [](std::size_t bytes, double seconds) {
    return seconds > 0 ? static_cast<double>(bytes) / seconds / 1e9 : 0.0;
  };
  const double h2d_gbps = gbps(m.h2d_bytes, s.h2d), d2h_gbps = gbps(m.d2h_bytes, s.d2h);
  const double peak_h2d = m.peak_h2d_bytes_per_second / 1e9;
  const double peak_d2h = m.peak_d2h_bytes_per_second / 1e9;
  const nlohmann::json phases = {{"culling", s.culling},
                                 {"scheduling", s.scheduling},
                                 {"gather", s.gather},
                                 {"h2d", s.h2d},
                                 {"render_forward", s.render_forward},
                                 {"render_backward", s.render_backward},
                                 {"d2h", s.d2h},
                                 {"cpu_adam", s.cpu_adam},
                                 {"device_adam", s.device_adam},
                                 {"idle", s.idle},
                                 {"compute_waits_for_uploads", s.compute_waits_for_uploads},
                                 {"disk_waits", s.disk_waits},
                                 {"batches", s.batches}};
  nlohmann::json per_batch_phases;
  for (const auto& [name, seconds] : phases.items())
    per_batch_phases[name] = seconds.get<double>() * per_batch;
  const nlohmann::json plan = {{"budget", m.plan.budget},
                               {"capacity", m.plan.capacity},
                               {"allocated_bytes", m.plan.allocated_bytes},
                               {"minimum_budget", m.plan.minimum_budget},
                               {"largest_visible", m.plan.largest_visible},
                               {"largest_camera", m.plan.largest_camera},
                               {"planned_gaussians", m.plan.planned_gaussians}};
  const ExecutorMetrics::Disk& d = m.disk;
  // The disk tier: what it moved against the spill device's measured sequential read rate, how
  // often a batch found its chunks in host memory, and the locality the row order bought (rows
  // of the chunks read over the visible rows they were read for).
  const nlohmann::json disk =
      !d.enabled
          ? nlohmann::json(nullptr)
          : nlohmann::json{
                {"disk_read_bytes", d.read_bytes},
                {"disk_write_bytes", d.write_bytes},
                {"disk_read_gbps", d.read_seconds > 0 ? d.read_bytes / d.read_seconds / 1e9 : 0.0},
                {"disk_peak_read_gbps", d.peak_read_bytes_per_second / 1e9},
                {"chunk_hit_rate",
                 d.chunk_uses > 0 ? double(d.chunk_hits) / double(d.chunk_uses) : 0.0},
                {"chunk_bytes", d.chunk_bytes},
                {"resident_chunk_limit", d.resident_limit},
                {"peak_resident_chunks", d.peak_resident_chunks},
                {"spill_file_bytes", d.file_bytes},
                {"read_bytes_over_visible_bytes",
                 m.touched_rows > 0 ? double(d.read_bytes) / (double(m.touched_rows) *
                                                              d.chunk_bytes / double(d.chunk_rows))
                                    : 0.0}};
  return {{"plan", plan},
          {"disk", disk},
          {"h2d_bytes", m.h2d_bytes},
          {"d2h_bytes", m.d2h_bytes},
          {"h2d_bytes_lower_bound", m.h2d_bytes_lower_bound},
          {"culling_tested_rows", m.culling_tested_rows},
          {"culling_visible_rows", m.culling_visible_rows},
          {"touched_rows", m.touched_rows},
          {"touched_chunk_rows", m.touched_chunk_rows},
          {"banded_views", m.banded_views},
          {"tile_bands", m.tile_bands},
          {"d2h_bytes_lower_bound", m.d2h_bytes_lower_bound},
          // Achieved: bytes over the time the copy stream spent on them (chunk copies, each
          // timed from start to completion on the stream).
          {"h2d_gbps", h2d_gbps},
          {"d2h_gbps", d2h_gbps},
          {"pinned_copy_peak",
           {{"h2d_gbps", peak_h2d}, {"d2h_gbps", peak_d2h}, {"probe_bytes", m.peak_probe_bytes}}},
          {"h2d_fraction_of_peak", peak_h2d > 0 ? h2d_gbps / peak_h2d : 0.0},
          {"d2h_fraction_of_peak", peak_d2h > 0 ? d2h_gbps / peak_d2h : 0.0},
          {"loaded_gaussians", m.loaded_gaussians},
          {"loaded_gaussians_sampled_order", m.loaded_gaussians_sampled_order},
          {"loaded_gaussians_lower_bound", m.loaded_gaussians_lower_bound},
          {"images", m.images},
          {"images_per_second", s.batches > 0 ? static_cast<double>(m.images) / s.batches : 0.0},
          {"schedule_seconds_per_batch", s.scheduling * per_batch},
          {"steps", steps_run},
          {"train_seconds", train_seconds},
          {"seconds", phases},
          {"seconds_per_batch", per_batch_phases}};
}

}  // namespace

TrainRunResult run_training(const TrainRunOptions& options) {
  ResolvedConfig resolved = resolve_config(options);
  // The disk tier's default folder is inside the run's output (the file in it is scratch).
  const bool default_spill_dir =
      resolved.config.offload.host_budget > 0 && resolved.config.offload.spill_dir.empty();
  if (default_spill_dir)
    resolved.config.offload.spill_dir = (std::filesystem::path(options.out_dir) / "spill").string();
  const TrainConfig& config = resolved.config;

  if (!resolved.dataset_line.empty()) log_info("dataset settings: ", resolved.dataset_line);
  if (!resolved.schedule_line.empty()) log_info(resolved.schedule_line);
  auto backend = make_render_backend(config);
  log_info("backend: ", backend->description());
  const Scene scene = load_scene(options.data_dir, config.data);
  log_info("dataset: ", scene.format, ", ", scene.train.size(), " training and ", scene.test.size(),
           " test views, ", scene.points.size() / 3, " points, extent ", scene.extent);
  SPLAT_REQUIRE(!scene.train.empty(), options.data_dir, ": the dataset has no training views");

  RunOutputs outputs(options.out_dir);
  outputs.write_config(resolved.yaml);
  if (default_spill_dir) std::filesystem::create_directories(config.offload.spill_dir);
  outputs.write_run_info(
      nlohmann::json{{"dataset", std::filesystem::absolute(options.data_dir).string()}}.dump() +
      "\n");

  // The model moves from its source to the trainer and on to the executor: never copied, and
  // given no host-side moments here (the trainer adds them only where the model stays on the
  // host; the offload store starts them at zero itself).
  TrainableGaussians initial;
  // An offload run from a PLY reads it straight into the store (no host copy of the model):
  // built on its first Gaussian like a resume, then Trainer::start_from.
  std::unique_ptr<GaussianPlyReader> streamed_ply;
  if (!resolved.checkpoint && !config.init_ply.empty() &&
      (config.mode == "offload" || config.mode == "naive")) {
    streamed_ply = std::make_unique<GaussianPlyReader>(config.init_ply);
    SPLAT_REQUIRE(streamed_ply->sh_degree() == config.sh_degree, config.init_ply,
                  ": stores SH degree ", streamed_ply->sh_degree(), " but model.sh_degree is ",
                  config.sh_degree);
    initial = read_trainable(*streamed_ply, 0, std::min<std::size_t>(streamed_ply->size(), 1));
  } else if (resolved.checkpoint) {
    // The trainer and its executor are built on the checkpoint's first Gaussian; restore()
    // then loads the whole model from the mapped file to where the executor keeps it.
    const ModelReader& model = resolved.checkpoint->model();
    initial = read_trainable(model, 0, std::min<std::size_t>(model.size(), 1));
  } else {
    initial.params = initial_model(config, scene);
  }
  log_info("initial Gaussians: ",
           resolved.checkpoint ? resolved.checkpoint->model().size()
           : streamed_ply      ? streamed_ply->size()
                               : initial.size(),
           resolved.checkpoint ? " (from the checkpoint)" : initial_model_source(config, scene));

  // The test views take a quarter of the image budget, the training views the rest.
  ImageCacheOptions train_cache_options = image_cache_options(config.data);
  ImageCacheOptions test_cache_options = train_cache_options;
  test_cache_options.budget_bytes = train_cache_options.budget_bytes / 4;
  train_cache_options.budget_bytes -= test_cache_options.budget_bytes;
  ImageCache train_views(scene.train, train_cache_options);
  ImageCache test_views(scene.test, test_cache_options);

  Trainer trainer(config, scene.extent, std::move(initial), train_views, backend->renderer(),
                  Trainer::ExecutorFactory([&](TrainableGaussians& host) {
                    return backend->make_executor(host, config, train_views, &test_views);
                  }));
  if (resolved.checkpoint) {
    trainer.restore(*resolved.checkpoint);
    log_info("resumed at step ", trainer.steps_done());
  }
  if (streamed_ply) {
    trainer.start_from(*streamed_ply);
    streamed_ply.reset();
  }

  install_interrupt_handlers();
  ProgressReporter progress(config.iterations, config.log_every, stdout_is_terminal());
  std::vector<Evaluation> evaluations;
  TrainRunResult result;
  const auto save_checkpoint = [&] {
    trainer.save_checkpoint(outputs.checkpoint_path(), resolved.yaml);
  };
  const int first_step = trainer.steps_done();
  // A view the budget refuses mid-run (densification grew what a camera sees past the working
  // set) leaves the last completed step intact: save it, so hours of training resume with a
  // larger budget instead of starting over.
  const auto saving_on_refusal = [&](auto&& work) {
    try {
      return work();
    } catch (const BudgetRefusal& refusal) {
      progress.finish();
      if (trainer.steps_done() == first_step) throw;  // nothing new to save
      save_checkpoint();
      // The budget the refusal names first is the one to raise.
      const std::string what = refusal.what();
      const char* key =
          what.rfind("offload.host_budget", 0) == 0 ? "offload.host_budget" : "offload.gpu_budget";
      throw BudgetRefusal(str_cat(what, ". The training state after step ", trainer.steps_done(),
                                  " is saved in ", outputs.checkpoint_path(),
                                  ": continue with --resume --set ", key, "=..."));
    }
  };
  const auto start = Clock::now();
  const auto seconds_since_start = [&] {
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  MetricHistory history;
  if (config.snapshot_every > 0) outputs.make_snapshot_folder();
  // metrics.json as it stands after `evaluations`, for the end of the run and for snapshots.
  const auto run_metrics = [&](double train_seconds) {
    const int steps_run = trainer.steps_done() - first_step;
    nlohmann::json evaluated = nlohmann::json::array();
    for (const Evaluation& e : evaluations)
      evaluated.push_back({{"step", e.step}, {"psnr", e.mean_psnr}, {"ssim", e.mean_ssim}});
    nlohmann::json metrics = {
        {"iterations", trainer.steps_done()},
        {"num_gaussians", trainer.gaussian_count()},
        {"train_seconds", train_seconds},
        {"steps_run", steps_run},
        {"images_per_second",
         train_seconds > 0 ? steps_run * config.batch_size / train_seconds : 0.0},
        {"backend", backend_kind_name(backend->kind())},
        {"mode", config.mode},
        {"evaluations", evaluated},
        {"history", history.to_json()},
        {"memory",
         {{"peak_device_bytes", backend->peak_device_bytes()},
          {"device_budget_bytes", backend->device_budget()},
          {"peak_host_bytes", peak_host_resident_bytes()}}},
        {"dataset",
         {{"path", options.data_dir},
          {"format", scene.format},
          {"train_views", scene.train.size()},
          {"test_views", scene.test.size()},
          {"extent", scene.extent}}},
        {"image_cache", train_views.summary()},
    };
    const ExecutorMetrics streamed = trainer.executor_metrics();
    if (streamed.streamed) metrics["offload"] = offload_json(streamed, train_seconds, steps_run);
    return metrics;
  };
  while (trainer.steps_done() < config.iterations) {
    const StepStats stats = saving_on_refusal([&] { return trainer.step(); });
    const int step = trainer.steps_done();
    progress.update({step, stats.loss, stats.psnr, trainer.gaussian_count(),
                     backend->peak_device_bytes(), current_host_resident_bytes(),
                     static_cast<double>(config.batch_size)});
    HistoryStep sample{step, stats.loss, stats.psnr};
    if (history.point_due()) {
      sample.gaussians = trainer.gaussian_count();
      sample.device_bytes = backend->peak_device_bytes();
      sample.host_bytes = current_host_resident_bytes();
      sample.seconds = seconds_since_start();
      sample.images = static_cast<double>(step - first_step) * config.batch_size;
      const ExecutorMetrics m = trainer.executor_metrics();
      if (m.streamed) {
        sample.streamed = true;
        sample.h2d_bytes = static_cast<double>(m.h2d_bytes);
        sample.h2d_seconds = m.seconds.h2d;
        sample.batch_seconds = m.seconds.batches;
        sample.upload_wait_seconds = m.seconds.compute_waits_for_uploads;
      }
    }
    history.add(sample);
    const bool last = step == config.iterations;
    if (!last && config.snapshot_every > 0 && step % config.snapshot_every == 0) {
      trainer.export_model(outputs.snapshot_model_path());
      nlohmann::json snapshot = run_metrics(seconds_since_start());
      snapshot["snapshot_step"] = step;
      outputs.write_snapshot_metrics(snapshot.dump() + "\n");
    }
    if (!last &&
        std::find(config.eval_at.begin(), config.eval_at.end(), step) != config.eval_at.end()) {
      evaluations.push_back(saving_on_refusal([&] { return trainer.evaluate(test_views); }));
      progress.message(evaluation_line(evaluations.back()));
    }
    if (!last && config.checkpoint_every > 0 && step % config.checkpoint_every == 0)
      save_checkpoint();
    if (interrupt_requested() ||
        (options.stop_after_steps > 0 && step - first_step >= options.stop_after_steps)) {
      save_checkpoint();
      progress.finish();
      log_info("stopped at step ", step, "; checkpoint written to ", outputs.checkpoint_path(),
               " (continue with --resume)");
      result.steps_done = step;
      result.interrupted = true;
      return result;
    }
  }
  progress.finish();
  const double train_seconds = seconds_since_start();

  const Evaluation final_eval = saving_on_refusal([&] {
    return trainer.evaluate(
        test_views, [&](std::size_t index, const ViewImage& render, const ViewImage& truth) {
          outputs.write_test_render(test_views.name(index), render, truth);
        });
  });
  log_info(evaluation_line(final_eval));
  evaluations.push_back(final_eval);

  trainer.export_model(outputs.model_path());
  save_checkpoint();

  nlohmann::json metrics = run_metrics(train_seconds);
  nlohmann::json test = evaluation_json(final_eval);
  test.erase("step");
  metrics["test"] = test;
  outputs.write_metrics(metrics.dump(2) + "\n");
  log_info("outputs in ", outputs.folder(), ": point_cloud.ply, metrics.json, test/, checkpoints/");

  result.steps_done = trainer.steps_done();
  result.test_psnr = final_eval.mean_psnr;
  result.test_ssim = final_eval.mean_ssim;
  return result;
}

}  // namespace splat
