#include "core/buffer.hpp"

#include <utility>

#include "core/byte_size.hpp"

namespace splat {

Buffer::Buffer(void* data, std::size_t bytes, MemorySpace space, Release release)
    : data_(data), bytes_(bytes), space_(space), release_(std::move(release)) {}

Buffer Buffer::allocate(Backend& backend, MemorySpace space, std::size_t bytes) {
  void* data = backend.allocate(space, bytes);
  return Buffer(data, bytes, space,
                [&backend, space](void* ptr) { backend.deallocate(space, ptr); });
}

Buffer::Buffer(Buffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      bytes_(std::exchange(other.bytes_, 0)),
      space_(other.space_),
      release_(std::move(other.release_)) {}

Buffer& Buffer::operator=(Buffer&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
    space_ = other.space_;
    release_ = std::move(other.release_);
  }
  return *this;
}

Buffer::~Buffer() {
  release();
}

void Buffer::release() noexcept {
  if (data_ && release_) release_(data_);
  data_ = nullptr;
  bytes_ = 0;
}

void Buffer::check_element_size(std::size_t element_bytes) const {
  SPLAT_REQUIRE(bytes_ % element_bytes == 0, "buffer of ", bytes_,
                " bytes is not a whole number of ", element_bytes, "-byte elements");
}

void copy_async(Stream& stream, Buffer& dst, std::size_t dst_offset, const Buffer& src,
                std::size_t src_offset, std::size_t bytes) {
  const auto in_range = [bytes](std::size_t offset, std::size_t size) {
    return offset <= size && bytes <= size - offset;
  };
  SPLAT_REQUIRE(in_range(src_offset, src.bytes()), "copy out of range: reading ", bytes,
                " bytes at offset ", src_offset, " of a ", src.bytes(), "-byte ",
                memory_space_name(src.space()), " buffer");
  SPLAT_REQUIRE(in_range(dst_offset, dst.bytes()), "copy out of range: writing ", bytes,
                " bytes at offset ", dst_offset, " of a ", dst.bytes(), "-byte ",
                memory_space_name(dst.space()), " buffer");
  if (bytes == 0) return;
  stream.copy_async(static_cast<char*>(dst.data()) + dst_offset,
                    static_cast<const char*>(src.data()) + src_offset, bytes);
}

void copy_async(Stream& stream, Buffer& dst, const Buffer& src) {
  SPLAT_REQUIRE(dst.bytes() == src.bytes(),
                "copy between buffers of different sizes: ", format_bytes(src.bytes()), " into ",
                format_bytes(dst.bytes()));
  copy_async(stream, dst, 0, src, 0, src.bytes());
}

}  // namespace splat
