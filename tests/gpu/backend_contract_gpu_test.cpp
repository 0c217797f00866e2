#include "core/backend_contract.hpp"
#include "core/cuda_backend.hpp"
#include "cuda/sequence.cuh"

using namespace splat;

TEST_CASE("cuda backend: buffers round-trip through every memory space", "[gpu]") {
  CudaBackend backend(0);
  testing::check_round_trip(backend);
}

TEST_CASE("cuda backend: events order a copy stream before a compute stream", "[gpu]") {
  CudaBackend backend(0);
  testing::check_cross_stream_ordering(backend);
}

TEST_CASE("cuda backend: host tasks run in stream order", "[gpu]") {
  CudaBackend backend(0);
  testing::check_host_task_order(backend);
}

TEST_CASE("cuda backend: a failing host task is reported by synchronize", "[gpu]") {
  CudaBackend backend(0);
  testing::check_task_failure_reported(backend);
}

TEST_CASE("cuda backend: timing events measure the stream's time between them", "[gpu]") {
  CudaBackend backend(0);
  testing::check_timing_events(backend);
}

TEST_CASE("cuda backend: arena buffers round-trip", "[gpu]") {
  CudaBackend backend(0);
  testing::check_arena_round_trip(backend);
}

// A failed call is reported where it happened and then forgotten: the next launch check must
// not blame its kernel for the earlier error. (An allocation larger than any GPU is refused
// without side effects, unlike a copy from a made-up address, which the runtime may perform.)
TEST_CASE("cuda backend: a bad CUDA call reports file, line and reason", "[gpu]") {
  CudaBackend backend(0);
  REQUIRE_THROWS_WITH(backend.allocate(MemorySpace::Device, std::size_t{1} << 50),
                      Catch::Contains("CUDA error at cuda_backend.cpp:") &&
                          Catch::Contains("cudaErrorMemoryAllocation"));
  auto stream = backend.create_stream();
  DeviceArena arena(backend, 1 << 20);
  auto device = arena.allocate(1024 * sizeof(std::uint32_t), "sequence");
  CHECK_NOTHROW(cuda::launch_sequence_u32(device.as<std::uint32_t>(), 1024, 0, 1,
                                          static_cast<cudaStream_t>(stream->native_handle())));
  stream->synchronize();
}

TEST_CASE("cuda backend: a kernel on the compute stream is ordered by events", "[gpu]") {
  CudaBackend backend(0);
  DeviceArena arena(backend, 16 << 20);
  constexpr std::uint32_t n = 1'000'003;
  auto device = arena.allocate(n * sizeof(std::uint32_t), "sequence");
  auto host = Buffer::allocate(backend, MemorySpace::PinnedHost, n * sizeof(std::uint32_t));
  auto compute = backend.create_stream();
  auto copy = backend.create_stream();
  auto done = backend.create_event();
  cuda::launch_sequence_u32(device.as<std::uint32_t>(), n, 5, 3,
                            static_cast<cudaStream_t>(compute->native_handle()));
  done->record(*compute);
  copy->wait(*done);
  copy_async(*copy, host, device);
  copy->synchronize();
  const auto* values = host.as<std::uint32_t>();
  for (std::uint32_t i = 0; i < n; i += 9973) REQUIRE(values[i] == 5 + 3 * i);
  REQUIRE(values[n - 1] == 5 + 3 * (n - 1));
}
