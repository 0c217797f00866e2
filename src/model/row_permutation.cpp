#include "model/row_permutation.hpp"

#include "core/error.hpp"

namespace splat {

void check_permutation(const std::vector<std::uint32_t>& new_to_old, std::size_t rows) {
  SPLAT_REQUIRE(new_to_old.size() == rows, "row permutation covers ", new_to_old.size(),
                " rows, the model has ", rows);
  std::vector<std::uint8_t> seen(rows, 0);
  for (std::uint32_t old : new_to_old) {
    SPLAT_REQUIRE(old < rows && !seen[old], "row permutation repeats or exceeds row ", old);
    seen[old] = 1;
  }
}

}  // namespace splat
