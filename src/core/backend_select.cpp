#include "core/backend_select.hpp"

#include "core/cpu_backend.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

#ifdef SPLAT_WITH_CUDA
#include "core/cuda_backend.hpp"
#endif

namespace splat {

bool cuda_usable(std::string* why) {
#ifdef SPLAT_WITH_CUDA
  return cuda_device_usable(why);
#else
  if (why) *why = "this build has no CUDA backend (configure with -DSPLAT_CUDA=ON)";
  return false;
#endif
}

std::unique_ptr<Backend> make_backend(std::string_view choice) {
  if (choice == "cpu") return std::make_unique<CpuBackend>();
  std::string why;
  if (choice == "cuda") {
    if (!cuda_usable(&why)) fail("backend: cuda was requested but ", why);
#ifdef SPLAT_WITH_CUDA
    return std::make_unique<CudaBackend>(0);
#endif
  }
  if (choice == "auto") {
#ifdef SPLAT_WITH_CUDA
    if (cuda_usable(&why)) return std::make_unique<CudaBackend>(0);
#else
    cuda_usable(&why);
#endif
    log_info("backend: no usable GPU (", why, "); using the CPU backend");
    return std::make_unique<CpuBackend>();
  }
  fail("backend: unknown value '", choice, "' (expected auto, cpu or cuda)");
}

}  // namespace splat
