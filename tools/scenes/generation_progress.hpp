// Progress of a long generation on stdout: one line updated in place on a terminal (at most five
// times a second), otherwise a plain line every tenth of the work or every 30 seconds, so a log
// of a 200M-Gaussian run stays a few dozen lines. Each phase ends with its throughput.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace splat {

class GenerationProgress {
 public:
  // `unit` names what `total` counts ("blocks", "views"); `quiet` prints nothing at all.
  GenerationProgress(std::string phase, std::string unit, std::size_t total, bool terminal,
                     bool quiet, std::FILE* out = stdout);
  // `done` units finished, `gaussians` Gaussians handled so far.
  void update(std::size_t done, std::size_t gaussians);
  // The closing line: units, Gaussians, seconds and rates. Returns the seconds taken.
  double finish(std::size_t gaussians);

 private:
  std::string line(std::size_t done, std::size_t gaussians, double seconds) const;

  std::string phase_, unit_;
  std::size_t total_;
  bool terminal_, quiet_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point start_, last_print_;
  std::size_t last_tenth_ = 0;
  std::size_t done_ = 0;
  bool line_open_ = false;
};

}  // namespace splat
