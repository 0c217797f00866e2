#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/error.hpp"

namespace splat {

namespace {
void sync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}
}  // namespace

void write_file_atomically(const std::string& path,
                           const std::function<void(std::ostream&)>& write) {
  const std::filesystem::path target(path);
  const std::string temporary =
      str_cat(path, ".tmp-", ::getpid(), "-", std::random_device{}() % 1000000);
  try {
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      SPLAT_REQUIRE(out.good(), path, ": cannot write (", std::strerror(errno), ")");
      write(out);
      out.flush();
      SPLAT_REQUIRE(out.good(), path, ": write failed (disk full?)");
    }
    sync_file(temporary);
    std::error_code error;
    std::filesystem::rename(temporary, target, error);
    SPLAT_REQUIRE(!error, path, ": cannot replace the file: ", error.message());
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw;
  }
}

void write_file_atomically(const std::string& path, std::string_view contents) {
  write_file_atomically(path, [&](std::ostream& out) {
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  });
}

}  // namespace splat
