// A block of bytes that knows where it lives and how to give itself back.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "core/backend.hpp"
#include "core/error.hpp"

namespace splat {

class Buffer {
 public:
  using Release = std::function<void(void*)>;

  Buffer() = default;
  Buffer(void* data, std::size_t bytes, MemorySpace space, Release release);
  // Allocates straight from the backend (host buffers, small device buffers in tests).
  static Buffer allocate(Backend& backend, MemorySpace space, std::size_t bytes);

  Buffer(Buffer&& other) noexcept;
  Buffer& operator=(Buffer&& other) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer();

  void* data() { return data_; }
  const void* data() const { return data_; }
  std::size_t bytes() const { return bytes_; }
  MemorySpace space() const { return space_; }
  bool empty() const { return bytes_ == 0; }

  template <class T>
  T* as() {
    check_element_size(sizeof(T));
    return static_cast<T*>(data_);
  }
  template <class T>
  const T* as() const {
    check_element_size(sizeof(T));
    return static_cast<const T*>(data_);
  }
  template <class T>
  std::size_t count() const {
    return bytes_ / sizeof(T);
  }

 private:
  void check_element_size(std::size_t element_bytes) const;
  void release() noexcept;

  void* data_ = nullptr;
  std::size_t bytes_ = 0;
  MemorySpace space_ = MemorySpace::PageableHost;
  Release release_;
};

// Enqueues a copy of `bytes` from src[src_offset..] to dst[dst_offset..] on `stream`,
// after checking both ranges (an out-of-range copy is an Error, not memory corruption).
void copy_async(Stream& stream, Buffer& dst, std::size_t dst_offset, const Buffer& src,
                std::size_t src_offset, std::size_t bytes);
// Whole-buffer copy; sizes must match.
void copy_async(Stream& stream, Buffer& dst, const Buffer& src);

}  // namespace splat
