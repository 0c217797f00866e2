// Device queries of the emulated runtime: one H100 SXM (sm_90), with the real limits of that
// card so that a launch or an allocation the GPU would refuse is refused here too.
#include "cuda/emu/runtime_device.hpp"

#include "cuda/emu/emu_options.hpp"

#include <cstdlib>
#include <cstring>

#include "cuda/emu/runtime_errors.hpp"

namespace splat::emu {

// Read on every call (not cached), so that a test can switch the device off and on again.
int emulated_device_count() {
  const char* value = std::getenv("SPLAT_EMU_DEVICES");
  return value != nullptr && std::strcmp(value, "0") == 0 ? 0 : 1;
}

const cudaDeviceProp& emulated_device_properties() {
  static const cudaDeviceProp props = [] {
    cudaDeviceProp p{};
    std::strncpy(p.name, "NVIDIA H100 (emulated)", sizeof(p.name) - 1);
    p.totalGlobalMem = options().device_memory_bytes;
    p.sharedMemPerBlock = 48 << 10;
    p.regsPerBlock = 65536;
    p.warpSize = 32;
    p.memPitch = 2147483647;
    p.maxThreadsPerBlock = 1024;
    p.maxThreadsDim[0] = 1024;
    p.maxThreadsDim[1] = 1024;
    p.maxThreadsDim[2] = 64;
    p.maxGridSize[0] = 2147483647;
    p.maxGridSize[1] = 65535;
    p.maxGridSize[2] = 65535;
    p.totalConstMem = 64 << 10;
    p.major = 9;
    p.minor = 0;
    p.textureAlignment = 512;
    p.texturePitchAlignment = 32;
    p.multiProcessorCount = 132;
    p.integrated = 0;
    p.canMapHostMemory = 1;
    p.concurrentKernels = 1;
    p.ECCEnabled = 1;
    p.unifiedAddressing = 1;
    p.memoryBusWidth = 5120;
    p.l2CacheSize = 50 << 20;
    p.maxThreadsPerMultiProcessor = 2048;
    p.streamPrioritiesSupported = 1;
    p.globalL1CacheSupported = 1;
    p.localL1CacheSupported = 1;
    p.sharedMemPerMultiprocessor = 228 << 10;
    p.regsPerMultiprocessor = 65536;
    p.managedMemory = 1;
    p.hostNativeAtomicSupported = 0;
    p.pageableMemoryAccess = 0;  // no HMM: kernels and memsets need device or pinned memory
    p.concurrentManagedAccess = 1;
    p.computePreemptionSupported = 1;
    p.canUseHostPointerForRegisteredMem = 1;
    p.cooperativeLaunch = 1;
    p.sharedMemPerBlockOptin = 227 << 10;
    p.maxBlocksPerMultiProcessor = 32;
    p.reservedSharedMemPerBlock = 1 << 10;
    p.clusterLaunch = 1;
    return p;
  }();
  return props;
}

}  // namespace splat::emu

namespace {

// CUDA's current device is per host thread.
thread_local int current_device = 0;

cudaError_t check_ordinal(int device) {
  if (splat::emu::emulated_device_count() == 0) return splat::emu::fail(cudaErrorNoDevice);
  if (device < 0 || device >= splat::emu::emulated_device_count())
    return splat::emu::fail(cudaErrorInvalidDevice);
  return cudaSuccess;
}

}  // namespace

extern "C" {

cudaError_t cudaGetDeviceCount(int* count) {
  if (count == nullptr) return splat::emu::fail(cudaErrorInvalidValue);
  *count = splat::emu::emulated_device_count();
  return *count == 0 ? splat::emu::fail(cudaErrorNoDevice) : cudaSuccess;
}

cudaError_t cudaSetDevice(int device) {
  if (const cudaError_t sticky = splat::emu::sticky_error(); sticky != cudaSuccess) return sticky;
  if (const cudaError_t status = check_ordinal(device); status != cudaSuccess) return status;
  current_device = device;
  return cudaSuccess;
}

cudaError_t cudaGetDevice(int* device) {
  if (device == nullptr) return splat::emu::fail(cudaErrorInvalidValue);
  if (const cudaError_t status = check_ordinal(0); status != cudaSuccess) return status;
  *device = current_device;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
  if (prop == nullptr) return splat::emu::fail(cudaErrorInvalidValue);
  if (const cudaError_t status = check_ordinal(device); status != cudaSuccess) return status;
  *prop = splat::emu::emulated_device_properties();
  return cudaSuccess;
}

}  // extern "C"
