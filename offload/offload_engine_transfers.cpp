// Transfers into the working set: a batch's inbound chunks in order, gathered into pinned staging
// by a worker one camera ahead, uploaded on the copy stream into the incoming half of a double
// buffer, and landed (unpacked into slots) on the compute stream.
#include "offload/offload_engine.hpp"

#include <algorithm>
#include <iterator>

#include "core/error.hpp"
#include "offload/phase_timer.hpp"

namespace splat {

std::vector<std::size_t> OffloadEngine::queue_inbound_chunks(const ViewSchedule& schedule,
                                                             int cameras) {
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
  return first_chunk;
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

}  // namespace splat
