// Every parser over a seed corpus plus random mutations (bit flips, byte changes, cuts,
// duplicated and deleted ranges): each input must either parse or throw splat::Error. Anything
// else (another exception, a crash, a hang) fails the test. The libFuzzer targets in
// tests/fuzz/ explore the same parsers further under AddressSanitizer.
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <random>

#include "io/colmap_binary_reader.hpp"
#include "io/colmap_text_reader.hpp"
#include "io/colmap_writer.hpp"
#include "io/mapped_file.hpp"
#include "io/transforms_json.hpp"
#include "io_test_support.hpp"

using namespace splat;

namespace {

using Parser = std::function<void(const std::string&)>;

std::string mutate(std::string input, std::mt19937_64& engine) {
  std::uniform_int_distribution<int> kind(0, 5);
  const auto position = [&] {
    return input.empty() ? std::size_t{0}
                         : std::uniform_int_distribution<std::size_t>(0, input.size() - 1)(engine);
  };
  const int rounds = 1 + static_cast<int>(engine() % 4);
  for (int r = 0; r < rounds; ++r) {
    switch (kind(engine)) {
      case 0:
        if (!input.empty()) input[position()] ^= static_cast<char>(1 << (engine() % 8));
        break;
      case 1:
        if (!input.empty()) input[position()] = static_cast<char>(engine());
        break;
      case 2:
        input.resize(position());
        break;
      case 3: {  // duplicate a range
        const std::size_t at = position();
        const std::string piece = input.substr(std::min(at, input.size()), engine() % 64);
        input.insert(std::min(at, input.size()), piece);
        break;
      }
      case 4: {  // delete a range
        const std::size_t at = position();
        input.erase(at, engine() % 32);
        break;
      }
      default: {  // an interesting value: 0xff.. or a big little-endian count
        if (input.size() >= 8) {
          const std::size_t at = position() % (input.size() - 7);
          for (int b = 0; b < 8; ++b) input[at + b] = b < 4 ? '\xff' : '\x00';
        }
        break;
      }
    }
  }
  return input;
}

// Runs the parser over the seeds and their mutations for `iterations`, or until `seconds`.
void exercise(const Parser& parse, const std::vector<std::string>& seeds, int iterations,
              double seconds) {
  std::mt19937_64 engine(12345);
  const auto start = std::chrono::steady_clock::now();
  int parsed = 0, rejected = 0;
  const auto run = [&](const std::string& input) {
    try {
      parse(input);
      ++parsed;
    } catch (const Error&) {
      ++rejected;
    }
  };
  for (const std::string& seed : seeds) run(seed);
  REQUIRE(parsed == static_cast<int>(seeds.size()));  // the seeds are valid
  for (int i = 0; i < iterations; ++i) {
    run(mutate(seeds[i % seeds.size()], engine));
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > seconds)
      break;
  }
  CHECK(rejected > 0);  // the mutations do reach the error paths
}

const unsigned char* bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::string file_text(const std::string& path) {
  const MappedFile file(path);
  return std::string(file.text());
}

const ColmapModel& seed_model() {
  static const ColmapModel model = test::make_test_model(4, 6);
  return model;
}

constexpr int kIterations = 20000;
constexpr double kSeconds = 3.0;

}  // namespace

TEST_CASE("cameras.bin parser survives mutations") {
  exercise([](const std::string& s) { parse_colmap_cameras_binary(bytes(s), s.size(), "c.bin"); },
           {colmap_cameras_binary(seed_model()),
            file_text(test::shared_data("bartoszek/sparse/0/cameras.bin"))},
           kIterations, kSeconds);
}

TEST_CASE("images.bin parser survives mutations") {
  exercise(
      [](const std::string& s) {
        parse_colmap_images_binary(bytes(s), s.size(), "i.bin", {true, true});
      },
      {colmap_images_binary(seed_model())}, kIterations, kSeconds);
}

TEST_CASE("points3D.bin parser survives mutations") {
  exercise(
      [](const std::string& s) {
        parse_colmap_points3d_binary(bytes(s), s.size(), "p.bin", {true, true});
      },
      {colmap_points3d_binary(seed_model())}, kIterations, kSeconds);
}

TEST_CASE("cameras.txt parser survives mutations") {
  exercise([](const std::string& s) { parse_colmap_cameras_text(s, "c.txt"); },
           {colmap_cameras_text(seed_model())}, kIterations, kSeconds);
}

TEST_CASE("images.txt parser survives mutations") {
  exercise(
      [](const std::string& s) {
        parse_colmap_images_text(s, "i.txt", {true, true});
      },
      {colmap_images_text(seed_model())}, kIterations, kSeconds);
}

TEST_CASE("points3D.txt parser survives mutations") {
  exercise(
      [](const std::string& s) {
        parse_colmap_points3d_text(s, "p.txt", {true, true});
      },
      {colmap_points3d_text(seed_model())}, kIterations, kSeconds);
}

TEST_CASE("transforms JSON parser survives mutations") {
  exercise([](const std::string& s) { parse_transforms_json(s, "t.json"); },
           {file_text(test::shared_data("lego/transforms_test.json")),
            "{\"fl_x\": 5, \"k1\": 0.1, \"frames\": [{\"file_path\": \"a\", \"transform_matrix\":"
            " [[1,0,0,0],[0,1,0,0],[0,0,1,0]], \"fl_y\": 4}]}"},
           kIterations, kSeconds);
}
