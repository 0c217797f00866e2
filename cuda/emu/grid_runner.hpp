// Runs one grid of an emulated kernel: checks the launch configuration against an H100's limits,
// then runs every block, in the configured order, on one or more OS threads (SPLAT_EMU_THREADS),
// each block with its own shared memory.
#pragma once

#include <cstddef>
#include <string>

#include "cuda/emu/block_runner.hpp"
#include "cuda/emu/kernel_fault.hpp"

namespace splat::emu {

// Empty when CUDA would accept the configuration, else why it would not (what CUDA reports as
// cudaErrorInvalidConfiguration). Static shared memory is checked when the kernel declares it.
std::string check_launch_config(dim3 grid, dim3 block, std::size_t dynamic_shared_bytes);

// Runs the grid; `body` runs the kernel body for the GPU thread that calls it (see
// current_thread()). Throws LaunchConfigError for a configuration check_launch_config rejects,
// and KernelFault for the first block that faults, after that block's fibers are unwound; blocks
// not started by then do not run.
void run_grid(const char* kernel_name, dim3 grid, dim3 block, std::size_t dynamic_shared_bytes,
              KernelBody body);

}  // namespace splat::emu
