// The run's curves for metrics.json and the viewer: loss, train PSNR, Gaussians, memory and
// throughput per step, and for streamed runs the upload rate and the share of batch time the
// compute stream waited for uploads. Bounded: at most `max_points` points however long the run;
// when full, neighbouring points merge and every later point covers twice as many steps.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <vector>

namespace splat {

// One step as the training loop sees it. The counters are cumulative since the run began, so a
// point's rates hold over all the steps it covers, however many were merged into it.
struct HistoryStep {
  int step = 0;
  double loss = 0, psnr = 0;
  std::size_t gaussians = 0, device_bytes = 0, host_bytes = 0;
  double seconds = 0;              // wall clock since the run began
  double images = 0;               // training images rendered
  bool streamed = false;           // the counters below are meaningful
  double h2d_bytes = 0;            // host-to-device bytes
  double h2d_seconds = 0;          // time spent copying them
  double batch_seconds = 0;        // time in batches
  double upload_wait_seconds = 0;  // compute stream waiting for uploads
};

class MetricHistory {
 public:
  explicit MetricHistory(std::size_t max_points = 1024);

  // Whether the next add() completes a point: only then are the gauges and counters it carries
  // read, so the caller may fill them only then.
  bool point_due() const { return pending_steps_ + 1 >= stride_; }
  // Steps must come in increasing order.
  void add(const HistoryStep& step);

  std::size_t size() const { return points_.size(); }
  int stride() const { return stride_; }
  // {"steps_per_point", "step": [...], "loss": [...], "train_psnr", "gaussians",
  //  "device_bytes", "host_bytes", "images_per_second"; streamed: "h2d_gbps",
  //  "upload_wait_share"}: rates over each point's own steps.
  nlohmann::json to_json() const;

 private:
  struct Point {
    HistoryStep last;           // gauges and counters at the point's last step
    double loss = 0, psnr = 0;  // means over its steps
    int steps = 0;              // steps it covers
  };
  void merge_pairs();

  std::size_t max_points_;
  int stride_ = 1;  // steps per point from now on
  std::vector<Point> points_;
  double pending_loss_ = 0, pending_psnr_ = 0;
  int pending_steps_ = 0;
};

}  // namespace splat
