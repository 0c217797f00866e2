// Write-back: gradients of the Gaussians leaving the working set copied home and handed to CPU
// Adam (held as partials when they come back later in the batch), and the batch's end: every
// stream drained, the upload-wait metrics, Adam finished, resident geometry stepped on the device
// or the culling set refreshed.
#include "offload/offload_engine.hpp"

#include "core/error.hpp"
#include "offload/phase_timer.hpp"

namespace splat {

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

void OffloadEngine::finish_batch(const BatchRequest& r, const BatchPlan& plan, float grad_scale) {
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
      refresh_culling(plan.touched.data(), plan.touched.size());
  }
  // Every row of the batch is updated: its chunks may leave host memory from now on.
  store_.unpin_all();
  record_disk_metrics();
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

}  // namespace splat
