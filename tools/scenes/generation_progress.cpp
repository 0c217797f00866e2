#include "tools/scenes/generation_progress.hpp"

namespace splat {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}
}  // namespace

GenerationProgress::GenerationProgress(std::string phase, std::string unit, std::size_t total,
                                       bool terminal, bool quiet, std::FILE* out)
    : phase_(std::move(phase)),
      unit_(std::move(unit)),
      total_(total),
      terminal_(terminal),
      quiet_(quiet),
      out_(out),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_) {}

std::string GenerationProgress::line(std::size_t done, std::size_t gaussians,
                                     double seconds) const {
  char text[256];
  const double rate = seconds > 0 ? 1.0 / seconds : 0;
  std::snprintf(text, sizeof text,
                "%s: %zu/%zu %s, %zu Gaussians, %.1fs, %.2f %s/s, %.3g Gaussians/s", phase_.c_str(),
                done, total_, unit_.c_str(), gaussians, seconds, done * rate, unit_.c_str(),
                gaussians * rate);
  return text;
}

void GenerationProgress::update(std::size_t done, std::size_t gaussians) {
  done_ = done;
  if (quiet_) return;
  const double since =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - last_print_).count();
  if (terminal_) {
    if (since < 0.2) return;
    std::fprintf(out_, "\r\033[K%s", line(done, gaussians, seconds_since(start_)).c_str());
    line_open_ = true;
  } else {
    const std::size_t tenth = total_ > 0 ? done * 10 / total_ : 10;
    if (tenth == last_tenth_ && since < 30) return;
    last_tenth_ = tenth;
    if (done >= total_) return;  // finish() prints the last line
    std::fprintf(out_, "%s\n", line(done, gaussians, seconds_since(start_)).c_str());
  }
  std::fflush(out_);
  last_print_ = std::chrono::steady_clock::now();
}

double GenerationProgress::finish(std::size_t gaussians) {
  const double seconds = seconds_since(start_);
  if (quiet_) return seconds;
  if (line_open_) std::fputs("\r\033[K", out_);
  std::fprintf(out_, "%s\n", line(done_, gaussians, seconds).c_str());
  std::fflush(out_);
  line_open_ = false;
  return seconds;
}

}  // namespace splat
