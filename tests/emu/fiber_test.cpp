// Fibers under the emulated device: they keep their own floating-point control state, unwind
// exceptions on their own stacks, and switch fast. The speed is printed, not asserted.
#include <atomic>
#include <cfenv>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "cuda/emu/fiber.hpp"
#include "emu_test_support.hpp"

using namespace splat::emu;
using namespace splat::emu::test;

namespace {

struct PingPong {
  Fiber* fiber;
  long rounds;
};

void ping_pong_body(void* arg) {
  auto* p = static_cast<PingPong*>(arg);
  for (long i = 0; i < p->rounds; ++i) p->fiber->suspend();
}

// Written by the fiber, read by the test: atomics, since fibers do not synchronise with their
// scheduler (ThreadSanitizer would rightly report plain fields).
struct RoundingProbe {
  Fiber* fiber;
  std::atomic<float> down_ratio, after_resume;
};

void rounding_body(void* arg) {
  auto* p = static_cast<RoundingProbe*>(arg);
  std::fesetround(FE_DOWNWARD);
  volatile float one = 1.0f, three = 3.0f;
  p->down_ratio = one / three;
  p->fiber->suspend();
  p->after_resume = one / three;  // still rounding down after the scheduler ran
}

void throwing_body(void* arg) {
  try {
    throw std::runtime_error("inside a fiber");
  } catch (const std::runtime_error&) {
    *static_cast<std::atomic<bool>*>(arg) = true;
  }
}

__global__ void sync_loop_kernel(int rounds, int* out) {
  int v = 0;
  for (int i = 0; i < rounds; ++i) {
    v += __shfl_xor_sync(0xffffffffu, 1, 1);
    __syncthreads();
  }
  out[blockIdx.x * blockDim.x + threadIdx.x] = v;
}

}  // namespace

TEST_CASE("fibers keep their own rounding mode", "[emu]") {
  FiberContext scheduler = thread_context();
  Fiber fiber(64 * 1024);
  RoundingProbe probe{&fiber, 0.0f, 0.0f};
  fiber.start(&rounding_body, &probe);
  fiber.resume(scheduler);
  volatile float one = 1.0f, three = 3.0f;
  const float nearest = one / three;  // the scheduler still rounds to nearest (up, for 1/3)
  fiber.resume(scheduler);
  CHECK(fiber.idle());
  CHECK(std::fegetround() == FE_TONEAREST);
  CHECK(probe.down_ratio < nearest);
  CHECK(probe.after_resume == probe.down_ratio);
}

TEST_CASE("an exception thrown and caught inside a fiber stays inside it", "[emu]") {
  FiberContext scheduler = thread_context();
  Fiber fiber(64 * 1024);
  std::atomic<bool> caught = false;
  for (int i = 0; i < 3; ++i) {  // the same stack, started again
    caught = false;
    fiber.start(&throwing_body, &caught);
    fiber.resume(scheduler);
    CHECK(fiber.idle());
    CHECK(caught);
  }
}

TEST_CASE("speed: fiber switches and collectives per second (printed)", "[emu][speed]") {
  FiberContext scheduler = thread_context();
  Fiber fiber(64 * 1024);
  PingPong p{&fiber, 1000000};
  fiber.start(&ping_pong_body, &p);
  const auto t0 = std::chrono::steady_clock::now();
  while (!fiber.idle()) fiber.resume(scheduler);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("emulated device: %.1f million fiber switches per second\n",
              2.0 * static_cast<double>(p.rounds) / seconds / 1e6);

  const int rounds = 200, threads = 256;
  std::vector<int> out(4 * threads);
  const auto t1 = std::chrono::steady_clock::now();
  run_kernel("sync_loop_kernel", dim3(4), dim3(threads),
             [&] { sync_loop_kernel(rounds, out.data()); });
  const double kernel_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  std::printf("emulated device: %.1f million thread-collectives per second\n",
              4.0 * threads * rounds * 2 / kernel_seconds / 1e6);
  CHECK(out[0] == rounds);
}
