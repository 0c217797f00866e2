#include "offload/spill_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "core/error.hpp"
#include "core/log.hpp"

namespace splat {

namespace {

std::string errno_text(int error) {
  return error == ENOSPC ? "the folder's file system is full" : std::strerror(error);
}

struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};

std::unique_ptr<void, AlignedFree> aligned_buffer(std::size_t bytes) {
  void* p = std::aligned_alloc(SpillFile::kAlignment, bytes);
  SPLAT_REQUIRE(p != nullptr, "out of host memory for a spill buffer");
  return std::unique_ptr<void, AlignedFree>(p);
}

}  // namespace

std::size_t free_bytes_in(const std::string& folder) {
  struct statvfs s {};
  if (statvfs(folder.c_str(), &s) != 0) return 0;
  return static_cast<std::size_t>(s.f_bavail) * s.f_frsize;
}

SpillFile::SpillFile(const std::string& folder, std::size_t slot_bytes)
    : folder_(folder), slot_bytes_(slot_bytes) {
  SPLAT_REQUIRE(slot_bytes_ > 0 && slot_bytes_ % kAlignment == 0, "spill slots of ", slot_bytes_,
                " bytes are not a multiple of ", kAlignment);
  struct stat st {};
  SPLAT_REQUIRE(stat(folder_.c_str(), &st) == 0, "offload.spill_dir: ", folder_,
                " does not exist");
  SPLAT_REQUIRE(S_ISDIR(st.st_mode), "offload.spill_dir: ", folder_, " is not a folder");
  // O_TMPFILE: a file with no name, gone with the process. Where the file system lacks it, a
  // named file is made and unlinked at once.
  const int flags = O_RDWR | O_CLOEXEC;
  fd_ = open(folder_.c_str(), flags | O_TMPFILE | O_DIRECT, 0600);
  if (fd_ < 0 && errno == EINVAL) {
    direct_ = false;
    fd_ = open(folder_.c_str(), flags | O_TMPFILE, 0600);
  }
  if (fd_ < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == ENOENT)) {
    const std::string path = folder_ + "/splatstream-spill-" + std::to_string(getpid());
    direct_ = true;
    fd_ = open(path.c_str(), flags | O_CREAT | O_EXCL | O_DIRECT, 0600);
    if (fd_ < 0 && errno == EINVAL) {
      direct_ = false;
      fd_ = open(path.c_str(), flags | O_CREAT | O_EXCL, 0600);
    }
    if (fd_ >= 0) unlink(path.c_str());
  }
  SPLAT_REQUIRE(fd_ >= 0, "offload.spill_dir: cannot create the spill file in ", folder_, ": ",
                errno_text(errno));
  if (!direct_)
    log_warn("offload.spill_dir: ", folder_,
                " does not allow direct I/O; the spill file uses the page cache (pages dropped "
                "after each write)");
}

SpillFile::~SpillFile() {
  if (fd_ >= 0) close(fd_);
}

std::size_t SpillFile::take_slot() {
  std::lock_guard<std::mutex> lock(slots_mutex_);
  ++in_use_;
  if (!free_slots_.empty()) {
    const std::size_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  return file_slots_++;
}

void SpillFile::give_back(std::size_t slot) {
  std::lock_guard<std::mutex> lock(slots_mutex_);
  --in_use_;
  free_slots_.push_back(slot);
}

std::size_t SpillFile::slots_in_use() const {
  std::lock_guard<std::mutex> lock(slots_mutex_);
  return in_use_;
}

std::size_t SpillFile::file_slots() const {
  std::lock_guard<std::mutex> lock(slots_mutex_);
  return file_slots_;
}

void SpillFile::transfer(bool writing, std::size_t slot, void* data) {
  const off_t offset = static_cast<off_t>(slot * slot_bytes_);
  auto* bytes = static_cast<char*>(data);
  std::size_t done = 0;
  while (done < slot_bytes_) {
    const ssize_t n = writing ? pwrite(fd_, bytes + done, slot_bytes_ - done, offset + done)
                              : pread(fd_, bytes + done, slot_bytes_ - done, offset + done);
    if (n < 0 && errno == EINTR) continue;
    SPLAT_REQUIRE(n > 0, "spill file in ", folder_, ": ", writing ? "writing" : "reading",
                  " a chunk at byte ", offset + done, " failed: ",
                  n == 0 ? std::string("end of file") : errno_text(errno));
    done += static_cast<std::size_t>(n);
  }
  if (writing && !direct_) {
    // Buffered fallback: the pages written are the device's business now, not the host's.
    fdatasync(fd_);
    posix_fadvise(fd_, offset, static_cast<off_t>(slot_bytes_), POSIX_FADV_DONTNEED);
  }
}

void SpillFile::write(std::size_t slot, const void* data) {
  if (reinterpret_cast<std::uintptr_t>(data) % kAlignment == 0)
    return transfer(true, slot, const_cast<void*>(data));
  std::lock_guard<std::mutex> lock(bounce_mutex_);
  auto bounce = aligned_buffer(slot_bytes_);
  std::memcpy(bounce.get(), data, slot_bytes_);
  transfer(true, slot, bounce.get());
}

void SpillFile::read(std::size_t slot, void* data) {
  if (reinterpret_cast<std::uintptr_t>(data) % kAlignment == 0) return transfer(false, slot, data);
  std::lock_guard<std::mutex> lock(bounce_mutex_);
  auto bounce = aligned_buffer(slot_bytes_);
  transfer(false, slot, bounce.get());
  std::memcpy(data, bounce.get(), slot_bytes_);
}

double SpillFile::measure_read_bytes_per_second(std::size_t slots) {
  auto buffer = aligned_buffer(slot_bytes_);
  std::memset(buffer.get(), 0x5a, slot_bytes_);
  std::vector<std::size_t> taken;
  for (std::size_t i = 0; i < slots; ++i) {
    taken.push_back(take_slot());
    write(taken.back(), buffer.get());
  }
  fdatasync(fd_);
  if (!direct_)
    posix_fadvise(fd_, 0, static_cast<off_t>(file_slots() * slot_bytes_), POSIX_FADV_DONTNEED);
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t slot : taken) read(slot, buffer.get());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (std::size_t slot : taken) give_back(slot);
  return seconds > 0 ? static_cast<double>(slots * slot_bytes_) / seconds : 0;
}

}  // namespace splat
