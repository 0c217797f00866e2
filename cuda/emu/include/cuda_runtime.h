// What nvcc puts in front of every .cu file: the runtime API, the device side and the typed
// allocation overloads of CUDA's cuda_runtime.h. For the CPU emulation (SPLAT_CUDA=EMU).
#pragma once

#include "cuda_runtime_api.h"  // includes ../device.hpp last

template <class T>
cudaError_t cudaMalloc(T** devPtr, size_t size) {
  return ::cudaMalloc(reinterpret_cast<void**>(devPtr), size);
}

template <class T>
cudaError_t cudaMallocHost(T** ptr, size_t size) {
  return ::cudaMallocHost(reinterpret_cast<void**>(ptr), size);
}

template <class T>
cudaError_t cudaHostAlloc(T** ptr, size_t size, unsigned int flags) {
  return ::cudaHostAlloc(reinterpret_cast<void**>(ptr), size, flags);
}
