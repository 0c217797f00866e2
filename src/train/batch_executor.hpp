// What the trainer asks of the component that runs one optimizer step: render, differentiate and
// optimise a batch of views, render single views for evaluation, and hand the model to the host
// (densification, checkpoints, export) and take it back. The resident executor runs the batch
// over a ParameterStore; the offload engine (offload/) streams each view's visible Gaussians
// through a bounded working set instead. The trainer's recipe (sampling, schedules,
// densification decisions) is the same for both.
#pragma once

#include <cmath>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "math/adam.hpp"
#include "model/densification.hpp"
#include "model/model_reader.hpp"
#include "model/trainable_gaussians.hpp"
#include "train/parameter_store.hpp"
#include "train/view_renderer.hpp"
#include "train/view_source.hpp"

namespace splat {

struct BatchRequest {
  const std::vector<int>* views;  // indices into `source`, in the order they were sampled
  ViewSource* source;
  // The views the next batch will probably take (may be null or empty): an executor with a disk
  // tier reads their Gaussians ahead.
  const std::vector<int>* next_views = nullptr;
  int step;  // the optimizer step this batch takes (1-based)
  int active_sh_degree;
  const float* background;  // 3 floats
  float ssim_weight;
  // Receives every view's screen-space statistics (global ids); null when densification no
  // longer needs them.
  DensificationStrategy* observer;
  // Learning rates of any optimizer step (executors that update rows lazily replay earlier
  // steps' rates).
  std::function<StepRates(int step)> rates_at;
  AdamHyper hyper;
};

struct BatchResult {
  double loss_sum = 0;  // over the batch's views
  double mse_sum = 0;
};

// What an executor that streams Gaussians moved and where its time went (all zero for the
// resident executor). Seconds of asynchronous phases are summed over the threads that ran them.
struct ExecutorMetrics {
  bool streamed = false;
  std::size_t h2d_bytes = 0;
  std::size_t d2h_bytes = 0;
  std::size_t loaded_gaussians = 0;                // copied to the device over the run
  std::size_t loaded_gaussians_sampled_order = 0;  // what the order as drawn would have loaded
  std::size_t loaded_gaussians_lower_bound = 0;    // each batch's distinct visible Gaussians
  // What the camera sequence requires at least: each batch's distinct visible Gaussians once
  // each way.
  std::size_t h2d_bytes_lower_bound = 0, d2h_bytes_lower_bound = 0;
  // Culling work over the run: spheres tested (every Gaussian per camera, or with chunk culling
  // those of the candidate blocks) and Gaussians kept.
  std::size_t culling_tested_rows = 0, culling_visible_rows = 0;
  // Locality of the store's row order: each batch's distinct visible Gaussians, and the rows of
  // the store chunks (GaussianStore::kChunkRows) holding them, summed over batches.
  std::size_t touched_rows = 0, touched_chunk_rows = 0;
  // The disk tier (offload.host_budget): bytes read from and written to the spill file, the
  // seconds the reads took (summed over the reads, which run up to four at a time: bytes over
  // them is one read stream's rate), the spill device's sequential read rate (one stream)
  // measured at the start, chunks a batch needed and found in host memory, and the most chunks
  // held at once.
  struct Disk {
    bool enabled = false;
    std::size_t read_bytes = 0, write_bytes = 0;
    double read_seconds = 0, peak_read_bytes_per_second = 0;
    std::size_t chunk_uses = 0, chunk_hits = 0, chunk_bytes = 0, chunk_rows = 0, resident_limit = 0,
                peak_resident_chunks = 0, file_bytes = 0;
  } disk;
  // Pinned-copy peak measured when the executor started (bytes per second; 0 if not measured).
  double peak_h2d_bytes_per_second = 0, peak_d2h_bytes_per_second = 0;
  std::size_t peak_probe_bytes = 0;
  // The offload plan the run started with (offload and naive modes): the arena budget, the
  // working-set rows, what the layout takes of the arena, the smallest budget for the whole run
  // and the survey it rests on.
  struct Plan {
    std::size_t budget = 0, capacity = 0, allocated_bytes = 0, minimum_budget = 0;
    std::size_t largest_visible = 0, planned_gaussians = 0;
    std::string largest_camera;
  } plan;
  // Views (training and evaluation) whose tile pairs outgrew the renderer's share of the budget
  // and were rendered in bands of tiles, and those bands together.
  std::size_t banded_views = 0, tile_bands = 0;
  std::size_t images = 0;  // training views rendered
  std::size_t batches = 0;
  struct Seconds {
    // device_adam: geometry Adam on the device (offload.resident: geometry). idle: the
    // engine's thread waiting (for staging, the GPU, the Adam worker). compute_waits_for_uploads:
    // the compute stream standing still until a chunk's upload arrived, on its own clock (the
    // device's on CUDA): the GPU idle that transfers cause.
    double culling = 0, scheduling = 0, gather = 0, h2d = 0, render_forward = 0,
           render_backward = 0, d2h = 0, cpu_adam = 0, device_adam = 0, idle = 0,
           compute_waits_for_uploads = 0, batches = 0;
    // The disk tier: the engine's thread making a batch's chunks resident (reads not done
    // ahead, write-back of what leaves for them).
    double disk_waits = 0;
  } seconds;
};

class BatchExecutor {
 public:
  virtual ~BatchExecutor() = default;
  // Forward, loss and backward of every view, gradients averaged over the batch, one Adam step.
  // Throws BudgetRefusal only before changing anything (a view that cannot fit the budget).
  virtual BatchResult run_batch(const BatchRequest& request) = 0;
  // Renders one view with the current parameters (the image stays in the renderer).
  virtual void render(const PinholeCamera& camera, int active_sh_degree,
                      const float background[3]) = 0;
  virtual std::size_t size() const = 0;
  // Brings `host` up to date with every parameter, moment and step count (after `step`
  // optimizer steps); and makes the executor's copy match `host` after the host changed it.
  virtual void pull(TrainableGaussians& host, int step) = 0;
  virtual void push(const TrainableGaussians& host) = 0;
  // True when the executor keeps the whole model itself, so the host copy may be released
  // between pulls; false when it works on the host copy in place.
  virtual bool holds_model() const = 0;
  // Replaces the model with `model` (a resumed checkpoint's). This default reads it into
  // `host` and pushes that; the offload engine reads it straight into its store.
  virtual void load_model(const ModelReader& model, TrainableGaussians& host) {
    host = read_trainable(model, 0, model.size());
    push(host);
  }
  // The model after optimizer step `step`, to save (checkpoint, export); valid until the next
  // call that changes the model. This default pulls it into `host`; the offload engine reads
  // its store in place, so saving makes no host copy of the model.
  virtual std::unique_ptr<ModelReader> read_model(TrainableGaussians& host, int step) {
    pull(host, step);
    return std::make_unique<TrainableGaussiansReader>(host);
  }
  // Densification after optimizer step `step`, on the executor's model. This default brings the
  // model to `host`, lets the strategy edit it there and hands it back if it changed; the
  // offload engine lets the strategy edit its store in place instead.
  virtual DensifyReport densify(DensificationStrategy& strategy, int step,
                                TrainableGaussians& host) {
    pull(host, step);
    const DensifyReport report = strategy.after_step(step, host);
    if (report.changed()) push(host);
    return report;
  }
  virtual ExecutorMetrics metrics() const { return {}; }
};

// The resident executor: every view renders the whole model from `store`.
std::unique_ptr<BatchExecutor> make_resident_executor(std::unique_ptr<ParameterStore> store,
                                                      ViewRenderer& renderer);

// Checks shared by the executors, with the messages users see (inline: offload/ implements
// executors without linking the trainer).
inline void check_view_image(const ViewSource& source, int view, const ViewImage& truth) {
  const PinholeCamera& camera = source.camera(view);
  SPLAT_REQUIRE(truth.width == camera.width && truth.height == camera.height, "image ",
                source.name(view), " is ", truth.width, "x", truth.height, " but its camera is ",
                camera.width, "x", camera.height);
}

inline void check_view_loss(const ViewSource& source, int view, int step, const LossValue& value) {
  SPLAT_REQUIRE(std::isfinite(value.loss), "the loss of view ", source.name(view), " at step ",
                step, " is not finite: training diverged");
}

}  // namespace splat
