// What the emulated device throws. Both come out of run_grid on the launching (stream) thread,
// never across a fiber switch.
#pragma once

#include <stdexcept>

namespace splat::emu {

// A kernel did something a GPU would not define: barrier divergence, a collective under
// divergence, deadlock, misuse of block-level CUB, too much shared memory. The message names the
// kernel, the block, the thread and the source line of the collective.
class KernelFault : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A launch configuration CUDA rejects with cudaErrorInvalidConfiguration (zero-size or too
// large grid or block, too much dynamic shared memory).
class LaunchConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace splat::emu
