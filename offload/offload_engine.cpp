// The engine's life cycle and one batch from start to end: construction, the model in and out
// (push, load, read, pull, densify), evaluation renders, and run_batch, which plans the batch
// (offload_engine_culling.cpp), queues its inbound chunks (offload_engine_transfers.cpp), runs
// each camera's step here and finishes with write-back and Adam (offload_engine_write_back.cpp).
// The plan and the arena layout are in offload_engine_planning.cpp.
#include "offload/offload_engine.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>

#include "core/byte_size.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "offload/copy_bandwidth.hpp"
#include "offload/phase_timer.hpp"
#include "offload/store_densify_target.hpp"
#include "offload/store_model_reader.hpp"

namespace splat {

namespace {

std::string format_gbps(double bytes_per_second) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f GB/s", bytes_per_second / 1e9);
  return text;
}

// Runs renderer work for one view and names the view in a failure: on CUDA the renderer's
// workspaces come from the engine's arena, and a view that needs more than the plan left is
// refused there (the arena's message names the budget and what to raise).
template <class Work>
auto for_view(const std::string& name, std::size_t gaussians, Work&& work) {
  try {
    return work();
  } catch (const Error& e) {
    fail("camera ", name, " (", gaussians, " Gaussians in the working set): ", e.what());
  }
}

}  // namespace

OffloadEngine::OffloadEngine(Backend& backend, DeviceArena& arena, Stream& compute,
                             ViewRenderer& renderer, std::unique_ptr<DeviceRows> rows,
                             const OffloadOptions& options, const TrainableGaussians& initial,
                             const ViewSource& train_views, const ViewSource* eval_views)
    : backend_(backend),
      arena_(arena),
      compute_(compute),
      renderer_(renderer),
      rows_(std::move(rows)),
      options_(options),
      train_views_(train_views),
      eval_views_(eval_views),
      streamed_geometry_width_(options.resident_geometry ? 0 : kGeometryWidth),
      store_(backend, initial.params.sh_degree, options.store_chunk_rows),
      adam_(store_, options.untouched, options.resident_geometry),
      partials_(streamed_geometry_width_, store_.width(ParamGroup::Appearance)),
      copy_(backend.create_stream()),
      copy_back_(backend.create_stream()) {
  SPLAT_REQUIRE(!(options.chunk_culling && options.resident_geometry),
                "culling by chunks needs streamed geometry: resident geometry culls on the GPU");
  SPLAT_REQUIRE(!(options.host_budget > 0 && options.resident_geometry),
                "offload.host_budget needs offload.resident: culling (resident geometry copies "
                "the whole store's geometry at once)");
  for (InHalf& h : in_) {
    h.gathered = std::make_unique<CpuEvent>();
    h.partials_added = std::make_unique<CpuEvent>();
    h.h2d_done = backend.create_event();
    h.unpacked = backend.create_event();
  }
  for (OutHalf& h : out_) {
    h.adam_done = std::make_unique<CpuEvent>();
    h.packed = backend.create_event();
    h.d2h_done = backend.create_event();
  }
  metrics_.streamed = true;
  const CopyBandwidth peak = measure_copy_bandwidth(backend, arena, *copy_);
  metrics_.peak_h2d_bytes_per_second = peak.h2d_bytes_per_second;
  metrics_.peak_d2h_bytes_per_second = peak.d2h_bytes_per_second;
  metrics_.peak_probe_bytes = peak.probe_bytes;
  log_info("pinned copy peak: ", format_gbps(peak.h2d_bytes_per_second), " to the device, ",
           format_gbps(peak.d2h_bytes_per_second), " back (", format_bytes(peak.probe_bytes),
           " copies)");
  if (options_.host_budget > 0) enable_disk_tier();
  push(initial);
}

OffloadEngine::~OffloadEngine() {
  synchronize_all();
}

ExecutorMetrics OffloadEngine::metrics() const {
  ExecutorMetrics m = metrics_;
  const BandedRendering banded = renderer_.banded_rendering();
  m.banded_views = banded.views;
  m.tile_bands = banded.bands;
  return m;
}

// Said once a run: a view with more tile pairs than the budget left the renderer still trains
// exactly, but sorts and rasterizes in several passes.
void OffloadEngine::note_banded_rendering(const std::string& camera) {
  if (banding_noted_) return;
  const BandedRendering banded = renderer_.banded_rendering();
  if (banded.views == 0) return;
  banding_noted_ = true;
  log_info("camera ", camera, " has ", banded.most_pairs, " Gaussian-tile pairs, more than the ",
           banded.pair_limit,
           " the budget leaves the renderer: views like it render in bands of tiles, the same "
           "result in more passes (offload.banded_views in metrics.json counts them; a larger "
           "offload.gpu_budget avoids it)");
}

void OffloadEngine::synchronize_all() noexcept {
  for (Stream* s : {static_cast<Stream*>(&gather_worker_), copy_.get(), copy_back_.get(), &compute_,
                    static_cast<Stream*>(&adam_worker_)}) {
    try {
      s->synchronize();
    } catch (...) {
      // Unwinding already reports the first failure; later ones are consequences.
    }
  }
}

void OffloadEngine::push(const TrainableGaussians& host) {
  synchronize_all();
  store_.load(host);
  adopt_store();
}

void OffloadEngine::adopt_store() {
  completed_step_ = 0;
  // Read-only access: with the disk tier a chunk read this way is not written back.
  const GaussianStore& store = store_;
  for (std::size_t i = 0; i < store.size(); ++i)
    completed_step_ = std::max(completed_step_, store.adam_steps(i));
  rebuild_device_side(/*whole_run=*/true);
  plan_shown_ = false;
}

void OffloadEngine::rebuild_device_side(bool whole_run) {
  synchronize_all();
  residency_.clear();
  partials_.clear();
  // Release the device side first: a plan for a new N may lay the arena out differently.
  working_set_ = WorkingSet();
  spheres_ = Buffer();
  geometry_ = DeviceGeometry();
  for (InHalf& h : in_) {
    h.incoming_geometry = Buffer(), h.incoming_appearance = Buffer(), h.incoming_ids = Buffer();
    h.incoming_grad_geometry = Buffer(), h.incoming_grad_appearance = Buffer();
  }
  for (OutHalf& h : out_) h.outgoing_geometry = Buffer(), h.outgoing_appearance = Buffer();
  rows_->release();
  renderer_.release_workspaces();  // they regrow after the new layout, not in its way
  replan(whole_run);
  if ((whole_run && !need_.met_by(plan_.input.budget)) || plan_.capacity == 0)
    refuse_budget(plan_, need_);
  if (whole_run) {  // the plan the run starts with, for metrics.json
    ExecutorMetrics::Plan& p = metrics_.plan;
    p.budget = plan_.input.budget;
    p.capacity = plan_.capacity;
    p.allocated_bytes = plan_.allocated_bytes();
    p.minimum_budget = need_.minimum_budget;
    p.largest_visible = need_.largest_visible;
    p.largest_camera = need_.largest_camera;
    p.planned_gaussians = need_.planned_gaussians;
  }
  allocate();
  if (options_.resident_geometry) geometry_.upload(store_, compute_);
  refresh_culling_all();
}

void OffloadEngine::load_model(const ModelReader& model, TrainableGaussians& /*host*/) {
  synchronize_all();
  store_.load(model);
  adopt_store();
}

std::unique_ptr<ModelReader> OffloadEngine::read_model(TrainableGaussians& /*host*/, int step) {
  synchronize_all();
  if (options_.resident_geometry) geometry_.download(store_, compute_);
  adam_.catch_up_all(step);  // deferred rows hold what dense Adam would have given them
  return std::make_unique<StoreModelReader>(store_);
}

DensifyReport OffloadEngine::densify(DensificationStrategy& strategy, int step,
                                     TrainableGaussians& /*host*/) {
  synchronize_all();
  if (options_.resident_geometry) geometry_.download(store_, compute_);
  // Deferred rows first take the steps they skipped: densification sees dense Adam's values.
  adam_.catch_up_all(step);
  StoreDensifyTarget target(store_);
  const DensifyReport report = strategy.after_step(step, target);
  // An opacity reset alone changes no position or scale: the culling set stays valid.
  if (report.rows_moved())
    rebuild_device_side();
  else if (report.opacity_reset && options_.resident_geometry)
    geometry_.upload(store_, compute_);
  return report;
}

OffloadPlanInput plan_input_for(const OffloadOptions& options, std::size_t budget,
                                std::size_t gaussians, int sh_degree,
                                const DeviceRowsScratch& scratch) {
  OffloadPlanInput in;
  in.budget = budget;
  in.gaussians = gaussians;
  in.sh_degree = sh_degree;
  in.whole_model = options.whole_model;
  in.resident_geometry = options.resident_geometry;
  in.chunk_culling = options.chunk_culling && !options.whole_model;
  in.sparse_adam = options.untouched == UntouchedPolicy::Skip;
  in.render_reserve = options.render_reserve;
  in.render_row_bytes = options.render_row_bytes;
  in.rows_scratch = scratch.fixed;
  in.rows_scratch_per_chunk_row = scratch.per_chunk_row;
  return in;
}

BatchResult OffloadEngine::run_batch(const BatchRequest& r) {
  const double batch_start = now_seconds();
  struct Guard {  // on failure, no queued task may outlive what it points to
    OffloadEngine* engine;
    ~Guard() {
      if (std::uncaught_exceptions()) {
        engine->synchronize_all();
        engine->store_.unpin_all();
      }
    }
  } guard{this};

  // Shown before the first step of the model it plans for (a resumed run's trainer starts on a
  // one-Gaussian placeholder, whose plan would only mislead).
  if (!plan_shown_) {
    log_info(plan_.describe());
    log_info("offload need: ", need_.describe());
    if (store_.spills()) warn_disk_tier_space();
    plan_shown_ = true;
  }
  const BatchPlan plan = plan_batch(r);
  const int cameras = static_cast<int>(r.views->size());
  adam_.begin_step(r.step, r.rates_at, r.hyper);
  {
    // Deferred: the rows about to be used first take the zero-gradient steps they skipped.
    PhaseTimer timer(metrics_.seconds.cpu_adam);
    adam_.catch_up(plan.touched.data(), plan.touched.size(), r.step - 1);
  }
  const float grad_scale = cameras > 1 ? 1.0f / static_cast<float>(cameras) : 1.0f;
  BatchResult result;
  const std::vector<std::size_t> first_chunk = queue_inbound_chunks(plan.schedule, cameras);
  for (int k = 0; k < cameras; ++k) run_step(r, plan, k, first_chunk, grad_scale, result);
  finish_batch(r, plan, grad_scale);
  completed_step_ = r.step;
  ++metrics_.batches;
  metrics_.seconds.batches += now_seconds() - batch_start;
  return result;
}

void OffloadEngine::run_step(const BatchRequest& r, const BatchPlan& plan, int k,
                             const std::vector<std::size_t>& first_chunk, float grad_scale,
                             BatchResult& result) {
  const std::vector<int>& views = *r.views;
  const ViewSchedule& schedule = plan.schedule;
  const std::vector<std::string>& names = plan.names;
  const int view = views[schedule.order[k]];
  // Rows the device lacks: staging -> incoming (copy stream) -> slots (compute stream).
  for (std::size_t c = first_chunk[k]; c < first_chunk[k + 1]; ++c) load(c);
  // The next camera's first rows are gathered while this one renders.
  gather_through(first_chunk[k + 1]);

  const auto truth = r.source->image(view);
  check_view_image(*r.source, view, *truth);
  const std::size_t count = residency_.size();
  {
    PhaseTimer timer(metrics_.seconds.render_forward);
    if (backend_.kind() == BackendKind::Cpu) {
      PhaseTimer idle(metrics_.seconds.idle);
      compute_.synchronize();  // the CPU renderer runs on this thread
    }
    for_view(names[schedule.order[k]], count, [&] {
      renderer_.forward(working_set_.params(count), r.source->camera(view), r.active_sh_degree,
                        r.background, working_set_order_keys());
    });
    note_banded_rendering(names[schedule.order[k]]);
  }
  // The next rows start crossing while this camera's loss and backward run (both incoming
  // halves are free: this camera's chunks have landed).
  upload_ahead(first_chunk[k + 1] + 1);
  {
    PhaseTimer timer(metrics_.seconds.render_backward);
    const LossValue value = for_view(names[schedule.order[k]], count,
                                     [&] { return renderer_.loss(*truth, r.ssim_weight); });
    check_view_loss(*r.source, view, r.step, value);
    result.loss_sum += value.loss;
    result.mse_sum += value.mse;
    for_view(names[schedule.order[k]], count, [&] {
      renderer_.backward(working_set_.grads(count), working_set_.screen_grad(),
                         working_set_.radii());
    });
  }
  ++metrics_.images;
  if (r.observer) {
    float* statistics = host_statistics_.as<float>();
    compute_.copy_async(statistics, working_set_.screen_grad(), count * 2 * sizeof(float));
    compute_.copy_async(statistics + count * 2, working_set_.radii(), count * sizeof(float));
    compute_.synchronize();
    r.observer->observe_view(residency_.slot_ids().data(), statistics, statistics + count * 2,
                             count);
  }

  // Gaussians the next camera does not need leave: their gradients go back to the host,
  // then the survivors close the holes.
  std::vector<std::uint32_t> slots;
  const SlotMoves moves = residency_.evict(plan.leaving[k], slots);
  send_back(plan.leaving[k], slots, schedule.finished[k].size(), grad_scale);
  sent_back_through_ = k;
  rows_->move(moves, working_set_.params(residency_.capacity()),
              working_set_.grads(residency_.capacity()));
}

void OffloadEngine::render(const PinholeCamera& camera, int active_sh_degree,
                           const float background[3]) {
  synchronize_all();
  residency_.clear();
  const auto visible = cull({camera});
  check_fits(visible, {"being evaluated"});
  struct Unpin {  // whatever happens below, the view's chunks may leave host memory after it
    GaussianStore& store;
    ~Unpin() { store.unpin_all(); }
  } unpin{store_};
  if (store_.spills()) {
    std::vector<std::size_t> chunks;
    for (std::uint32_t id : visible[0])
      if (chunks.empty() || chunks.back() != store_.chunk_of(id))
        chunks.push_back(store_.chunk_of(id));
    store_.pin(chunks);
  }
  // Deferred rows catch up so the view shows what dense Adam would have.
  adam_.catch_up(visible[0].data(), visible[0].size(), completed_step_);
  chunks_.clear();
  gathered_ = uploaded_ = landed_ = 0;
  upload_waits_used_ = 0;
  for (std::size_t b = 0; b < visible[0].size(); b += plan_.chunk_rows)
    chunks_.push_back({&visible[0], b, std::min(visible[0].size(), b + plan_.chunk_rows)});
  evaluating_ = true;
  for (std::size_t c = 0; c < chunks_.size(); ++c) load(c);
  evaluating_ = false;
  in_count_ += chunks_.size();
  if (backend_.kind() == BackendKind::Cpu) compute_.synchronize();
  for_view("(evaluation view)", residency_.size(), [&] {
    renderer_.forward(working_set_.params(residency_.size()), camera, active_sh_degree, background,
                      working_set_order_keys());
  });
  residency_.clear();
  copy_->synchronize();  // its timing tasks write the metrics, which a caller may read next
}

void OffloadEngine::pull(TrainableGaussians& host, int step) {
  synchronize_all();
  if (options_.resident_geometry) geometry_.download(store_, compute_);
  adam_.catch_up_all(step);
  host = store_.to_trainable();
}

}  // namespace splat
