// Behaviour every backend must show: the same checks run on the CPU backend (core_tests) and
// on the CUDA backend (gpu_tests).
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

#include "core/backend.hpp"
#include "core/buffer.hpp"
#include "core/device_arena.hpp"

namespace splat::testing {

inline std::vector<std::uint8_t> random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> bytes(n);
  for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
  return bytes;
}

inline void fill_host(Buffer& buffer, const std::vector<std::uint8_t>& bytes) {
  std::copy(bytes.begin(), bytes.end(), buffer.as<std::uint8_t>());
}

inline std::vector<std::uint8_t> read_host(const Buffer& buffer) {
  const auto* p = buffer.as<std::uint8_t>();
  return {p, p + buffer.bytes()};
}

// pageable -> pinned -> device -> device -> pinned -> pageable, with offsets. Fills go to pinned
// or device memory only: cudaMemset needs memory the device can address, which pageable memory
// is only where the system has pageable memory access (HMM / ATS).
inline void check_round_trip(Backend& backend) {
  constexpr std::size_t n = (1 << 20) + 37;  // not a multiple of any alignment
  const auto pattern = random_bytes(n, 7);
  auto pageable_in = Buffer::allocate(backend, MemorySpace::PageableHost, n);
  auto pinned = Buffer::allocate(backend, MemorySpace::PinnedHost, n);
  auto device_a = Buffer::allocate(backend, MemorySpace::Device, n);
  auto device_b = Buffer::allocate(backend, MemorySpace::Device, n);
  auto pageable_out = Buffer::allocate(backend, MemorySpace::PageableHost, n);
  fill_host(pageable_in, pattern);
  auto stream = backend.create_stream();
  copy_async(*stream, pinned, pageable_in);
  copy_async(*stream, device_a, pinned);
  copy_async(*stream, device_b, device_a);
  // Shifted by 3 bytes: the first 3 output bytes keep the fill, the rest are shifted input.
  stream->fill_async(pinned.data(), 0, n);
  copy_async(*stream, pinned, 3, device_b, 0, n - 3);
  copy_async(*stream, pageable_out, 0, pinned, 0, n);
  stream->synchronize();
  const auto out = read_host(pageable_out);
  REQUIRE(out[0] == 0);
  REQUIRE(out[2] == 0);
  REQUIRE(std::equal(pattern.begin(), pattern.end() - 3, out.begin() + 3));
}

// Producer stream copies chunks in; consumer stream waits for each chunk's event and copies it
// on. Without the wait the consumer would read stale chunks.
inline void check_cross_stream_ordering(Backend& backend) {
  constexpr std::size_t chunk = 1 << 18;
  constexpr int chunks = 16;
  auto copy_stream = backend.create_stream();
  auto compute_stream = backend.create_stream();
  auto source = Buffer::allocate(backend, MemorySpace::PinnedHost, chunk * chunks);
  auto staging = Buffer::allocate(backend, MemorySpace::Device, chunk * chunks);
  auto result = Buffer::allocate(backend, MemorySpace::Device, chunk * chunks);
  auto readback = Buffer::allocate(backend, MemorySpace::PinnedHost, chunk * chunks);
  for (int round = 0; round < 3; ++round) {
    const auto pattern = random_bytes(chunk * chunks, 100 + round);
    fill_host(source, pattern);
    std::vector<std::unique_ptr<Event>> arrived;
    for (int c = 0; c < chunks; ++c) {
      copy_async(*copy_stream, staging, c * chunk, source, c * chunk, chunk);
      arrived.push_back(backend.create_event());
      arrived.back()->record(*copy_stream);
    }
    for (int c = 0; c < chunks; ++c) {
      compute_stream->wait(*arrived[c]);
      copy_async(*compute_stream, result, c * chunk, staging, c * chunk, chunk);
    }
    auto computed = backend.create_event();
    computed->record(*compute_stream);
    copy_stream->wait(*computed);
    copy_async(*copy_stream, readback, result);
    copy_stream->synchronize();
    REQUIRE(read_host(readback) == pattern);
    for (auto& event : arrived) REQUIRE(event->ready());
    compute_stream->synchronize();
  }
}

// A host task enqueued after a copy sees the copied bytes.
inline void check_host_task_order(Backend& backend) {
  constexpr std::size_t n = 4096;
  const auto pattern = random_bytes(n, 3);
  auto pinned_in = Buffer::allocate(backend, MemorySpace::PinnedHost, n);
  auto device = Buffer::allocate(backend, MemorySpace::Device, n);
  auto pinned_out = Buffer::allocate(backend, MemorySpace::PinnedHost, n);
  fill_host(pinned_in, pattern);
  auto stream = backend.create_stream();
  copy_async(*stream, device, pinned_in);
  copy_async(*stream, pinned_out, device);
  std::vector<std::uint8_t> seen;
  stream->host_task([&] { seen = read_host(pinned_out); });
  stream->synchronize();
  REQUIRE(seen == pattern);
}

// Timing events tell how long the stream took between them, by its own clock: at least the
// 30 ms a host task sleeps between two records, and negative the other way round.
inline void check_timing_events(Backend& backend) {
  auto stream = backend.create_stream();
  auto before = backend.create_timing_event();
  auto after = backend.create_timing_event();
  before->record(*stream);
  stream->host_task([] { std::this_thread::sleep_for(std::chrono::milliseconds(30)); });
  after->record(*stream);
  stream->synchronize();
  CHECK(after->seconds_since(*before) >= 0.03);
  CHECK(before->seconds_since(*after) <= -0.03);
  CHECK(before->seconds_since(*before) == 0.0);
}

// A task failure is reported by synchronize() and the stream keeps working afterwards.
inline void check_task_failure_reported(Backend& backend) {
  auto stream = backend.create_stream();
  auto event = backend.create_event();
  stream->host_task([] { throw std::runtime_error("task exploded"); });
  event->record(*stream);
  REQUIRE_THROWS_WITH(stream->synchronize(), Catch::Contains("task exploded"));
  event->synchronize();  // must not hang
  bool ran = false;
  stream->host_task([&] { ran = true; });
  stream->synchronize();
  REQUIRE(ran);
}

inline void check_arena_round_trip(Backend& backend) {
  DeviceArena arena(backend, 8 << 20);
  constexpr std::size_t n = 3 << 20;
  auto a = arena.allocate(n, "first");
  auto b = arena.allocate(n, "second");
  REQUIRE_THROWS_WITH(arena.allocate(n, "third"), Catch::Contains("third"));
  const auto pattern = random_bytes(n, 11);
  auto host = Buffer::allocate(backend, MemorySpace::PinnedHost, n);
  fill_host(host, pattern);
  auto stream = backend.create_stream();
  copy_async(*stream, a, host);
  copy_async(*stream, b, a);
  stream->fill_async(host.data(), 0, n);
  copy_async(*stream, host, b);
  stream->synchronize();
  REQUIRE(read_host(host) == pattern);
  REQUIRE(arena.peak() <= arena.budget());
}

}  // namespace splat::testing
