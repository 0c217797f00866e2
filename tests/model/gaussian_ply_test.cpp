#include <catch2/catch.hpp>

#include <cstring>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

#include "core/error.hpp"
#include "io/gaussian_ply.hpp"
#include "temp_dir.hpp"

using namespace splat;

namespace {

GaussianModel random_model(std::size_t n, int degree) {
  std::mt19937 rng(degree);
  std::normal_distribution<float> normal;
  GaussianModel m;
  m.sh_degree = degree;
  m.resize(n);
  for (auto* v : {&m.means, &m.log_scales, &m.rotations, &m.opacity_logits, &m.sh})
    for (float& x : *v) x = normal(rng);
  return m;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

}  // namespace

TEST_CASE("PLY: every SH degree round-trips exactly", "[ply]") {
  const test::TempDir dir("splat-ply-test");
  for (int degree = 0; degree <= 3; ++degree) {
    const auto m = random_model(57, degree);
    const auto path = (dir / ("model" + std::to_string(degree) + ".ply")).string();
    write_gaussian_ply(path, m);
    const auto r = read_gaussian_ply(path);
    CHECK(r.sh_degree == degree);
    CHECK(r.means == m.means);
    CHECK(r.log_scales == m.log_scales);
    CHECK(r.rotations == m.rotations);
    CHECK(r.opacity_logits == m.opacity_logits);
    CHECK(r.sh == m.sh);
  }
}

TEST_CASE("PLY: the header is the standard 3DGS layout, f_rest channel-major", "[ply]") {
  const test::TempDir dir("splat-ply-test");
  GaussianModel m = random_model(1, 1);
  // Coefficient j, channel c holds 10 * j + c.
  for (int j = 0; j < 4; ++j)
    for (int c = 0; c < 3; ++c) m.sh[j * 3 + c] = static_cast<float>(10 * j + c);
  const auto path = (dir / "one.ply").string();
  write_gaussian_ply(path, m);
  const std::string bytes = read_all(path);
  const std::string expected_header =
      "ply\nformat binary_little_endian 1.0\nelement vertex 1\n"
      "property float x\nproperty float y\nproperty float z\n"
      "property float nx\nproperty float ny\nproperty float nz\n"
      "property float f_dc_0\nproperty float f_dc_1\nproperty float f_dc_2\n"
      "property float f_rest_0\nproperty float f_rest_1\nproperty float f_rest_2\n"
      "property float f_rest_3\nproperty float f_rest_4\nproperty float f_rest_5\n"
      "property float f_rest_6\nproperty float f_rest_7\nproperty float f_rest_8\n"
      "property float opacity\nproperty float scale_0\nproperty float scale_1\n"
      "property float scale_2\nproperty float rot_0\nproperty float rot_1\n"
      "property float rot_2\nproperty float rot_3\nend_header\n";
  REQUIRE(bytes.substr(0, expected_header.size()) == expected_header);
  float values[26];
  REQUIRE(bytes.size() == expected_header.size() + sizeof(values));
  std::memcpy(values, bytes.data() + expected_header.size(), sizeof(values));
  // f_rest: red's coefficients 1..3, then green's, then blue's.
  const float rest[9] = {10, 20, 30, 11, 21, 31, 12, 22, 32};
  for (int i = 0; i < 9; ++i) CHECK(values[9 + i] == rest[i]);
}

TEST_CASE("PLY: double properties in another order, extra properties ignored", "[ply]") {
  const test::TempDir dir("splat-ply-test");
  std::ostringstream out;
  const char* names[] = {"rot_0",   "rot_1",   "rot_2",   "rot_3",   "red",
                         "scale_0", "scale_1", "scale_2", "opacity", "f_dc_0",
                         "f_dc_1",  "f_dc_2",  "z",       "y",       "x"};
  out << "ply\nformat binary_little_endian 1.0\ncomment other tool\nelement vertex 1\n";
  for (const char* name : names)
    out << (std::strcmp(name, "red") == 0 ? "property uchar " : "property double ") << name << "\n";
  out << "end_header\n";
  for (int i = 0; i < 15; ++i) {
    if (i == 4) {
      out.put(static_cast<char>(200));
      continue;
    }
    const double v = i;
    out.write(reinterpret_cast<const char*>(&v), 8);
  }
  const auto path = (dir / "other.ply").string();
  write_all(path, out.str());
  const auto m = read_gaussian_ply(path);
  CHECK(m.sh_degree == 0);
  CHECK(m.means == std::vector<float>{14, 13, 12});
  CHECK(m.rotations == std::vector<float>{0, 1, 2, 3});
  CHECK(m.log_scales == std::vector<float>{5, 6, 7});
  CHECK(m.opacity_logits == std::vector<float>{8});
  CHECK(m.sh == std::vector<float>{9, 10, 11});
}

TEST_CASE("PLY: bad files are errors naming the file and the problem", "[ply]") {
  const test::TempDir dir("splat-ply-test");
  const auto good_path = (dir / "good.ply").string();
  write_gaussian_ply(good_path, random_model(10, 3));
  const std::string good = read_all(good_path);
  const auto expect_error = [&](const std::string& bytes, const std::string& message) {
    const auto path = (dir / "bad.ply").string();
    write_all(path, bytes);
    REQUIRE_THROWS_AS(read_gaussian_ply(path), Error);
    try {
      read_gaussian_ply(path);
    } catch (const Error& e) {
      CHECK_THAT(e.what(), Catch::Contains(path) && Catch::Contains(message));
    }
  };
  expect_error(good.substr(0, good.size() - 7), "truncated");
  expect_error("", "not a PLY file");
  expect_error("ply\nformat ascii 1.0\nelement vertex 1\nend_header\n", "not supported");
  expect_error("ply\nformat binary_little_endian 1.0\nelement vertex 3\n", "does not end");
  std::string missing = good;
  missing.replace(missing.find("opacity"), 7, "opaqued");
  expect_error(missing, "lacks the property 'opacity'");
  std::string nan = good;
  const float bad = std::numeric_limits<float>::quiet_NaN();
  std::memcpy(&nan[good.find("end_header\n") + 11 + 4], &bad, 4);
  expect_error(nan, "non-finite y");
  REQUIRE_THROWS_WITH(read_gaussian_ply((dir / "absent.ply").string()),
                      Catch::Contains("cannot open"));
}

TEST_CASE("PLY reader: row ranges and attributes read what the whole file holds", "[ply]") {
  const test::TempDir dir("splat-ply-test");
  const auto path = (dir / "model.ply").string();
  const GaussianModel m = random_model(10'000, 2);  // more rows than one read block
  write_gaussian_ply(path, m);
  const GaussianPlyReader reader(path);
  REQUIRE(reader.size() == m.size());
  REQUIRE(reader.sh_degree() == 2);
  const std::vector<float>* arrays[] = {&m.means, &m.log_scales, &m.rotations, &m.opacity_logits,
                                        &m.sh};
  for (const auto& [begin, end] :
       {std::pair<std::size_t, std::size_t>{0, 10'000}, {4095, 8193}, {9999, 10'000}, {7, 7}}) {
    for (int a = 0; a < kAttributeCount; ++a) {
      const std::size_t width = attribute_width(static_cast<Attribute>(a), 2);
      std::vector<float> out((end - begin) * width, -1.0f);
      reader.read(0, static_cast<Attribute>(a), begin, end, out.data());
      CHECK(std::equal(out.begin(), out.end(), arrays[a]->begin() + begin * width));
      reader.read(1, static_cast<Attribute>(a), begin, end, out.data());
      CHECK(std::all_of(out.begin(), out.end(), [](float v) { return v == 0; }));
    }
  }
  std::vector<float> out(3);
  CHECK_THROWS_WITH(reader.read(0, Attribute::Means, 9'999, 10'001, out.data()),
                    Catch::Contains(path) && Catch::Contains("outside"));
}
