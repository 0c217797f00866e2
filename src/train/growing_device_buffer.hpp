// Device scratch from the arena that grows only when a view needs more than it holds, so that
// once image sizes and visible counts settle the training loop allocates nothing. Growth is
// rare: it waits for the stream (queued work may still read the old block) before giving the
// old block back, and leaves headroom so a slowly rising need does not regrow every view.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include "core/backend.hpp"
#include "core/buffer.hpp"
#include "core/device_arena.hpp"

namespace splat {

class GrowingDeviceBuffer {
 public:
  GrowingDeviceBuffer(DeviceArena& arena, Stream& stream, std::string what)
      : arena_(arena), stream_(stream), what_(std::move(what)) {}

  // At least `bytes` of device memory; earlier contents are lost when it grows.
  void* reserve(std::size_t bytes) {
    if (bytes > buffer_.bytes()) {
      stream_.synchronize();
      buffer_ = Buffer();
      buffer_ = arena_.allocate(grown_bytes(bytes), what_);
    }
    return buffer_.data();
  }

  // Gives the block back (after the queued work that may use it).
  void release() {
    stream_.synchronize();
    buffer_ = Buffer();
  }

  // What reserve(bytes) takes from the arena when it has to grow: the headroom included.
  static std::size_t grown_bytes(std::size_t bytes) { return bytes + bytes / 4; }

  void* data() { return buffer_.data(); }
  std::size_t capacity() const { return buffer_.bytes(); }

 private:
  DeviceArena& arena_;
  Stream& stream_;
  std::string what_;
  Buffer buffer_;
};

// Places several arrays in one block, each aligned for any element type: add() the sizes,
// then reserve the total and take the arrays at their offsets.
class BlockLayout {
 public:
  static constexpr std::size_t kAlignment = 256;
  std::size_t add(std::size_t bytes) {
    const std::size_t offset = total_;
    total_ += (bytes + kAlignment - 1) / kAlignment * kAlignment;
    return offset;
  }
  std::size_t total() const { return total_; }

 private:
  std::size_t total_ = 0;
};

template <class T>
T* at_offset(void* block, std::size_t offset) {
  return reinterpret_cast<T*>(static_cast<char*>(block) + offset);
}

}  // namespace splat
