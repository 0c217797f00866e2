// Atomics and shared memory of the emulated device: atomics are exact under contention (also with
// blocks on several OS threads), shared memory is one object per block, refilled with 0xFF bytes
// before each block, and its limits are enforced.
#include <cmath>
#include <cstdint>
#include <vector>

#include "emu_test_support.hpp"

using namespace splat::emu;
using namespace splat::emu::test;
using Catch::Matchers::Contains;

namespace {

struct Counters {
  float f_sum;
  int i_sum;
  unsigned u_sum;
  unsigned long long ull_sum;
  double d_sum;
  int i_max, i_min;
  unsigned u_max, u_min;
  int i_sub;
  unsigned u_or, u_and;
  unsigned exchanges;
  unsigned cas_product;  // updated through a compare-and-swap loop
};

__global__ void contention_kernel(Counters* c) {
  const int rank = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  atomicAdd(&c->f_sum, 1.0f);
  atomicAdd(&c->i_sum, rank);
  atomicAdd(&c->u_sum, 2u);
  atomicAdd(&c->ull_sum, 1ull << 33);
  atomicAdd(&c->d_sum, 0.5);
  atomicMax(&c->i_max, rank - 1000);
  atomicMin(&c->i_min, rank - 1000);
  atomicMax(&c->u_max, static_cast<unsigned>(rank));
  atomicMin(&c->u_min, static_cast<unsigned>(rank) + 5);
  atomicSub(&c->i_sub, 1);
  atomicOr(&c->u_or, 1u << (rank % 32));
  atomicAnd(&c->u_and, ~(1u << (rank % 16)));
  if (atomicExch(&c->exchanges, static_cast<unsigned>(rank)) == 0xffffffffu)
    atomicAdd(&c->u_sum, 0u);
  unsigned old = atomicAdd(&c->cas_product, 0u), assumed;  // an atomic read
  do {
    assumed = old;
    old = atomicCAS(&c->cas_product, assumed, assumed * 3u);
  } while (old != assumed);
}

__global__ void poisoned_shared_kernel(unsigned* first_read, float* first_float) {
  SPLAT_SHARED(unsigned, word);
  SPLAT_SHARED(float[4], floats);
  if (threadIdx.x == 0) {
    first_read[blockIdx.x] = word;  // before any write: the poison
    first_float[blockIdx.x] = floats[2];
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    word = blockIdx.x;  // the next block must not see this
    floats[2] = 1.0f;
  }
}

// Every thread of a block sees the same storage; blocks never share it, even when they run on
// different OS threads at once.
__global__ void per_block_kernel(const void** addresses, unsigned* seen) {
  SPLAT_SHARED(unsigned, owner);
  addresses[blockIdx.x * blockDim.x + threadIdx.x] = &owner;
  if (threadIdx.x == 0) owner = blockIdx.x;
  __syncthreads();
  atomicAdd(&seen[blockIdx.x], owner == blockIdx.x ? 1u : 0u);
}

__global__ void dynamic_shared_kernel(float* out) {
  SPLAT_DYNAMIC_SHARED(float, dyn);
  const float before = dyn[threadIdx.x];
  __syncthreads();
  dyn[threadIdx.x] = static_cast<float>(threadIdx.x);
  __syncthreads();
  out[blockIdx.x * blockDim.x + threadIdx.x] =
      std::isnan(before) ? dyn[blockDim.x - 1 - threadIdx.x] : -1.0f;
}

__global__ void too_much_shared_kernel(char* out) {
  SPLAT_SHARED(char[40 * 1024], a);
  SPLAT_SHARED(char[10 * 1024], b);
  out[0] = a[threadIdx.x] + b[threadIdx.x];
}

}  // namespace

TEST_CASE("atomics are exact under contention, on one or several OS threads", "[emu]") {
  const unsigned threads = GENERATE(1u, 2u);
  EmuOptions o = options();
  o.threads = threads;
  o.order = ThreadOrder::random;
  ScopedOptions scope(o);
  Counters c{};
  c.i_max = -1000000;
  c.i_min = 1000000;
  c.u_min = 0xffffffffu;
  c.u_and = 0xffffffffu;
  c.cas_product = 1;
  const int blocks = 16, per_block = 128, n = blocks * per_block;
  run_kernel("contention_kernel", dim3(blocks), dim3(per_block), [&] { contention_kernel(&c); });
  CHECK(c.f_sum == static_cast<float>(n));
  CHECK(c.i_sum == n * (n - 1) / 2);
  CHECK(c.u_sum == 2u * n);
  CHECK(c.ull_sum == static_cast<unsigned long long>(n) << 33);
  CHECK(c.d_sum == 0.5 * n);
  CHECK(c.i_max == n - 1 - 1000);
  CHECK(c.i_min == -1000);
  CHECK(c.u_max == static_cast<unsigned>(n - 1));
  CHECK(c.u_min == 5u);
  CHECK(c.i_sub == -n);
  CHECK(c.u_or == 0xffffffffu);
  CHECK(c.u_and == 0xffff0000u);
  CHECK(c.exchanges < static_cast<unsigned>(n));
  unsigned expected = 1;
  for (int i = 0; i < n; ++i) expected *= 3u;
  CHECK(c.cas_product == expected);
}

TEST_CASE("shared memory starts as 0xFF bytes in every block", "[emu]") {
  const ThreadOrder order = GENERATE(ThreadOrder::forward, ThreadOrder::reverse);
  ScopedOptions scope(with_order(order));
  std::vector<unsigned> words(6, 0);
  std::vector<float> floats(6, 0.0f);
  run_kernel("poisoned_shared_kernel", dim3(6), dim3(32),
             [&] { poisoned_shared_kernel(words.data(), floats.data()); });
  for (int b = 0; b < 6; ++b) {
    CHECK(words[b] == 0xffffffffu);
    CHECK(std::isnan(floats[b]));
  }
}

TEST_CASE("shared variables are one object per block, also with parallel blocks", "[emu]") {
  const unsigned threads = GENERATE(1u, 2u);
  EmuOptions o = options();
  o.threads = threads;
  ScopedOptions scope(o);
  const unsigned blocks = 32, per_block = 64;
  std::vector<const void*> addresses(blocks * per_block);
  std::vector<unsigned> seen(blocks, 0);
  run_kernel("per_block_kernel", dim3(blocks), dim3(per_block),
             [&] { per_block_kernel(addresses.data(), seen.data()); });
  for (unsigned b = 0; b < blocks; ++b) {
    CHECK(seen[b] == per_block);
    for (unsigned t = 1; t < per_block; ++t)
      CHECK(addresses[b * per_block + t] == addresses[b * per_block]);
  }
}

TEST_CASE("dynamic shared memory has the launch's size and is poisoned too", "[emu]") {
  std::vector<float> out(3 * 128);
  run_kernel(
      "dynamic_shared_kernel", dim3(3), dim3(128), [&] { dynamic_shared_kernel(out.data()); },
      128 * sizeof(float));
  for (int i = 0; i < 3 * 128; ++i) CHECK(out[i] == static_cast<float>(127 - i % 128));
}

TEST_CASE("more than 48 KiB of static shared memory is a fault", "[emu][planted]") {
  std::vector<char> out(1);
  REQUIRE_THROWS_WITH(run_kernel("too_much_shared_kernel", dim3(1), dim3(32),
                                 [&] { too_much_shared_kernel(out.data()); }),
                      Contains("kernel too_much_shared_kernel") &&
                          Contains("static shared memory of 51200 bytes exceeds the 48 KiB"));
}
