#include "cuda/emu/emu_options.hpp"

#include <cstdlib>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace splat::emu {

namespace {

std::mutex options_mutex;
std::optional<EmuOptions> current_options;

[[noreturn]] void bad_value(const char* variable, const std::string& text, const char* expected) {
  throw std::invalid_argument(std::string(variable) + "=\"" + text + "\": expected " + expected);
}

std::uint64_t parse_unsigned(const char* variable, const std::string& text, const char* expected) {
  std::size_t used = 0;
  unsigned long long value = 0;
  try {
    value = std::stoull(text, &used, 0);
  } catch (const std::exception&) {
    bad_value(variable, text, expected);
  }
  if (text.empty() || text[0] == '-') bad_value(variable, text, expected);
  if (used != text.size()) bad_value(variable, text, expected);
  return value;
}

std::size_t parse_bytes(const char* variable, std::string text, const char* expected,
                        std::uint64_t min, std::uint64_t max) {
  std::uint64_t scale = 1;
  if (!text.empty() && (text.back() == 'K' || text.back() == 'k')) scale = 1024;
  if (!text.empty() && (text.back() == 'M' || text.back() == 'm')) scale = 1024 * 1024;
  if (!text.empty() && (text.back() == 'G' || text.back() == 'g')) scale = 1024 * 1024 * 1024;
  if (scale != 1) text.pop_back();
  const std::uint64_t bytes = parse_unsigned(variable, text, expected) * scale;
  if (bytes < min || bytes > max) bad_value(variable, text, expected);
  return static_cast<std::size_t>(bytes);
}

EmuOptions from_environment() {
  EmuOptions o;
  if (const char* order = std::getenv("SPLAT_EMU_ORDER")) parse_order(order, o);
  if (const char* threads = std::getenv("SPLAT_EMU_THREADS")) {
    const std::uint64_t n =
        parse_unsigned("SPLAT_EMU_THREADS", threads, "a number of threads from 1 to 256");
    if (n < 1 || n > 256)
      bad_value("SPLAT_EMU_THREADS", threads, "a number of threads from 1 to 256");
    o.threads = static_cast<unsigned>(n);
  }
  if (const char* stack = std::getenv("SPLAT_EMU_STACK"))
    o.stack_bytes = parse_bytes("SPLAT_EMU_STACK", stack,
                                "a byte count such as 65536, 64K or 1M (at least 16K)", 16 << 10,
                                std::uint64_t{1} << 30);
  if (const char* delay = std::getenv("SPLAT_EMU_COPY_DELAY_US"))
    o.copy_delay_us = static_cast<unsigned>(
        parse_unsigned("SPLAT_EMU_COPY_DELAY_US", delay, "microseconds, such as 2000"));
  if (const char* memory = std::getenv("SPLAT_EMU_DEVICE_MEMORY"))
    o.device_memory_bytes = parse_bytes("SPLAT_EMU_DEVICE_MEMORY", memory,
                                        "a byte count such as 4G or 512M (1M to 1024G)", 1 << 20,
                                        std::uint64_t{1} << 40);
  return o;
}

}  // namespace

void parse_order(const std::string& text, EmuOptions& o) {
  const char* expected = "forward, reverse, random or random:SEED";
  if (text == "forward") {
    o.order = ThreadOrder::forward;
  } else if (text == "reverse") {
    o.order = ThreadOrder::reverse;
  } else if (text == "random") {
    o.order = ThreadOrder::random;
  } else if (text.rfind("random:", 0) == 0) {
    o.order = ThreadOrder::random;
    o.seed = parse_unsigned("SPLAT_EMU_ORDER", text.substr(7), expected);
  } else {
    bad_value("SPLAT_EMU_ORDER", text, expected);
  }
}

EmuOptions options() {
  std::lock_guard lock(options_mutex);
  if (!current_options) current_options = from_environment();
  return *current_options;
}

void set_options(const EmuOptions& o) {
  std::lock_guard lock(options_mutex);
  current_options = o;
}

}  // namespace splat::emu
