// One device allocation of the configured budget, sub-allocated. Every large device buffer
// the trainer uses comes from here, so the budget is a hard bound and peak use is exact.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/backend.hpp"
#include "core/buffer.hpp"

namespace splat {

class DeviceArena {
 public:
  static constexpr std::size_t kAlignment = 256;

  // Reserves `budget_bytes` of device memory at once; a budget the device cannot give is an
  // Error naming the budget and what the device has free.
  DeviceArena(Backend& backend, std::size_t budget_bytes);
  ~DeviceArena();
  DeviceArena(const DeviceArena&) = delete;
  DeviceArena& operator=(const DeviceArena&) = delete;

  // Returns a device Buffer that gives its bytes back to the arena when destroyed. `what`
  // names the allocation in the error raised when the budget cannot hold it.
  Buffer allocate(std::size_t bytes, std::string_view what);

  std::size_t budget() const { return budget_; }
  std::size_t in_use() const;
  std::size_t peak() const;
  std::size_t largest_free_block() const;
  std::size_t live_allocations() const;
  void reset_peak();

 private:
  void release(void* ptr) noexcept;
  std::size_t largest_free_block_locked() const;

  Backend& backend_;
  std::size_t budget_;
  char* base_ = nullptr;
  mutable std::mutex mutex_;
  std::map<std::size_t, std::size_t> free_blocks_;     // offset -> size, coalesced
  std::unordered_map<std::size_t, std::size_t> used_;  // offset -> size
  std::size_t in_use_ = 0;
  std::size_t peak_ = 0;
};

}  // namespace splat
