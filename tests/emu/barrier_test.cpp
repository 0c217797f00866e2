// Block barriers of the emulated device: they order shared-memory writes under every thread
// order, return the right __syncthreads_count/and/or, and every misuse is a KernelFault naming
// kernel, block, thread and line.
#include <atomic>
#include <cmath>
#include <vector>

#include "cuda/emu/sanitizers.hpp"
#include "emu_test_support.hpp"

using namespace splat::emu;
using namespace splat::emu::test;
using Catch::Matchers::Contains;

namespace {

constexpr int kThreads = 256;

__global__ void tree_sum_kernel(const float* in, float* out) {
  SPLAT_SHARED(float[kThreads], partial);
  const unsigned t = threadIdx.x;
  partial[t] = in[blockIdx.x * kThreads + t];
  __syncthreads();
  for (unsigned stride = kThreads / 2; stride > 0; stride /= 2) {
    if (t < stride) partial[t] += partial[t + stride];
    __syncthreads();
  }
  if (t == 0) out[blockIdx.x] = partial[0];
}

// Planted bug: the last thread sums what the others wrote, with no barrier in between. Under the
// forward order every other thread has run before it, so the bug hides.
__global__ void last_thread_sum_kernel(const float* in, float* out) {
  SPLAT_SHARED(float[kThreads], values);
  const unsigned t = threadIdx.x;
  values[t] = in[blockIdx.x * kThreads + t];
  // missing: __syncthreads();
  if (t == kThreads - 1) {
    float sum = 0;
    for (int i = 0; i < kThreads; ++i) sum += values[i];
    out[blockIdx.x] = sum;
  }
}

__global__ void barrier_votes_kernel(int modulus, int* out) {
  const int rank = static_cast<int>(threadIdx.y * blockDim.x + threadIdx.x);
  const int predicate = rank % modulus == 0;
  const int count = __syncthreads_count(predicate);
  const int all = __syncthreads_and(predicate);
  const int any = __syncthreads_or(predicate);
  out[rank * 3] = count;
  out[rank * 3 + 1] = all;
  out[rank * 3 + 2] = any;
}

std::atomic<int> divergent_line{0};  // written by every GPU thread: atomic for TSan
__global__ void divergent_barrier_kernel() {
  divergent_line = __LINE__ + 1;
  if (blockIdx.x == 2 && threadIdx.x < 5) __syncthreads();
}

std::atomic<int> after_exit_line{0};  // written by every GPU thread: atomic for TSan
__global__ void barrier_after_exit_kernel(int n, float* data) {
  if (threadIdx.x >= static_cast<unsigned>(n)) return;
  data[threadIdx.x] *= 2;
  after_exit_line = __LINE__ + 1;
  __syncthreads();
}

std::atomic<int> odd_line{0};  // written by every GPU thread: atomic for TSan
__global__ void two_barriers_kernel() {
  if (threadIdx.x % 2 == 0) {
    __syncthreads();
  } else {
    odd_line = __LINE__ + 1;
    __syncthreads();
  }
}

std::atomic<int> deadlock_line{0};  // written by every GPU thread: atomic for TSan
__global__ void deadlock_kernel() {
  deadlock_line = __LINE__ + 1;
  if (threadIdx.x == 0) __syncthreads();
  __syncwarp();
}

std::vector<float> small_integers(std::size_t n) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>(i % 13);  // sums stay exact
  return v;
}

std::vector<float> block_sums(const std::vector<float>& in) {
  std::vector<float> sums(in.size() / kThreads, 0.0f);
  for (std::size_t i = 0; i < in.size(); ++i) sums[i / kThreads] += in[i];
  return sums;
}

}  // namespace

TEST_CASE("barriers order a shared-memory tree reduction under every thread order", "[emu]") {
  const ThreadOrder order =
      GENERATE(ThreadOrder::forward, ThreadOrder::reverse, ThreadOrder::random);
  CAPTURE(order_name(order));
  ScopedOptions scope(with_order(order));
  const std::vector<float> in = small_integers(8 * kThreads);
  std::vector<float> out(8, -1.0f);
  run_kernel("tree_sum_kernel", dim3(8), dim3(kThreads),
             [&] { tree_sum_kernel(in.data(), out.data()); });
  CHECK(out == block_sums(in));
}

TEST_CASE("a missing barrier gives a wrong sum under the reverse and random orders only",
          "[emu][planted]") {
#if defined(SPLAT_EMU_TSAN)
  SUCCEED("under ThreadSanitizer this race is reported by TSan itself (emu_tsan_race_probe)");
  return;
#endif
  const std::vector<float> in = small_integers(4 * kThreads);
  auto run = [&](ThreadOrder order) {
    ScopedOptions scope(with_order(order));
    std::vector<float> out(4, -1.0f);
    run_kernel("last_thread_sum_kernel", dim3(4), dim3(kThreads),
               [&] { last_thread_sum_kernel(in.data(), out.data()); });
    return out;
  };
  // Forward order runs the summing thread last: the bug is invisible, as it may be on a GPU.
  CHECK(run(ThreadOrder::forward) == block_sums(in));
  // The other orders run it before some writers: it reads the 0xFF poison (NaN).
  for (ThreadOrder order : {ThreadOrder::reverse, ThreadOrder::random}) {
    CAPTURE(order_name(order));
    for (float sum : run(order)) CHECK(std::isnan(sum));
  }
}

TEST_CASE("__syncthreads_count, _and and _or count the whole (2D) block", "[emu]") {
  const dim3 block(10, 10, 1);
  std::vector<int> out(100 * 3, -1);
  run_kernel("barrier_votes_kernel", dim3(1), block, [&] { barrier_votes_kernel(3, out.data()); });
  for (int t = 0; t < 100; ++t) {
    CHECK(out[t * 3] == 34);  // ranks 0, 3, ..., 99
    CHECK(out[t * 3 + 1] == 0);
    CHECK(out[t * 3 + 2] == 1);
  }
  run_kernel("barrier_votes_kernel", dim3(1), block, [&] { barrier_votes_kernel(1, out.data()); });
  for (int t = 0; t < 100; ++t) {
    CHECK(out[t * 3] == 100);
    CHECK(out[t * 3 + 1] == 1);
    CHECK(out[t * 3 + 2] == 1);
  }
}

TEST_CASE("a barrier inside a divergent branch is a fault naming block, thread and line",
          "[emu][planted]") {
  auto launch = [] {
    run_kernel("divergent_barrier_kernel", dim3(4), dim3(64), [] { divergent_barrier_kernel(); });
  };
  for (ThreadOrder order : kAllOrders) {
    ScopedOptions scope(with_order(order));
    REQUIRE_THROWS_AS(launch(), KernelFault);
    REQUIRE_THROWS_WITH(launch(), Contains("barrier divergence") && Contains("block (2,0,0)") &&
                                      Contains(site_of(__FILE__, divergent_line)));
  }
  ScopedOptions scope(deterministic());
  REQUIRE_THROWS_WITH(launch(), Contains("kernel divergent_barrier_kernel") &&
                                    Contains("block (2,0,0)") && Contains("thread (0,0,0)") &&
                                    Contains("barrier divergence") &&
                                    Contains(site_of(__FILE__, divergent_line)) &&
                                    Contains("thread (5,0,0) returned from the kernel"));
}

TEST_CASE("a barrier after some threads returned is a fault", "[emu][planted]") {
  std::vector<float> data(64, 1.0f);
  for (ThreadOrder order : kAllOrders) {
    ScopedOptions scope(with_order(order));
    REQUIRE_THROWS_WITH(run_kernel("barrier_after_exit_kernel", dim3(1), dim3(64),
                                   [&] { barrier_after_exit_kernel(40, data.data()); }),
                        Contains("barrier divergence") && Contains("40 of 64 threads wait here"));
  }
  ScopedOptions scope(deterministic());
  REQUIRE_THROWS_WITH(run_kernel("barrier_after_exit_kernel", dim3(1), dim3(64),
                                 [&] { barrier_after_exit_kernel(40, data.data()); }),
                      Contains("barrier divergence") && Contains("40 of 64 threads wait here") &&
                          Contains("thread (40,0,0) returned") &&
                          Contains(site_of(__FILE__, after_exit_line)));
  // Every thread reaching it is fine.
  run_kernel("barrier_after_exit_kernel", dim3(1), dim3(64),
             [&] { barrier_after_exit_kernel(64, data.data()); });
}

TEST_CASE("threads waiting at two different barriers are a fault", "[emu][planted]") {
  for (ThreadOrder order : kAllOrders) {
    ScopedOptions scope(with_order(order));
    REQUIRE_THROWS_WITH(
        run_kernel("two_barriers_kernel", dim3(1), dim3(32), [] { two_barriers_kernel(); }),
        Contains("barrier divergence") && Contains("waits at __syncthreads"));
  }
  ScopedOptions scope(deterministic());
  REQUIRE_THROWS_WITH(
      run_kernel("two_barriers_kernel", dim3(1), dim3(32), [] { two_barriers_kernel(); }),
      Contains("barrier divergence") && Contains("thread (1,0,0)") &&
          Contains(site_of(__FILE__, odd_line)) &&
          Contains("thread (0,0,0) waits at __syncthreads"));
}

TEST_CASE("a barrier and a warp collective waiting for each other are a deadlock",
          "[emu][planted]") {
  for (ThreadOrder order : kAllOrders) {
    ScopedOptions scope(with_order(order));
    REQUIRE_THROWS_WITH(run_kernel("deadlock_kernel", dim3(1), dim3(32), [] { deadlock_kernel(); }),
                        Contains("deadlock") && Contains(site_of(__FILE__, deadlock_line + 1)));
  }
  ScopedOptions scope(deterministic());
  REQUIRE_THROWS_WITH(run_kernel("deadlock_kernel", dim3(1), dim3(32), [] { deadlock_kernel(); }),
                      Contains("deadlock") && Contains("thread (1,0,0)") &&
                          Contains(site_of(__FILE__, deadlock_line + 1)) &&
                          Contains("lane 0 (thread (0,0,0)), which waits at __syncthreads at ") &&
                          Contains(site_of(__FILE__, deadlock_line)));
}

TEST_CASE("after a fault the runner cleans up and runs the next grid", "[emu]") {
  for (int i = 0; i < 3; ++i)
    REQUIRE_THROWS_AS(run_kernel("divergent_barrier_kernel", dim3(4), dim3(256),
                                 [] { divergent_barrier_kernel(); }),
                      KernelFault);
  const std::vector<float> in = small_integers(2 * kThreads);
  std::vector<float> out(2);
  run_kernel("tree_sum_kernel", dim3(2), dim3(kThreads),
             [&] { tree_sum_kernel(in.data(), out.data()); });
  CHECK(out == block_sums(in));
}
