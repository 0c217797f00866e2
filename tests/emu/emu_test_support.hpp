// Helpers of the emulated-device tests: run a kernel body as a grid, pick the thread order for a
// scope, and match fault messages.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "cuda/emu/device.hpp"
#include "cuda/emu/grid_runner.hpp"
#include "cuda/shared_memory.cuh"

namespace splat::emu::test {

// Sets the emulator's options for the scope of one test.
class ScopedOptions {
 public:
  explicit ScopedOptions(const EmuOptions& o) : saved_(options()) { set_options(o); }
  ~ScopedOptions() { set_options(saved_); }
  ScopedOptions(const ScopedOptions&) = delete;
  ScopedOptions& operator=(const ScopedOptions&) = delete;

 private:
  EmuOptions saved_;
};

inline EmuOptions with_order(ThreadOrder order, std::uint64_t seed = 7) {
  EmuOptions o = options();
  o.order = order;
  o.seed = seed;
  return o;
}

// Forward order on one OS thread: which thread and block a fault names is then fixed.
inline EmuOptions deterministic() {
  EmuOptions o = with_order(ThreadOrder::forward);
  o.threads = 1;
  return o;
}

inline const ThreadOrder kAllOrders[] = {ThreadOrder::forward, ThreadOrder::reverse,
                                         ThreadOrder::random};

inline const char* order_name(ThreadOrder order) {
  switch (order) {
    case ThreadOrder::forward:
      return "forward";
    case ThreadOrder::reverse:
      return "reverse";
    case ThreadOrder::random:
      return "random";
  }
  return "?";
}

// Runs `body` (which calls a __global__ function) as a grid.
template <typename F>
void run_kernel(const char* name, dim3 grid, dim3 block, const F& body,
                std::size_t dynamic_shared_bytes = 0) {
  run_grid(name, grid, block, dynamic_shared_bytes, body);
}

// "this_file.cpp:LINE:" as a fault message names a collective's site.
inline std::string site_of(const char* file, int line) {
  std::string f = file;
  return f.substr(f.find_last_of('/') + 1) + ":" + std::to_string(line) + ":";
}

// The configuration error the last SPLAT_LAUNCH recorded (the test stubs of the runtime).
std::string take_recorded_config_error();

}  // namespace splat::emu::test
