// Logging to stderr. Progress output (which goes to stdout) lives with the trainer.
#pragma once

#include <string_view>

#include "core/error.hpp"

namespace splat {

enum class LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3, Quiet = 4 };

void set_log_level(LogLevel level);
LogLevel log_level();
void log_message(LogLevel level, std::string_view message);
// Whether stdout is an interactive terminal (progress lines update in place only then).
bool stdout_is_terminal();

template <class... Parts>
void log_debug(const Parts&... parts) {
  if (log_level() <= LogLevel::Debug) log_message(LogLevel::Debug, str_cat(parts...));
}
template <class... Parts>
void log_info(const Parts&... parts) {
  if (log_level() <= LogLevel::Info) log_message(LogLevel::Info, str_cat(parts...));
}
template <class... Parts>
void log_warn(const Parts&... parts) {
  if (log_level() <= LogLevel::Warn) log_message(LogLevel::Warn, str_cat(parts...));
}
template <class... Parts>
void log_error(const Parts&... parts) {
  if (log_level() <= LogLevel::Error) log_message(LogLevel::Error, str_cat(parts...));
}

}  // namespace splat
