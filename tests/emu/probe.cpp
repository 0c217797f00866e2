// Planted bugs in emulated kernels that only show from outside the process: a sanitizer's report,
// or a crash report. Each mode runs one; CTest matches what must be printed. "clean" must run
// silently (a sanitizer's report fails it).
//   clean            barrier-ordered shared memory and warp shuffles, blocks in parallel
//   shared-race      (ThreadSanitizer) a shared-memory read with the barrier before it removed
//   block-race       (ThreadSanitizer) two blocks, on two OS threads, write one word unguarded
//   shuffle-race     (ThreadSanitizer) lane 0 writes shared memory, the warp meets at a shuffle
//                    (which orders no memory, unlike __syncwarp), lane 1 reads it
//   shared-overflow  (AddressSanitizer) a write one past the end of a __shared__ array
//   stack-overflow   (no sanitizer) unbounded recursion in a kernel: the crash report names the
//                    kernel, block and thread, and says the fiber's stack overflowed
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "cuda/emu/device.hpp"
#include "cuda/emu/grid_runner.hpp"
#include "cuda/shared_memory.cuh"

namespace {

constexpr int kThreads = 64;

__global__ void ordered_kernel(float* out) {
  SPLAT_SHARED(float[kThreads], values);
  values[threadIdx.x] = static_cast<float>(threadIdx.x);
  __syncthreads();
  float v = values[kThreads - 1 - threadIdx.x];
  v += __shfl_xor_sync(0xffffffffu, v, 1);
  __syncthreads();
  if (threadIdx.x % 32 == 0) values[threadIdx.x] = v;
  __syncwarp();  // orders lane 0's write before the other lanes' reads
  out[blockIdx.x * kThreads + threadIdx.x] = values[threadIdx.x / 32 * 32];
}

__global__ void shuffle_race_kernel(float* out) {
  SPLAT_SHARED(float[kThreads], values);
  if (threadIdx.x % 32 == 0) values[threadIdx.x] = 1.0f;
  const float v = __shfl_sync(0xffffffffu, 2.0f, 0);  // planted: a shuffle instead of __syncwarp
  out[blockIdx.x * kThreads + threadIdx.x] = values[threadIdx.x / 32 * 32] + v;
}

__global__ void shared_race_kernel(float* out) {
  SPLAT_SHARED(float[kThreads], values);
  values[threadIdx.x] = static_cast<float>(threadIdx.x);
  // planted: __syncthreads() removed
  out[blockIdx.x * kThreads + threadIdx.x] = values[kThreads - 1 - threadIdx.x];
}

__global__ void block_race_kernel(float* out) {
  if (threadIdx.x == 0) out[0] += 1.0f;  // planted: every block, no atomic
}

__global__ void shared_overflow_kernel(float* out) {
  SPLAT_SHARED(float[kThreads], values);
  values[threadIdx.x + 1] = 1.0f;  // planted: thread kThreads - 1 writes one past the end
  __syncthreads();
  out[blockIdx.x * kThreads + threadIdx.x] = values[threadIdx.x];
}

// Not inlined or turned into a loop: every call needs a frame.
__device__ __attribute__((noinline)) int recurse(volatile int* depth) {
  volatile char frame[512];
  frame[0] = static_cast<char>(*depth);
  if (*depth < 0) return 0;  // never: hides the recursion from the compiler's warning
  *depth = *depth + 1;
  return recurse(depth) + frame[0];
}

__global__ void stack_overflow_kernel(float* out) {
  volatile int depth = 0;
  if (blockIdx.x == 1 && threadIdx.x == 3) out[0] = static_cast<float>(recurse(&depth));
}

}  // namespace

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "clean";
  splat::emu::EmuOptions o = splat::emu::options();
  o.threads = 2;
  splat::emu::set_options(o);
  const unsigned blocks = 8;
  std::vector<float> out(blocks * kThreads, 0.0f);
  auto run = [&](const char* name, auto kernel) {
    splat::emu::run_grid(name, dim3(blocks), dim3(kThreads), 0, [&] { kernel(out.data()); });
  };
  if (std::strcmp(mode, "clean") == 0) {
    run("ordered_kernel", ordered_kernel);
  } else if (std::strcmp(mode, "shared-race") == 0) {
    run("shared_race_kernel", shared_race_kernel);
  } else if (std::strcmp(mode, "shuffle-race") == 0) {
    run("shuffle_race_kernel", shuffle_race_kernel);
  } else if (std::strcmp(mode, "block-race") == 0) {
    run("block_race_kernel", block_race_kernel);
  } else if (std::strcmp(mode, "shared-overflow") == 0) {
    run("shared_overflow_kernel", shared_overflow_kernel);
  } else if (std::strcmp(mode, "stack-overflow") == 0) {
    // The crash kills a child; the parent exits normally, so CTest judges the printed report.
    const pid_t child = fork();
    if (child == 0) {
      run("stack_overflow_kernel", stack_overflow_kernel);
      std::_Exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    std::printf("stack-overflow: the child %s\n",
                WIFSIGNALED(status) ? "crashed, as planted" : "did not crash");
    return WIFSIGNALED(status) ? 0 : 1;
  } else {
    std::fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
  }
  std::printf("%s: ran, out[1] = %g\n", mode, out[1]);
  return 0;
}
