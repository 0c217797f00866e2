#include "core/error.hpp"

namespace splat {

std::string format_api_error(std::string_view api, std::string_view file, int line,
                             std::string_view call, std::string_view what) {
  // Only the file name: full build paths make messages long without helping.
  const auto slash = file.find_last_of('/');
  if (slash != std::string_view::npos) file.remove_prefix(slash + 1);
  return str_cat(api, " error at ", file, ":", line, ": ", call, " failed: ", what);
}

}  // namespace splat
