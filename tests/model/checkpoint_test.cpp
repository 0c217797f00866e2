#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>

#include "io/checkpoint.hpp"
#include "temp_dir.hpp"

using namespace splat;
namespace fs = std::filesystem;

namespace {
TrainingCheckpoint sample_checkpoint(std::size_t n) {
  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  TrainingCheckpoint c;
  c.step = 1234;
  c.config_yaml = "train:\n  iterations: 7000\n";
  c.sampler_state = "3 1 2 | 99";
  c.gaussians.params.sh_degree = 2;
  c.gaussians.params.resize(n);
  for (auto* v : {&c.gaussians.params.means, &c.gaussians.params.sh})
    for (auto& x : *v) x = normal(rng);
  c.gaussians.reset_optimizer_state();
  for (auto& x : c.gaussians.adam_v.sh) x = normal(rng) * normal(rng);
  std::fill(c.gaussians.adam_steps.begin(), c.gaussians.adam_steps.end(), 17);
  c.densify.arrays = {std::vector<float>(n, 0.5f), std::vector<float>(n, 2.0f)};
  c.densify.rng = "12345";
  return c;
}

}  // namespace

TEST_CASE("checkpoint: everything round-trips exactly", "[checkpoint]") {
  const test::TempDir temp("splat-checkpoint-test");
  const fs::path& dir = temp.path();
  const auto path = (dir / "step.ckpt").string();
  const auto original = sample_checkpoint(100);
  write_checkpoint(path, original);
  const auto read = read_checkpoint(path);
  CHECK(read.step == original.step);
  CHECK(read.config_yaml == original.config_yaml);
  CHECK(read.sampler_state == original.sampler_state);
  CHECK(read.gaussians.params.sh_degree == 2);
  CHECK(read.gaussians.params.means == original.gaussians.params.means);
  CHECK(read.gaussians.params.sh == original.gaussians.params.sh);
  CHECK(read.gaussians.adam_v.sh == original.gaussians.adam_v.sh);
  CHECK(read.gaussians.adam_steps == original.gaussians.adam_steps);
  CHECK(read.densify.arrays == original.densify.arrays);
  CHECK(read.densify.rng == original.densify.rng);
}

TEST_CASE("checkpoint: truncated, corrupt and foreign files are clear errors", "[checkpoint]") {
  const test::TempDir temp("splat-checkpoint-test");
  const fs::path& dir = temp.path();
  const auto path = (dir / "good.ckpt").string();
  write_checkpoint(path, sample_checkpoint(50));
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  const auto write = [&](const std::string& name, const std::string& content) {
    const auto p = (dir / name).string();
    std::ofstream(p, std::ios::binary) << content;
    return p;
  };
  using Catch::Contains;
  for (std::size_t cut : {std::size_t{4}, std::size_t{30}, bytes.size() / 2, bytes.size() - 1})
    CHECK_THROWS_WITH(
        read_checkpoint(write("cut.ckpt", bytes.substr(0, cut))),
        Contains("cut.ckpt") && (Contains("truncated") || Contains("not a splatstream")));
  CHECK_THROWS_WITH(read_checkpoint(write("empty.ckpt", "")),
                    Contains("not a splatstream checkpoint"));
  CHECK_THROWS_WITH(read_checkpoint(write("ply.ckpt", "ply\nformat binary_little_endian 1.0\n")),
                    Contains("not a splatstream checkpoint"));
  std::string huge = bytes;
  const std::uint64_t absurd = 1ull << 40;
  std::memcpy(&huge[20], &absurd, 8);  // the Gaussian count
  CHECK_THROWS_WITH(read_checkpoint(write("huge.ckpt", huge)), Contains("do not fit"));
  CHECK_THROWS_WITH(read_checkpoint(write("long.ckpt", bytes + "x")), Contains("trailing bytes"));
  CHECK_THROWS_WITH(read_checkpoint((dir / "absent.ckpt").string()), Contains("cannot open"));
  // A NaN in the parameters (the first mean) is rejected, not loaded.
  std::string poisoned = bytes;
  const auto sample = sample_checkpoint(50);
  // magic, version, step, SH degree, count; two length-prefixed texts; the means' count.
  const std::size_t first_mean =
      8 + 4 + 4 + 4 + 8 + (8 + sample.config_yaml.size()) + (8 + sample.sampler_state.size()) + 8;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(&poisoned[first_mean], &nan, 4);
  CHECK_THROWS_WITH(read_checkpoint(write("nan.ckpt", poisoned)), Contains("non-finite"));
}
