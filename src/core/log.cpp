#include "core/log.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace splat {

namespace {
std::atomic<LogLevel> g_level{LogLevel::Info};
std::mutex g_mutex;

const char* prefix(LogLevel level) {
  switch (level) {
    case LogLevel::Debug:
      return "debug: ";
    case LogLevel::Warn:
      return "warning: ";
    case LogLevel::Error:
      return "error: ";
    default:
      return "";
  }
}
}  // namespace

void set_log_level(LogLevel level) {
  g_level = level;
}

LogLevel log_level() {
  return g_level;
}

void log_message(LogLevel level, std::string_view message) {
  const std::string line = std::string(prefix(level)) + std::string(message) + "\n";
  std::lock_guard lock(g_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

bool stdout_is_terminal() {
  return isatty(STDOUT_FILENO) == 1;
}

}  // namespace splat
