// The emulated runtime's memory: poisoned exact-size blocks, the device's capacity, copies in
// every direction, and pointers that are refused instead of crashing a worker.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <future>
#include <numeric>
#include <thread>
#include <vector>

#include "cuda/emu/emu_options.hpp"
#include "runtime_test_support.hpp"

using namespace splat::emu::testing;
using namespace std::chrono_literals;

TEST_CASE("emu runtime: cudaMalloc gives 256-aligned memory that reads as NaN until written",
          "[emu][runtime]") {
  Array<float> device(1001);
  REQUIRE(reinterpret_cast<std::uintptr_t>(device.data()) % 256 == 0);
  for (float v : device.download()) REQUIRE(std::isnan(v));

  Array<std::uint8_t> pinned(5000, /*pinned=*/true);
  REQUIRE(reinterpret_cast<std::uintptr_t>(pinned.data()) % 4096 == 0);
  for (std::size_t i = 0; i < pinned.size(); ++i) REQUIRE(pinned.data()[i] == 0xFF);
}

TEST_CASE("emu runtime: zero-byte allocations are null pointers", "[emu][runtime]") {
  void* p = reinterpret_cast<void*>(1);
  REQUIRE_CUDA(cudaMalloc(&p, 0));
  REQUIRE(p == nullptr);
  REQUIRE_CUDA(cudaFree(nullptr));
  REQUIRE_CUDA(cudaFreeHost(nullptr));
}

TEST_CASE("emu runtime: cudaMemGetInfo reports the emulated device less what is allocated",
          "[emu][runtime]") {
  std::size_t free_before = 0;
  std::size_t total = 0;
  REQUIRE_CUDA(cudaMemGetInfo(&free_before, &total));
  REQUIRE(total == splat::emu::options().device_memory_bytes);
  {
    Array<char> block(12345);
    std::size_t free_during = 0;
    REQUIRE_CUDA(cudaMemGetInfo(&free_during, &total));
    REQUIRE(free_during == free_before - 12345);
    Array<char> pinned(5000, /*pinned=*/true);  // host memory: not the device's
    REQUIRE_CUDA(cudaMemGetInfo(&free_during, &total));
    REQUIRE(free_during == free_before - 12345);
  }
  std::size_t free_after = 0;
  REQUIRE_CUDA(cudaMemGetInfo(&free_after, &total));
  REQUIRE(free_after == free_before);
}

TEST_CASE("emu runtime: more than the device's free memory is cudaErrorMemoryAllocation",
          "[emu][runtime]") {
  void* p = nullptr;
  REQUIRE(cudaMalloc(&p, std::size_t{81} << 30) == cudaErrorMemoryAllocation);
  REQUIRE(p == nullptr);
  REQUIRE(cudaGetLastError() == cudaErrorMemoryAllocation);
  REQUIRE(cudaGetLastError() == cudaSuccess);
}

TEST_CASE("emu runtime: bytes round-trip through every copy direction", "[emu][runtime]") {
  constexpr std::size_t n = (1 << 16) + 37;
  std::vector<std::uint8_t> pageable_in(n);
  std::iota(pageable_in.begin(), pageable_in.end(), std::uint8_t{3});
  std::vector<std::uint8_t> pageable_out(n, 0);
  Array<std::uint8_t> pinned_a(n, true), pinned_b(n, true), device_a(n), device_b(n);
  Stream stream;

  SECTION("explicit directions") {
    REQUIRE_CUDA(
        cudaMemcpyAsync(pinned_a.data(), pageable_in.data(), n, cudaMemcpyHostToHost, stream));
    REQUIRE_CUDA(
        cudaMemcpyAsync(device_a.data(), pinned_a.data(), n, cudaMemcpyHostToDevice, stream));
    REQUIRE_CUDA(
        cudaMemcpyAsync(device_b.data(), device_a.data(), n, cudaMemcpyDeviceToDevice, stream));
    REQUIRE_CUDA(
        cudaMemcpyAsync(pinned_b.data(), device_b.data(), n, cudaMemcpyDeviceToHost, stream));
    REQUIRE_CUDA(
        cudaMemcpyAsync(pageable_out.data(), pinned_b.data(), n, cudaMemcpyHostToHost, stream));
  }
  SECTION("inferred directions (cudaMemcpyDefault)") {
    for (auto [dst, src] : {std::pair<void*, const void*>{pinned_a.data(), pageable_in.data()},
                            {device_a.data(), pinned_a.data()},
                            {device_b.data(), device_a.data()},
                            {pinned_b.data(), device_b.data()},
                            {pageable_out.data(), pinned_b.data()}})
      REQUIRE_CUDA(cudaMemcpyAsync(dst, src, n, cudaMemcpyDefault, stream));
  }
  REQUIRE_CUDA(cudaStreamSynchronize(stream));
  REQUIRE(pageable_out == pageable_in);
}

TEST_CASE("emu runtime: a copy from address 16 is an invalid value, and nothing is copied",
          "[emu][runtime]") {
  Stream stream;
  Array<char> device(64);
  const void* bogus = reinterpret_cast<const void*>(16);
  REQUIRE(cudaMemcpyAsync(device.data(), bogus, 64, cudaMemcpyDefault, stream) ==
          cudaErrorInvalidValue);
  REQUIRE(cudaMemcpyAsync(nullptr, bogus, 64, cudaMemcpyDefault, stream) == cudaErrorInvalidValue);
  REQUIRE(cudaGetLastError() == cudaErrorInvalidValue);
  REQUIRE(cudaGetLastError() == cudaSuccess);  // cleared by reading it
  REQUIRE_CUDA(cudaStreamSynchronize(stream));
  for (char c : device.download()) REQUIRE(static_cast<unsigned char>(c) == 0xFF);
}

TEST_CASE("emu runtime: a copy direction that contradicts the pointers is an invalid value",
          "[emu][runtime]") {
  Array<char> device(256), pinned(256, true);
  std::vector<char> pageable(256);
  REQUIRE(cudaMemcpy(device.data(), device.data() + 128, 64, cudaMemcpyHostToDevice) ==
          cudaErrorInvalidValue);
  REQUIRE(cudaMemcpy(pageable.data(), pinned.data(), 64, cudaMemcpyDeviceToHost) ==
          cudaErrorInvalidValue);
  REQUIRE(cudaMemcpy(pinned.data(), device.data(), 64, cudaMemcpyDeviceToDevice) ==
          cudaErrorInvalidValue);
  REQUIRE(cudaMemcpy(pinned.data(), device.data(), 64, cudaMemcpyHostToHost) ==
          cudaErrorInvalidValue);
  REQUIRE(cudaMemcpy(pinned.data(), device.data(), 64, static_cast<cudaMemcpyKind>(7)) ==
          cudaErrorInvalidMemcpyDirection);
  cudaGetLastError();
}

TEST_CASE("emu runtime: a range running past the end of its block is an invalid value",
          "[emu][runtime]") {
  Array<char> device(100), pinned(100, true);
  REQUIRE(cudaMemcpy(pinned.data(), device.data() + 50, 51, cudaMemcpyDefault) ==
          cudaErrorInvalidValue);
  REQUIRE(cudaMemset(device.data() + 1, 0, 100) == cudaErrorInvalidValue);
  REQUIRE_CUDA(cudaMemcpy(pinned.data(), device.data() + 50, 50, cudaMemcpyDefault));
  cudaGetLastError();
}

TEST_CASE("emu runtime: memset fills device and pinned memory, not pageable memory",
          "[emu][runtime]") {
  Stream stream;
  Array<std::uint8_t> device(1000), pinned(1000, true);
  std::vector<std::uint8_t> pageable(1000, 7);
  REQUIRE_CUDA(cudaMemsetAsync(device.data() + 10, 0x2A, 500, stream));
  REQUIRE_CUDA(cudaMemsetAsync(pinned.data(), 0x11, 1000, stream));
  REQUIRE(cudaMemsetAsync(pageable.data(), 0, 1000, stream) == cudaErrorInvalidValue);
  REQUIRE(cudaGetLastError() == cudaErrorInvalidValue);
  REQUIRE_CUDA(cudaStreamSynchronize(stream));
  const auto bytes = device.download();
  for (std::size_t i = 0; i < bytes.size(); ++i)
    REQUIRE(bytes[i] == (i >= 10 && i < 510 ? 0x2A : 0xFF));
  for (std::size_t i = 0; i < pinned.size(); ++i) REQUIRE(pinned.data()[i] == 0x11);
  REQUIRE(pageable[0] == 7);
}

TEST_CASE("emu runtime: frees refuse pointers they did not hand out", "[emu][runtime]") {
  void* device = nullptr;
  void* pinned = nullptr;
  REQUIRE_CUDA(cudaMalloc(&device, 512));
  REQUIRE_CUDA(cudaMallocHost(&pinned, 512));
  int on_stack = 0;
  REQUIRE(cudaFree(pinned) == cudaErrorInvalidValue);
  REQUIRE(cudaFree(static_cast<char*>(device) + 4) == cudaErrorInvalidValue);
  REQUIRE(cudaFree(&on_stack) == cudaErrorInvalidValue);
  REQUIRE(cudaFreeHost(device) == cudaErrorInvalidValue);
  cudaGetLastError();
  REQUIRE_CUDA(cudaFree(device));
  REQUIRE_CUDA(cudaFreeHost(pinned));
  REQUIRE(cudaFree(device) == cudaErrorInvalidValue);  // twice
  cudaGetLastError();
}

TEST_CASE("emu runtime: cudaFree waits for queued work, as CUDA's does", "[emu][runtime]") {
  Stream stream;
  void* device = nullptr;
  REQUIRE_CUDA(cudaMalloc(&device, 4096));
  Gate gate;
  gate.block(stream);
  REQUIRE_CUDA(cudaMemsetAsync(device, 0, 4096, stream));
  auto freed = std::async(std::launch::async, [device] { return cudaFree(device); });
  REQUIRE(freed.wait_for(50ms) == std::future_status::timeout);
  gate.open();
  REQUIRE(freed.get() == cudaSuccess);
}

TEST_CASE("emu runtime: a copy into pageable memory is done when the call returns",
          "[emu][runtime]") {
  Stream stream;
  Array<int> device(1000);
  splat::emu::enqueue(
      stream,
      [p = device.data()] {
        std::this_thread::sleep_for(30ms);
        for (int i = 0; i < 1000; ++i) p[i] = i;
      },
      "slow kernel");
  std::vector<int> host(1000, -1);
  REQUIRE_CUDA(cudaMemcpyAsync(host.data(), device.data(), host.size() * sizeof(int),
                               cudaMemcpyDeviceToHost, stream));
  REQUIRE(host[999] == 999);  // no synchronize in between
}

TEST_CASE("emu runtime: a copy out of pageable memory is staged, the source free at once",
          "[emu][runtime]") {
  Stream stream;
  Array<int> device(1000);
  Gate gate;
  gate.block(stream);
  std::vector<int> host(1000, 5);
  REQUIRE_CUDA(cudaMemcpyAsync(device.data(), host.data(), host.size() * sizeof(int),
                               cudaMemcpyHostToDevice, stream));
  std::fill(host.begin(), host.end(), 6);  // the stream is still held: the copy has not run
  gate.open();
  REQUIRE_CUDA(cudaStreamSynchronize(stream));
  for (int v : device.download()) REQUIRE(v == 5);
}
