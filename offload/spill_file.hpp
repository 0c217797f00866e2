// The disk tier's scratch file: fixed-size slots, one per store chunk that does not fit in
// offload.host_budget, read and written whole with direct I/O (O_DIRECT), so neither the page
// cache hides a read nor takes host memory the budget does not count. The file is unlinked as
// soon as it is created: it is scratch (the checkpoint is the durable state) and nothing is left
// behind, even after kill -9. Where the file system refuses O_DIRECT (tmpfs) it falls back to
// buffered I/O that drops the pages it wrote, and says so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace splat {

class SpillFile {
 public:
  // Alignment direct I/O needs of buffers, offsets and sizes.
  static constexpr std::size_t kAlignment = 4096;

  // `folder` must exist and be writable; `slot_bytes` is a multiple of kAlignment.
  SpillFile(const std::string& folder, std::size_t slot_bytes);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  const std::string& folder() const { return folder_; }
  std::size_t slot_bytes() const { return slot_bytes_; }
  bool direct() const { return direct_; }

  // A free slot (reused, or a new one at the end of the file), and giving one back.
  std::size_t take_slot();
  void give_back(std::size_t slot);
  std::size_t slots_in_use() const;
  std::size_t file_slots() const;  // the file's size in slots (its high-water mark)

  // Whole slots; `data` holds slot_bytes. Thread-safe (positional I/O). Errors name the file
  // and what failed (a full folder among them).
  void write(std::size_t slot, const void* data);
  void read(std::size_t slot, void* data);

  // Sequential read rate of the folder's device: `slots` slots written then read back (direct
  // I/O, so the device's, not the page cache's), in bytes per second.
  double measure_read_bytes_per_second(std::size_t slots);

 private:
  void transfer(bool writing, std::size_t slot, void* data);

  std::string folder_;
  std::size_t slot_bytes_;
  int fd_ = -1;
  bool direct_ = true;
  mutable std::mutex slots_mutex_;
  std::vector<std::size_t> free_slots_;
  std::size_t file_slots_ = 0;
  std::size_t in_use_ = 0;
  std::mutex bounce_mutex_;  // for a caller's buffer that is not aligned for direct I/O
};

// Free bytes of the file system holding `folder` (0 when it cannot be asked).
std::size_t free_bytes_in(const std::string& folder);

}  // namespace splat
