#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/atomic_file.hpp"
#include "core/error.hpp"
#include "temp_dir.hpp"

using namespace splat;
namespace fs = std::filesystem;

namespace {
std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}
}  // namespace

TEST_CASE("atomic files: a failed write leaves the previous file whole", "[io]") {
  const test::TempDir temp("splat-atomic-test");
  const fs::path& dir = temp.path();
  const std::string path = (dir / "model.bin").string();
  write_file_atomically(path, "good model");
  REQUIRE(read(path) == "good model");
  REQUIRE_THROWS_WITH(write_file_atomically(path,
                                            [](std::ostream& out) {
                                              out << "half a mod";
                                              throw Error("interrupted");
                                            }),
                      "interrupted");
  REQUIRE(read(path) == "good model");
  // No temporary files are left behind.
  REQUIRE(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
  write_file_atomically(path, "better model");
  REQUIRE(read(path) == "better model");
  REQUIRE_THROWS_WITH(write_file_atomically((dir / "missing" / "x.bin").string(), "x"),
                      Catch::Contains("missing/x.bin: cannot write"));
  fs::remove_all(dir);
}
