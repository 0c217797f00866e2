// Checked CUDA runtime calls and kernel launches: failures become splat::Error with the file,
// line, call and CUDA's own error string.
#pragma once

#include <cuda_runtime_api.h>

#include "core/error.hpp"

namespace splat {

[[noreturn]] inline void throw_cuda_error(cudaError_t code, const char* file, int line,
                                          const char* call) {
  throw Error(format_api_error("CUDA", file, line, call,
                               str_cat(cudaGetErrorName(code), ": ", cudaGetErrorString(code))));
}

}  // namespace splat

#define SPLAT_CUDA_CHECK(call)                                                  \
  do {                                                                          \
    const cudaError_t splat_cuda_status_ = (call);                              \
    if (splat_cuda_status_ != cudaSuccess)                                      \
      ::splat::throw_cuda_error(splat_cuda_status_, __FILE__, __LINE__, #call); \
  } while (0)

// After a <<<...>>> launch: catches bad launch configurations at the launch site.
#define SPLAT_CUDA_CHECK_LAUNCH(kernel_name)                                                       \
  do {                                                                                             \
    const cudaError_t splat_cuda_status_ = cudaGetLastError();                                     \
    if (splat_cuda_status_ != cudaSuccess)                                                         \
      ::splat::throw_cuda_error(splat_cuda_status_, __FILE__, __LINE__, "launch of " kernel_name); \
  } while (0)
