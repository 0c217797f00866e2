#include "io/text_tokens.hpp"

#include <charconv>

#include "core/error.hpp"

namespace splat {

bool TextLines::next(std::string_view& line) {
  if (position_ >= text_.size()) return false;
  std::size_t end = text_.find('\n', position_);
  if (end == std::string_view::npos) end = text_.size();
  line = text_.substr(position_, end - position_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  position_ = end + 1;
  ++line_number_;
  return true;
}

bool TextLines::next_data_line(std::string_view& line) {
  while (next(line)) {
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    return true;
  }
  return false;
}

std::string TextLines::where() const {
  return str_cat(source_, ":", line_number_);
}

std::vector<std::string_view> split_tokens(std::string_view line) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) tokens.push_back(line.substr(start, i - start));
  }
  return tokens;
}

namespace {
template <class T>
T parse_number(std::string_view token, std::string_view what, const std::string& where) {
  T value{};
  const char* begin = token.data();
  const char* end = token.data() + token.size();
  if (!token.empty() && token.front() == '+') ++begin;  // from_chars rejects a leading '+'
  const auto [stop, error] = std::from_chars(begin, end, value);
  if (error != std::errc() || stop != end || begin == end)
    fail(where, ": ", what, " is '", token.substr(0, 40), "', not a valid number");
  return value;
}
}  // namespace

std::int64_t parse_int(std::string_view token, std::string_view what, const std::string& where) {
  return parse_number<std::int64_t>(token, what, where);
}
std::uint64_t parse_uint(std::string_view token, std::string_view what, const std::string& where) {
  return parse_number<std::uint64_t>(token, what, where);
}
double parse_double(std::string_view token, std::string_view what, const std::string& where) {
  // from_chars accepts "nan" and "inf"; the validators reject them with a clearer message.
  return parse_number<double>(token, what, where);
}

}  // namespace splat
