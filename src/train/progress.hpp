// Training progress on stdout: one line updated in place on a terminal (at most a few times a
// second), plain lines every `log_every` steps otherwise, so logs stay readable.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace splat {

struct ProgressSample {
  int step = 0;  // steps done
  float loss = 0;
  float psnr = 0;
  std::size_t gaussians = 0;
  std::size_t device_bytes = 0;
  std::size_t host_bytes = 0;
  double images_per_step = 1;
};

class ProgressReporter {
 public:
  ProgressReporter(int total_steps, int log_every, bool terminal, std::FILE* out = stdout);
  void update(const ProgressSample& sample);
  // A line that must not be overwritten (evaluation results, checkpoints).
  void message(const std::string& text);
  // The closing line; later calls print nothing.
  void finish();

  static std::string format_duration(double seconds);

 private:
  std::string line(const ProgressSample& sample, double steps_per_second) const;

  int total_steps_;
  int log_every_;
  bool terminal_;
  std::FILE* out_;
  bool line_open_ = false;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  int last_step_ = 0;
  double rate_ = 0;  // smoothed steps per second
  std::chrono::steady_clock::time_point last_rate_time_;
  int last_rate_step_ = 0;
};

}  // namespace splat
