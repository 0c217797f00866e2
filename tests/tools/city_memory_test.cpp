#include <catch2/catch.hpp>

#include "core/host_memory.hpp"
#include "temp_dir.hpp"
#include "tools/city_test_support.hpp"

using namespace splat;

// The generator never holds the scene: its peak resident memory stays far below the bytes of
// the Gaussians it writes (this test is its own process, so the peak is the generator's).
TEST_CASE("city memory: 5M Gaussians generated in a fraction of their size", "[city]") {
  test::TempDir dir("city-memory");
  CityDatasetOptions o = test::small_city(CityCameraSet::Aerial, 5000000, 6);
  o.city.gaussians_per_block = 20000;  // 16 x 16 blocks
  o.width = 160;
  o.height = 120;
  const std::size_t before = current_host_resident_bytes();
  const CityDatasetReport report = write_city_dataset(dir.path().string(), o);
  const std::size_t peak = peak_host_resident_bytes();
  // 3 + 3 + 4 + 1 + 12 floats per Gaussian at SH degree 1.
  const std::size_t scene_bytes = o.city.gaussians * 23 * sizeof(float);
  INFO("resident before " << before << ", peak " << peak << ", scene " << scene_bytes
                          << ", most Gaussians held " << report.most_gaussians_held);
  REQUIRE(peak > 0);
  REQUIRE(peak - before < scene_bytes * 4 / 10);
  REQUIRE(report.most_gaussians_held < o.city.gaussians / 4);
  REQUIRE(std::filesystem::file_size(dir / "ground_truth.ply") > scene_bytes);
}
