// A stream backed by one worker thread that runs its queue in order.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>

#include "core/backend.hpp"

namespace splat {

class CpuEvent;

class CpuStream final : public Stream {
 public:
  CpuStream();
  ~CpuStream() override;

  void copy_async(void* dst, const void* src, std::size_t bytes) override;
  void fill_async(void* dst, unsigned char value, std::size_t bytes) override;
  void host_task(std::function<void()> task) override;
  void wait(const Event& event) override;
  void synchronize() override;
  void* native_handle() const override { return nullptr; }

  // Event bookkeeping runs even after a failed task, so waiters never hang.
  void enqueue_control(std::function<void()> task);

 private:
  struct Task {
    std::function<void()> run;
    bool runs_after_failure = false;
  };
  void enqueue(Task task);
  void work();

  std::mutex mutex_;
  std::condition_variable has_work_;
  std::condition_variable idle_;
  std::deque<Task> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::exception_ptr failure_;
  std::thread worker_;
};

// Counts records and completions; waiting for record k means completed >= k. The counters live
// in shared state so a pending record or wait stays valid if the event is destroyed first.
class CpuEvent final : public Event {
 public:
  struct State {
    std::uint64_t begin_record();
    void complete(std::uint64_t target);
    std::uint64_t recorded() const;
    void wait_for(std::uint64_t target) const;
    bool ready() const;

    mutable std::mutex mutex;
    mutable std::condition_variable completed_cv;
    std::uint64_t recorded_count = 0;
    std::uint64_t completed_count = 0;
    std::chrono::steady_clock::time_point completed_at;  // of the latest record reached
  };

  void record(Stream& stream) override;
  void synchronize() const override;
  bool ready() const override;
  double seconds_since(const Event& earlier) const override;
  const std::shared_ptr<State>& state() const { return state_; }

 private:
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace splat
