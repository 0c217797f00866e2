// Checked CUDA runtime calls and kernel launches: failures become splat::Error with the file,
// line, call and CUDA's own error string.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdlib>
#include <cstring>

#include "core/error.hpp"

namespace splat {

[[noreturn]] inline void throw_cuda_error(cudaError_t code, const char* file, int line,
                                          const char* call) {
  // A non-sticky error stays the runtime's "last error" until read: left there, the next
  // launch check would blame an unrelated kernel for it. (A sticky error cannot be cleared.)
  cudaGetLastError();
  throw Error(format_api_error("CUDA", file, line, call,
                               str_cat(cudaGetErrorName(code), ": ", cudaGetErrorString(code))));
}

// SPLAT_CUDA_SYNC_LAUNCHES=1: every checked launch waits for its kernel and checks it, so a
// fault is reported at its own kernel instead of at some later synchronizing call. For
// debugging only: it serializes all streams.
inline bool cuda_sync_launches() {
  static const bool enabled = [] {
    const char* value = std::getenv("SPLAT_CUDA_SYNC_LAUNCHES");
    return value != nullptr && std::strcmp(value, "") != 0 && std::strcmp(value, "0") != 0;
  }();
  return enabled;
}

}  // namespace splat

#define SPLAT_CUDA_CHECK(call)                                                  \
  do {                                                                          \
    const cudaError_t splat_cuda_status_ = (call);                              \
    if (splat_cuda_status_ != cudaSuccess)                                      \
      ::splat::throw_cuda_error(splat_cuda_status_, __FILE__, __LINE__, #call); \
  } while (0)

// After a kernel launch: catches bad launch configurations at the launch site, and with
// SPLAT_CUDA_SYNC_LAUNCHES=1 faults inside the kernel too.
#define SPLAT_CUDA_CHECK_LAUNCH(kernel_name)                                                       \
  do {                                                                                             \
    cudaError_t splat_cuda_status_ = cudaGetLastError();                                           \
    if (splat_cuda_status_ == cudaSuccess && ::splat::cuda_sync_launches())                        \
      splat_cuda_status_ = cudaDeviceSynchronize();                                                \
    if (splat_cuda_status_ != cudaSuccess)                                                         \
      ::splat::throw_cuda_error(splat_cuda_status_, __FILE__, __LINE__, "launch of " kernel_name); \
  } while (0)
