// A value handed between a fiber and its scheduler across a context switch. The two never run at
// the same time, but ThreadSanitizer sees each fiber as a thread of its own and would report every
// such handoff as a race (and synchronising them would hide the GPU threads' real races). Relaxed
// atomics are invisible to it and compile to plain moves.
#pragma once

#include <atomic>

namespace splat::emu {

template <typename T>
class Handoff {
 public:
  Handoff() = default;
  explicit Handoff(T value) : value_(value) {}
  T get() const { return value_.load(std::memory_order_relaxed); }
  void set(T value) { value_.store(value, std::memory_order_relaxed); }

 private:
  std::atomic<T> value_{};
};

}  // namespace splat::emu
