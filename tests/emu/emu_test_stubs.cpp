// Stand-ins for the two functions the emulated runtime defines for the device side, so that
// these tests exercise the device side alone: a stream that runs work at once (a fault thrown by
// the grid reaches the test), and a recorder of launch configuration errors.
#include <string>

#include "cuda/emu/launch.hpp"
#include "emu_test_support.hpp"

namespace splat::emu {

namespace {
std::string recorded_config_error;
}

void enqueue(cudaStream_t, std::function<void()> work, const char*) {
  work();
}

void record_launch_config_error(const char* kernel, const std::string& why) {
  recorded_config_error = std::string(kernel) + ": " + why;
}

namespace test {
std::string take_recorded_config_error() {
  return std::exchange(recorded_config_error, std::string());
}
}  // namespace test

}  // namespace splat::emu
