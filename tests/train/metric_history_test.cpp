// The run's curves stay bounded however long the run, cover every step, and keep means and rates
// exact across merges.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "train/metric_history.hpp"

using namespace splat;

namespace {

// Step s: loss s, PSNR 2s, 3 images per second of wall clock, 2 GB per second of copying.
HistoryStep step_at(int s) {
  HistoryStep h;
  h.step = s;
  h.loss = s;
  h.psnr = 2.0 * s;
  h.gaussians = static_cast<std::size_t>(s) * 10;
  h.seconds = s / 3.0;
  h.images = s;
  h.streamed = true;
  h.h2d_bytes = 4e9 * s;
  h.h2d_seconds = 2.0 * s;
  h.batch_seconds = 0.5 * s;
  h.upload_wait_seconds = 0.1 * s;
  return h;
}

}  // namespace

TEST_CASE("metric history: bounded, every step covered, means and rates exact") {
  MetricHistory history(64);
  const int steps = 100'000;
  for (int s = 1; s <= steps; ++s) history.add(step_at(s));
  const nlohmann::json j = history.to_json();
  const auto& step = j["step"];
  REQUIRE(step.size() == history.size());
  CHECK(history.size() < 64);
  CHECK(history.size() >= 32);
  const int per_point = j["steps_per_point"];
  CHECK(per_point == history.stride());
  // Points cover consecutive runs of steps; the loss of a point is the mean of its steps.
  int previous = 0;
  for (std::size_t i = 0; i < step.size(); ++i) {
    const int last = step[i];
    REQUIRE(last > previous);
    const double mean = (previous + 1 + last) / 2.0;
    CHECK(j["loss"][i].get<double>() == Approx(mean));
    CHECK(j["train_psnr"][i].get<double>() == Approx(2 * mean));
    CHECK(j["gaussians"][i].get<std::size_t>() == static_cast<std::size_t>(last) * 10);
    CHECK(j["images_per_second"][i].get<double>() == Approx(3.0));
    CHECK(j["h2d_gbps"][i].get<double>() == Approx(2.0));
    CHECK(j["upload_wait_share"][i].get<double>() == Approx(0.2));
    previous = last;
  }
  // Only the steps since the last full point are not shown yet.
  CHECK(steps - previous < per_point);
}

TEST_CASE("metric history: short runs keep every step; gauges are read only when a point is due") {
  MetricHistory history(8);
  int reads = 0;
  for (int s = 1; s <= 20; ++s) {
    HistoryStep h{s, 1.0, 20.0};
    if (history.point_due()) {
      ++reads;
      h.gaussians = 7;
    }
    history.add(h);
  }
  const nlohmann::json j = history.to_json();
  // 8 points fill at step 8 and merge into 4 of 2 steps; steps 9-16 add 4 more and merge again
  // into 4 of 4 steps; steps 17-20 make one more. A point is due at steps 1-8, every second step
  // to 16, then at 20.
  CHECK(history.stride() == 4);
  CHECK(j["step"].back() == 20);
  CHECK(reads == 8 + 4 + 1);
  for (const auto& g : j["gaussians"]) CHECK(g == 7);
  CHECK_FALSE(j.contains("h2d_gbps"));  // not a streamed run
}

TEST_CASE("metric history: steps out of order are an error") {
  MetricHistory history(4);
  history.add(step_at(3));
  CHECK_THROWS_AS(history.add(step_at(3)), Error);
  CHECK_THROWS_AS(MetricHistory(3), Error);
}
