// One device allocation of the configured budget, sub-allocated. Every large device buffer
// the trainer uses comes from here, so the budget is a hard bound and peak use is exact.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/backend.hpp"
#include "core/buffer.hpp"

namespace splat {

// Red zones: where device memory is host memory (the CPU backend, CUDA emulated on the CPU),
// each block can be followed by kRedZone bytes of a known pattern, checked when the block is
// released and when the arena goes, and the bytes handed out are filled with 0xFF (NaN) first.
// A sanitizer cannot see a write one past a block inside one big allocation; this can. Red
// zones sit outside the budget's accounting, so plans and peaks are the same with or without.
struct ArenaRedZones {
  bool enabled = false;
  // Called with the report of a damaged red zone; the default logs it and aborts (release
  // runs in destructors, which cannot throw).
  std::function<void(const std::string&)> on_damage;
};

// On in builds that define SPLAT_ARENA_RED_ZONES (the emulated CUDA configuration).
ArenaRedZones default_red_zones();

class DeviceArena {
 public:
  static constexpr std::size_t kAlignment = 256;
  static constexpr std::size_t kRedZone = 256;

  // Reserves `budget_bytes` of device memory at once; a budget the device cannot give is an
  // Error naming the budget and what the device has free.
  DeviceArena(Backend& backend, std::size_t budget_bytes,
              ArenaRedZones red_zones = default_red_zones());
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
  struct Block {
    std::size_t size;   // what it takes of the region: rounded, plus the red zone if any
    std::size_t bytes;  // what was asked for: the red zone starts here
    std::string what;
  };
  void release(void* ptr) noexcept;
  std::size_t largest_free_block_locked() const;
  void check_red_zone(std::size_t offset, const Block& block) const noexcept;

  Backend& backend_;
  std::size_t budget_;
  ArenaRedZones red_zones_;
  std::size_t region_;  // the budget, plus room for red zones
  char* base_ = nullptr;
  mutable std::mutex mutex_;
  std::map<std::size_t, std::size_t> free_blocks_;  // offset -> size in the region, coalesced
  std::unordered_map<std::size_t, Block> used_;     // offset -> block
  std::size_t in_use_ = 0;
  std::size_t peak_ = 0;
};

}  // namespace splat
