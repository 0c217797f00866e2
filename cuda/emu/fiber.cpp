#include "cuda/emu/fiber.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cuda/emu/fiber_switch.hpp"
#include "cuda/emu/sanitizers.hpp"

namespace splat::emu {

namespace {

std::size_t page_bytes() {
  static const std::size_t bytes = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return bytes;
}

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "splat::emu fiber: %s: %s\n", what, std::strerror(errno));
  std::abort();
}

// The words splat_emu_switch pops, lowest address first.
struct InitialFrame {
  std::uint32_t mxcsr;
  std::uint16_t x87_control;
  std::uint16_t padding;
  std::uint64_t r15, r14, r13, r12, rbx, rbp;
  void (*return_address)();
};
static_assert(sizeof(InitialFrame) == 64);

}  // namespace

FiberContext thread_context() {
  FiberContext context;
#if defined(SPLAT_EMU_TSAN)
  context.tsan_fiber = __tsan_get_current_fiber();
#endif
  return context;
}

FiberStack::FiberStack(std::size_t usable_bytes) {
  const std::size_t page = page_bytes();
  size_ = (usable_bytes + page - 1) / page * page;
  mapping_bytes_ = size_ + page;
  void* p = mmap(nullptr, mapping_bytes_, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (p == MAP_FAILED) die("cannot map a fiber stack");
  mapping_ = static_cast<char*>(p);
  if (mprotect(mapping_, page, PROT_NONE) != 0) die("cannot protect a fiber stack's guard page");
  bottom_ = mapping_ + page;
}

FiberStack::~FiberStack() {
#if defined(SPLAT_EMU_ASAN)
  // AddressSanitizer keeps shadow memory across munmap: a later mapping here must start clean.
  ASAN_UNPOISON_MEMORY_REGION(bottom_, size_);
#endif
  munmap(mapping_, mapping_bytes_);
}

void FiberStack::renew() {
  void* p = mmap(bottom_, size_, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK | MAP_FIXED, -1, 0);
  if (p == MAP_FAILED) die("cannot renew a fiber stack");
}

Fiber::Fiber(std::size_t stack_bytes) : stack_(stack_bytes) {
  context_.stack_bottom = stack_.bottom();
  context_.stack_size = stack_.size();
}

Fiber::~Fiber() {
#if defined(SPLAT_EMU_TSAN)
  if (context_.tsan_fiber) __tsan_destroy_fiber(context_.tsan_fiber);
  __tsan_acquire(this);  // every body that ran here is done with this object (see entry())
#endif
}

void Fiber::start(Body body, void* arg, const char* name) {
  if (!idle()) {
    std::fprintf(stderr, "splat::emu fiber: start() on a running fiber\n");
    std::abort();
  }
#if defined(SPLAT_EMU_TSAN)
  if (used_) stack_.renew();
#endif
#if defined(SPLAT_EMU_ASAN)
  // The frame of entry() never returns: its red zones would stay poisoned.
  ASAN_UNPOISON_MEMORY_REGION(stack_.bottom(), stack_.size());
#endif
  used_ = true;
  body_.store(body, std::memory_order_relaxed);
  arg_.store(arg, std::memory_order_relaxed);
  idle_.store(false, std::memory_order_relaxed);
  // The stack top, 16-byte aligned; after splat_emu_switch pops the frame and "returns" into
  // splat_emu_fiber_start, rsp is 16-byte aligned at its call, as the ABI wants.
  auto top =
      reinterpret_cast<std::uintptr_t>(stack_.bottom() + stack_.size()) & ~std::uintptr_t{15};
  auto* frame = reinterpret_cast<InitialFrame*>(top - 80);
  std::memset(frame, 0, 80);
  // New fibers inherit the scheduler's floating-point control state, as new threads do.
  asm volatile("stmxcsr %0" : "=m"(frame->mxcsr));
  asm volatile("fnstcw %0" : "=m"(frame->x87_control));
  frame->r12 = reinterpret_cast<std::uint64_t>(&Fiber::entry);
  frame->r13 = reinterpret_cast<std::uint64_t>(this);
  frame->rbp = 0;  // ends frame-pointer walks (sanitizer stack traces) here
  frame->return_address = &splat_emu_fiber_start;
  context_.sp = frame;
#if defined(SPLAT_EMU_TSAN)
  // A new logical thread for ThreadSanitizer each time: a GPU thread must not inherit the
  // history of the one that used this fiber before. Created last: creation orders everything
  // above before the fiber's first access.
  context_.tsan_fiber = __tsan_create_fiber(0);
  if (name) __tsan_set_fiber_name(context_.tsan_fiber, name);
#else
  (void)name;
#endif
}

// Under ThreadSanitizer, everything after __tsan_switch_to_fiber counts as the other side's
// access: what the switch needs is read before it.

void Fiber::resume(FiberContext& scheduler) {
  scheduler_.store(&scheduler, std::memory_order_relaxed);
  void* const sp = context_.sp;
#if defined(SPLAT_EMU_ASAN)
  __sanitizer_start_switch_fiber(&scheduler.asan_fake_stack, context_.stack_bottom,
                                 context_.stack_size);
#endif
#if defined(SPLAT_EMU_TSAN)
  // No synchronisation: GPU threads are concurrent; only barriers and collectives order them.
  __tsan_switch_to_fiber(context_.tsan_fiber, __tsan_switch_to_fiber_no_sync);
#endif
  splat_emu_switch(&scheduler.sp, sp);
#if defined(SPLAT_EMU_ASAN)
  __sanitizer_finish_switch_fiber(scheduler.asan_fake_stack, nullptr, nullptr);
#endif
#if defined(SPLAT_EMU_TSAN)
  if (idle()) {
    __tsan_destroy_fiber(context_.tsan_fiber);
    context_.tsan_fiber = nullptr;
  }
#endif
}

void Fiber::suspend() {
  FiberContext& scheduler = *scheduler_.load(std::memory_order_relaxed);
  void* const sp = scheduler.sp;
#if defined(SPLAT_EMU_ASAN)
  __sanitizer_start_switch_fiber(&context_.asan_fake_stack, scheduler.stack_bottom,
                                 scheduler.stack_size);
#endif
#if defined(SPLAT_EMU_TSAN)
  __tsan_switch_to_fiber(scheduler.tsan_fiber, __tsan_switch_to_fiber_no_sync);
#endif
  splat_emu_switch(&context_.sp, sp);
#if defined(SPLAT_EMU_ASAN)
  // The scheduler that resumed us may be another context object than the one we left.
  FiberContext& resumer = *scheduler_.load(std::memory_order_relaxed);
  __sanitizer_finish_switch_fiber(context_.asan_fake_stack, &resumer.stack_bottom,
                                  &resumer.stack_size);
#endif
}

void Fiber::entry(Fiber* self) noexcept {
#if defined(SPLAT_EMU_ASAN)
  {
    // The first switch onto this stack: AddressSanitizer learns the scheduler's stack from it.
    FiberContext& scheduler = *self->scheduler_.load(std::memory_order_relaxed);
    __sanitizer_finish_switch_fiber(nullptr, &scheduler.stack_bottom, &scheduler.stack_size);
  }
#endif
  self->body_.load(std::memory_order_relaxed)(self->arg_.load(std::memory_order_relaxed));
  self->idle_.store(true, std::memory_order_relaxed);
  FiberContext& scheduler = *self->scheduler_.load(std::memory_order_relaxed);
  void* const sp = scheduler.sp;
#if defined(SPLAT_EMU_TSAN)
  void* const scheduler_fiber = scheduler.tsan_fiber;
  __tsan_release(self);  // the last access to memory by this body: ~Fiber acquires it
#endif
#if defined(SPLAT_EMU_ASAN)
  // A null save slot: this stack is done, its fake stack may go.
  __sanitizer_start_switch_fiber(nullptr, scheduler.stack_bottom, scheduler.stack_size);
#endif
#if defined(SPLAT_EMU_TSAN)
  __tsan_switch_to_fiber(scheduler_fiber, __tsan_switch_to_fiber_no_sync);
#endif
  splat_emu_switch(&self->context_.sp, sp);  // the saved sp is never used
  __builtin_unreachable();
}

}  // namespace splat::emu
