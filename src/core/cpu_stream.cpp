#include "core/cpu_stream.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>

#include "core/error.hpp"

namespace splat {

CpuStream::CpuStream() : worker_([this] { work(); }) {}

CpuStream::~CpuStream() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  has_work_.notify_one();
  worker_.join();
}

void CpuStream::enqueue(Task task) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(task));
  }
  has_work_.notify_one();
}

void CpuStream::copy_async(void* dst, const void* src, std::size_t bytes) {
  enqueue({[=] { std::memcpy(dst, src, bytes); }});
}

void CpuStream::fill_async(void* dst, unsigned char value, std::size_t bytes) {
  enqueue({[=] { std::memset(dst, value, bytes); }});
}

void CpuStream::host_task(std::function<void()> task) {
  enqueue({std::move(task)});
}

void CpuStream::enqueue_control(std::function<void()> task) {
  enqueue({std::move(task), true});
}

void CpuStream::wait(const Event& event) {
  const auto* cpu_event = dynamic_cast<const CpuEvent*>(&event);
  SPLAT_REQUIRE(cpu_event != nullptr, "a CPU stream cannot wait for an event of another backend");
  // Like cudaStreamWaitEvent: wait for the records made before this call, not later ones.
  const std::uint64_t target = cpu_event->state()->recorded();
  if (target == 0) return;
  enqueue({[state = cpu_event->state(), target] { state->wait_for(target); }});
}

void CpuStream::synchronize() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
  if (failure_) {
    // Report the failure once; the stream is usable again afterwards.
    std::exception_ptr failure = std::exchange(failure_, nullptr);
    std::rethrow_exception(failure);
  }
}

void CpuStream::work() {
  std::unique_lock lock(mutex_);
  for (;;) {
    has_work_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and nothing left to run
    Task task = std::move(queue_.front());
    queue_.pop_front();
    const bool skip = failure_ && !task.runs_after_failure;
    busy_ = true;
    lock.unlock();
    std::exception_ptr failure;
    if (!skip) {
      try {
        task.run();
      } catch (...) {
        failure = std::current_exception();
      }
    }
    lock.lock();
    busy_ = false;
    if (failure && !failure_) failure_ = failure;
    if (queue_.empty()) idle_.notify_all();
  }
}

void CpuEvent::record(Stream& stream) {
  auto* cpu_stream = dynamic_cast<CpuStream*>(&stream);
  SPLAT_REQUIRE(cpu_stream != nullptr,
                "a CPU event cannot be recorded on a stream of another backend");
  const std::uint64_t target = state_->begin_record();
  cpu_stream->enqueue_control([state = state_, target] { state->complete(target); });
}

void CpuEvent::synchronize() const {
  state_->wait_for(state_->recorded());
}

bool CpuEvent::ready() const {
  return state_->ready();
}

double CpuEvent::seconds_since(const Event& earlier) const {
  const auto* start = dynamic_cast<const CpuEvent*>(&earlier);
  SPLAT_REQUIRE(start != nullptr, "a CPU event cannot be timed against another backend's");
  SPLAT_REQUIRE(ready() && start->ready(), "seconds_since() needs both events complete");
  const auto at = [](const State& s) {
    std::lock_guard lock(s.mutex);
    return s.completed_at;
  };
  return std::chrono::duration<double>(at(*state_) - at(*start->state_)).count();
}

std::uint64_t CpuEvent::State::begin_record() {
  std::lock_guard lock(mutex);
  return ++recorded_count;
}

void CpuEvent::State::complete(std::uint64_t target) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex);
    if (target > completed_count) completed_at = now;
    completed_count = std::max(completed_count, target);
  }
  completed_cv.notify_all();
}

std::uint64_t CpuEvent::State::recorded() const {
  std::lock_guard lock(mutex);
  return recorded_count;
}

void CpuEvent::State::wait_for(std::uint64_t target) const {
  std::unique_lock lock(mutex);
  completed_cv.wait(lock, [&] { return completed_count >= target; });
}

bool CpuEvent::State::ready() const {
  std::lock_guard lock(mutex);
  return completed_count >= recorded_count;
}

}  // namespace splat
