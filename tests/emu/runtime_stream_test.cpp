// The emulated runtime's streams: ordered worker threads, asynchronous to the host, with the
// legacy default stream's implicit synchronization and nothing else between streams.
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime_test_support.hpp"

using namespace splat::emu::testing;
using namespace std::chrono_literals;

namespace {

// What ran, in the order it ran, across streams.
class Log {
 public:
  std::function<void()> entry(std::string name) {
    return [this, name] {
      std::lock_guard lock(mutex_);
      entries_.push_back(name);
    };
  }
  std::vector<std::string> entries() {
    std::lock_guard lock(mutex_);
    return entries_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::string> entries_;
};

void host_append(void* data) {
  auto* order = static_cast<std::vector<int>*>(data);
  order->push_back(static_cast<int>(order->size()));
}

}  // namespace

TEST_CASE("emu runtime: a stream runs its work in submission order", "[emu][runtime]") {
  constexpr int kRounds = 200;
  std::vector<int> order;
  Stream stream;
  Array<int> device(1), pinned(kRounds, true);
  for (int i = 0; i < kRounds; ++i) {
    REQUIRE_CUDA(cudaLaunchHostFunc(stream, &host_append, &order));
    // Each copy must see the memset queued just before it, and no later one.
    REQUIRE_CUDA(cudaMemsetAsync(device.data(), i, sizeof(int), stream));
    REQUIRE_CUDA(
        cudaMemcpyAsync(pinned.data() + i, device.data(), sizeof(int), cudaMemcpyDefault, stream));
  }
  REQUIRE_CUDA(cudaStreamSynchronize(stream));
  REQUIRE(order.size() == kRounds);
  for (int i = 0; i < kRounds; ++i) {
    REQUIRE(order[i] == i);
    REQUIRE(static_cast<unsigned>(pinned.data()[i]) == static_cast<unsigned>(i) * 0x01010101u);
  }
}

TEST_CASE("emu runtime: queuing work does not wait for it", "[emu][runtime]") {
  std::atomic<bool> ran{false};
  Stream stream;
  Gate gate;
  gate.block(stream);
  splat::emu::enqueue(
      stream, [&] { ran = true; }, "flag kernel");
  REQUIRE(cudaStreamQuery(stream) == cudaErrorNotReady);
  REQUIRE(cudaGetLastError() == cudaSuccess);  // not ready is a status, not an error
  REQUIRE_FALSE(ran);
  gate.open();
  REQUIRE_CUDA(cudaStreamSynchronize(stream));
  REQUIRE(ran);
  REQUIRE_CUDA(cudaStreamQuery(stream));
}

TEST_CASE("emu runtime: the legacy default stream waits for earlier work of blocking streams",
          "[emu][runtime]") {
  Log log;
  Stream blocking(cudaStreamDefault);
  Stream non_blocking(cudaStreamNonBlocking);
  Gate gate_blocking;
  Gate gate_non_blocking;
  gate_blocking.block(blocking);
  gate_non_blocking.block(non_blocking);
  splat::emu::enqueue(blocking, log.entry("blocking"), "kernel");
  splat::emu::enqueue(non_blocking, log.entry("non-blocking"), "kernel");
  splat::emu::enqueue(nullptr, log.entry("legacy"), "kernel");
  std::this_thread::sleep_for(30ms);
  REQUIRE(cudaStreamQuery(nullptr) == cudaErrorNotReady);
  gate_blocking.open();
  REQUIRE_CUDA(cudaStreamSynchronize(nullptr));  // without the non-blocking stream's work
  REQUIRE(log.entries() == std::vector<std::string>{"blocking", "legacy"});
  gate_non_blocking.open();
  REQUIRE_CUDA(cudaStreamSynchronize(non_blocking));
}

TEST_CASE("emu runtime: blocking streams wait for earlier legacy-stream work, others do not",
          "[emu][runtime]") {
  Log log;
  Stream blocking(cudaStreamDefault);
  Stream non_blocking(cudaStreamNonBlocking);
  Gate gate;
  gate.block(nullptr);
  splat::emu::enqueue(nullptr, log.entry("legacy"), "kernel");
  splat::emu::enqueue(blocking, log.entry("blocking"), "kernel");
  splat::emu::enqueue(non_blocking, log.entry("non-blocking"), "kernel");
  REQUIRE_CUDA(cudaStreamSynchronize(non_blocking));  // runs while the legacy stream is held
  REQUIRE(log.entries() == std::vector<std::string>{"non-blocking"});
  REQUIRE(cudaStreamQuery(blocking) == cudaErrorNotReady);
  gate.open();
  REQUIRE_CUDA(cudaStreamSynchronize(blocking));
  REQUIRE(log.entries() == std::vector<std::string>{"non-blocking", "legacy", "blocking"});
}

TEST_CASE("emu runtime: cudaDeviceSynchronize waits for every stream", "[emu][runtime]") {
  std::atomic<int> done{0};
  Stream a, b;
  for (cudaStream_t s : {static_cast<cudaStream_t>(a), static_cast<cudaStream_t>(b),
                         static_cast<cudaStream_t>(nullptr)})
    splat::emu::enqueue(
        s,
        [&] {
          std::this_thread::sleep_for(20ms);
          ++done;
        },
        "slow kernel");
  REQUIRE_CUDA(cudaDeviceSynchronize());
  REQUIRE(done == 3);
}

TEST_CASE("emu runtime: a destroyed stream still runs its queued work", "[emu][runtime]") {
  cudaStream_t stream = nullptr;
  REQUIRE_CUDA(cudaStreamCreate(&stream));
  std::atomic<bool> ran{false};
  {
    Gate gate;
    gate.block(stream);
    splat::emu::enqueue(
        stream, [&] { ran = true; }, "kernel");
    REQUIRE_CUDA(cudaStreamDestroy(stream));
    REQUIRE(cudaStreamQuery(stream) == cudaErrorInvalidResourceHandle);
    REQUIRE(cudaStreamDestroy(stream) == cudaErrorInvalidResourceHandle);
    REQUIRE_FALSE(ran);
  }
  REQUIRE_CUDA(cudaDeviceSynchronize());
  REQUIRE(ran);
  cudaGetLastError();
}

TEST_CASE("emu runtime: work for an unknown stream is refused", "[emu][runtime]") {
  auto* bogus = reinterpret_cast<cudaStream_t>(0x1234);
  std::atomic<bool> ran{false};
  splat::emu::enqueue(
      bogus, [&] { ran = true; }, "kernel");
  REQUIRE(cudaGetLastError() == cudaErrorInvalidResourceHandle);
  REQUIRE(cudaStreamSynchronize(bogus) == cudaErrorInvalidResourceHandle);
  REQUIRE(cudaStreamCreateWithFlags(nullptr, 0) == cudaErrorInvalidValue);
  cudaStream_t stream = nullptr;
  REQUIRE(cudaStreamCreateWithFlags(&stream, 0x10) == cudaErrorInvalidValue);
  REQUIRE_CUDA(cudaDeviceSynchronize());
  REQUIRE_FALSE(ran);
  cudaGetLastError();
}

TEST_CASE("emu runtime: host functions see the results of earlier copies", "[emu][runtime]") {
  Stream stream;
  Array<int> device(256), pinned(256, true);
  std::vector<int> values(256);
  for (int i = 0; i < 256; ++i) values[i] = i * 7;
  int sum = 0;
  struct Check {
    const int* data;
    int* sum;
  } check{pinned.data(), &sum};
  REQUIRE_CUDA(cudaMemcpyAsync(device.data(), values.data(), 256 * sizeof(int),
                               cudaMemcpyHostToDevice, stream));
  REQUIRE_CUDA(cudaMemcpyAsync(pinned.data(), device.data(), 256 * sizeof(int),
                               cudaMemcpyDeviceToHost, stream));
  REQUIRE_CUDA(cudaLaunchHostFunc(
      stream,
      [](void* p) {
        auto* c = static_cast<Check*>(p);
        for (int i = 0; i < 256; ++i) *c->sum += c->data[i];
      },
      &check));
  REQUIRE_CUDA(cudaStreamSynchronize(stream));
  REQUIRE(sum == 7 * 255 * 256 / 2);
}
