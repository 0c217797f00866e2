// Wall-clock phase timing for the offload engine's metrics.
#pragma once

#include <chrono>

namespace splat {

inline double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Adds the wall time of a scope to a counter.
class PhaseTimer {
 public:
  explicit PhaseTimer(double& total) : total_(total), start_(now_seconds()) {}
  ~PhaseTimer() { total_ += now_seconds() - start_; }

 private:
  double& total_;
  double start_;
};

}  // namespace splat
