// Errors of the emulated runtime: CUDA's names and strings, the per-thread last error and the
// sticky device fault.
#include "cuda/emu/runtime_errors.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "cuda/emu/happens_before.hpp"
#include "cuda/emu/runtime_device.hpp"
#include "cuda/emu/runtime_streams.hpp"

namespace splat::emu {

namespace {

// CUDA keeps the last error per host thread.
thread_local cudaError_t last_error = cudaSuccess;

// Read on every call and by every stream worker before each item: relaxed, so that reading it
// orders nothing (TSan would otherwise see the workers synchronize through it).
std::atomic<cudaError_t> fault{cudaSuccess};

}  // namespace

cudaError_t fail(cudaError_t error) {
  if (error != cudaSuccess && error != cudaErrorNotReady) last_error = error;
  return error;
}

cudaError_t fail(cudaError_t error, const std::string& why) {
  {
    InternalScope scope;  // stderr's lock is not an edge CUDA promises
    std::fprintf(stderr, "splat emu: %s (%s)\n", why.c_str(), cudaGetErrorName(error));
  }
  return fail(error);
}

cudaError_t sticky_error() {
  return fault.load(std::memory_order_relaxed);
}

void record_fault(cudaError_t error, const std::string& message) {
  InternalScope scope;
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  if (fault.load(std::memory_order_relaxed) != cudaSuccess) return;  // only the first is news
  std::fprintf(stderr, "splat emu: device fault, %s: %s\n", cudaGetErrorName(error),
               message.c_str());
  fault.store(error, std::memory_order_relaxed);
}

cudaError_t entry_status() {
  if (const cudaError_t sticky = sticky_error(); sticky != cudaSuccess) return sticky;
  if (emulated_device_count() == 0) return fail(cudaErrorNoDevice);
  if (on_stream_worker())
    return fail(cudaErrorNotPermitted, "a CUDA runtime call from stream work (a host function)");
  return cudaSuccess;
}

void reset_fault_for_tests() {
  fault.store(cudaSuccess, std::memory_order_relaxed);
}

void record_launch_config_error(const char* kernel, const std::string& why) {
  fail(cudaErrorInvalidConfiguration, std::string("launch of ") + kernel + ": " + why);
}

}  // namespace splat::emu

using splat::emu::fail;
using splat::emu::sticky_error;

extern "C" {

cudaError_t cudaGetLastError(void) {
  if (const cudaError_t sticky = sticky_error(); sticky != cudaSuccess) return sticky;
  const cudaError_t error = splat::emu::last_error;
  splat::emu::last_error = cudaSuccess;
  return error;
}

cudaError_t cudaPeekAtLastError(void) {
  if (const cudaError_t sticky = sticky_error(); sticky != cudaSuccess) return sticky;
  return splat::emu::last_error;
}

// Names and strings are CUDA 13's own (libcudart), so messages read as on a GPU.
const char* cudaGetErrorName(cudaError_t error) {
  switch (error) {
    case cudaSuccess:
      return "cudaSuccess";
    case cudaErrorInvalidValue:
      return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation:
      return "cudaErrorMemoryAllocation";
    case cudaErrorInitializationError:
      return "cudaErrorInitializationError";
    case cudaErrorInvalidConfiguration:
      return "cudaErrorInvalidConfiguration";
    case cudaErrorInvalidMemcpyDirection:
      return "cudaErrorInvalidMemcpyDirection";
    case cudaErrorNoDevice:
      return "cudaErrorNoDevice";
    case cudaErrorInvalidDevice:
      return "cudaErrorInvalidDevice";
    case cudaErrorInvalidResourceHandle:
      return "cudaErrorInvalidResourceHandle";
    case cudaErrorNotReady:
      return "cudaErrorNotReady";
    case cudaErrorIllegalAddress:
      return "cudaErrorIllegalAddress";
    case cudaErrorLaunchOutOfResources:
      return "cudaErrorLaunchOutOfResources";
    case cudaErrorAssert:
      return "cudaErrorAssert";
    case cudaErrorLaunchFailure:
      return "cudaErrorLaunchFailure";
    case cudaErrorNotPermitted:
      return "cudaErrorNotPermitted";
    case cudaErrorNotSupported:
      return "cudaErrorNotSupported";
    case cudaErrorUnknown:
      return "cudaErrorUnknown";
  }
  return "unrecognized error code";
}

const char* cudaGetErrorString(cudaError_t error) {
  switch (error) {
    case cudaSuccess:
      return "no error";
    case cudaErrorInvalidValue:
      return "invalid argument";
    case cudaErrorMemoryAllocation:
      return "out of memory";
    case cudaErrorInitializationError:
      return "initialization error";
    case cudaErrorInvalidConfiguration:
      return "invalid configuration argument";
    case cudaErrorInvalidMemcpyDirection:
      return "invalid copy direction for memcpy";
    case cudaErrorNoDevice:
      return "no CUDA-capable device is detected";
    case cudaErrorInvalidDevice:
      return "invalid device ordinal";
    case cudaErrorInvalidResourceHandle:
      return "invalid resource handle";
    case cudaErrorNotReady:
      return "device not ready";
    case cudaErrorIllegalAddress:
      return "an illegal memory access was encountered";
    case cudaErrorLaunchOutOfResources:
      return "too many resources requested for launch";
    case cudaErrorAssert:
      return "device-side assert triggered";
    case cudaErrorLaunchFailure:
      return "unspecified launch failure";
    case cudaErrorNotPermitted:
      return "operation not permitted";
    case cudaErrorNotSupported:
      return "operation not supported";
    case cudaErrorUnknown:
      return "unknown error";
  }
  return "unrecognized error code";
}

}  // extern "C"
