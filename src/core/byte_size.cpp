#include "core/byte_size.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

#include "core/error.hpp"

namespace splat {

namespace {

struct Unit {
  std::string_view suffix;
  double factor;
};

constexpr std::array<Unit, 13> kUnits{{{"", 1.0},
                                       {"B", 1.0},
                                       {"K", 1024.0},
                                       {"KB", 1e3},
                                       {"KIB", 1024.0},
                                       {"M", 1048576.0},
                                       {"MB", 1e6},
                                       {"MIB", 1048576.0},
                                       {"G", 1073741824.0},
                                       {"GB", 1e9},
                                       {"GIB", 1073741824.0},
                                       {"TB", 1e12},
                                       {"TIB", 1099511627776.0}}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::size_t parse_bytes(std::string_view text) {
  const std::string_view s = trim(text);
  std::size_t number_end = 0;
  while (number_end < s.size() &&
         (std::isdigit(static_cast<unsigned char>(s[number_end])) || s[number_end] == '.'))
    ++number_end;
  double value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + number_end, value);
  SPLAT_REQUIRE(number_end > 0 && ec == std::errc() && end == s.data() + number_end, "'", text,
                "' is not a byte size (expected e.g. 512MiB, 8GiB or 4GB)");
  std::string suffix;
  for (char c : trim(s.substr(number_end)))
    suffix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const Unit& unit : kUnits) {
    if (suffix != unit.suffix) continue;
    const double bytes = std::round(value * unit.factor);
    SPLAT_REQUIRE(std::isfinite(bytes) && bytes < 1.8e19, "byte size '", text, "' is too large");
    return static_cast<std::size_t>(bytes);
  }
  fail("'", text, "' has an unknown unit '", suffix,
       "' (use B, KiB, MiB, GiB, TiB, KB, MB, GB, TB)");
}

std::string format_bytes(std::size_t bytes) {
  constexpr std::array<const char*, 5> names{"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < names.size()) {
    value /= 1024.0;
    ++unit;
  }
  char text[32];
  if (unit == 0)
    std::snprintf(text, sizeof text, "%zu B", bytes);
  else
    std::snprintf(text, sizeof text, "%.2f %s", value, names[unit]);
  return text;
}

}  // namespace splat
