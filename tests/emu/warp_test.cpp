// Warp collectives of the emulated device: shuffle, vote and ballot values on full and partial
// masks, warps as 32 consecutive linear thread ids, and faults for collectives under divergence.
#include <atomic>
#include <cmath>
#include <cstdint>
#include <vector>

#include "emu_test_support.hpp"

using namespace splat::emu;
using namespace splat::emu::test;
using Catch::Matchers::Contains;

namespace {

constexpr unsigned kFull = 0xffffffffu;

struct WarpResults {
  int broadcast, up, down16, xored, sum;
  unsigned ballot;
  int any, all, none;
  double wide;
};

__global__ void warp_ops_kernel(WarpResults* out) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  const int value = lane * 10;
  WarpResults r;
  r.broadcast = __shfl_sync(kFull, value, 3);
  r.up = __shfl_up_sync(kFull, value, 1);
  r.down16 = __shfl_down_sync(kFull, value, 4, 16);
  r.xored = __shfl_xor_sync(kFull, value, 1);
  int sum = value;
  for (int offset = 16; offset > 0; offset /= 2) sum += __shfl_down_sync(kFull, sum, offset);
  r.sum = sum;
  r.ballot = __ballot_sync(kFull, lane % 3 == 0);
  r.any = __any_sync(kFull, lane == 17);
  r.all = __all_sync(kFull, lane < 32);
  r.none = __any_sync(kFull, 0);
  r.wide = __shfl_sync(kFull, 1e300 * (lane + 1), 31);  // 8-byte values
  out[threadIdx.x] = r;
}

// Two half-warps shuffle independently at the same site, with their own masks; a quarter of the
// warp votes alone inside a branch.
__global__ void partial_mask_kernel(int* out) {
  const unsigned lane = threadIdx.x % 32;
  const unsigned half = lane < 16 ? 0x0000ffffu : 0xffff0000u;
  int v = __shfl_xor_sync(half, static_cast<int>(lane), 1);
  if (lane < 8) v += 100 * __popc(__ballot_sync(0xffu, lane % 2 == 0));
  out[threadIdx.x] = v;
}

__global__ void linear_lanes_kernel(unsigned* out) {
  const unsigned rank = threadIdx.y * blockDim.x + threadIdx.x;
  out[rank] = __shfl_sync(kFull, rank, 0);  // the warp's first linear id
}

__global__ void outside_mask_kernel(float* out) {
  const unsigned lane = threadIdx.x % 32;
  if (lane < 2) out[lane] = __shfl_sync(0x3u, 1.0f, 5);  // lane 5 does not take part
}

std::atomic<int> divergent_shuffle_line{0};  // written by every GPU thread: atomic for TSan
__global__ void divergent_shuffle_kernel(float* data) {
  float v = data[threadIdx.x];
  divergent_shuffle_line = __LINE__ + 1;
  if (threadIdx.x % 32 < 16) v += __shfl_down_sync(kFull, v, 1);  // planted: full mask
  data[threadIdx.x] = v;
}

std::atomic<int> foreign_line{0};  // written by every GPU thread: atomic for TSan
__global__ void mask_without_caller_kernel() {
  foreign_line = __LINE__ + 1;
  if (threadIdx.x == 1) __syncwarp(0x1u);
}

std::atomic<int> split_line{0};  // written by every GPU thread: atomic for TSan
__global__ void split_sites_kernel() {
  split_line = __LINE__ + 2;
  if (threadIdx.x % 2 == 0)
    __syncwarp();
  else
    __syncwarp();
}

__global__ void partial_warp_kernel(int* out) {
  out[threadIdx.x] = __shfl_sync(kFull, static_cast<int>(threadIdx.x), 0);
}

__global__ void partial_warp_masked_kernel(int* out) {
  const unsigned mask = threadIdx.x < 32 ? kFull : 0x0000ffffu;
  out[threadIdx.x] = __shfl_sync(mask, static_cast<int>(threadIdx.x), 0);
}

}  // namespace

TEST_CASE("shuffles, votes and ballots give CUDA's values on a full warp", "[emu]") {
  const ThreadOrder order =
      GENERATE(ThreadOrder::forward, ThreadOrder::reverse, ThreadOrder::random);
  ScopedOptions scope(with_order(order));
  std::vector<WarpResults> out(64);
  run_kernel("warp_ops_kernel", dim3(1), dim3(64), [&] { warp_ops_kernel(out.data()); });
  unsigned expected_ballot = 0;
  for (int lane = 0; lane < 32; lane += 3) expected_ballot |= 1u << lane;
  for (int t = 0; t < 64; ++t) {
    const int lane = t % 32;
    const WarpResults& r = out[t];
    CAPTURE(t);
    CHECK(r.broadcast == 30);
    CHECK(r.up == (lane == 0 ? 0 : (lane - 1) * 10));
    CHECK(r.down16 == (lane % 16 + 4 < 16 ? (lane + 4) * 10 : lane * 10));
    CHECK(r.xored == (lane ^ 1) * 10);
    if (lane == 0) CHECK(r.sum == 4960);  // 10 * (0 + ... + 31)
    CHECK(r.ballot == expected_ballot);
    CHECK(r.any == 1);
    CHECK(r.all == 1);
    CHECK(r.none == 0);
    CHECK(r.wide == 1e300 * 32);
  }
}

TEST_CASE("collectives on partial masks resolve per mask", "[emu]") {
  std::vector<int> out(32);
  run_kernel("partial_mask_kernel", dim3(1), dim3(32), [&] { partial_mask_kernel(out.data()); });
  for (int lane = 0; lane < 32; ++lane) CHECK(out[lane] == (lane ^ 1) + (lane < 8 ? 400 : 0));
}

TEST_CASE("warps are 32 consecutive linear thread ids, x fastest", "[emu]") {
  std::vector<unsigned> out(16 * 6);
  run_kernel("linear_lanes_kernel", dim3(1), dim3(16, 6), [&] { linear_lanes_kernel(out.data()); });
  for (unsigned rank = 0; rank < out.size(); ++rank) CHECK(out[rank] == rank / 32 * 32);
}

TEST_CASE("a shuffle from a lane outside the mask is undefined: NaN", "[emu]") {
  std::vector<float> out(2, 0.0f);
  run_kernel("outside_mask_kernel", dim3(1), dim3(32), [&] { outside_mask_kernel(out.data()); });
  CHECK(std::isnan(out[0]));
  CHECK(std::isnan(out[1]));
}

TEST_CASE("a full-mask shuffle under a divergent branch is a fault", "[emu][planted]") {
  std::vector<float> data(64, 1.0f);
  for (ThreadOrder order : kAllOrders) {
    ScopedOptions scope(with_order(order));
    REQUIRE_THROWS_WITH(run_kernel("divergent_shuffle_kernel", dim3(1), dim3(64),
                                   [&] { divergent_shuffle_kernel(data.data()); }),
                        Contains("collective under divergence") &&
                            Contains(site_of(__FILE__, divergent_shuffle_line)) &&
                            Contains("which returned from the kernel"));
  }
  ScopedOptions scope(deterministic());
  REQUIRE_THROWS_AS(run_kernel("divergent_shuffle_kernel", dim3(1), dim3(64),
                               [&] { divergent_shuffle_kernel(data.data()); }),
                    KernelFault);
  REQUIRE_THROWS_WITH(run_kernel("divergent_shuffle_kernel", dim3(1), dim3(64),
                                 [&] { divergent_shuffle_kernel(data.data()); }),
                      Contains("kernel divergent_shuffle_kernel") && Contains("block (0,0,0)") &&
                          Contains("thread (0,0,0)") && Contains("collective under divergence") &&
                          Contains(site_of(__FILE__, divergent_shuffle_line)) &&
                          Contains("__shfl_down_sync") &&
                          Contains("lane 16 (thread (16,0,0)), which returned from the kernel"));
}

TEST_CASE("a mask that leaves out the calling lane is a fault", "[emu][planted]") {
  ScopedOptions scope(deterministic());
  REQUIRE_THROWS_WITH(run_kernel("mask_without_caller_kernel", dim3(1), dim3(32),
                                 [] { mask_without_caller_kernel(); }),
                      Contains("collective under divergence") && Contains("thread (1,0,0)") &&
                          Contains(site_of(__FILE__, foreign_line)) &&
                          Contains("does not include the calling lane 1"));
}

TEST_CASE("lanes of one mask at different call sites are a fault", "[emu][planted]") {
  ScopedOptions scope(deterministic());
  REQUIRE_THROWS_WITH(
      run_kernel("split_sites_kernel", dim3(1), dim3(32), [] { split_sites_kernel(); }),
      Contains("collective under divergence") && Contains(site_of(__FILE__, split_line)) &&
          Contains("lane 1 (thread (1,0,0)), which waits at __syncwarp at ") &&
          Contains(site_of(__FILE__, split_line + 2)));
}

TEST_CASE("a partial last warp has no lanes beyond the block", "[emu]") {
  std::vector<int> out(48);
  REQUIRE_THROWS_WITH(run_kernel("partial_warp_kernel", dim3(1), dim3(48),
                                 [&] { partial_warp_kernel(out.data()); }),
                      Contains("lane 16, which does not exist: the block has 48 threads"));
  run_kernel("partial_warp_masked_kernel", dim3(1), dim3(48),
             [&] { partial_warp_masked_kernel(out.data()); });
  for (int t = 0; t < 48; ++t) CHECK(out[t] == t / 32 * 32);
}
