#include <catch2/catch.hpp>

#include "core/byte_size.hpp"
#include "core/error.hpp"

using namespace splat;

TEST_CASE("byte sizes parse the units configs use", "[config]") {
  CHECK(parse_bytes("123") == 123);
  CHECK(parse_bytes("64KiB") == 64 * 1024);
  CHECK(parse_bytes("8GiB") == 8ull << 30);
  CHECK(parse_bytes(" 8 gib ") == 8ull << 30);
  CHECK(parse_bytes("1.5GiB") == 3ull << 29);
  CHECK(parse_bytes("4GB") == 4'000'000'000ull);
  CHECK(parse_bytes("512M") == 512ull << 20);
  CHECK(parse_bytes("2TiB") == 2ull << 40);
}

TEST_CASE("byte sizes reject what is not a size", "[config]") {
  for (const char* bad : {"", "GiB", "-1GiB", "8 parsecs", "1.2.3MB", "eight"})
    REQUIRE_THROWS_AS(parse_bytes(bad), Error);
  REQUIRE_THROWS_WITH(parse_bytes("8 parsecs"), Catch::Contains("unknown unit"));
  REQUIRE_THROWS_WITH(parse_bytes("99999999999TiB"), Catch::Contains("too large"));
}

TEST_CASE("byte sizes format for people", "[config]") {
  CHECK(format_bytes(512) == "512 B");
  CHECK(format_bytes(1536) == "1.50 KiB");
  CHECK(format_bytes(8ull << 30) == "8.00 GiB");
}
