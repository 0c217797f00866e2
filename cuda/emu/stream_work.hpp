// The one seam between the emulated device side (kernel launches) and the emulated runtime
// (streams): a launch is a piece of work run in stream order. Declared here, defined by the
// runtime, so the launch code does not depend on how streams are built.
#pragma once

#include <functional>

struct CUstream_st;
using cudaStream_t = CUstream_st*;

namespace splat::emu {

// Runs `work` on `stream` after everything enqueued on it before (nullptr: the legacy default
// stream, which also orders against every other blocking stream, as CUDA's does). `what` names
// the work in error messages ("kernel rasterize_forward_kernel", "cudaMemcpyAsync"). If `work`
// throws splat::emu::KernelFault (or any std::exception), the runtime records a sticky error
// and prints the message; the next synchronizing call returns the error.
void enqueue(cudaStream_t stream, std::function<void()> work, const char* what);

}  // namespace splat::emu
