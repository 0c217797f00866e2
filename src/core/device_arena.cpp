#include "core/device_arena.hpp"

#include <algorithm>
#include <iterator>

#include "core/byte_size.hpp"
#include "core/error.hpp"
#include "core/log.hpp"

namespace splat {

DeviceArena::DeviceArena(Backend& backend, std::size_t budget_bytes)
    : backend_(backend), budget_(budget_bytes / kAlignment * kAlignment) {
  SPLAT_REQUIRE(budget_ > 0, "device memory budget of ", budget_bytes,
                " bytes is too small (at least ", kAlignment, " bytes)");
  try {
    base_ = static_cast<char*>(backend_.allocate(MemorySpace::Device, budget_));
  } catch (const Error& e) {
    const DeviceMemoryInfo info = backend_.device_memory();
    fail("cannot reserve the device memory budget of ", format_bytes(budget_), " (device has ",
         format_bytes(info.free_bytes), " free of ", format_bytes(info.total_bytes),
         "); lower offload.gpu_budget. Cause: ", e.what());
  }
  free_blocks_.emplace(0, budget_);
}

DeviceArena::~DeviceArena() {
  if (!used_.empty())
    log_error("device arena destroyed with ", used_.size(), " live allocations (",
              format_bytes(in_use_), ")");
  backend_.deallocate(MemorySpace::Device, base_);
}

Buffer DeviceArena::allocate(std::size_t bytes, std::string_view what) {
  if (bytes == 0) return Buffer(nullptr, 0, MemorySpace::Device, nullptr);
  const std::size_t size = (bytes + kAlignment - 1) / kAlignment * kAlignment;
  std::lock_guard lock(mutex_);
  // Best fit keeps large blocks whole for the large working-set buffers.
  auto best = free_blocks_.end();
  for (auto it = free_blocks_.begin(); it != free_blocks_.end(); ++it)
    if (it->second >= size && (best == free_blocks_.end() || it->second < best->second)) best = it;
  if (best == free_blocks_.end()) {
    fail("GPU memory budget exceeded allocating ", what, ": requested ", format_bytes(bytes),
         ", in use ", format_bytes(in_use_), " of a ", format_bytes(budget_),
         " budget (largest free block ", format_bytes(largest_free_block_locked()),
         "); raise offload.gpu_budget or lower the working set");
  }
  const std::size_t offset = best->first;
  const std::size_t remaining = best->second - size;
  free_blocks_.erase(best);
  if (remaining > 0) free_blocks_.emplace(offset + size, remaining);
  used_.emplace(offset, size);
  in_use_ += size;
  peak_ = std::max(peak_, in_use_);
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
  std::size_t start = offset;
  std::size_t size = used->second;
  in_use_ -= size;
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
  return largest;
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
