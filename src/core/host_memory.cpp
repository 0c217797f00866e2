#include "core/host_memory.hpp"

#include <cstdio>
#include <cstring>

namespace splat {

namespace {
std::size_t read_status_kib(const char* field) {
  std::FILE* file = std::fopen("/proc/self/status", "r");
  if (!file) return 0;
  char line[256];
  std::size_t kib = 0;
  const std::size_t field_length = std::strlen(field);
  while (std::fgets(line, sizeof line, file)) {
    if (std::strncmp(line, field, field_length) == 0) {
      std::sscanf(line + field_length, " %zu", &kib);
      break;
    }
  }
  std::fclose(file);
  return kib * 1024;
}
}  // namespace

std::size_t current_host_resident_bytes() {
  return read_status_kib("VmRSS:");
}
std::size_t peak_host_resident_bytes() {
  return read_status_kib("VmHWM:");
}

}  // namespace splat
