#include "backend_contract.hpp"
#include "core/cpu_backend.hpp"

using namespace splat;

TEST_CASE("cpu backend: buffers round-trip through every memory space", "[backend]") {
  CpuBackend backend;
  testing::check_round_trip(backend);
}

TEST_CASE("cpu backend: events order a copy stream before a compute stream", "[backend]") {
  CpuBackend backend;
  testing::check_cross_stream_ordering(backend);
}

TEST_CASE("cpu backend: host tasks run in stream order", "[backend]") {
  CpuBackend backend;
  testing::check_host_task_order(backend);
}

TEST_CASE("cpu backend: timing events measure the stream's time between them", "[backend]") {
  CpuBackend backend;
  testing::check_timing_events(backend);
}

TEST_CASE("cpu backend: a failing task is reported by synchronize", "[backend]") {
  CpuBackend backend;
  testing::check_task_failure_reported(backend);
}

TEST_CASE("cpu backend: arena buffers round-trip", "[backend]") {
  CpuBackend backend;
  testing::check_arena_round_trip(backend);
}
