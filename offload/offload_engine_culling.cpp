// Culling and scheduling: the culling set of every Gaussian's bounding sphere, each batch's cameras
// culled against it, refused when a view cannot fit, and ordered so that consecutive cameras share
// what stays resident (cache/view_schedule).
#include "offload/offload_engine.hpp"

#include <algorithm>
#include <cstdint>

#include "core/error.hpp"
#include "offload/deferred_drift.hpp"
#include "offload/frustum_culling.hpp"
#include "offload/phase_timer.hpp"

namespace splat {

namespace {

VisibleSet union_of(const std::vector<VisibleSet>& sets) {
  VisibleSet all;
  for (const VisibleSet& s : sets) all.insert(all.end(), s.begin(), s.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

// Rows refreshed per chunk of a culling-set update (bounds the pinned scratch).
constexpr std::size_t kSphereChunk = std::size_t{1} << 18;

}  // namespace

float OffloadEngine::sphere_radius(std::size_t id) const {
  const float* g = store_.row(ParamGroup::Geometry, ParamState::Value, id);
  // Deferred rows may still move before they are next used: their sphere bounds where.
  if (drift_ && options_.untouched == UntouchedPolicy::Deferred)
    return drifting_culling_radius(g, store_.row(ParamGroup::Geometry, ParamState::FirstMoment, id),
                                   store_.row(ParamGroup::Geometry, ParamState::SecondMoment, id),
                                   *drift_);
  // The same bound build_culling_spheres computes.
  return culling_radius(g + 3);
}

void OffloadEngine::refresh_culling(const std::uint32_t* ids, std::size_t count) {
  if (options_.whole_model || count == 0) return;
  if (options_.chunk_culling) {
    // The host culling set: the rows' spheres, then the bounds of the blocks holding them.
    if (chunk_culler_.size() != store_.size()) chunk_culler_.resize(store_.size());
    float* spheres = chunk_culler_.spheres();
#pragma omp parallel for schedule(static) if (count > 8192)
    for (long long i = 0; i < static_cast<long long>(count); ++i) {
      const std::size_t id = ids ? ids[i] : static_cast<std::size_t>(i);
      const float* g = store_.row(ParamGroup::Geometry, ParamState::Value, id);
      for (int a = 0; a < 3; ++a) spheres[id * 4 + a] = g[a];
      spheres[id * 4 + 3] = sphere_radius(id);
    }
    if (ids)
      chunk_culler_.refresh_bounds(ids, count);
    else
      chunk_culler_.refresh_bounds();
    return;
  }
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
      rows[i * 4 + 3] = sphere_radius(id);
    }
    rows_->write_spheres(chunk_ids, rows, n, spheres_.as<float>());
  }
  compute_.synchronize();
}

void OffloadEngine::refresh_culling_all() {
  if (!options_.resident_geometry && store_.spills()) {
    // Chunk by chunk, so that the disk tier reads each once.
    std::vector<std::uint32_t> ids;
    store_.for_each_chunk(false, [&](std::size_t begin, std::size_t end) {
      ids.resize(end - begin);
      for (std::size_t i = begin; i < end; ++i) ids[i - begin] = static_cast<std::uint32_t>(i);
      refresh_culling(ids.data(), ids.size());
    });
    return;
  }
  if (!options_.resident_geometry) return refresh_culling(nullptr, store_.size());
  if (options_.whole_model) return;
  rows_->geometry_spheres(geometry_.table(), spheres_.as<float>());
  compute_.synchronize();
}

std::vector<VisibleSet> OffloadEngine::cull(const std::vector<PinholeCamera>& cameras) {
  if (options_.chunk_culling && !options_.whole_model) {
    ChunkCullingStats stats;
    std::vector<VisibleSet> visible = chunk_culler_.cull(cameras, &stats);
    metrics_.culling_tested_rows += stats.candidate_rows;
    metrics_.culling_visible_rows += stats.visible_rows;
    return visible;
  }
  if (!options_.whole_model) {
    metrics_.culling_tested_rows += store_.size() * cameras.size();
    std::vector<VisibleSet> visible = rows_->cull(spheres_.as<float>(), store_.size(), cameras);
    for (const VisibleSet& v : visible) metrics_.culling_visible_rows += v.size();
    return visible;
  }
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

OffloadEngine::BatchPlan OffloadEngine::plan_batch(const BatchRequest& r) {
  BatchPlan plan;
  if (options_.untouched == UntouchedPolicy::Deferred && !options_.resident_geometry) {
    // Spheres written from now on bound the deferred steps ahead, whose rates are at most this
    // step's; the first batch after the engine took a model rewrites every sphere that way.
    const bool first = !drift_;
    drift_ = make_drift_bound(r.rates_at(r.step), r.hyper);
    if (first) {
      PhaseTimer timer(metrics_.seconds.culling);
      refresh_culling_all();
    }
  }
  const std::vector<int>& views = *r.views;
  const int cameras = static_cast<int>(views.size());
  std::vector<PinholeCamera> batch_cameras;
  for (int v : views) {
    batch_cameras.push_back(r.source->camera(v));
    plan.names.push_back(r.source->name(v));
  }
  {
    PhaseTimer timer(metrics_.seconds.culling);
    plan.visible = cull(batch_cameras);
  }
  check_fits(plan.visible, plan.names);
  ViewSchedule& schedule = plan.schedule;
  {
    PhaseTimer timer(metrics_.seconds.scheduling);
    ScheduleOptions so;
    so.order = options_.whole_model ? ViewOrder::Sampled : options_.order;
    schedule = schedule_views(plan.visible, so);
  }
  metrics_.loaded_gaussians_sampled_order += schedule.sampled_order_loads;
  metrics_.loaded_gaussians_lower_bound += schedule.distinct;
  const std::size_t row_bytes = streamed_row_bytes(store_.sh_degree(), options_.resident_geometry);
  metrics_.h2d_bytes_lower_bound += schedule.distinct * row_bytes;
  metrics_.d2h_bytes_lower_bound += schedule.distinct * row_bytes;
  plan.touched = union_of(plan.visible);
  metrics_.touched_rows += plan.touched.size();
  std::size_t last_chunk = SIZE_MAX;
  for (std::uint32_t id : plan.touched)
    if (id / store_.chunk_rows() != last_chunk) {
      last_chunk = id / store_.chunk_rows();
      metrics_.touched_chunk_rows +=
          std::min(store_.chunk_rows(), store_.size() - last_chunk * store_.chunk_rows());
    }

  // The disk tier: this batch's chunks in host memory before anything reads them (refused here,
  // before any change, when the budget cannot hold them).
  {
    PhaseTimer timer(metrics_.seconds.disk_waits);
    pin_batch_chunks(r, plan);
  }

  // Leaving after step k: finished ones (last use) first, then returning ones.
  std::vector<VisibleSet>& leaving = plan.leaving;
  leaving.resize(cameras);
  for (int k = 0; k < cameras; ++k) {
    leaving[k] = schedule.finished[k];
    leaving[k].insert(leaving[k].end(), schedule.returning[k].begin(), schedule.returning[k].end());
  }
  return plan;
}

}  // namespace splat
