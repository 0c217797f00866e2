// Which Gaussians the working set holds, and in which slot. Slots stay dense — [0, size()) is
// occupied — so the renderer sees the working set as one contiguous set of arrays: admitted
// Gaussians take the slots after the last one, and evicting fills each hole with the last
// occupied slot. The map decides; the engine moves the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace splat {

struct SlotMoves {
  std::vector<std::uint32_t> from;  // occupied slots at or past the new size
  std::vector<std::uint32_t> to;    // the holes below it they fill
};

class ResidencyMap {
 public:
  explicit ResidencyMap(std::size_t capacity = 0) : capacity_(capacity) {}

  std::size_t size() const { return slot_ids_.size(); }
  std::size_t capacity() const { return capacity_; }
  // Global id per slot.
  const std::vector<std::uint32_t>& slot_ids() const { return slot_ids_; }
  bool contains(std::uint32_t id) const { return slots_.count(id) != 0; }
  std::uint32_t slot_of(std::uint32_t id) const;

  // Gives `ids` (none resident yet) the slots [size(), size() + count); returns the first.
  std::size_t admit(const std::vector<std::uint32_t>& ids);
  // Removes `ids` (all resident); `slots_out` receives their slots before the moves.
  SlotMoves evict(const std::vector<std::uint32_t>& ids, std::vector<std::uint32_t>& slots_out);
  void clear();

 private:
  std::size_t capacity_;
  std::vector<std::uint32_t> slot_ids_;
  std::unordered_map<std::uint32_t, std::uint32_t> slots_;
};

}  // namespace splat
