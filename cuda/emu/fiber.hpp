// Fibers: user-space execution contexts with their own small stacks, switched by a hand-written
// x86-64 context switch (fiber_switch.cpp). glibc's swapcontext saves the signal mask with a system
// call on every switch and is an order of magnitude slower; emulated kernels switch at every
// barrier and warp collective of every GPU thread.
//
// The protocol is strictly two-party: a scheduler resumes a fiber, the fiber runs until it
// suspends itself or its body returns, and control is back in the scheduler. Fibers never switch
// to each other, and a fiber stays on the OS thread whose scheduler started it.
#pragma once

#include <atomic>
#include <cstddef>

namespace splat::emu {

// A suspended execution context: a fiber, or an OS thread's own stack while it runs a fiber.
struct FiberContext {
  void* sp = nullptr;  // its callee-saved registers and MXCSR/x87 control words are pushed here
  // What the sanitizers need to follow the switch.
  const void* stack_bottom = nullptr;
  std::size_t stack_size = 0;
  void* asan_fake_stack = nullptr;
  void* tsan_fiber = nullptr;
};

// The calling OS thread's own context, for a scheduler that resumes fibers from it.
FiberContext thread_context();

// An mmap'd stack with a PROT_NONE guard page below it: an overflow faults at once instead of
// corrupting a neighbour's stack.
class FiberStack {
 public:
  explicit FiberStack(std::size_t usable_bytes);
  ~FiberStack();
  FiberStack(const FiberStack&) = delete;
  FiberStack& operator=(const FiberStack&) = delete;

  char* bottom() const { return bottom_; }
  std::size_t size() const { return size_; }
  // Maps fresh pages over the stack. ThreadSanitizer keeps a history per address: a stack reused
  // by a new logical thread would otherwise race with its previous user's frames.
  void renew();

 private:
  char* mapping_ = nullptr;
  std::size_t mapping_bytes_ = 0;
  char* bottom_ = nullptr;
  std::size_t size_ = 0;
};

class Fiber {
 public:
  using Body = void (*)(void* arg);

  explicit Fiber(std::size_t stack_bytes);
  ~Fiber();
  Fiber(const Fiber&) = delete;
  Fiber& operator=(const Fiber&) = delete;

  // Arms an idle fiber: the next resume() runs body(arg) from the start. The body must not let an
  // exception escape (nothing may unwind across a context switch). `name` (kept by the caller)
  // labels the fiber in ThreadSanitizer reports.
  void start(Body body, void* arg, const char* name = nullptr);
  // From the scheduler: runs the fiber until it suspends or its body returns.
  void resume(FiberContext& scheduler);
  // From inside the body: back to the scheduler, until the next resume().
  void suspend();
  // Not started, or its body has returned: it may be started again.
  bool idle() const { return idle_.load(std::memory_order_relaxed); }
  const FiberStack& stack() const { return stack_; }
  // ThreadSanitizer's handle of the logical thread running on this fiber (null without TSan).
  void* tsan_fiber() const { return context_.tsan_fiber; }

 private:
  [[noreturn]] static void entry(Fiber* self) noexcept;

  FiberStack stack_;
  FiberContext context_;
  // Written on one side of a switch and read on the other. Atomic for ThreadSanitizer only, which
  // sees the fiber and its scheduler as unsynchronised threads; relaxed accesses are plain moves.
  std::atomic<Body> body_ = nullptr;
  std::atomic<void*> arg_ = nullptr;
  std::atomic<FiberContext*> scheduler_ = nullptr;
  std::atomic<bool> idle_ = true;
  bool used_ = false;
};

}  // namespace splat::emu
