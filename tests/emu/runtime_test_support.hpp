// Helpers for the emulated CUDA runtime's tests (tests/emu/runtime_*_test.cpp).
#pragma once

#include <cuda_runtime_api.h>
#include <catch2/catch.hpp>

#include <cstddef>
#include <future>
#include <vector>

#include "cuda/emu/runtime_errors.hpp"

#define REQUIRE_CUDA(call) REQUIRE((call) == cudaSuccess)

namespace splat::emu::testing {

// Holds a stream's queue until opened, so that a test decides when queued work may run.
class Gate {
 public:
  void block(cudaStream_t stream) {
    // The host function owns its copy of the future: the gate may be gone before it returns.
    REQUIRE_CUDA(cudaLaunchHostFunc(stream, &Gate::wait, new std::shared_future<void>(future_)));
  }
  void open() {
    if (!opened_) promise_.set_value();
    opened_ = true;
  }
  // A failed test must not leave a stream blocked (declare gates after the streams they hold).
  ~Gate() { open(); }

 private:
  static void wait(void* data) {
    auto* future = static_cast<std::shared_future<void>*>(data);
    future->wait();
    delete future;
  }
  std::promise<void> promise_;
  std::shared_future<void> future_ = promise_.get_future().share();
  bool opened_ = false;
};

class Stream {
 public:
  explicit Stream(unsigned int flags = cudaStreamNonBlocking) {
    REQUIRE_CUDA(cudaStreamCreateWithFlags(&handle_, flags));
  }
  ~Stream() {
    cudaStreamSynchronize(handle_);
    cudaStreamDestroy(handle_);
  }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  operator cudaStream_t() const { return handle_; }

 private:
  cudaStream_t handle_ = nullptr;
};

class Event {
 public:
  explicit Event(unsigned int flags = cudaEventDefault) {
    REQUIRE_CUDA(cudaEventCreateWithFlags(&handle_, flags));
  }
  ~Event() { cudaEventDestroy(handle_); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  operator cudaEvent_t() const { return handle_; }

 private:
  cudaEvent_t handle_ = nullptr;
};

// n elements of device (or pinned host) memory.
template <class T>
class Array {
 public:
  explicit Array(std::size_t n, bool pinned = false) : n_(n), pinned_(pinned) {
    void* p = nullptr;
    if (pinned)
      REQUIRE_CUDA(cudaHostAlloc(&p, n * sizeof(T), cudaHostAllocDefault));
    else
      REQUIRE_CUDA(cudaMalloc(&p, n * sizeof(T)));
    data_ = static_cast<T*>(p);
  }
  ~Array() { pinned_ ? cudaFreeHost(data_) : cudaFree(data_); }
  Array(const Array&) = delete;
  Array& operator=(const Array&) = delete;

  T* data() const { return data_; }
  std::size_t size() const { return n_; }
  std::size_t bytes() const { return n_ * sizeof(T); }

  void upload(const std::vector<T>& values) {
    REQUIRE(values.size() <= n_);
    REQUIRE_CUDA(cudaMemcpy(data_, values.data(), values.size() * sizeof(T), cudaMemcpyDefault));
  }
  std::vector<T> download() const {
    std::vector<T> values(n_);
    REQUIRE_CUDA(cudaMemcpy(values.data(), data_, bytes(), cudaMemcpyDefault));
    return values;
  }

 private:
  std::size_t n_;
  bool pinned_;
  T* data_ = nullptr;
};

// After a test that faults the device on purpose: a real device would need a new process.
inline void recover_from_fault() {
  cudaDeviceSynchronize();
  reset_fault_for_tests();
  cudaGetLastError();
}

}  // namespace splat::emu::testing
