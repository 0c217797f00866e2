// The CUDA runtime API as splatstream calls it, for the CPU emulation (SPLAT_CUDA=EMU): CUDA
// 13's names, types, default arguments and numeric values, implemented by
// cuda/emu/runtime_*.cpp. Only what the project uses is declared, so code that starts calling
// something new fails to compile here instead of silently doing nothing. Semantics, and where
// the emulation is stricter than a GPU, are described at each group.
#pragma once

#include <cstddef>

#include "../stream_work.hpp"  // cudaStream_t, the seam kernel launches use

#define CUDART_CB
#define CUDARTAPI

// Same numeric values as CUDA's driver_types.h (they show up in logs and error messages).
enum cudaError {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInitializationError = 3,
  cudaErrorInvalidConfiguration = 9,
  cudaErrorInvalidMemcpyDirection = 21,
  cudaErrorNoDevice = 100,
  cudaErrorInvalidDevice = 101,
  cudaErrorInvalidResourceHandle = 400,
  cudaErrorNotReady = 600,
  cudaErrorIllegalAddress = 700,
  cudaErrorLaunchOutOfResources = 701,
  cudaErrorAssert = 710,
  cudaErrorLaunchFailure = 719,
  cudaErrorNotPermitted = 800,
  cudaErrorNotSupported = 801,
  cudaErrorUnknown = 999,
};
typedef enum cudaError cudaError_t;

enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4,  // direction inferred from the pointers (unified addressing)
};

struct CUevent_st;
typedef struct CUevent_st* cudaEvent_t;

typedef void(CUDART_CB* cudaHostFn_t)(void* userData);

#define cudaHostAllocDefault 0x00
#define cudaHostAllocPortable 0x01
#define cudaHostAllocMapped 0x02
#define cudaHostAllocWriteCombined 0x04

#define cudaStreamDefault 0x00
#define cudaStreamNonBlocking 0x01  // does not synchronize with the legacy default stream
#define cudaStreamLegacy ((cudaStream_t)0x1)

#define cudaEventDefault 0x00
#define cudaEventBlockingSync 0x01
#define cudaEventDisableTiming 0x02
#define cudaEventInterprocess 0x04

// The fields the project and the emulated device side read, with CUDA's names and types; the
// emulation reports an H100 SXM (see runtime_device.cpp).
struct cudaDeviceProp {
  char name[256];
  size_t totalGlobalMem;
  size_t sharedMemPerBlock;
  int regsPerBlock;
  int warpSize;
  size_t memPitch;
  int maxThreadsPerBlock;
  int maxThreadsDim[3];
  int maxGridSize[3];
  size_t totalConstMem;
  int major;
  int minor;
  size_t textureAlignment;
  size_t texturePitchAlignment;
  int multiProcessorCount;
  int integrated;
  int canMapHostMemory;
  int concurrentKernels;
  int ECCEnabled;
  int unifiedAddressing;
  int memoryBusWidth;
  int l2CacheSize;
  int maxThreadsPerMultiProcessor;
  int streamPrioritiesSupported;
  int globalL1CacheSupported;
  int localL1CacheSupported;
  size_t sharedMemPerMultiprocessor;
  int regsPerMultiprocessor;
  int managedMemory;
  int hostNativeAtomicSupported;
  int pageableMemoryAccess;
  int concurrentManagedAccess;
  int computePreemptionSupported;
  int canUseHostPointerForRegisteredMem;
  int cooperativeLaunch;
  size_t sharedMemPerBlockOptin;
  int maxBlocksPerMultiProcessor;
  size_t reservedSharedMemPerBlock;
  int clusterLaunch;
};

extern "C" {

// Errors (runtime_errors.cpp). A failing call also becomes the calling thread's last error
// (cudaGetLastError returns and clears it; cudaErrorNotReady is a status and is not kept).
// A fault inside stream work (a kernel, a CUB call's checks, a host function that throws) is
// sticky: printed once, then returned by every later call, as a real device's fault is.
cudaError_t cudaGetLastError(void);
cudaError_t cudaPeekAtLastError(void);
const char* cudaGetErrorString(cudaError_t error);
const char* cudaGetErrorName(cudaError_t error);

// Device (runtime_device.cpp): one emulated H100; SPLAT_EMU_DEVICES=0 in the environment
// makes it none (cudaGetDeviceCount then returns cudaErrorNoDevice, as CUDA does).
cudaError_t cudaGetDeviceCount(int* count);
cudaError_t cudaSetDevice(int device);
cudaError_t cudaGetDevice(int* device);
cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp* prop, int device);

// Memory (runtime_memory.cpp). Device and pinned memory are exact-size heap blocks (so
// AddressSanitizer sees overruns) filled with 0xFF bytes, a NaN in every float, until written.
// Every pointer is checked against what it is: an address that is neither inside a
// cudaMalloc/cudaHostAlloc block nor mapped host memory (such as 16), a range running past its
// block, or a pointer of the wrong kind for the copy direction is cudaErrorInvalidValue and
// nothing is copied. As with CUDA, a copy into pageable host memory is complete when the call
// returns, and one out of it is staged at once (the caller may reuse the source); memsets need
// device or pinned memory (an H100 without HMM cannot fill pageable memory).
// cudaFree and cudaFreeHost wait for all queued work first, as CUDA's do.
cudaError_t cudaMalloc(void** devPtr, size_t size);
cudaError_t cudaFree(void* devPtr);
cudaError_t cudaMallocHost(void** ptr, size_t size);
cudaError_t cudaHostAlloc(void** pHost, size_t size, unsigned int flags);
cudaError_t cudaFreeHost(void* ptr);
cudaError_t cudaMemGetInfo(size_t* free, size_t* total);
cudaError_t cudaMemcpy(void* dst, const void* src, size_t count, enum cudaMemcpyKind kind);
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t count, enum cudaMemcpyKind kind,
                            cudaStream_t stream = 0);
cudaError_t cudaMemset(void* devPtr, int value, size_t count);
cudaError_t cudaMemsetAsync(void* devPtr, int value, size_t count, cudaStream_t stream = 0);

// Streams (runtime_streams.cpp): each stream is a worker thread running its work in order.
// The legacy default stream (0) waits for all earlier work of every blocking stream, and
// blocking streams wait for its earlier work; cudaStreamNonBlocking streams do neither.
// Nothing else orders two streams but cudaStreamWaitEvent, so ThreadSanitizer reports a
// missing wait as a data race.
cudaError_t cudaStreamCreate(cudaStream_t* pStream);
cudaError_t cudaStreamCreateWithFlags(cudaStream_t* pStream, unsigned int flags);
cudaError_t cudaStreamDestroy(cudaStream_t stream);
cudaError_t cudaStreamSynchronize(cudaStream_t stream);
cudaError_t cudaStreamQuery(cudaStream_t stream);
cudaError_t cudaStreamWaitEvent(cudaStream_t stream, cudaEvent_t event, unsigned int flags = 0);
cudaError_t cudaLaunchHostFunc(cudaStream_t stream, cudaHostFn_t fn, void* userData);
cudaError_t cudaDeviceSynchronize(void);

// Events (runtime_events.cpp): a record captures the stream's position; timing events carry
// the steady_clock time at which the stream's worker reached it.
cudaError_t cudaEventCreate(cudaEvent_t* event);
cudaError_t cudaEventCreateWithFlags(cudaEvent_t* event, unsigned int flags);
cudaError_t cudaEventDestroy(cudaEvent_t event);
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream = 0);
cudaError_t cudaEventQuery(cudaEvent_t event);
cudaError_t cudaEventSynchronize(cudaEvent_t event);
cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end);

}  // extern "C"

// Last, so that the device side may use everything above: qualifiers, built-in variables and
// vector types, as CUDA's headers provide them to .cu files.
#include "../device.hpp"
