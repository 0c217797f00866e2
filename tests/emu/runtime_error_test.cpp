// The emulated runtime's errors and device: CUDA's names and strings, last errors that are
// per thread and cleared when read, sticky faults, and an H100's properties.
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <thread>

#include "cuda/emu/emu_options.hpp"
#include "runtime_test_support.hpp"

using namespace splat::emu::testing;

TEST_CASE("emu runtime: error names and strings are CUDA's", "[emu][runtime]") {
  REQUIRE(std::string(cudaGetErrorName(cudaErrorInvalidValue)) == "cudaErrorInvalidValue");
  REQUIRE(std::string(cudaGetErrorString(cudaErrorInvalidValue)) == "invalid argument");
  REQUIRE(std::string(cudaGetErrorString(cudaErrorLaunchFailure)) == "unspecified launch failure");
  REQUIRE(std::string(cudaGetErrorString(cudaErrorInvalidConfiguration)) ==
          "invalid configuration argument");
  REQUIRE(cudaErrorNotReady == 600);
  REQUIRE(cudaErrorLaunchFailure == 719);
}

TEST_CASE("emu runtime: cudaGetLastError returns the last error once", "[emu][runtime]") {
  REQUIRE(cudaGetLastError() == cudaSuccess);
  REQUIRE(cudaMemcpy(nullptr, nullptr, 4, cudaMemcpyDefault) == cudaErrorInvalidValue);
  REQUIRE(cudaPeekAtLastError() == cudaErrorInvalidValue);
  REQUIRE(cudaPeekAtLastError() == cudaErrorInvalidValue);
  REQUIRE(cudaGetLastError() == cudaErrorInvalidValue);
  REQUIRE(cudaGetLastError() == cudaSuccess);
}

TEST_CASE("emu runtime: last errors belong to the thread that made them", "[emu][runtime]") {
  std::thread([] {
    cudaStream_t stream = nullptr;
    REQUIRE(cudaStreamCreateWithFlags(&stream, 0x40) == cudaErrorInvalidValue);
  }).join();
  REQUIRE(cudaGetLastError() == cudaSuccess);
}

TEST_CASE("emu runtime: a bad launch configuration is the next cudaGetLastError",
          "[emu][runtime]") {
  splat::emu::record_launch_config_error("some_kernel", "a block of 2048 threads");
  REQUIRE(cudaGetLastError() == cudaErrorInvalidConfiguration);
  REQUIRE(cudaGetLastError() == cudaSuccess);
}

TEST_CASE("emu runtime: work that throws is a sticky fault, like a device fault",
          "[emu][runtime]") {
  Stream stream;
  Array<int> device(1);
  REQUIRE_CUDA(cudaMemsetAsync(device.data(), 0, sizeof(int), stream));
  splat::emu::enqueue(
      stream,
      [] { throw std::runtime_error("thread (3,0,0) of block (1,0,0) read out of bounds"); },
      "kernel faulty_kernel");
  bool skipped_ran = false;
  splat::emu::enqueue(
      stream, [&] { skipped_ran = true; }, "kernel after the fault");
  REQUIRE(cudaStreamSynchronize(stream) == cudaErrorLaunchFailure);
  REQUIRE_FALSE(skipped_ran);  // the context is lost: queued work does not run
  // Every later call reports it, and reading it does not clear it.
  REQUIRE(cudaGetLastError() == cudaErrorLaunchFailure);
  REQUIRE(cudaGetLastError() == cudaErrorLaunchFailure);
  void* p = nullptr;
  REQUIRE(cudaMalloc(&p, 16) == cudaErrorLaunchFailure);
  REQUIRE(cudaMemsetAsync(device.data(), 0, sizeof(int), stream) == cudaErrorLaunchFailure);
  REQUIRE(cudaDeviceSynchronize() == cudaErrorLaunchFailure);
  recover_from_fault();
  REQUIRE_CUDA(cudaMemsetAsync(device.data(), 0, sizeof(int), stream));
  REQUIRE_CUDA(cudaStreamSynchronize(stream));
}

TEST_CASE("emu runtime: a host function may not call the runtime", "[emu][runtime]") {
  Stream stream;
  cudaError_t from_host_function = cudaSuccess;
  REQUIRE_CUDA(cudaLaunchHostFunc(
      stream,
      [](void* result) {
        *static_cast<cudaError_t*>(result) = cudaStreamSynchronize(nullptr);
        cudaGetLastError();  // the worker's own last error
      },
      &from_host_function));
  REQUIRE_CUDA(cudaStreamSynchronize(stream));
  REQUIRE(from_host_function == cudaErrorNotPermitted);
}

TEST_CASE("emu runtime: the device is an H100", "[emu][runtime]") {
  int count = 0;
  REQUIRE_CUDA(cudaGetDeviceCount(&count));
  REQUIRE(count == 1);
  REQUIRE_CUDA(cudaSetDevice(0));
  int device = -1;
  REQUIRE_CUDA(cudaGetDevice(&device));
  REQUIRE(device == 0);
  cudaDeviceProp props{};
  REQUIRE_CUDA(cudaGetDeviceProperties(&props, 0));
  REQUIRE(std::string(props.name) == "NVIDIA H100 (emulated)");
  REQUIRE(props.major == 9);
  REQUIRE(props.minor == 0);
  REQUIRE(props.multiProcessorCount == 132);
  REQUIRE(props.totalGlobalMem == splat::emu::options().device_memory_bytes);  // 4 GiB unless set
  REQUIRE(props.warpSize == 32);
  REQUIRE(props.maxThreadsPerBlock == 1024);
  REQUIRE(props.maxThreadsDim[2] == 64);
  REQUIRE(props.maxGridSize[0] == 2147483647);
  REQUIRE(props.maxGridSize[1] == 65535);
  REQUIRE(props.sharedMemPerBlock == 48 << 10);
  REQUIRE(props.sharedMemPerBlockOptin == 227 << 10);
  REQUIRE(cudaSetDevice(1) == cudaErrorInvalidDevice);
  REQUIRE(cudaGetDeviceProperties(&props, 1) == cudaErrorInvalidDevice);
  cudaGetLastError();
}

TEST_CASE("emu runtime: SPLAT_EMU_DEVICES=0 emulates a machine without a GPU", "[emu][runtime]") {
  setenv("SPLAT_EMU_DEVICES", "0", 1);
  int count = -1;
  const cudaError_t status = cudaGetDeviceCount(&count);
  void* p = nullptr;
  const cudaError_t malloc_status = cudaMalloc(&p, 16);
  unsetenv("SPLAT_EMU_DEVICES");
  REQUIRE(status == cudaErrorNoDevice);
  REQUIRE(count == 0);
  REQUIRE(malloc_status == cudaErrorNoDevice);
  REQUIRE(cudaGetLastError() == cudaErrorNoDevice);
  REQUIRE_CUDA(cudaGetDeviceCount(&count));
  REQUIRE(count == 1);
}
