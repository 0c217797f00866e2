// Line-oriented text parsing for COLMAP's .txt files: splits lines into whitespace-separated
// tokens and converts them strictly (the whole token must be a number). Errors name the file
// and line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace splat {

class TextLines {
 public:
  TextLines(std::string_view text, std::string source) : text_(text), source_(std::move(source)) {}
  // The next line (without its end of line); false at the end of the text.
  bool next(std::string_view& line);
  // The next line that is neither empty nor a comment.
  bool next_data_line(std::string_view& line);
  std::size_t line_number() const { return line_number_; }
  // "<file>:<line>"
  std::string where() const;

 private:
  std::string_view text_;
  std::size_t position_ = 0;
  std::size_t line_number_ = 0;
  std::string source_;
};

std::vector<std::string_view> split_tokens(std::string_view line);

// Strict conversions; `what` names the field in the error, `where` the place.
std::int64_t parse_int(std::string_view token, std::string_view what, const std::string& where);
std::uint64_t parse_uint(std::string_view token, std::string_view what, const std::string& where);
double parse_double(std::string_view token, std::string_view what, const std::string& where);

}  // namespace splat
