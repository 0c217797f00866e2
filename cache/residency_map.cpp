#include "cache/residency_map.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace splat {

std::uint32_t ResidencyMap::slot_of(std::uint32_t id) const {
  const auto it = slots_.find(id);
  SPLAT_REQUIRE(it != slots_.end(), "residency map: Gaussian ", id, " is not resident");
  return it->second;
}

std::size_t ResidencyMap::admit(const std::vector<std::uint32_t>& ids) {
  const std::size_t first = slot_ids_.size();
  SPLAT_REQUIRE(first + ids.size() <= capacity_, "residency map: ", first + ids.size(),
                " Gaussians do not fit in a working set of ", capacity_);
  for (std::uint32_t id : ids) {
    const bool inserted = slots_.emplace(id, static_cast<std::uint32_t>(slot_ids_.size())).second;
    SPLAT_REQUIRE(inserted, "residency map: Gaussian ", id, " is already resident");
    slot_ids_.push_back(id);
  }
  return first;
}

SlotMoves ResidencyMap::evict(const std::vector<std::uint32_t>& ids,
                              std::vector<std::uint32_t>& slots_out) {
  slots_out.clear();
  slots_out.reserve(ids.size());
  for (std::uint32_t id : ids) slots_out.push_back(slot_of(id));
  const std::size_t new_size = slot_ids_.size() - ids.size();
  // Holes below the new size are filled, in increasing order, by the survivors above it.
  std::vector<std::uint32_t> holes;
  std::vector<std::uint8_t> leaving_above(slot_ids_.size() - new_size, 0);
  for (std::uint32_t slot : slots_out) {
    if (slot < new_size)
      holes.push_back(slot);
    else
      leaving_above[slot - new_size] = 1;
  }
  std::sort(holes.begin(), holes.end());
  SlotMoves moves;
  std::size_t next_hole = 0;
  for (std::size_t slot = new_size; slot < slot_ids_.size(); ++slot) {
    if (leaving_above[slot - new_size]) continue;
    const std::uint32_t to = holes[next_hole++];
    moves.from.push_back(static_cast<std::uint32_t>(slot));
    moves.to.push_back(to);
    slot_ids_[to] = slot_ids_[slot];
    slots_[slot_ids_[to]] = to;
  }
  for (std::uint32_t id : ids) slots_.erase(id);
  slot_ids_.resize(new_size);
  return moves;
}

void ResidencyMap::clear() {
  slot_ids_.clear();
  slots_.clear();
}

}  // namespace splat
