#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/cpu_backend.hpp"
#include "core/device_arena.hpp"

using namespace splat;
using Catch::Contains;

TEST_CASE("arena: an allocation over budget names budget, in-use and request", "[arena]") {
  CpuBackend backend;
  DeviceArena arena(backend, 1 << 20);
  auto held = arena.allocate(700 * 1024, "gaussian cache");
  try {
    arena.allocate(400 * 1024, "staging buffer");
    FAIL("allocation over budget was accepted");
  } catch (const Error& e) {
    const std::string message = e.what();
    CHECK_THAT(message, Contains("staging buffer"));
    CHECK_THAT(message, Contains("requested 400.00 KiB"));
    CHECK_THAT(message, Contains("in use 700.00 KiB"));
    CHECK_THAT(message, Contains("1.00 MiB budget"));
  }
  REQUIRE(arena.in_use() == 700 * 1024);  // the refused request left nothing behind
}

TEST_CASE("arena: peak and in-use are exact, aligned and restored on release", "[arena]") {
  CpuBackend backend;
  DeviceArena arena(backend, 1 << 20);
  {
    auto a = arena.allocate(1000, "a");  // rounds up to 1024
    auto b = arena.allocate(256, "b");
    REQUIRE(reinterpret_cast<std::uintptr_t>(a.data()) % DeviceArena::kAlignment == 0);
    REQUIRE(reinterpret_cast<std::uintptr_t>(b.data()) % DeviceArena::kAlignment == 0);
    REQUIRE(a.bytes() == 1000);
    REQUIRE(arena.in_use() == 1024 + 256);
    {
      auto c = arena.allocate(4096, "c");
      REQUIRE(arena.peak() == 1024 + 256 + 4096);
    }
    REQUIRE(arena.in_use() == 1024 + 256);
    REQUIRE(arena.peak() == 1024 + 256 + 4096);
    arena.reset_peak();
    REQUIRE(arena.peak() == 1024 + 256);
  }
  REQUIRE(arena.in_use() == 0);
  REQUIRE(arena.live_allocations() == 0);
  REQUIRE(arena.largest_free_block() == arena.budget());
}

TEST_CASE("arena: freed neighbours coalesce into one block", "[arena]") {
  CpuBackend backend;
  constexpr std::size_t quarter = 256 * 1024;
  DeviceArena arena(backend, 4 * quarter);
  auto a = arena.allocate(quarter, "a");
  auto b = std::make_unique<Buffer>(arena.allocate(quarter, "b"));
  auto c = std::make_unique<Buffer>(arena.allocate(quarter, "c"));
  auto d = arena.allocate(quarter, "d");
  REQUIRE(arena.largest_free_block() == 0);
  c.reset();
  b.reset();
  REQUIRE(arena.largest_free_block() == 2 * quarter);
  auto merged = arena.allocate(2 * quarter, "merged");  // fits only if b and c coalesced
  REQUIRE(arena.in_use() == 4 * quarter);
}

TEST_CASE("arena: a zero-byte allocation takes nothing", "[arena]") {
  CpuBackend backend;
  DeviceArena arena(backend, 4096);
  auto empty = arena.allocate(0, "nothing");
  REQUIRE(empty.empty());
  REQUIRE(arena.in_use() == 0);
}

TEST_CASE("arena: a budget the device cannot reserve is a clear error", "[arena]") {
  CpuBackend backend;
  const std::size_t absurd = std::numeric_limits<std::size_t>::max() / 2;
  REQUIRE_THROWS_WITH(
      DeviceArena(backend, absurd),
      Contains("cannot reserve the device memory budget") && Contains("lower offload.gpu_budget"));
  REQUIRE_THROWS_WITH(DeviceArena(backend, 10), Contains("too small"));
}

TEST_CASE("arena: red zones report a write one past a block, outside the budget", "[arena]") {
  CpuBackend backend;
  std::vector<std::string> reports;
  ArenaRedZones red_zones{true, [&](const std::string& r) { reports.push_back(r); }};
  DeviceArena arena(backend, 1 << 20, red_zones);
  {
    auto a = arena.allocate(1000, "tile pairs");
    auto b = arena.allocate(256, "b");
    // Handed out poisoned, accounted as without red zones.
    CHECK(static_cast<unsigned char*>(a.data())[999] == 0xFF);
    CHECK(arena.in_use() == 1024 + 256);
    CHECK(arena.largest_free_block() == arena.budget() - 1024 - 256);
    static_cast<char*>(b.data())[255] = 1;   // the last byte is the block's own
    static_cast<char*>(a.data())[1000] = 1;  // inside the alignment slack: still caught
  }
  REQUIRE(reports.size() == 1);
  CHECK_THAT(reports[0], Contains("0 bytes past the end of 'tile pairs' (1000 bytes)"));
  // The whole budget can still be taken at once.
  auto all = arena.allocate(arena.budget(), "all");
  CHECK(arena.in_use() == arena.budget());
  REQUIRE_THROWS_WITH(arena.allocate(1, "one more"), Contains("budget exceeded"));
}
