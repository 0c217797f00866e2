#include "train/metric_history.hpp"

#include "core/error.hpp"

namespace splat {

MetricHistory::MetricHistory(std::size_t max_points) : max_points_(max_points) {
  SPLAT_REQUIRE(max_points >= 2 && max_points % 2 == 0,
                "metric history: max_points must be even and at least 2, not ", max_points);
}

void MetricHistory::add(const HistoryStep& step) {
  SPLAT_REQUIRE(points_.empty() || step.step > points_.back().last.step, "metric history: step ",
                step.step, " after step ", points_.back().last.step);
  pending_loss_ += step.loss;
  pending_psnr_ += step.psnr;
  ++pending_steps_;
  if (pending_steps_ < stride_) return;
  Point p;
  p.last = step;
  p.steps = pending_steps_;
  p.loss = pending_loss_ / pending_steps_;
  p.psnr = pending_psnr_ / pending_steps_;
  points_.push_back(p);
  pending_loss_ = pending_psnr_ = 0;
  pending_steps_ = 0;
  if (points_.size() == max_points_) merge_pairs();
}

void MetricHistory::merge_pairs() {
  std::vector<Point> merged;
  merged.reserve(points_.size() / 2);
  for (std::size_t i = 0; i + 1 < points_.size(); i += 2) {
    const Point& a = points_[i];
    const Point& b = points_[i + 1];
    Point m;
    m.last = b.last;
    m.steps = a.steps + b.steps;
    m.loss = (a.loss * a.steps + b.loss * b.steps) / m.steps;
    m.psnr = (a.psnr * a.steps + b.psnr * b.steps) / m.steps;
    merged.push_back(m);
  }
  points_ = std::move(merged);
  stride_ *= 2;
}

nlohmann::json MetricHistory::to_json() const {
  nlohmann::json steps = nlohmann::json::array(), loss = nlohmann::json::array(),
                 psnr = nlohmann::json::array(), gaussians = nlohmann::json::array(),
                 device = nlohmann::json::array(), host = nlohmann::json::array(),
                 images = nlohmann::json::array(), h2d = nlohmann::json::array(),
                 wait = nlohmann::json::array();
  bool streamed = false;
  HistoryStep before;  // the counters at the start of the run
  for (const Point& p : points_) {
    const HistoryStep& now = p.last;
    const double seconds = now.seconds - before.seconds;
    steps.push_back(now.step);
    loss.push_back(p.loss);
    psnr.push_back(p.psnr);
    gaussians.push_back(now.gaussians);
    device.push_back(now.device_bytes);
    host.push_back(now.host_bytes);
    images.push_back(seconds > 0 ? (now.images - before.images) / seconds : 0.0);
    const double copying = now.h2d_seconds - before.h2d_seconds;
    const double batches = now.batch_seconds - before.batch_seconds;
    h2d.push_back(copying > 0 ? (now.h2d_bytes - before.h2d_bytes) / copying / 1e9 : 0.0);
    wait.push_back(batches > 0 ? (now.upload_wait_seconds - before.upload_wait_seconds) / batches
                               : 0.0);
    streamed = streamed || now.streamed;
    before = now;
  }
  nlohmann::json out = {{"steps_per_point", stride_},
                        {"step", steps},
                        {"loss", loss},
                        {"train_psnr", psnr},
                        {"gaussians", gaussians},
                        {"device_bytes", device},
                        {"host_bytes", host},
                        {"images_per_second", images}};
  if (streamed) {
    out["h2d_gbps"] = h2d;
    out["upload_wait_share"] = wait;
  }
  return out;
}

}  // namespace splat
