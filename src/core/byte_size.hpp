// Byte counts as people write them in configs ("8GiB", "512MB") and read them in logs.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace splat {

// Parses "123", "64KiB", "1.5GiB", "8GB" (GB = 1e9, GiB = 2^30). Throws Error naming `text`
// for anything else, for negative values and for values that do not fit in size_t.
std::size_t parse_bytes(std::string_view text);

// "1.50 GiB", "512 B".
std::string format_bytes(std::size_t bytes);

}  // namespace splat
