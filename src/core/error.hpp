// Errors: one exception type whose message is meant for the user as is.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace splat {

// Thrown for every failure the user can act on (bad input, bad config, budget exceeded,
// CUDA errors). main() prints what() and exits non-zero; nothing else catches it silently.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A budget too small for what the next step needs, raised before that step changed anything:
// the training state is still the last completed step's, so a run saves it and can be resumed
// with a larger budget (a working set that densification outgrew mid-run).
class BudgetRefusal : public Error {
 public:
  using Error::Error;
};

// Concatenates anything streamable into one string: str_cat("read ", n, " bytes").
template <class... Parts>
std::string str_cat(const Parts&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

template <class... Parts>
[[noreturn]] void fail(const Parts&... parts) {
  throw Error(str_cat(parts...));
}

// "<api> error at <file>:<line>: <call> failed: <what>" — shared by every checked API call.
std::string format_api_error(std::string_view api, std::string_view file, int line,
                             std::string_view call, std::string_view what);

}  // namespace splat

// Checks an invariant that bad input could break; the message names the problem.
#define SPLAT_REQUIRE(cond, ...)             \
  do {                                       \
    if (!(cond)) ::splat::fail(__VA_ARGS__); \
  } while (0)
