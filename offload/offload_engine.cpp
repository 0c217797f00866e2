#include "offload/offload_engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iterator>

#include "core/byte_size.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "offload/copy_bandwidth.hpp"
#include "offload/frustum_culling.hpp"
#include "offload/store_densify_target.hpp"
#include "offload/store_model_reader.hpp"

namespace splat {

namespace {

using Clock = std::chrono::steady_clock;

double now_seconds() {
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

// Adds the wall time of a scope to a counter.
class PhaseTimer {
 public:
  explicit PhaseTimer(double& total) : total_(total), start_(now_seconds()) {}
  ~PhaseTimer() { total_ += now_seconds() - start_; }

 private:
  double& total_;
  double start_;
};

VisibleSet union_of(const std::vector<VisibleSet>& sets) {
  VisibleSet all;
  for (const VisibleSet& s : sets) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

std::string format_gbps(double bytes_per_second) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f GB/s", bytes_per_second / 1e9);
  return text;
}

// Sphere tests of a survey made mid-run to word a refusal (the whole-run check before the first
// step makes up to kExactSurveyTests): a sample with its margin is enough there.
constexpr std::size_t kRefreshSurveyTests = std::size_t{1} << 28;

// Rows refreshed per chunk of a culling-set update (bounds the pinned scratch).
constexpr std::size_t kSphereChunk = std::size_t{1} << 18;

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
      store_(backend, initial.params.sh_degree),
      adam_(store_, options.untouched, options.resident_geometry),
      partials_(streamed_geometry_width_, store_.width(ParamGroup::Appearance)),
      copy_(backend.create_stream()),
      copy_back_(backend.create_stream()) {
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
  push(initial);
}

OffloadEngine::~OffloadEngine() {
  synchronize_all();
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
  for (std::size_t i = 0; i < store_.size(); ++i)
    completed_step_ = std::max(completed_step_, store_.adam_steps(i));
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
  if (report.cloned || report.split || report.pruned)
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
  in.sparse_adam = options.untouched == UntouchedPolicy::Skip;
  in.render_reserve = options.render_reserve;
  in.render_row_bytes = options.render_row_bytes;
  in.rows_scratch = scratch.fixed;
  in.rows_scratch_per_chunk_row = scratch.per_chunk_row;
  return in;
}

void OffloadEngine::replan(bool whole_run) {
  OffloadPlanInput in = plan_input_for(options_, arena_.budget(), store_.size(), store_.sh_degree(),
                                       rows_->scratch(options_.whole_model ? 0 : store_.size()));
  if (whole_run) {
    // Before the first step (or a resume): every camera on the model loaded, exactly where
    // that is cheap. The need it gives is checked by the caller and kept for the refusals.
    const VisibilitySurvey survey = survey_cameras(kExactSurveyTests);
    in.visible_fraction = options_.whole_model ? 1.0 : survey.largest_fraction();
    plan_ = plan_offload(in);
    need_ = need_from(survey);
    return;
  }
  // After a densification the layout follows the new N. The fraction only feeds the
  // largest-model estimate, so it is kept; check_fits surveys again if a camera no longer fits.
  in.visible_fraction = plan_.input.visible_fraction;
  plan_ = plan_offload(in);
  if (plan_.capacity == 0) need_ = need_from(survey_cameras(kRefreshSurveyTests));
}

VisibilitySurvey OffloadEngine::survey_cameras(std::size_t survey_tests) const {
  // Every training and evaluation camera against the model as it is now, with the culling
  // test the engine uses: the plan, check_fits and the refusals agree.
  if (options_.whole_model) return {};
  std::vector<SurveyCamera> cameras;
  for (const ViewSource* views : {&train_views_, eval_views_})
    for (std::size_t v = 0; views && v < views->count(); ++v)
      cameras.push_back({views->name(v), views->camera(v)});
  return survey_visibility(StoreModelReader(store_), cameras, survey_tests);
}

BudgetNeed OffloadEngine::need_from(const VisibilitySurvey& survey) const {
  const std::size_t n = store_.size();
  return budget_need(plan_.input, survey, options_.growth.planned(n, completed_step_),
                     options_.growth.reason(n, completed_step_),
                     [&](std::size_t culled) { return rows_->scratch(culled); });
}

void OffloadEngine::allocate() {
  const std::size_t capacity = plan_.capacity;
  const std::size_t aw = store_.width(ParamGroup::Appearance);
  const std::size_t geometry_bytes = plan_.chunk_rows * streamed_geometry_width_ * sizeof(float);
  const std::size_t appearance_bytes = plan_.chunk_rows * aw * sizeof(float);
  const std::size_t id_bytes = plan_.chunk_rows * sizeof(std::uint32_t);
  if (!options_.whole_model)
    spheres_ = arena_.allocate(std::max<std::size_t>(store_.size(), 1) * 4 * sizeof(float),
                               "offload: culling set");
  if (options_.resident_geometry)
    geometry_ = DeviceGeometry(arena_, store_.size(), options_.untouched == UntouchedPolicy::Skip);
  working_set_ = WorkingSet(arena_, capacity, store_.sh_degree());
  // Device buffers of a streamed group that stays on the device are not made.
  const auto device = [&](std::size_t bytes, const char* what) {
    return bytes > 0 ? arena_.allocate(bytes, what) : Buffer();
  };
  // Host staging only grows: it is pinned memory, costly to allocate.
  const auto pinned = [&](Buffer& b, std::size_t bytes) {
    if (b.bytes() < bytes) b = Buffer::allocate(backend_, MemorySpace::PinnedHost, bytes);
  };
  for (InHalf& h : in_) {
    h.incoming_geometry = device(geometry_bytes, "offload: incoming rows");
    h.incoming_appearance = device(appearance_bytes, "offload: incoming rows");
    h.incoming_grad_geometry = device(geometry_bytes, "offload: incoming gradients");
    h.incoming_grad_appearance = device(appearance_bytes, "offload: incoming gradients");
    if (options_.resident_geometry) {
      h.incoming_ids = device(id_bytes, "offload: incoming ids");
      pinned(h.staging_ids, id_bytes);
    }
    pinned(h.staging_geometry, geometry_bytes);
    pinned(h.staging_appearance, appearance_bytes);
    pinned(h.staging_grad_geometry, geometry_bytes);
    pinned(h.staging_grad_appearance, appearance_bytes);
  }
  for (OutHalf& h : out_) {
    h.outgoing_geometry = device(geometry_bytes, "offload: outgoing gradients");
    h.outgoing_appearance = device(appearance_bytes, "offload: outgoing gradients");
    pinned(h.returned_geometry, geometry_bytes);
    pinned(h.returned_appearance, appearance_bytes);
  }
  pinned(host_statistics_, capacity * 3 * sizeof(float));
  rows_->reserve(options_.whole_model ? 0 : store_.size(), plan_.chunk_rows);
  residency_ = ResidencyMap(capacity);
  if (options_.render_pairs_per_row > 0) {
    // Each renderer workspace in one piece next to the engine's blocks, rather than grown view
    // by view into whatever holes the arena has.
    try {
      renderer_.reserve_workspaces(capacity, options_.render_width, options_.render_height,
                                   capacity * options_.render_pairs_per_row);
    } catch (const Error&) {
      // The plan's share is affine in the rows and the layouts only nearly so: at full capacity
      // they may not fit at once. Views then take what they need as they come.
      renderer_.release_workspaces();
    }
  }
}

void OffloadEngine::refresh_culling(const std::uint32_t* ids, std::size_t count) {
  if (options_.whole_model || count == 0) return;
  if (sphere_ids_.empty()) {
    sphere_ids_ =
        Buffer::allocate(backend_, MemorySpace::PinnedHost, kSphereChunk * sizeof(std::uint32_t));
    sphere_rows_ =
        Buffer::allocate(backend_, MemorySpace::PinnedHost, kSphereChunk * 4 * sizeof(float));
  }
  for (std::size_t begin = 0; begin < count; begin += kSphereChunk) {
    const std::size_t n = std::min(kSphereChunk, count - begin);
    compute_.synchronize();  // the previous chunk's scratch has been read
    std::uint32_t* chunk_ids = sphere_ids_.as<std::uint32_t>();
    float* rows = sphere_rows_.as<float>();
#pragma omp parallel for schedule(static) if (n > 8192)
    for (long long i = 0; i < static_cast<long long>(n); ++i) {
      const std::uint32_t id = ids ? ids[begin + i] : static_cast<std::uint32_t>(begin + i);
      const float* g = store_.row(ParamGroup::Geometry, ParamState::Value, id);
      chunk_ids[i] = id;
      for (int a = 0; a < 3; ++a) rows[i * 4 + a] = g[a];
      // The same bound build_culling_spheres computes.
      rows[i * 4 + 3] = culling_radius(g + 3);
    }
    rows_->write_spheres(chunk_ids, rows, n, spheres_.as<float>());
  }
  compute_.synchronize();
}

void OffloadEngine::refresh_culling_all() {
  if (!options_.resident_geometry) return refresh_culling(nullptr, store_.size());
  if (options_.whole_model) return;
  rows_->geometry_spheres(geometry_.table(), spheres_.as<float>());
  compute_.synchronize();
}

void OffloadEngine::step_device_geometry(const BatchRequest& r, float grad_scale) {
  const StepRates rates = r.rates_at(r.step);
  GeometryAdamStep step;
  step.rates = {rates.position, rates.scale, rates.rotation, rates.opacity};
  step.hyper = r.hyper;
  step.step = r.step;
  // Deferred Adam's catch-up gives every row dense Adam's values, which the device computes
  // directly: only skip leaves untouched rows alone.
  step.sparse = options_.untouched == UntouchedPolicy::Skip;
  step.grad_scale = grad_scale;
  step.dense = geometry_step_sizes(step.rates, step.hyper, step.step);
  rows_->adam_geometry(geometry_.table(), step);
  if (!options_.whole_model) rows_->geometry_spheres(geometry_.table(), spheres_.as<float>());
  compute_.synchronize();
}

std::vector<VisibleSet> OffloadEngine::cull(const std::vector<PinholeCamera>& cameras) {
  if (!options_.whole_model) return rows_->cull(spheres_.as<float>(), store_.size(), cameras);
  VisibleSet all(store_.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint32_t>(i);
  return std::vector<VisibleSet>(cameras.size(), all);
}

void OffloadEngine::check_fits(const std::vector<VisibleSet>& visible,
                               const std::vector<std::string>& names) {
  for (std::size_t c = 0; c < visible.size(); ++c)
    if (visible[c].size() > residency_.capacity()) {
      // Training moved the model since the last survey: name what it needs now. Nothing of this
      // batch has started; earlier work is finished first, and resident geometry brought home.
      synchronize_all();
      if (options_.resident_geometry) geometry_.download(store_, compute_);
      need_ = need_from(survey_cameras(kRefreshSurveyTests));
      refuse_working_set(plan_, need_, names[c], visible[c].size());
    }
}

void OffloadEngine::gather_through(std::size_t chunk) {
  for (; gathered_ <= chunk && gathered_ < chunks_.size(); ++gathered_) {
    const Chunk c = chunks_[gathered_];
    // A Gaussian fetched again at step k left at step k - 2 or earlier: its held gradient is
    // complete only once those steps' gradients were sent home (a step that fetches nothing
    // would otherwise let the gather run that far ahead).
    if (c.held > 0 && c.step - 2 > sent_back_through_) break;
    InHalf& half = in_[(in_count_ + gathered_) % 2];
    {
      // The staging half is free once the copy that last read it is done.
      PhaseTimer idle(metrics_.seconds.idle);
      half.h2d_done->synchronize();
    }
    if (c.held > 0) {
      // Held gradients are complete once the Adam worker has run what is queued on it now
      // (run_batch sends a step's gradients home before gathering what comes back later).
      half.partials_added->record(adam_worker_);
      gather_worker_.wait(*half.partials_added);
    }
    gather_worker_.host_task([this, &half, c] {
      PhaseTimer timer(metrics_.seconds.gather);
      const std::uint32_t* ids = c.ids->data() + c.begin;
      if (options_.resident_geometry)
        std::copy(ids, ids + (c.end - c.begin), half.staging_ids.as<std::uint32_t>());
      else
        store_.gather(ParamGroup::Geometry, ParamState::Value, ids, c.end - c.begin,
                      half.staging_geometry.as<float>());
      store_.gather(ParamGroup::Appearance, ParamState::Value, ids, c.end - c.begin,
                    half.staging_appearance.as<float>());
      if (c.held > 0)
        partials_.extract(ids, c.held, half.staging_grad_geometry.as<float>(),
                          half.staging_grad_appearance.as<float>());
    });
    half.gathered->record(gather_worker_);
  }
}

void OffloadEngine::upload_ahead(std::size_t chunk) {
  while (uploaded_ <= chunk && uploaded_ < chunks_.size() && uploaded_ < landed_ + 2) {
    gather_through(uploaded_);
    if (gathered_ <= uploaded_) return;  // its held gradients are not complete yet
    upload(uploaded_++);
  }
}

void OffloadEngine::load(std::size_t chunk) {
  upload_ahead(chunk);
  SPLAT_REQUIRE(uploaded_ > chunk && landed_ == chunk, "offload engine: chunk ", chunk,
                " lands out of order (", uploaded_, " uploaded, ", landed_, " landed)");
  land(chunk);
  ++landed_;
}

void OffloadEngine::upload(std::size_t chunk) {
  gather_through(chunk + 1);  // the next chunk is gathered while this one crosses
  const Chunk c = chunks_[chunk];
  InHalf& half = in_[(in_count_ + chunk) % 2];
  const std::size_t count = c.end - c.begin;
  const std::size_t aw = store_.width(ParamGroup::Appearance);
  const std::size_t gw = streamed_geometry_width_;
  const bool resident_geometry = options_.resident_geometry;
  {
    PhaseTimer idle(metrics_.seconds.idle);
    half.gathered->synchronize();  // the rows are in the staging half
  }
  copy_->wait(*half.unpacked);  // the incoming half has been unpacked
  copy_->host_task([this] { upload_started_ = now_seconds(); });
  if (gw > 0)
    copy_->copy_async(half.incoming_geometry.data(), half.staging_geometry.data(),
                      count * gw * sizeof(float));
  if (resident_geometry)
    copy_->copy_async(half.incoming_ids.data(), half.staging_ids.data(),
                      count * sizeof(std::uint32_t));
  copy_->copy_async(half.incoming_appearance.data(), half.staging_appearance.data(),
                    count * aw * sizeof(float));
  if (c.held > 0) {
    if (gw > 0)
      copy_->copy_async(half.incoming_grad_geometry.data(), half.staging_grad_geometry.data(),
                        c.held * gw * sizeof(float));
    copy_->copy_async(half.incoming_grad_appearance.data(), half.staging_grad_appearance.data(),
                      c.held * aw * sizeof(float));
  }
  copy_->host_task([this] { metrics_.seconds.h2d += now_seconds() - upload_started_; });
  half.h2d_done->record(*copy_);
  if (!evaluating_) {
    metrics_.h2d_bytes += (count + c.held) * (gw + aw) * sizeof(float) +
                          (resident_geometry ? count * sizeof(std::uint32_t) : 0);
    metrics_.loaded_gaussians += count;
  }
}

void OffloadEngine::land(std::size_t chunk) {
  const Chunk c = chunks_[chunk];
  InHalf& half = in_[(in_count_ + chunk) % 2];
  const std::size_t count = c.end - c.begin;
  const std::size_t aw = store_.width(ParamGroup::Appearance);
  const std::size_t gw = streamed_geometry_width_;
  const bool resident_geometry = options_.resident_geometry;
  const std::size_t first =
      residency_.admit(VisibleSet(c.ids->begin() + c.begin, c.ids->begin() + c.end));
  const GaussianArrays params = working_set_.params(residency_.capacity());
  const GaussianArrays grads = working_set_.grads(residency_.capacity());
  if (upload_waits_used_ == upload_waits_.size())
    upload_waits_.push_back({backend_.create_timing_event(), backend_.create_timing_event()});
  UploadWait& wait = upload_waits_[upload_waits_used_++];
  wait.reached->record(compute_);
  compute_.wait(*half.h2d_done);
  wait.released->record(compute_);
  rows_->unpack(gw > 0 ? half.incoming_geometry.as<float>() : nullptr,
                half.incoming_appearance.as<float>(), count, first, params);
  // Gradients accumulate (+=) in every slot that arrives: from what was held for a Gaussian
  // coming back (so the sum runs in the order resident training's does), else from zero.
  // Resident geometry holds its own sums on the device (zero for a Gaussian not yet used in
  // this batch), so every slot's geometry gradient starts from there.
  if (resident_geometry) {
    const auto* ids = half.incoming_ids.as<std::uint32_t>();
    rows_->unpack_geometry(geometry_.table().values, ids, count, first, params);
    if (!evaluating_) rows_->unpack_geometry(geometry_.table().gradients, ids, count, first, grads);
  }
  if (c.held > 0)
    rows_->unpack(gw > 0 ? half.incoming_grad_geometry.as<float>() : nullptr,
                  half.incoming_grad_appearance.as<float>(), c.held, first, grads);
  const std::size_t zeroed = first + c.held;
  for (auto [array, width] : {std::pair{grads.means, std::size_t{3}},
                              {grads.log_scales, 3},
                              {grads.rotations, 4},
                              {grads.opacity_logits, 1},
                              {grads.sh, aw}})
    if (!resident_geometry || array == grads.sh)
      compute_.fill_async(array + zeroed * width, 0, (count - c.held) * width * sizeof(float));
  half.unpacked->record(compute_);
}

void OffloadEngine::send_back(const VisibleSet& ids, const std::vector<std::uint32_t>& slots,
                              std::size_t finished, float grad_scale) {
  const std::size_t aw = store_.width(ParamGroup::Appearance);
  const std::size_t gw = streamed_geometry_width_;
  const GaussianArrays grads = working_set_.grads(residency_.capacity());
  // Resident geometry: the leaving slots' geometry gradients stay on the device, in each
  // Gaussian's row of the sums (returning ones pick them up again when they come back).
  if (options_.resident_geometry)
    rows_->store_geometry_gradients(slots, ids.data(), grads, geometry_.table());
  for (std::size_t begin = 0; begin < ids.size(); begin += plan_.chunk_rows) {
    const std::size_t end = std::min(ids.size(), begin + plan_.chunk_rows);
    OutHalf& half = out_[out_count_++ % 2];
    compute_.wait(*half.d2h_done);  // the outgoing half has been copied out
    rows_->pack_gradients(std::vector<std::uint32_t>(slots.begin() + begin, slots.begin() + end),
                          grads, gw > 0 ? half.outgoing_geometry.as<float>() : nullptr,
                          half.outgoing_appearance.as<float>());
    half.packed->record(compute_);
    {
      PhaseTimer idle(metrics_.seconds.idle);
      half.adam_done->synchronize();  // the returned half has been consumed
    }
    const std::size_t count = end - begin;
    copy_back_->wait(*half.packed);
    copy_back_->host_task([this] { download_started_ = now_seconds(); });
    if (gw > 0)
      copy_back_->copy_async(half.returned_geometry.data(), half.outgoing_geometry.data(),
                             count * gw * sizeof(float));
    copy_back_->copy_async(half.returned_appearance.data(), half.outgoing_appearance.data(),
                           count * aw * sizeof(float));
    copy_back_->host_task([this] { metrics_.seconds.d2h += now_seconds() - download_started_; });
    half.d2h_done->record(*copy_back_);
    metrics_.d2h_bytes += count * (gw + aw) * sizeof(float);

    // On the host: hold partial gradients, and update each Gaussian at its last use.
    const std::uint32_t* chunk_ids = ids.data() + begin;
    const std::size_t done = finished > begin ? std::min(finished, end) - begin : 0;
    adam_worker_.host_task([this, &half, chunk_ids, count, done, gw, aw, grad_scale] {
      half.d2h_done->synchronize();
      PhaseTimer timer(metrics_.seconds.cpu_adam);
      float* geometry = half.returned_geometry.as<float>();
      float* appearance = half.returned_appearance.as<float>();
      // Without streamed geometry, `geometry` is null and gw is 0.
      partials_.add(chunk_ids + done, count - done, geometry + done * gw, appearance + done * aw);
      partials_.take(chunk_ids, done, geometry, appearance);
      adam_.update(chunk_ids, done, geometry, appearance, grad_scale);
    });
    half.adam_done->record(adam_worker_);
  }
}

BatchResult OffloadEngine::run_batch(const BatchRequest& r) {
  const double batch_start = now_seconds();
  struct Guard {  // on failure, no queued task may outlive what it points to
    OffloadEngine* engine;
    ~Guard() {
      if (std::uncaught_exceptions()) engine->synchronize_all();
    }
  } guard{this};

  // Shown before the first step of the model it plans for (a resumed run's trainer starts on a
  // one-Gaussian placeholder, whose plan would only mislead).
  if (!plan_shown_) {
    log_info(plan_.describe());
    log_info("offload need: ", need_.describe());
    plan_shown_ = true;
  }
  const std::vector<int>& views = *r.views;
  const int cameras = static_cast<int>(views.size());
  std::vector<PinholeCamera> batch_cameras;
  std::vector<std::string> names;
  for (int v : views) {
    batch_cameras.push_back(r.source->camera(v));
    names.push_back(r.source->name(v));
  }
  std::vector<VisibleSet> visible;
  {
    PhaseTimer timer(metrics_.seconds.culling);
    visible = cull(batch_cameras);
  }
  check_fits(visible, names);
  ViewSchedule schedule;
  {
    PhaseTimer timer(metrics_.seconds.scheduling);
    ScheduleOptions so;
    so.order = options_.whole_model ? ViewOrder::Sampled : options_.order;
    schedule = schedule_views(visible, so);
  }
  metrics_.loaded_gaussians_sampled_order += schedule.sampled_order_loads;
  metrics_.loaded_gaussians_lower_bound += schedule.distinct;
  const std::size_t row_bytes = streamed_row_bytes(store_.sh_degree(), options_.resident_geometry);
  metrics_.h2d_bytes_lower_bound += schedule.distinct * row_bytes;
  metrics_.d2h_bytes_lower_bound += schedule.distinct * row_bytes;
  const VisibleSet touched = union_of(visible);

  adam_.begin_step(r.step, r.rates_at, r.hyper);
  {
    // Deferred: the rows about to be used first take the zero-gradient steps they skipped.
    PhaseTimer timer(metrics_.seconds.cpu_adam);
    adam_.catch_up(touched.data(), touched.size(), r.step - 1);
  }

  // Leaving after step k: finished ones (last use) first, then returning ones.
  std::vector<VisibleSet> leaving(cameras);
  for (int k = 0; k < cameras; ++k) {
    leaving[k] = schedule.finished[k];
    leaving[k].insert(leaving[k].end(), schedule.returning[k].begin(), schedule.returning[k].end());
  }
  const float grad_scale = cameras > 1 ? 1.0f / static_cast<float>(cameras) : 1.0f;
  BatchResult result;

  // Inbound chunks of the whole batch, in order; first_chunk[k] is camera k's first.
  chunks_.clear();
  gathered_ = uploaded_ = landed_ = 0;
  upload_waits_used_ = 0;
  sent_back_through_ = -1;
  std::vector<std::size_t> first_chunk(cameras + 1);
  // Each step fetches the Gaussians coming back first (they left at an earlier step, so their
  // gradients so far are held on the host and travel with them), then the new ones.
  fetch_order_.assign(cameras, VisibleSet());
  VisibleSet left_before;  // every Gaussian that left at an earlier step to come back later
  for (int k = 0; k < cameras; ++k) {
    first_chunk[k] = chunks_.size();
    const VisibleSet& fetch = schedule.fetch[k];
    VisibleSet& ordered = fetch_order_[k];
    std::set_intersection(fetch.begin(), fetch.end(), left_before.begin(), left_before.end(),
                          std::back_inserter(ordered));
    const std::size_t coming_back = ordered.size();
    std::set_difference(fetch.begin(), fetch.end(), left_before.begin(), left_before.end(),
                        std::back_inserter(ordered));
    for (std::size_t b = 0; b < ordered.size(); b += plan_.chunk_rows) {
      Chunk chunk{&ordered, b, std::min(ordered.size(), b + plan_.chunk_rows)};
      chunk.held = b < coming_back ? std::min(chunk.end, coming_back) - b : 0;
      chunk.step = k;
      chunks_.push_back(chunk);
    }
    VisibleSet grown;
    std::set_union(left_before.begin(), left_before.end(), schedule.returning[k].begin(),
                   schedule.returning[k].end(), std::back_inserter(grown));
    left_before.swap(grown);
  }
  first_chunk[cameras] = chunks_.size();

  for (int k = 0; k < cameras; ++k) {
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
    const SlotMoves moves = residency_.evict(leaving[k], slots);
    send_back(leaving[k], slots, schedule.finished[k].size(), grad_scale);
    sent_back_through_ = k;
    rows_->move(moves, working_set_.params(residency_.capacity()),
                working_set_.grads(residency_.capacity()));
  }
  in_count_ += chunks_.size();
  {
    PhaseTimer idle(metrics_.seconds.idle);
    adam_worker_.synchronize();
    copy_->synchronize();
    copy_back_->synchronize();
    compute_.synchronize();
    gather_worker_.synchronize();
  }
  for (std::size_t i = 0; i < upload_waits_used_; ++i)
    metrics_.seconds.compute_waits_for_uploads +=
        upload_waits_[i].released->seconds_since(*upload_waits_[i].reached);
  upload_waits_used_ = 0;
  SPLAT_REQUIRE(residency_.size() == 0 && partials_.held() == 0,
                "offload engine: the batch ended with ", residency_.size(),
                " Gaussians resident and ", partials_.held(), " partial gradients held");
  {
    PhaseTimer timer(metrics_.seconds.cpu_adam);
    adam_.finish_step();
  }
  if (options_.resident_geometry) {
    PhaseTimer timer(metrics_.seconds.device_adam);
    step_device_geometry(r, grad_scale);
  } else {
    PhaseTimer timer(metrics_.seconds.culling);
    if (options_.untouched == UntouchedPolicy::Dense)
      refresh_culling_all();
    else
      refresh_culling(touched.data(), touched.size());
  }
  completed_step_ = r.step;
  ++metrics_.batches;
  metrics_.seconds.batches += now_seconds() - batch_start;
  return result;
}

void OffloadEngine::render(const PinholeCamera& camera, int active_sh_degree,
                           const float background[3]) {
  synchronize_all();
  residency_.clear();
  const auto visible = cull({camera});
  check_fits(visible, {"being evaluated"});
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
