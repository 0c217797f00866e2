// Reordering rows in place: a permutation is applied cycle by cycle with one row held aside, so
// reordering a model (or the offload store) never needs a second copy of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace splat {

// Fails unless new_to_old is a permutation of [0, rows).
void check_permutation(const std::vector<std::uint32_t>& new_to_old, std::size_t rows);

// The one row held aside while a cycle turns.
constexpr std::size_t kHeldRow = std::numeric_limits<std::size_t>::max();

// Calls move(to, from) so that row i ends up with what row new_to_old[i] held; either argument
// may be kHeldRow. `new_to_old` must be a permutation (check_permutation).
template <class Move>
void permute_in_place(const std::vector<std::uint32_t>& new_to_old, Move&& move) {
  const std::size_t n = new_to_old.size();
  std::vector<bool> done(n, false);  // a bit per row
  for (std::size_t start = 0; start < n; ++start) {
    if (done[start] || new_to_old[start] == start) continue;
    move(kHeldRow, start);
    std::size_t to = start;
    for (;;) {
      done[to] = true;
      const std::size_t from = new_to_old[to];
      if (from == start) {
        move(to, kHeldRow);
        break;
      }
      move(to, from);
      to = from;
    }
  }
}

}  // namespace splat
