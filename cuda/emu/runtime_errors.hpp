// Error state of the emulated runtime: the per-thread last error and the device's sticky
// fault. Internal to cuda/emu (the CUDA-facing side is cudaGetLastError & co).
#pragma once

#include <cuda_runtime_api.h>

#include <string>

namespace splat::emu {

// Keeps `error` as the calling thread's last error and returns it. cudaErrorNotReady is a
// status, not an error, and CUDA does not keep it.
cudaError_t fail(cudaError_t error);

// Like fail(), after printing why to stderr: CUDA's error codes say what went wrong, not where,
// and the emulation is there to be debugged against.
cudaError_t fail(cudaError_t error, const std::string& why);

// cudaSuccess while the emulated device is healthy, else its sticky fault.
cudaError_t sticky_error();

// A device fault (work on a stream threw): the first one is printed and kept; every later
// call returns it; queued work is skipped, as on a GPU whose context is lost.
void record_fault(cudaError_t error, const std::string& message);

// Checked on entry by every call that touches the device: the sticky fault; cudaErrorNoDevice
// when SPLAT_EMU_DEVICES=0; cudaErrorNotPermitted (kept as last error) when called from
// stream work, where CUDA forbids runtime calls -- here they could deadlock the worker.
cudaError_t entry_status();

// Tests only: clears the sticky fault. A real device needs a new process.
void reset_fault_for_tests();

// The launch macro's report of a bad launch configuration: the next cudaGetLastError on this
// thread returns cudaErrorInvalidConfiguration; `why` is printed, CUDA's string being generic.
void record_launch_config_error(const char* kernel, const std::string& why);

}  // namespace splat::emu
