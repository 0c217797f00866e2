// The engine's plan for its budget: the need from a survey of every camera (refused before the
// first step when the budget is below it), the working-set layout, and the arena laid out for it.
#include "offload/offload_engine.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/log.hpp"
#include "offload/frustum_culling.hpp"
#include "offload/store_model_reader.hpp"

namespace splat {

void OffloadEngine::replan(bool whole_run) {
  OffloadPlanInput in = plan_input_for(options_, arena_.budget(), store_.size(), store_.sh_degree(),
                                       rows_->scratch(device_culled()));
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
                     options_.growth.reason(n, completed_step_), [&](std::size_t culled) {
                       return rows_->scratch(options_.chunk_culling ? 0 : culled);
                     });
}

void OffloadEngine::allocate() {
  const std::size_t capacity = plan_.capacity;
  const std::size_t aw = store_.width(ParamGroup::Appearance);
  const std::size_t geometry_bytes = plan_.chunk_rows * streamed_geometry_width_ * sizeof(float);
  const std::size_t appearance_bytes = plan_.chunk_rows * aw * sizeof(float);
  const std::size_t id_bytes = plan_.chunk_rows * sizeof(std::uint32_t);
  if (device_culled() > 0)
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
  rows_->reserve(device_culled(), plan_.chunk_rows);
  residency_ = ResidencyMap(capacity);
  if (options_.render_pairs_per_row > 0) reserve_render_workspaces(capacity);
}

// Each renderer workspace in one piece next to the engine's blocks, rather than grown view by
// view into whatever holes the arena has. The pair workspace is then all a view gets: one with
// more pairs renders in bands of tiles (the renderer's own fallback), so no view can run the
// arena out mid-batch, after CPU Adam has already moved some rows.
void OffloadEngine::reserve_render_workspaces(std::size_t capacity) {
  // The plan's share is affine in the rows and the layouts only nearly so: at full capacity
  // the planned pairs may not fit beside the rest. Fewer pairs are fine down to one per row,
  // which still holds any view of the working set (a tile pairs with each Gaussian once).
  for (std::size_t pairs_per_row = options_.render_pairs_per_row;; pairs_per_row /= 2) {
    try {
      renderer_.reserve_workspaces(capacity, options_.render_width, options_.render_height,
                                   std::max<std::size_t>(capacity * pairs_per_row, 1));
      return;
    } catch (const Error&) {
      renderer_.release_workspaces();
      if (pairs_per_row <= 1) throw;
    }
  }
}

}  // namespace splat
