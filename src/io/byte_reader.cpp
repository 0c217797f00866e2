#include "io/byte_reader.hpp"

#include <algorithm>
#include <cstring>

#include "core/error.hpp"

namespace splat {

namespace {
template <class T>
T load(const unsigned char* bytes) {
  // The project only builds for little-endian machines (x86-64, aarch64), like COLMAP's files.
  T value;
  std::memcpy(&value, bytes, sizeof(T));
  return value;
}
}  // namespace

const unsigned char* ByteReader::take(std::size_t bytes, std::string_view what) {
  if (bytes > remaining())
    fail(source_, ": truncated: needs ", bytes, " more bytes for ", what, " at byte ", offset_,
         " but the file ends at byte ", size_);
  const unsigned char* at = data_ + offset_;
  offset_ += bytes;
  return at;
}

std::uint8_t ByteReader::u8() {
  return *take(1, "a byte");
}
std::int32_t ByteReader::i32() {
  return load<std::int32_t>(take(4, "a 32-bit integer"));
}
std::uint64_t ByteReader::u64() {
  return load<std::uint64_t>(take(8, "a 64-bit integer"));
}
std::int64_t ByteReader::i64() {
  return load<std::int64_t>(take(8, "a 64-bit integer"));
}
double ByteReader::f64() {
  return load<double>(take(8, "a double"));
}

std::string ByteReader::c_string(std::size_t max_length) {
  const std::size_t limit = std::min(remaining(), max_length + 1);
  const void* end = std::memchr(data_ + offset_, 0, limit);
  if (end == nullptr) {
    if (limit == remaining())
      fail(source_, ": truncated: a name starting at byte ", offset_, " has no terminating NUL");
    fail(source_, ": a name starting at byte ", offset_, " is longer than ", max_length, " bytes");
  }
  const std::size_t length = static_cast<const unsigned char*>(end) - (data_ + offset_);
  std::string text(reinterpret_cast<const char*>(data_ + offset_), length);
  offset_ += length + 1;
  return text;
}

void ByteReader::skip(std::uint64_t count, std::size_t record_bytes, std::string_view what) {
  require_records(count, record_bytes, what);
  offset_ += static_cast<std::size_t>(count) * record_bytes;
}

void ByteReader::require_records(std::uint64_t count, std::size_t min_record_bytes,
                                 std::string_view what) {
  if (min_record_bytes != 0 && count > remaining() / min_record_bytes)
    fail(source_, ": says it holds ", count, " ", what, " (at least ", min_record_bytes,
         " bytes each) but only ", remaining(), " bytes follow at byte ", offset_,
         ": truncated or corrupt");
}

void ByteReader::require_end(std::string_view what) {
  if (remaining() != 0)
    fail(source_, ": ", remaining(), " unexpected bytes after the last ", what, " (byte ", offset_,
         " of ", size_, "): the count does not match the file size");
}

}  // namespace splat
