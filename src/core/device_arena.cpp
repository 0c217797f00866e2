#include "core/device_arena.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "core/byte_size.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

namespace splat {

namespace {

constexpr unsigned char kRedZoneByte = 0xA5;

// Room for the red zones of this many blocks at least, or an eighth of the budget.
constexpr std::size_t kRedZoneBlocks = 4096;

}  // namespace

ArenaRedZones default_red_zones() {
#ifdef SPLAT_ARENA_RED_ZONES
  return {true, {}};
#else
  return {};
#endif
}

DeviceArena::DeviceArena(Backend& backend, std::size_t budget_bytes, ArenaRedZones red_zones)
    : backend_(backend),
      budget_(budget_bytes / kAlignment * kAlignment),
      red_zones_(std::move(red_zones)),
      region_(budget_) {
  SPLAT_REQUIRE(budget_ > 0, "device memory budget of ", budget_bytes,
                " bytes is too small (at least ", kAlignment, " bytes)");
  if (red_zones_.enabled)
    region_ += std::max(kRedZoneBlocks * kRedZone, budget_ / 8 / kAlignment * kAlignment);
  try {
    base_ = static_cast<char*>(backend_.allocate(MemorySpace::Device, region_));
  } catch (const Error& e) {
    const DeviceMemoryInfo info = backend_.device_memory();
    fail("cannot reserve the device memory budget of ", format_bytes(budget_), " (device has ",
         format_bytes(info.free_bytes), " free of ", format_bytes(info.total_bytes),
         "); lower offload.gpu_budget. Cause: ", e.what());
  }
  free_blocks_.emplace(0, region_);
}

DeviceArena::~DeviceArena() {
  if (!used_.empty())
    log_error("device arena destroyed with ", used_.size(), " live allocations (",
              format_bytes(in_use_), ")");
  for (const auto& [offset, block] : used_) check_red_zone(offset, block);
  backend_.deallocate(MemorySpace::Device, base_);
}

void DeviceArena::check_red_zone(std::size_t offset, const Block& block) const noexcept {
  if (!red_zones_.enabled) return;
  const char* zone = base_ + offset + block.bytes;
  const std::size_t length = block.size - block.bytes;
  for (std::size_t i = 0; i < length; ++i) {
    if (static_cast<unsigned char>(zone[i]) == kRedZoneByte) continue;
    const std::string report =
        str_cat("device arena: a write ", i, " bytes past the end of '", block.what, "' (",
                block.bytes, " bytes) damaged its red zone");
    if (red_zones_.on_damage) {
      red_zones_.on_damage(report);
      return;
    }
    log_error(report);
    std::abort();
  }
}

Buffer DeviceArena::allocate(std::size_t bytes, std::string_view what) {
  if (bytes == 0) return Buffer(nullptr, 0, MemorySpace::Device, nullptr);
  const std::size_t size = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  const std::size_t taken = size + (red_zones_.enabled ? kRedZone : 0);
  // A block may be handed out again while the kernels that used it last still run (reuse in
  // stream order is legal); the poison and red zone below are host writes, so they wait.
  if (red_zones_.enabled) backend_.synchronize_device();
  std::lock_guard lock(mutex_);
  // Best fit keeps large blocks whole for the large working-set buffers.
  auto best = free_blocks_.end();
  for (auto it = free_blocks_.begin(); it != free_blocks_.end(); ++it)
    if (it->second >= taken && (best == free_blocks_.end() || it->second < best->second)) best = it;
  if (best == free_blocks_.end() || in_use_ + size > budget_) {
    fail("GPU memory budget exceeded allocating ", what, ": requested ", format_bytes(bytes),
         ", in use ", format_bytes(in_use_), " of a ", format_bytes(budget_),
         " budget (largest free block ", format_bytes(largest_free_block_locked()),
         "); raise offload.gpu_budget or lower the working set");
  }
  const std::size_t offset = best->first;
  const std::size_t remaining = best->second - taken;
  free_blocks_.erase(best);
  if (remaining > 0) free_blocks_.emplace(offset + taken, remaining);
  used_.emplace(offset, Block{taken, bytes, red_zones_.enabled ? std::string(what) : ""});
  in_use_ += size;
  peak_ = std::max(peak_, in_use_);
  if (red_zones_.enabled) {
    std::memset(base_ + offset, 0xFF, bytes);  // NaN: reading before writing shows
    std::memset(base_ + offset + bytes, kRedZoneByte, taken - bytes);
  }
  return Buffer(base_ + offset, bytes, MemorySpace::Device, [this](void* ptr) { release(ptr); });
}

void DeviceArena::release(void* ptr) noexcept {
  std::lock_guard lock(mutex_);
  const std::size_t offset = static_cast<std::size_t>(static_cast<char*>(ptr) - base_);
  const auto used = used_.find(offset);
  if (used == used_.end()) {
    log_error("device arena: release of an address it did not hand out");
    return;
  }
  check_red_zone(offset, used->second);
  std::size_t start = offset;
  std::size_t size = used->second.size;
  in_use_ -= red_zones_.enabled ? size - kRedZone : size;
  used_.erase(used);
  // Coalesce with the free neighbours on both sides.
  auto next = free_blocks_.lower_bound(start);
  if (next != free_blocks_.end() && next->first == start + size) {
    size += next->second;
    next = free_blocks_.erase(next);
  }
  if (next != free_blocks_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == start) {
      start = prev->first;
      size += prev->second;
      free_blocks_.erase(prev);
    }
  }
  free_blocks_.emplace(start, size);
}

std::size_t DeviceArena::in_use() const {
  std::lock_guard lock(mutex_);
  return in_use_;
}

std::size_t DeviceArena::peak() const {
  std::lock_guard lock(mutex_);
  return peak_;
}

std::size_t DeviceArena::largest_free_block() const {
  std::lock_guard lock(mutex_);
  return largest_free_block_locked();
}

std::size_t DeviceArena::largest_free_block_locked() const {
  std::size_t largest = 0;
  for (const auto& [offset, size] : free_blocks_) largest = std::max(largest, size);
  if (!red_zones_.enabled) return largest;
  return std::min(budget_ - in_use_, largest > kRedZone ? largest - kRedZone : 0);
}

std::size_t DeviceArena::live_allocations() const {
  std::lock_guard lock(mutex_);
  return used_.size();
}

void DeviceArena::reset_peak() {
  std::lock_guard lock(mutex_);
  peak_ = in_use_;
}

}  // namespace splat
