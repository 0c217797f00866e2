// Runs one thread block of an emulated kernel: one fiber per GPU thread, scheduled on the calling
// OS thread in the configured order. A fiber runs until it reaches a barrier or warp collective
// (or returns); the runner resolves a collective once all its participants wait at the same call
// site, and reports anything else (barrier divergence, a collective under divergence, deadlock)
// as a fault naming kernel, block, thread and source line. After a fault, the block's fibers are
// unwound and their stacks go back to the pool before the fault is returned.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <source_location>
#include <string>
#include <type_traits>
#include <vector>

#include "cuda/emu/device.hpp"
#include "cuda/emu/emu_options.hpp"
#include "cuda/emu/fiber.hpp"
#include "cuda/emu/handoff.hpp"
#include "cuda/emu/shared_arena.hpp"

namespace splat::emu {

// The kernel body as each GPU thread calls it: a reference to a callable, without allocation.
class KernelBody {
 public:
  template <typename F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, KernelBody>) KernelBody(const F& f)
      : object_(&f), call_([](const void* o) { (*static_cast<const F*>(o))(); }) {}
  void operator()() const { call_(object_); }

 private:
  const void* object_;
  void (*call_)(const void*);
};

// What every block of one launch shares.
struct GridLaunch {
  const char* kernel_name;
  dim3 grid, block;
  std::size_t dynamic_shared_bytes;
  KernelBody body;
  ThreadOrder order;
  std::size_t stack_bytes;
};

constexpr unsigned kMaxBlockThreads = 1024;

struct GpuThread;

class BlockRunner {
 public:
  BlockRunner();
  ~BlockRunner();
  BlockRunner(const BlockRunner&) = delete;
  BlockRunner& operator=(const BlockRunner&) = delete;

  // The calling OS thread's runner (fibers never move between OS threads).
  static BlockRunner& for_this_thread();

  // Runs block `block_idx` of `launch` until all its threads returned or one faulted. Returns
  // the fault's message, or an empty string. `seed` drives the random order.
  std::string run(const GridLaunch& launch, uint3 block_idx, std::uint64_t seed);

  // Called from the running GPU thread's fiber (through device.hpp's functions).
  std::uint64_t wait(GpuThread& t, detail::Collective op, const std::source_location& site,
                     unsigned mask, std::uint64_t value, int arg, int width);
  [[noreturn]] void fail(GpuThread& t, const char* kind, const char* what,
                         const std::source_location& site, const std::string& details);
  void* shared(GpuThread& t, const void* key, std::size_t size, std::size_t align,
               const std::source_location& site);
  void* dynamic_shared() const { return arena_.dynamic(); }
  unsigned barrier_epoch() const { return epoch_.get(); }
  const GridLaunch* launch() const { return launch_; }

 private:
  static void thread_main(void* gpu_thread);
  int pick();
  void step(GpuThread& t);
  void arrive_at_barrier(GpuThread& t, detail::Collective op);
  void arrive_at_warp(GpuThread& t, detail::Collective op);
  void resolve_warp(unsigned warp, unsigned mask, detail::Collective op);
  void make_runnable(GpuThread& t);
  std::string diagnose_stall() const;
  void abandon_all();
  Fiber* take_fiber();
  void release_fiber(GpuThread& t);
  GpuThread& thread(unsigned warp, unsigned lane) const;
  std::string describe(const GpuThread& t, const char* kind, const char* what,
                       const std::source_location& site, const std::string& details) const;
  std::string describe_wait(const GpuThread& t, const char* kind, const std::string& details) const;
  void tsan_join();

  const GridLaunch* launch_ = nullptr;
  unsigned n_ = 0;
  std::unique_ptr<GpuThread[]> threads_;
  std::array<std::uint64_t, kMaxBlockThreads / 64> runnable_{};
  std::array<unsigned, kMaxBlockThreads / 32> warp_arrived_{};  // lanes waiting at warp ops
  std::vector<GpuThread*> participants_;                        // of the collective being resolved
  unsigned live_ = 0;                                           // threads that have not returned
  unsigned barrier_waiting_ = 0, barrier_count_ = 0;
  const GpuThread* barrier_first_ = nullptr;
  Handoff<unsigned> epoch_;  // barriers the block has passed
  ThreadOrder order_ = ThreadOrder::forward;
  std::uint64_t rng_ = 0;
  std::string fault_;
  SharedArena arena_;
  FiberContext scheduler_;  // this OS thread's own context, which fibers switch back to
  std::size_t fiber_stack_bytes_ = 0;
  std::vector<std::unique_ptr<Fiber>> fibers_;
  std::vector<Fiber*> idle_fibers_;
  // ThreadSanitizer synchronisation objects (addresses only).
  char tsan_block_end_ = 0, tsan_fault_ = 0;
  std::unique_ptr<char[]> tsan_syncs_;
  std::size_t tsan_next_sync_ = 0;
  std::vector<void*> tsan_fibers_;
};

}  // namespace splat::emu
