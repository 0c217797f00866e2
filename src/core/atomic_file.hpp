// Writing files so that a reader (or a crash) never sees half of one: write to a temporary file
// in the same folder, flush it to disk, then rename it over the target.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

namespace splat {

// `write` fills the stream; any failure (of `write` or of the disk) leaves the target untouched
// and throws an Error naming the path.
void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& write);
void write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace splat
