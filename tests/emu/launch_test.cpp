// SPLAT_LAUNCH under emulation: arguments are converted and copied at the launch, the grid runs
// through the stream's queue (here a stand-in that runs it at once), and configurations CUDA
// rejects are recorded as launch errors instead of running.
#include <string>
#include <vector>

#include "cuda/launch.cuh"
#include "emu_test_support.hpp"

using namespace splat::emu;
using namespace splat::emu::test;
using Catch::Matchers::Contains;

namespace {

struct Params {
  float scale;
  int offset;
};

__global__ void fill_kernel(float* __restrict__ out, std::size_t count, Params p) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += stride)
    out[i] = p.scale * static_cast<float>(i) + static_cast<float>(p.offset);
}

__global__ void indices_kernel(uint3* thread_ids, uint3* block_ids) {
  const unsigned block = (blockIdx.z * gridDim.y + blockIdx.y) * gridDim.x + blockIdx.x;
  const unsigned rank = (threadIdx.z * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x;
  const unsigned i = block * blockDim.x * blockDim.y * blockDim.z + rank;
  thread_ids[i] = threadIdx;
  block_ids[i] = blockIdx;
}

__global__ void never_kernel(int* ran) {
  *ran = 1;
}

}  // namespace

TEST_CASE("SPLAT_LAUNCH runs the kernel with converted, copied arguments", "[emu]") {
  std::vector<float> out(1000, 0.0f);
  Params p{2.0f, 3};
  const int count = 1000;  // an int for a std::size_t parameter, as CUDA allows
  cudaStream_t stream = nullptr;
  SPLAT_LAUNCH(fill_kernel, 3, 128, 0, stream)(out.data(), count, p);
  for (int i = 0; i < 1000; ++i) CHECK(out[i] == 2.0f * i + 3.0f);
  CHECK(take_recorded_config_error().empty());
}

TEST_CASE("built-in indices cover a 3D grid of 3D blocks", "[emu]") {
  const dim3 grid(3, 2, 2), block(4, 2, 3);
  const unsigned n = 12 * 24;
  std::vector<uint3> threads(n), blocks(n);
  SPLAT_LAUNCH(indices_kernel, grid, block, 0, nullptr)(threads.data(), blocks.data());
  for (unsigned i = 0; i < n; ++i) {
    const unsigned b = i / 24, t = i % 24;
    CHECK(blocks[i].x == b % 3);
    CHECK(blocks[i].y == b / 3 % 2);
    CHECK(blocks[i].z == b / 6);
    CHECK(threads[i].x == t % 4);
    CHECK(threads[i].y == t / 4 % 2);
    CHECK(threads[i].z == t / 8);
  }
}

TEST_CASE("configurations CUDA rejects are recorded as launch errors and do not run",
          "[emu][planted]") {
  struct Case {
    dim3 grid, block;
    std::size_t shared;
    const char* why;
  };
  const Case cases[] = {
      {dim3(0), dim3(32), 0, "zero-size grid"},
      {dim3(1), dim3(0), 0, "zero-size block"},
      {dim3(1), dim3(1025), 0, "exceeds (1024, 1024, 64)"},
      {dim3(1), dim3(32, 33), 0, "more than 1024 threads"},
      {dim3(1), dim3(1, 1, 65), 0, "exceeds (1024, 1024, 64)"},
      {dim3(1, 65536), dim3(32), 0, "exceeds (2^31 - 1, 65535, 65535)"},
      {dim3(1, 1, 65536), dim3(32), 0, "exceeds (2^31 - 1, 65535, 65535)"},
      {dim3(0x80000000u), dim3(32), 0, "exceeds (2^31 - 1, 65535, 65535)"},
      {dim3(1), dim3(32), 228 * 1024, "exceeds 227 KiB"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.why);
    int ran = 0;
    SPLAT_LAUNCH(never_kernel, c.grid, c.block, c.shared, nullptr)(&ran);
    CHECK(ran == 0);
    const std::string error = take_recorded_config_error();
    CHECK_THAT(error, Contains("never_kernel") && Contains(c.why));
    CHECK_THROWS_AS(
        run_grid("never_kernel", c.grid, c.block, c.shared, [&] { never_kernel(&ran); }),
        LaunchConfigError);
  }
  // A negative block count converts to a huge grid, as it does for CUDA.
  int ran = 0;
  const int blocks = -1;
  SPLAT_LAUNCH(never_kernel, blocks, 32, 0, nullptr)(&ran);
  CHECK(ran == 0);
  CHECK_THAT(take_recorded_config_error(), Contains("exceeds"));
}
