// Bounds-checked little-endian reads from a byte range. Every failure is an Error that names the
// source and the byte offset, so a truncated or corrupt file never reads past its end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace splat {

class ByteReader {
 public:
  ByteReader(const unsigned char* data, std::size_t size, std::string source)
      : data_(data), size_(size), source_(std::move(source)) {}

  std::uint8_t u8();
  std::int32_t i32();
  std::uint64_t u64();
  std::int64_t i64();
  double f64();
  // A NUL-terminated string; fails if no NUL comes before the end or after `max_length` bytes.
  std::string c_string(std::size_t max_length = 4096);
  void skip(std::uint64_t count, std::size_t record_bytes, std::string_view what);

  // Checks, before anything is allocated, that `count` records of at least `min_record_bytes`
  // each can still fit in the remaining bytes; the message names `what`.
  void require_records(std::uint64_t count, std::size_t min_record_bytes, std::string_view what);
  // Fails unless every byte was consumed (a count that does not match the file size).
  void require_end(std::string_view what);

  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return size_ - offset_; }
  const std::string& source() const { return source_; }

 private:
  const unsigned char* take(std::size_t bytes, std::string_view what);

  const unsigned char* data_;
  std::size_t size_;
  std::size_t offset_ = 0;
  std::string source_;
};

}  // namespace splat
