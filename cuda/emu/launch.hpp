// Kernel launches under emulation: SPLAT_LAUNCH(kernel, grid, block, shared_bytes, stream)(args...)
// checks the configuration at the call, as a <<<>>> launch does (a bad one is recorded for
// cudaGetLastError and nothing runs), converts and copies the arguments to the kernel's parameter
// types, and enqueues the grid on the stream; it runs when the stream gets to it. Kernels include
// cuda/launch.cuh, which picks this or the real <<<>>> syntax.
#pragma once

#include <cstddef>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "cuda/emu/device.hpp"
#include "cuda/emu/grid_runner.hpp"
#include "cuda/emu/stream_work.hpp"

namespace splat::emu {

// Defined by the emulated runtime: makes the launch fail as CUDA's would, with
// cudaErrorInvalidConfiguration from the next cudaGetLastError / cudaPeekAtLastError.
void record_launch_config_error(const char* kernel, const std::string& why);

template <typename... Params>
class KernelLaunch {
 public:
  KernelLaunch(void (*kernel)(Params...), const char* what, const char* name, dim3 grid, dim3 block,
               std::size_t shared_bytes, cudaStream_t stream)
      : kernel_(kernel),
        what_(what),
        name_(name),
        grid_(grid),
        block_(block),
        shared_bytes_(shared_bytes),
        stream_(stream) {}

  template <typename... Args>
  void operator()(Args&&... args) const {
    static_assert(sizeof...(Args) == sizeof...(Params),
                  "a kernel launch must pass one argument per kernel parameter");
    // Converted now, as CUDA does at the launch; each GPU thread gets its own copy when it runs.
    std::tuple<std::decay_t<Params>...> arguments(std::forward<Args>(args)...);
    const std::string why = check_launch_config(grid_, block_, shared_bytes_);
    if (!why.empty()) {
      record_launch_config_error(name_, why);
      return;
    }
    enqueue(
        stream_,
        [kernel = kernel_, name = name_, grid = grid_, block = block_, shared = shared_bytes_,
         arguments = std::move(arguments)] {
          run_grid(name, grid, block, shared, [&] { std::apply(kernel, arguments); });
        },
        what_);
  }

 private:
  void (*kernel_)(Params...);
  const char* what_;
  const char* name_;
  dim3 grid_, block_;
  std::size_t shared_bytes_;
  cudaStream_t stream_;
};

template <typename... Params>
KernelLaunch(void (*)(Params...), const char*, const char*, dim3, dim3, std::size_t, cudaStream_t)
    -> KernelLaunch<Params...>;

}  // namespace splat::emu

// The preprocessor splits macro arguments at commas: launch a template kernel with several
// template arguments through an alias (constexpr auto kernel = k<A, B>;), which nvcc accepts too.
#define SPLAT_EMU_LAUNCH(kernel, grid, block, shared_bytes, stream) \
  ::splat::emu::KernelLaunch(kernel, "kernel " #kernel, #kernel, grid, block, shared_bytes, stream)
