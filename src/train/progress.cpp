#include "train/progress.hpp"

#include "core/byte_size.hpp"
#include "core/error.hpp"

namespace splat {

ProgressReporter::ProgressReporter(int total_steps, int log_every, bool terminal, std::FILE* out)
    : total_steps_(total_steps),
      log_every_(log_every),
      terminal_(terminal),
      out_(out),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_),
      last_rate_time_(start_) {}

std::string ProgressReporter::format_duration(double seconds) {
  const long total = static_cast<long>(seconds + 0.5);
  char text[32];
  if (total >= 3600)
    std::snprintf(text, sizeof text, "%ldh%02ldm", total / 3600, total / 60 % 60);
  else if (total >= 60)
    std::snprintf(text, sizeof text, "%ldm%02lds", total / 60, total % 60);
  else
    std::snprintf(text, sizeof text, "%lds", total);
  return text;
}

std::string ProgressReporter::line(const ProgressSample& s, double steps_per_second) const {
  const double eta = steps_per_second > 0 ? (total_steps_ - s.step) / steps_per_second : 0;
  char text[256];
  std::snprintf(text, sizeof text,
                "step %d/%d  loss %.4f  psnr %.2f  gaussians %zu  gpu %s  host %s  %.2f it/s  "
                "%.1f img/s  eta %s",
                s.step, total_steps_, s.loss, s.psnr, s.gaussians,
                format_bytes(s.device_bytes).c_str(), format_bytes(s.host_bytes).c_str(),
                steps_per_second, steps_per_second * s.images_per_step,
                format_duration(eta).c_str());
  return text;
}

void ProgressReporter::update(const ProgressSample& sample) {
  const auto now = std::chrono::steady_clock::now();
  const double since_rate = std::chrono::duration<double>(now - last_rate_time_).count();
  if (since_rate >= 1.0 || rate_ == 0) {
    const double instant = since_rate > 0 ? (sample.step - last_rate_step_) / since_rate : 0;
    rate_ = rate_ == 0 ? instant : 0.7 * rate_ + 0.3 * instant;
    last_rate_time_ = now;
    last_rate_step_ = sample.step;
  }
  last_step_ = sample.step;
  const bool last = sample.step >= total_steps_;
  if (terminal_) {
    if (!last && std::chrono::duration<double>(now - last_draw_).count() < 0.2) return;
    std::fprintf(out_, "\r\033[K%s", line(sample, rate_).c_str());
    line_open_ = true;
  } else {
    if (!last && sample.step % log_every_ != 0) return;
    std::fprintf(out_, "%s\n", line(sample, rate_).c_str());
  }
  std::fflush(out_);
  last_draw_ = now;
}

void ProgressReporter::message(const std::string& text) {
  if (line_open_) std::fputs("\n", out_);
  line_open_ = false;
  std::fprintf(out_, "%s\n", text.c_str());
  std::fflush(out_);
}

void ProgressReporter::finish() {
  if (finished_) return;
  finished_ = true;
  if (line_open_) std::fputs("\n", out_);
  line_open_ = false;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(out_, "trained %d steps in %s\n", last_step_, format_duration(seconds).c_str());
  std::fflush(out_);
}

}  // namespace splat
