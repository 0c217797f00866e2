// cub::BlockReduce under emulation: the result in thread 0 only (NaN elsewhere), and reuse of its
// temporary storage without a barrier in between is a fault.
#include <atomic>
#include <cmath>
#include <vector>

#include "cuda/emu/block_reduce.hpp"
#include "emu_test_support.hpp"

using namespace splat::emu;
using namespace splat::emu::test;
using Catch::Matchers::Contains;

namespace {

constexpr int kThreads = 128;
using Reduce = cub::BlockReduce<double, kThreads>;

struct Max {
  double operator()(double a, double b) const { return a < b ? b : a; }
};

__global__ void sum_and_max_kernel(const double* in, double* sums, double* maxima) {
  SPLAT_SHARED(typename Reduce::TempStorage, storage);
  const double v = in[blockIdx.x * kThreads + threadIdx.x];
  sums[blockIdx.x * kThreads + threadIdx.x] = Reduce(storage).Sum(v);
  __syncthreads();  // the storage is reused
  maxima[blockIdx.x * kThreads + threadIdx.x] = Reduce(storage).Reduce(v, Max{});
}

__global__ void partial_sum_kernel(double* out) {
  const double sum = Reduce().Sum(1.0, 10);  // the private storage; 10 valid inputs
  if (threadIdx.x == 0) *out = sum;
}

std::atomic<int> reuse_line{0};  // written by every GPU thread: atomic for TSan
__global__ void reuse_without_barrier_kernel(double* out) {
  SPLAT_SHARED(typename Reduce::TempStorage, storage);
  const double a = Reduce(storage).Sum(1.0);
  reuse_line = __LINE__ + 1;
  const double b = Reduce(storage).Sum(2.0);  // planted: no __syncthreads() before the reuse
  if (threadIdx.x == 0) *out = a + b;
}

__global__ void wrong_block_size_kernel(double* out) {
  *out = Reduce().Sum(1.0);
}

}  // namespace

TEST_CASE("BlockReduce gives its result in thread 0 only", "[emu]") {
  const ThreadOrder order =
      GENERATE(ThreadOrder::forward, ThreadOrder::reverse, ThreadOrder::random);
  ScopedOptions scope(with_order(order));
  const int blocks = 3, n = blocks * kThreads;
  std::vector<double> in(n), sums(n), maxima(n);
  for (int i = 0; i < n; ++i) in[i] = (i * 37) % 101;
  run_kernel("sum_and_max_kernel", dim3(blocks), dim3(kThreads),
             [&] { sum_and_max_kernel(in.data(), sums.data(), maxima.data()); });
  for (int b = 0; b < blocks; ++b) {
    double sum = 0, max = 0;
    for (int t = 0; t < kThreads; ++t) {
      sum += in[b * kThreads + t];
      max = std::fmax(max, in[b * kThreads + t]);
    }
    CHECK(sums[b * kThreads] == sum);
    CHECK(maxima[b * kThreads] == max);
    for (int t = 1; t < kThreads; ++t) {
      CHECK(std::isnan(sums[b * kThreads + t]));
      CHECK(std::isnan(maxima[b * kThreads + t]));
    }
  }
  double partial = 0;
  run_kernel("partial_sum_kernel", dim3(1), dim3(kThreads), [&] { partial_sum_kernel(&partial); });
  CHECK(partial == 10.0);
}

TEST_CASE("reusing BlockReduce storage without a barrier is a fault", "[emu][planted]") {
  double out = 0;
  for (ThreadOrder order : kAllOrders) {
    ScopedOptions scope(with_order(order));
    REQUIRE_THROWS_WITH(
        run_kernel("reuse_without_barrier_kernel", dim3(2), dim3(kThreads),
                   [&] { reuse_without_barrier_kernel(&out); }),
        Contains("cub::BlockReduce misuse") && Contains(site_of(__FILE__, reuse_line)));
  }
  ScopedOptions scope(deterministic());
  REQUIRE_THROWS_WITH(
      run_kernel("reuse_without_barrier_kernel", dim3(2), dim3(kThreads),
                 [&] { reuse_without_barrier_kernel(&out); }),
      Contains("kernel reuse_without_barrier_kernel") && Contains("block (0,0,0)") &&
          Contains("thread (0,0,0)") && Contains("cub::BlockReduce misuse") &&
          Contains(site_of(__FILE__, reuse_line)) && Contains("reused without a __syncthreads()"));
}

TEST_CASE("BlockReduce in a block of another size is a fault", "[emu][planted]") {
  double out = 0;
  REQUIRE_THROWS_WITH(run_kernel("wrong_block_size_kernel", dim3(1), dim3(64),
                                 [&] { wrong_block_size_kernel(&out); }),
                      Contains("template block size differs"));
}
