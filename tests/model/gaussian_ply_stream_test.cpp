#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>

#include "core/error.hpp"
#include "io/gaussian_ply.hpp"
#include "io/gaussian_ply_stream.hpp"
#include "temp_dir.hpp"

using namespace splat;

namespace {

GaussianModel random_rows(std::size_t n, int degree, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  GaussianModel m;
  m.sh_degree = degree;
  m.resize(n);
  for (auto* v : {&m.means, &m.log_scales, &m.rotations, &m.opacity_logits, &m.sh})
    for (float& x : *v) x = normal(rng);
  return m;
}

// Rows [begin, end) of `m` as a model of their own.
GaussianModel slice(const GaussianModel& m, std::size_t begin, std::size_t end) {
  GaussianModel s;
  s.sh_degree = m.sh_degree;
  s.resize(end - begin);
  const std::size_t k = static_cast<std::size_t>(m.sh_coefficients()) * 3;
  std::copy(m.means.begin() + 3 * begin, m.means.begin() + 3 * end, s.means.begin());
  std::copy(m.log_scales.begin() + 3 * begin, m.log_scales.begin() + 3 * end, s.log_scales.begin());
  std::copy(m.rotations.begin() + 4 * begin, m.rotations.begin() + 4 * end, s.rotations.begin());
  std::copy(m.opacity_logits.begin() + begin, m.opacity_logits.begin() + end,
            s.opacity_logits.begin());
  std::copy(m.sh.begin() + k * begin, m.sh.begin() + k * end, s.sh.begin());
  return s;
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_CASE("PLY stream: chunks give the same bytes as the whole-model writer", "[ply]") {
  test::TempDir dir("ply-stream");
  for (int degree : {0, 1, 3}) {
    const GaussianModel m = random_rows(1000, degree, 7 + degree);
    write_gaussian_ply((dir / "whole.ply").string(), m);
    write_gaussian_ply_chunked((dir / "chunks.ply").string(), m.size(), degree,
                               [&](GaussianPlyChunks& out) {
                                 // Uneven chunks, an empty one among them.
                                 out.append(slice(m, 0, 1));
                                 out.append(slice(m, 1, 1));
                                 out.append(slice(m, 1, 400));
                                 out.append(slice(m, 400, 1000));
                               });
    REQUIRE(read_all(dir / "chunks.ply") == read_all(dir / "whole.ply"));
    const GaussianModel back = read_gaussian_ply((dir / "chunks.ply").string());
    REQUIRE(back.sh_degree == degree);
    REQUIRE(back.means == m.means);
    REQUIRE(back.sh == m.sh);
  }
}

TEST_CASE("PLY stream: a wrong total, a wrong degree or a failing producer keeps the old file",
          "[ply]") {
  test::TempDir dir("ply-stream-bad");
  const std::string path = (dir / "model.ply").string();
  const GaussianModel m = random_rows(10, 1, 3);
  write_gaussian_ply(path, m);
  const std::string before = read_all(path);
  REQUIRE_THROWS_WITH(
      write_gaussian_ply_chunked(path, 11, 1, [&](GaussianPlyChunks& out) { out.append(m); }),
      Catch::Contains("model.ply") && Catch::Contains("promised 11"));
  REQUIRE_THROWS_WITH(
      write_gaussian_ply_chunked(path, 5, 1, [&](GaussianPlyChunks& out) { out.append(m); }),
      Catch::Contains("more Gaussians than the 5"));
  REQUIRE_THROWS_WITH(
      write_gaussian_ply_chunked(path, 10, 2, [&](GaussianPlyChunks& out) { out.append(m); }),
      Catch::Contains("SH degree 1"));
  REQUIRE_THROWS_AS(write_gaussian_ply_chunked(path, 10, 1,
                                               [&](GaussianPlyChunks& out) {
                                                 out.append(slice(m, 0, 3));
                                                 throw std::runtime_error("producer failed");
                                               }),
                    std::runtime_error);
  REQUIRE(read_all(path) == before);
  // No temporary files are left behind.
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
    files += !!entry.is_regular_file();
  REQUIRE(files == 1);
}
