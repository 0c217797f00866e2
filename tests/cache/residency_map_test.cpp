#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "cache/residency_map.hpp"

using namespace splat;

TEST_CASE("residency map: admitted ids take the slots after the last", "[residency]") {
  ResidencyMap map(8);
  CHECK(map.admit({10, 20, 30}) == 0);
  CHECK(map.admit({40}) == 3);
  CHECK(map.slot_of(40) == 3);
  CHECK(map.contains(20));
  CHECK_THROWS_WITH(map.admit({20}), Catch::Contains("already resident"));
  CHECK_THROWS_WITH(map.admit({1, 2, 3, 4, 5}), Catch::Contains("do not fit"));
}

TEST_CASE("residency map: eviction keeps the slots dense and reports the moves", "[residency]") {
  std::mt19937 rng(3);
  ResidencyMap map(1000);
  std::vector<std::uint32_t> ids(600);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::uint32_t>(i * 7);
  map.admit(ids);
  // A mirror of the slot contents, moved as the map says.
  std::vector<std::uint32_t> slots = map.slot_ids();
  for (int round = 0; round < 20; ++round) {
    std::vector<std::uint32_t> resident = map.slot_ids();
    std::shuffle(resident.begin(), resident.end(), rng);
    resident.resize(resident.size() / 3);
    std::vector<std::uint32_t> evicted_slots;
    const SlotMoves moves = map.evict(resident, evicted_slots);
    for (std::size_t i = 0; i < resident.size(); ++i) CHECK(slots[evicted_slots[i]] == resident[i]);
    for (std::size_t i = 0; i < moves.from.size(); ++i) {
      CHECK(moves.from[i] >= map.size());
      CHECK(moves.to[i] < map.size());
      slots[moves.to[i]] = slots[moves.from[i]];
    }
    slots.resize(map.size());
    REQUIRE(slots == map.slot_ids());
    for (std::size_t s = 0; s < slots.size(); ++s) CHECK(map.slot_of(slots[s]) == s);
    for (std::uint32_t id : resident) CHECK_FALSE(map.contains(id));
    std::vector<std::uint32_t> fresh;
    for (int i = 0; i < 50; ++i) fresh.push_back(100000 + round * 100 + i);
    map.admit(fresh);
    slots.insert(slots.end(), fresh.begin(), fresh.end());
  }
}
