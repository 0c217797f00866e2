// A whole file mapped read-only into memory, so parsers can work on bytes without copying a
// model that may be gigabytes large (pages are read on first touch).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace splat {

class MappedFile {
 public:
  // Throws Error naming `path` when it is missing, not a regular file or unreadable.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const unsigned char* data() const { return data_; }
  std::size_t size() const { return size_; }
  std::string_view text() const { return {reinterpret_cast<const char*>(data_), size_}; }
  const std::string& path() const { return path_; }
  // Gives back the whole pages inside [offset, offset + length) once a reader is done with
  // them, so reading a file larger than spare memory does not keep it resident (the pages are
  // read again from the file if touched later).
  void release(std::size_t offset, std::size_t length) const;

 private:
  std::string path_;
  const unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace splat
