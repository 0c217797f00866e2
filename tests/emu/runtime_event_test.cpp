// The emulated runtime's events: a record captures the stream's position; queries, waits and
// stream waits refer to the record made before them; timing events measure the stream's time.
#include <chrono>
#include <thread>
#include <vector>

#include "runtime_test_support.hpp"

using namespace splat::emu::testing;
using namespace std::chrono_literals;

TEST_CASE("emu runtime: an event is not ready until its stream reaches it", "[emu][runtime]") {
  Stream stream;
  Event event(cudaEventDisableTiming);
  Gate gate;
  gate.block(stream);
  REQUIRE_CUDA(cudaEventRecord(event, stream));
  REQUIRE(cudaEventQuery(event) == cudaErrorNotReady);
  REQUIRE(cudaGetLastError() == cudaSuccess);
  gate.open();
  REQUIRE_CUDA(cudaEventSynchronize(event));
  REQUIRE_CUDA(cudaEventQuery(event));
}

TEST_CASE("emu runtime: cudaStreamWaitEvent holds a stream until the recorded work is done",
          "[emu][runtime]") {
  Stream upload, compute;
  Event uploaded(cudaEventDisableTiming);
  Array<int> staging(1024), result(1024), host(1024, /*pinned=*/true);
  std::vector<int> values(1024);
  for (int i = 0; i < 1024; ++i) values[i] = 3 * i + 1;
  Gate gate;
  gate.block(upload);
  REQUIRE_CUDA(cudaMemcpyAsync(staging.data(), values.data(), 1024 * sizeof(int),
                               cudaMemcpyHostToDevice, upload));
  REQUIRE_CUDA(cudaEventRecord(uploaded, upload));
  REQUIRE_CUDA(cudaStreamWaitEvent(compute, uploaded, 0));
  REQUIRE_CUDA(cudaMemcpyAsync(result.data(), staging.data(), 1024 * sizeof(int),
                               cudaMemcpyDeviceToDevice, compute));
  REQUIRE_CUDA(cudaMemcpyAsync(host.data(), result.data(), 1024 * sizeof(int),
                               cudaMemcpyDeviceToHost, compute));
  std::this_thread::sleep_for(20ms);
  REQUIRE(cudaStreamQuery(compute) == cudaErrorNotReady);
  gate.open();
  REQUIRE_CUDA(cudaStreamSynchronize(compute));
  for (int i = 0; i < 1024; ++i) REQUIRE(host.data()[i] == 3 * i + 1);
}

TEST_CASE("emu runtime: a stream wait refers to the record made before it, not later ones",
          "[emu][runtime]") {
  Stream producer, consumer;
  Event event(cudaEventDisableTiming);
  REQUIRE_CUDA(cudaEventRecord(event, producer));
  REQUIRE_CUDA(cudaEventSynchronize(event));
  REQUIRE_CUDA(cudaStreamWaitEvent(consumer, event, 0));
  Gate gate;
  gate.block(producer);
  REQUIRE_CUDA(cudaEventRecord(event, producer));  // pending behind the gate
  REQUIRE(cudaEventQuery(event) == cudaErrorNotReady);
  REQUIRE_CUDA(cudaStreamSynchronize(consumer));  // waited for the first record only
  gate.open();
}

TEST_CASE("emu runtime: an event never recorded is complete", "[emu][runtime]") {
  Stream stream;
  Event event;
  REQUIRE_CUDA(cudaEventQuery(event));
  REQUIRE_CUDA(cudaEventSynchronize(event));
  REQUIRE_CUDA(cudaStreamWaitEvent(stream, event, 0));
  REQUIRE_CUDA(cudaStreamSynchronize(stream));
  float ms = 0;
  REQUIRE(cudaEventElapsedTime(&ms, event, event) == cudaErrorInvalidResourceHandle);
  cudaGetLastError();
}

TEST_CASE("emu runtime: timing events measure the stream's time between them", "[emu][runtime]") {
  Stream stream;
  Event start, end;
  REQUIRE_CUDA(cudaEventRecord(start, stream));
  REQUIRE_CUDA(cudaLaunchHostFunc(
      stream, [](void*) { std::this_thread::sleep_for(40ms); }, nullptr));
  REQUIRE_CUDA(cudaEventRecord(end, stream));
  float ms = 0;
  REQUIRE(cudaEventElapsedTime(&ms, start, end) == cudaErrorNotReady);
  REQUIRE_CUDA(cudaEventSynchronize(end));
  // The host's time before the first record does not count: the stream reached it at once.
  std::this_thread::sleep_for(10ms);
  REQUIRE_CUDA(cudaEventElapsedTime(&ms, start, end));
  REQUIRE(ms >= 39.0f);
  REQUIRE(ms < 1000.0f);
}

TEST_CASE("emu runtime: events without timing cannot be timed", "[emu][runtime]") {
  Stream stream;
  Event timed, untimed(cudaEventDisableTiming);
  REQUIRE_CUDA(cudaEventRecord(timed, stream));
  REQUIRE_CUDA(cudaEventRecord(untimed, stream));
  REQUIRE_CUDA(cudaStreamSynchronize(stream));
  float ms = 0;
  REQUIRE(cudaEventElapsedTime(&ms, timed, untimed) == cudaErrorInvalidResourceHandle);
  REQUIRE(cudaGetLastError() == cudaErrorInvalidResourceHandle);
}

TEST_CASE("emu runtime: destroyed and made-up events are invalid handles", "[emu][runtime]") {
  cudaEvent_t event = nullptr;
  REQUIRE_CUDA(cudaEventCreate(&event));
  REQUIRE_CUDA(cudaEventDestroy(event));
  REQUIRE(cudaEventQuery(event) == cudaErrorInvalidResourceHandle);
  REQUIRE(cudaEventRecord(reinterpret_cast<cudaEvent_t>(0x40), nullptr) ==
          cudaErrorInvalidResourceHandle);
  REQUIRE(cudaEventCreateWithFlags(&event, cudaEventInterprocess) == cudaErrorInvalidValue);
  cudaGetLastError();
}
