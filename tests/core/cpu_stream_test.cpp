// The CPU stream is a real worker thread: these tests pin down that it is asynchronous, keeps
// order under contention, and that events order streams the way CUDA events do.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "core/cpu_backend.hpp"

using namespace splat;

namespace {
// Blocks a stream until opened, so tests can hold work back deterministically.
struct Gate {
  std::promise<void> promise;
  std::shared_future<void> future = promise.get_future().share();
  void block(Stream& stream) {
    stream.host_task([f = future] { f.wait(); });
  }
  void open() { promise.set_value(); }
};
}  // namespace

TEST_CASE("cpu stream: enqueueing does not wait for the work", "[stream]") {
  CpuBackend backend;
  auto stream = backend.create_stream();
  auto event = backend.create_event();
  Gate gate;
  gate.block(*stream);
  std::atomic<bool> ran{false};
  stream->host_task([&] { ran = true; });
  event->record(*stream);
  // The caller got here while the stream is still blocked: the work is queued, not done.
  REQUIRE_FALSE(ran);
  REQUIRE_FALSE(event->ready());
  gate.open();
  stream->synchronize();
  REQUIRE(ran);
  REQUIRE(event->ready());
}

TEST_CASE("cpu stream: order is kept per producer under contention", "[stream]") {
  CpuBackend backend;
  auto stream = backend.create_stream();
  constexpr int producers = 4;
  constexpr int tasks_each = 2000;
  std::vector<std::vector<int>> seen(producers);  // written only by the stream's worker
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p) {
    threads.emplace_back([&, p] {
      for (int i = 0; i < tasks_each; ++i)
        stream->host_task([&seen, p, i] { seen[p].push_back(i); });
    });
  }
  for (auto& t : threads) t.join();
  stream->synchronize();
  for (int p = 0; p < producers; ++p) {
    REQUIRE(seen[p].size() == tasks_each);
    for (int i = 0; i < tasks_each; ++i) REQUIRE(seen[p][i] == i);
  }
}

TEST_CASE("cpu stream: wait holds a stream until the recorded work is done", "[stream]") {
  CpuBackend backend;
  auto producer = backend.create_stream();
  auto consumer = backend.create_stream();
  auto event = backend.create_event();
  Gate gate;
  gate.block(*producer);
  int value = 0;  // written by the producer, read by the consumer: ordered only by the event
  producer->host_task([&] { value = 42; });
  event->record(*producer);
  consumer->wait(*event);
  std::atomic<int> consumer_saw{-1};
  consumer->host_task([&] { consumer_saw = value; });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(consumer_saw == -1);  // still held back by the event, however long we waited
  gate.open();
  consumer->synchronize();
  REQUIRE(consumer_saw == 42);
}

TEST_CASE("cpu stream: wait captures the records made before it, not later ones", "[stream]") {
  CpuBackend backend;
  auto producer = backend.create_stream();
  auto consumer = backend.create_stream();
  auto event = backend.create_event();
  event->record(*producer);
  producer->synchronize();
  consumer->wait(*event);  // satisfied by the first record
  Gate gate;
  gate.block(*producer);
  event->record(*producer);  // a later record must not hold the earlier wait
  std::atomic<bool> ran{false};
  consumer->host_task([&] { ran = true; });
  consumer->synchronize();  // would hang if the wait looked at the later record
  REQUIRE(ran);
  gate.open();
  producer->synchronize();
}

TEST_CASE("cpu stream: waiting on a never-recorded event does not block", "[stream]") {
  CpuBackend backend;
  auto stream = backend.create_stream();
  auto event = backend.create_event();
  stream->wait(*event);
  stream->synchronize();
  REQUIRE(event->ready());
}

TEST_CASE("cpu stream: destroying an event with a pending record is safe", "[stream]") {
  CpuBackend backend;
  auto stream = backend.create_stream();
  Gate gate;
  gate.block(*stream);
  {
    auto event = backend.create_event();
    event->record(*stream);
  }
  gate.open();
  stream->synchronize();
}

TEST_CASE("cpu stream: work after a failure is skipped until it is reported", "[stream]") {
  CpuBackend backend;
  auto stream = backend.create_stream();
  bool later_ran = false;
  stream->host_task([] { throw std::runtime_error("first failure"); });
  stream->host_task([&] { later_ran = true; });
  REQUIRE_THROWS_WITH(stream->synchronize(), "first failure");
  REQUIRE_FALSE(later_ran);  // like CUDA's sticky errors: no work on top of a failed step
  stream->synchronize();     // reported once
}
