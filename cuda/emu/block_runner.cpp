#include "cuda/emu/block_runner.hpp"

#include <bit>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "cuda/emu/crash_report.hpp"
#include "cuda/emu/sanitizers.hpp"

namespace splat::emu {

namespace detail {
constinit thread_local std::atomic<const ThreadBuiltins*> current_builtins{nullptr};
}  // namespace detail

using detail::Collective;

namespace {

enum class State : unsigned char { idle, running, waiting, exited, faulted };

// Thrown inside a GPU thread's fiber when the runner abandons the block after a fault: unwinds
// the thread's frames back to its entry, so nothing is leaked and the stack can be reused. Not a
// std::exception, so that no kernel code catches it by accident.
struct Abandoned {};

bool is_barrier(Collective op) {
  return op <= Collective::syncthreads_or;
}

bool is_shuffle(Collective op) {
  return op >= Collective::shfl && op <= Collective::shfl_xor;
}

bool same_site(const std::source_location& a, const std::source_location& b) {
  return a.line() == b.line() && a.column() == b.column() &&
         (a.file_name() == b.file_name() || std::string_view(a.file_name()) == b.file_name());
}

std::string hex(unsigned v) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", v);
  return text;
}

std::string triple(const uint3& v) {
  char text[40];  // snprintf: GCC 12 warns falsely (-Wrestrict) on "(" + std::to_string(...)
  std::snprintf(text, sizeof text, "(%u,%u,%u)", v.x, v.y, v.z);
  return text;
}

// A function's qualified name without return type and parameters, for short fault messages.
std::string function_text(const char* pretty) {
  const std::string_view name = pretty;
  std::size_t begin = 0, end = name.size();
  int depth = 0;
  for (std::size_t i = 0; i < name.size() && end == name.size(); ++i) {
    if (name[i] == '<') ++depth;
    if (name[i] == '>') --depth;
    if (depth == 0 && name[i] == ' ') begin = i + 1;  // past the return type
    if (depth == 0 && name[i] == '(') end = i;
  }
  return std::string(name.substr(begin, end - begin));
}

std::string site_text(const std::source_location& site) {
  return std::string(site.file_name()) + ":" + std::to_string(site.line()) + ":" +
         std::to_string(site.column());
}

// Bits standing for "undefined": a shuffle from a lane outside the mask returns them (NaN as a
// float or double, all ones as an integer).
constexpr std::uint64_t kPoison = ~std::uint64_t{0};

// The lane a shuffle reads for `lane`, or -1 when CUDA leaves it undefined.
int source_lane(Collective op, unsigned lane, int arg, unsigned width) {
  const unsigned base = lane & ~(width - 1);
  switch (op) {
    case Collective::shfl:
      return static_cast<int>(base + (static_cast<unsigned>(arg) & (width - 1)));
    case Collective::shfl_up:  // arg: the unsigned delta
      return static_cast<unsigned>(arg) <= lane - base ? static_cast<int>(lane) - arg
                                                       : static_cast<int>(lane);
    case Collective::shfl_down:
      return static_cast<unsigned>(arg) < width - (lane - base) ? static_cast<int>(lane) + arg
                                                                : static_cast<int>(lane);
    case Collective::shfl_xor: {
      // Lanes may read earlier groups of `width` lanes, not later ones (their own value then).
      const unsigned source = lane ^ static_cast<unsigned>(arg);
      return source < base + width ? static_cast<int>(source) : static_cast<int>(lane);
    }
    default:
      return -1;
  }
}

std::uint64_t mix(std::uint64_t& state) {  // splitmix64
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void tsan_release(void* address) {
#if defined(SPLAT_EMU_TSAN)
  __tsan_release(address);
#else
  (void)address;
#endif
}

void tsan_acquire(void* address) {
#if defined(SPLAT_EMU_TSAN)
  __tsan_acquire(address);
#else
  (void)address;
#endif
}

#if defined(SPLAT_EMU_TSAN)
// What a resolved collective means to ThreadSanitizer: each participant's work before it happens
// before every participant's work after it. Each releases to a fresh sync object, then each
// acquires it; the scheduler acts for them by switching TSan's notion of the current thread (not
// the stack), which is why nothing here may be instrumented: a plain access between two switches
// would count as the participant's own.
__attribute__((no_sanitize_thread)) void join_fibers(void* const* fibers, std::size_t count,
                                                     void* sync, void* scheduler) {
  for (std::size_t i = 0; i < count; ++i) {
    __tsan_switch_to_fiber(fibers[i], __tsan_switch_to_fiber_no_sync);
    __tsan_release(sync);
  }
  for (std::size_t i = 0; i < count; ++i) {
    __tsan_switch_to_fiber(fibers[i], __tsan_switch_to_fiber_no_sync);
    __tsan_acquire(sync);
  }
  __tsan_switch_to_fiber(scheduler, __tsan_switch_to_fiber_no_sync);
}
#endif

}  // namespace

struct GpuThread : ThreadBuiltins {
  BlockRunner* runner = nullptr;
  unsigned linear = 0, lane = 0, warp = 0;
  // Handed between the fiber and the scheduler (see handoff.hpp).
  Handoff<Fiber*> fiber;
  Handoff<State> state;
  Handoff<Collective> op;
  Handoff<std::source_location> site;
  Handoff<unsigned> mask;
  Handoff<std::uint64_t> value;
  Handoff<int> arg, width;
  Handoff<std::uint64_t> result;
  Handoff<bool> abandon;
  std::string fault;  // written by the fiber, read by the scheduler once the state says faulted
#if defined(SPLAT_EMU_TSAN)
  char name[80];
#endif
};

namespace detail {

const char* collective_name(Collective op) {
  switch (op) {
    case Collective::syncthreads:
      return "__syncthreads";
    case Collective::syncthreads_count:
      return "__syncthreads_count";
    case Collective::syncthreads_and:
      return "__syncthreads_and";
    case Collective::syncthreads_or:
      return "__syncthreads_or";
    case Collective::syncwarp:
      return "__syncwarp";
    case Collective::shfl:
      return "__shfl_sync";
    case Collective::shfl_up:
      return "__shfl_up_sync";
    case Collective::shfl_down:
      return "__shfl_down_sync";
    case Collective::shfl_xor:
      return "__shfl_xor_sync";
    case Collective::any:
      return "__any_sync";
    case Collective::all:
      return "__all_sync";
    case Collective::ballot:
      return "__ballot_sync";
  }
  return "collective";
}

namespace {
GpuThread& running_thread(const char* what) {
  const ThreadBuiltins* b = current_builtins.load(std::memory_order_relaxed);
  if (!b) {
    std::fprintf(stderr, "splat::emu: %s called outside an emulated kernel\n", what);
    std::abort();
  }
  return *static_cast<GpuThread*>(const_cast<ThreadBuiltins*>(b));
}
}  // namespace

unsigned block_barrier(Collective op, int predicate, const std::source_location& site) {
  GpuThread& t = running_thread(collective_name(op));
  return static_cast<unsigned>(t.runner->wait(t, op, site, 0, predicate != 0, 0, 0));
}

std::uint64_t warp_collective(Collective op, unsigned mask, std::uint64_t value, int arg, int width,
                              const std::source_location& site) {
  GpuThread& t = running_thread(collective_name(op));
  return t.runner->wait(t, op, site, mask, value, arg, width);
}

void* block_shared(const void* key, std::size_t size, std::size_t align,
                   const std::source_location& site) {
  GpuThread& t = running_thread("a shared-memory declaration");
  return t.runner->shared(t, key, size, align, site);
}

void* block_dynamic_shared() {
  return running_thread("dynamic shared memory").runner->dynamic_shared();
}

unsigned block_barrier_epoch() {
  return running_thread("block_barrier_epoch").runner->barrier_epoch();
}

void device_fault(const char* kind, const char* what, const std::string& details,
                  const std::source_location& site) {
  GpuThread& t = running_thread(what);
  t.runner->fail(t, kind, what, site, details);
}

}  // namespace detail

BlockRunner::BlockRunner()
    : threads_(new GpuThread[kMaxBlockThreads]), scheduler_(thread_context()) {
  participants_.reserve(kMaxBlockThreads);
  install_crash_report();
}

BlockRunner::~BlockRunner() {
  uninstall_crash_stack();
}

void describe_crashed_thread(char* text, std::size_t size, const void* address) {
  text[0] = '\0';
  const ThreadBuiltins* b = detail::current_builtins.load(std::memory_order_relaxed);
  if (!b) return;
  const auto& t = static_cast<const GpuThread&>(*b);
  const GridLaunch* launch = t.runner->launch();
  const Fiber* fiber = t.fiber.get();
  const char* bottom = fiber ? fiber->stack().bottom() : nullptr;
  const auto* a = static_cast<const char*>(address);
  const bool overflow = bottom && a < bottom && a >= bottom - 65536;  // within the guard page(s)
  const int n = std::snprintf(text, size,
                              "splat::emu: GPU thread (%u,%u,%u) of block (%u,%u,%u) of kernel %s "
                              "crashed",
                              t.thread_idx.x, t.thread_idx.y, t.thread_idx.z, t.block_idx.x,
                              t.block_idx.y, t.block_idx.z, launch ? launch->kernel_name : "?");
  if (n < 0 || static_cast<std::size_t>(n) >= size) return;
  if (overflow && launch)
    std::snprintf(text + n, size - n, ": fiber stack overflow (SPLAT_EMU_STACK is %zu bytes)\n",
                  launch->stack_bytes);
  else
    std::snprintf(text + n, size - n, "\n");
}

BlockRunner& BlockRunner::for_this_thread() {
  thread_local BlockRunner runner;
  return runner;
}

std::string BlockRunner::run(const GridLaunch& launch, uint3 block_idx, std::uint64_t seed) {
  if (detail::current_builtins.load(std::memory_order_relaxed)) {
    std::fprintf(stderr, "splat::emu: a kernel launched a kernel (not emulated)\n");
    std::abort();
  }
  launch_ = &launch;
  order_ = launch.order;
  rng_ = seed;
  n_ = launch.block.x * launch.block.y * launch.block.z;
  if (launch.stack_bytes != fiber_stack_bytes_) {
    idle_fibers_.clear();
    fibers_.clear();
    fiber_stack_bytes_ = launch.stack_bytes;
  }
  for (unsigned i = 0; i < n_; ++i) {
    GpuThread& t = threads_[i];
    t.thread_idx = uint3{i % launch.block.x, i / launch.block.x % launch.block.y,
                         i / (launch.block.x * launch.block.y)};
    t.block_idx = block_idx;
    t.block_dim = launch.block;
    t.grid_dim = launch.grid;
    t.runner = this;
    t.linear = i;
    t.lane = i % 32;
    t.warp = i / 32;
    t.fiber.set(nullptr);
    t.state.set(State::idle);
    t.abandon.set(false);
    t.fault.clear();
#if defined(SPLAT_EMU_TSAN)
    std::snprintf(t.name, sizeof t.name, "GPU thread %s of block %s", triple(t.thread_idx).c_str(),
                  triple(block_idx).c_str());
#endif
  }
  runnable_.fill(0);
  for (unsigned i = 0; i < n_; ++i) runnable_[i / 64] |= std::uint64_t{1} << (i % 64);
  warp_arrived_.fill(0);
  live_ = n_;
  barrier_waiting_ = barrier_count_ = 0;
  barrier_first_ = nullptr;
  epoch_.set(0);
  fault_.clear();
  arena_.begin_block(launch.dynamic_shared_bytes);

  while (live_ > 0 && fault_.empty()) {
    const int next = pick();
    if (next < 0) {
      fault_ = diagnose_stall();
      break;
    }
    step(threads_[next]);
  }
  if (!fault_.empty()) abandon_all();
  tsan_acquire(&tsan_block_end_);  // the block's writes happen before what follows it
  launch_ = nullptr;
  return std::move(fault_);
}

int BlockRunner::pick() {
  const unsigned words = (n_ + 63) / 64;
  switch (order_) {
    case ThreadOrder::forward:
      for (unsigned w = 0; w < words; ++w)
        if (runnable_[w]) return static_cast<int>(w * 64 + std::countr_zero(runnable_[w]));
      return -1;
    case ThreadOrder::reverse:
      for (unsigned w = words; w-- > 0;)
        if (runnable_[w]) return static_cast<int>(w * 64 + 63 - std::countl_zero(runnable_[w]));
      return -1;
    case ThreadOrder::random: {
      unsigned total = 0;
      for (unsigned w = 0; w < words; ++w) total += std::popcount(runnable_[w]);
      if (total == 0) return -1;
      unsigned k = static_cast<unsigned>(mix(rng_) % total);
      for (unsigned w = 0;; ++w) {
        const unsigned count = std::popcount(runnable_[w]);
        if (k >= count) {
          k -= count;
          continue;
        }
        std::uint64_t bits = runnable_[w];
        for (; k > 0; --k) bits &= bits - 1;
        return static_cast<int>(w * 64 + std::countr_zero(bits));
      }
    }
  }
  return -1;
}

void BlockRunner::step(GpuThread& t) {
  runnable_[t.linear / 64] &= ~(std::uint64_t{1} << (t.linear % 64));
  Fiber* fiber = t.fiber.get();
  if (!fiber) {
    fiber = take_fiber();
    t.fiber.set(fiber);
#if defined(SPLAT_EMU_TSAN)
    fiber->start(&BlockRunner::thread_main, &t, t.name);
#else
    fiber->start(&BlockRunner::thread_main, &t);
#endif
  }
  t.state.set(State::running);
  detail::current_builtins.store(&t, std::memory_order_relaxed);
  fiber->resume(scheduler_);
  detail::current_builtins.store(nullptr, std::memory_order_relaxed);
  switch (t.state.get()) {
    case State::exited:
      --live_;
      release_fiber(t);
      break;
    case State::waiting: {
      const Collective op = t.op.get();
      if (is_barrier(op))
        arrive_at_barrier(t, op);
      else
        arrive_at_warp(t, op);
      break;
    }
    case State::faulted:
      tsan_acquire(&tsan_fault_);
      fault_ = std::move(t.fault);
      break;
    default:
      std::fprintf(stderr, "splat::emu: a GPU thread's fiber stopped in state %d\n",
                   static_cast<int>(t.state.get()));
      std::abort();
  }
}

void BlockRunner::thread_main(void* gpu_thread) {
  GpuThread& t = *static_cast<GpuThread*>(gpu_thread);
  BlockRunner& runner = *t.runner;
  try {
    runner.launch_->body();
    t.state.set(State::exited);
  } catch (const Abandoned&) {
    t.state.set(State::exited);
  } catch (const std::exception& e) {
    t.fault = runner.describe(t, "exception", "kernel", std::source_location(),
                              std::string("an exception escaped the kernel: ") + e.what());
    tsan_release(&runner.tsan_fault_);
    t.state.set(State::faulted);
  } catch (...) {
    t.fault = runner.describe(t, "exception", "kernel", std::source_location(),
                              "an exception escaped the kernel");
    tsan_release(&runner.tsan_fault_);
    t.state.set(State::faulted);
  }
  tsan_release(&runner.tsan_block_end_);
}

std::uint64_t BlockRunner::wait(GpuThread& t, Collective op, const std::source_location& site,
                                unsigned mask, std::uint64_t value, int arg, int width) {
  t.op.set(op);
  t.site.set(site);
  t.mask.set(mask);
  t.value.set(value);
  t.arg.set(arg);
  t.width.set(width);
  t.state.set(State::waiting);
  t.fiber.get()->suspend();
  if (t.abandon.get()) throw Abandoned{};
  return t.result.get();
}

void BlockRunner::fail(GpuThread& t, const char* kind, const char* what,
                       const std::source_location& site, const std::string& details) {
  t.fault = describe(t, kind, what, site, details);
  tsan_release(&tsan_fault_);
  t.state.set(State::faulted);
  t.fiber.get()->suspend();  // resumed only to be abandoned
  throw Abandoned{};
}

void* BlockRunner::shared(GpuThread& t, const void* key, std::size_t size, std::size_t align,
                          const std::source_location& site) {
  std::string error;
  void* p = arena_.find_or_allocate(key, size, align, error);
  if (!p) fail(t, "shared memory limit", "a shared variable", site, error);
  return p;
}

void BlockRunner::make_runnable(GpuThread& t) {
  t.state.set(State::running);
  runnable_[t.linear / 64] |= std::uint64_t{1} << (t.linear % 64);
}

void BlockRunner::arrive_at_barrier(GpuThread& t, Collective op) {
  if (barrier_waiting_ > 0 &&
      (barrier_first_->op.get() != op || !same_site(barrier_first_->site.get(), t.site.get()))) {
    fault_ = describe_wait(t, "barrier divergence",
                           "thread " + triple(barrier_first_->thread_idx) + " waits at " +
                               detail::collective_name(barrier_first_->op.get()) + " at " +
                               site_text(barrier_first_->site.get()) +
                               ": threads of a block must meet at the same barrier");
    return;
  }
  if (barrier_waiting_ == 0) barrier_first_ = &t;
  ++barrier_waiting_;
  barrier_count_ += t.value.get() != 0;
  if (barrier_waiting_ < n_) return;

  epoch_.set(epoch_.get() + 1);
  participants_.clear();
  for (unsigned i = 0; i < n_; ++i) {
    threads_[i].result.set(barrier_count_);
    participants_.push_back(&threads_[i]);
  }
  tsan_join();
  for (unsigned i = 0; i < n_; ++i) make_runnable(threads_[i]);
  barrier_waiting_ = barrier_count_ = 0;
  barrier_first_ = nullptr;
}

void BlockRunner::arrive_at_warp(GpuThread& t, Collective op) {
  const unsigned mask = t.mask.get();
  const unsigned bit = 1u << t.lane;
  if (!(mask & bit)) {
    fault_ = describe_wait(
        t, "collective under divergence",
        "the mask " + hex(mask) + " does not include the calling lane " + std::to_string(t.lane));
    return;
  }
  const unsigned width = static_cast<unsigned>(t.width.get());
  if (is_shuffle(op) && (width == 0 || width > 32 || (width & (width - 1)) != 0)) {
    fault_ = describe_wait(
        t, "invalid shuffle",
        "width " + std::to_string(t.width.get()) + " is not a power of two from 1 to 32");
    return;
  }
  unsigned& arrived = warp_arrived_[t.warp];
  arrived |= bit;
  if ((arrived & mask) != mask) return;
  // Every lane of the mask waits somewhere: the collective resolves if they all wait here.
  for (unsigned m = mask; m; m &= m - 1) {
    const GpuThread& u = thread(t.warp, std::countr_zero(m));
    if (u.op.get() != op || u.mask.get() != mask || !same_site(u.site.get(), t.site.get())) return;
  }
  resolve_warp(t.warp, mask, op);
}

void BlockRunner::resolve_warp(unsigned warp, unsigned mask, Collective op) {
  participants_.clear();
  unsigned ballot = 0;
  for (unsigned m = mask; m; m &= m - 1) {
    const unsigned lane = std::countr_zero(m);
    GpuThread& u = thread(warp, lane);
    participants_.push_back(&u);
    if (u.value.get() != 0) ballot |= 1u << lane;
  }
  for (GpuThread* u : participants_) {
    std::uint64_t r = 0;
    switch (op) {
      case Collective::syncwarp:
        break;
      case Collective::any:
        r = ballot != 0;
        break;
      case Collective::all:
        r = ballot == mask;
        break;
      case Collective::ballot:
        r = ballot;
        break;
      default: {
        const int source =
            source_lane(op, u->lane, u->arg.get(), static_cast<unsigned>(u->width.get()));
        const bool defined = source >= 0 && source < 32 && (mask >> source & 1);
        r = defined ? thread(warp, static_cast<unsigned>(source)).value.get() : kPoison;
      }
    }
    u->result.set(r);
  }
  // CUDA orders memory among the lanes of a __syncwarp; shuffles and votes only exchange values.
  if (op == Collective::syncwarp) tsan_join();
  for (GpuThread* u : participants_) make_runnable(*u);
  warp_arrived_[warp] &= ~mask;
}

std::string BlockRunner::diagnose_stall() const {
  // A warp collective that cannot complete: name the first lane it waits for in vain.
  for (unsigned i = 0; i < n_; ++i) {
    const GpuThread& t = threads_[i];
    if (t.state.get() != State::waiting || is_barrier(t.op.get())) continue;
    const unsigned mask = t.mask.get();
    for (unsigned m = mask; m; m &= m - 1) {
      const unsigned lane = std::countr_zero(m);
      const std::string which = "lane " + std::to_string(lane);
      if (t.warp * 32 + lane >= n_)
        return describe_wait(t, "collective under divergence",
                             "the mask " + hex(mask) + " includes " + which +
                                 ", which does not exist: the block has " + std::to_string(n_) +
                                 " threads");
      const GpuThread& u = thread(t.warp, lane);
      const std::string other = which + " (thread " + triple(u.thread_idx) + ")";
      const State state = u.state.get();
      if (state == State::exited)
        return describe_wait(t, "collective under divergence",
                             "the mask " + hex(mask) + " includes " + other +
                                 ", which returned from the kernel without reaching it");
      if (state != State::waiting) continue;
      const Collective op = u.op.get();
      if (is_barrier(op))
        return describe_wait(t, "deadlock",
                             "the mask " + hex(mask) + " includes " + other + ", which waits at " +
                                 detail::collective_name(op) + " at " + site_text(u.site.get()) +
                                 ", a barrier that waits for this thread in turn");
      if (op != t.op.get() || u.mask.get() != mask || !same_site(u.site.get(), t.site.get()))
        return describe_wait(t, "collective under divergence",
                             "the mask " + hex(mask) + " includes " + other + ", which waits at " +
                                 detail::collective_name(op) + " at " + site_text(u.site.get()) +
                                 " with mask " + hex(u.mask.get()));
    }
  }
  // A barrier that threads which returned can never reach.
  if (barrier_waiting_ > 0) {
    for (unsigned i = 0; i < n_; ++i) {
      if (threads_[i].state.get() != State::exited) continue;
      return describe_wait(*barrier_first_, "barrier divergence",
                           std::to_string(barrier_waiting_) + " of " + std::to_string(n_) +
                               " threads wait here, and thread " + triple(threads_[i].thread_idx) +
                               " returned from the kernel without reaching it (a barrier after an "
                               "early return, or in a branch that not all threads take)");
    }
  }
  for (unsigned i = 0; i < n_; ++i)
    if (threads_[i].state.get() == State::waiting)
      return describe_wait(threads_[i], "deadlock", "no thread of the block can proceed");
  return describe(threads_[0], "deadlock", "kernel", std::source_location(),
                  "no thread of the block can proceed");
}

void BlockRunner::abandon_all() {
  for (unsigned i = 0; i < n_; ++i) {
    GpuThread& t = threads_[i];
    Fiber* fiber = t.fiber.get();
    if (!fiber) continue;
    if (!fiber->idle()) {
      t.abandon.set(true);
      detail::current_builtins.store(&t, std::memory_order_relaxed);
      fiber->resume(scheduler_);
      detail::current_builtins.store(nullptr, std::memory_order_relaxed);
      if (!fiber->idle()) {
        std::fprintf(stderr,
                     "splat::emu: GPU thread %s of kernel %s did not unwind when abandoned "
                     "(did it catch everything and reach another collective?)\n",
                     triple(t.thread_idx).c_str(), launch_->kernel_name);
        std::abort();
      }
    }
    release_fiber(t);
  }
}

Fiber* BlockRunner::take_fiber() {
  if (idle_fibers_.empty()) {
    fibers_.push_back(std::make_unique<Fiber>(fiber_stack_bytes_));
    return fibers_.back().get();
  }
  Fiber* f = idle_fibers_.back();
  idle_fibers_.pop_back();
  return f;
}

void BlockRunner::release_fiber(GpuThread& t) {
  idle_fibers_.push_back(t.fiber.get());
  t.fiber.set(nullptr);
}

GpuThread& BlockRunner::thread(unsigned warp, unsigned lane) const {
  return threads_[warp * 32 + lane];
}

std::string BlockRunner::describe(const GpuThread& t, const char* kind, const char* what,
                                  const std::source_location& site,
                                  const std::string& details) const {
  std::string text = "kernel " + std::string(launch_->kernel_name) + ", block " +
                     triple(t.block_idx) + ", thread " + triple(t.thread_idx) + ": " + kind;
  if (site.line() != 0)
    text +=
        " at " + site_text(site) + " (" + what + " in " + function_text(site.function_name()) + ")";
  return text + ": " + details;
}

std::string BlockRunner::describe_wait(const GpuThread& t, const char* kind,
                                       const std::string& details) const {
  return describe(t, kind, detail::collective_name(t.op.get()), t.site.get(), details);
}

void BlockRunner::tsan_join() {
#if defined(SPLAT_EMU_TSAN)
  constexpr std::size_t kSyncs = 4096;
  if (!tsan_syncs_ || tsan_next_sync_ == kSyncs) {
    tsan_syncs_.reset(new char[kSyncs]);  // freeing the old block frees its sync objects
    tsan_next_sync_ = 0;
  }
  tsan_fibers_.clear();
  for (GpuThread* p : participants_) tsan_fibers_.push_back(p->fiber.get()->tsan_fiber());
  join_fibers(tsan_fibers_.data(), tsan_fibers_.size(), &tsan_syncs_[tsan_next_sync_++],
              scheduler_.tsan_fiber);
#endif
}

}  // namespace splat::emu
