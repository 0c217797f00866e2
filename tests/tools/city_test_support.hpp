// Small city datasets for the tools tests: CPU rendering, no progress lines, tiny images.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tools/scenes/city_dataset.hpp"

namespace splat::test {

inline CityDatasetOptions small_city(CityCameraSet set, std::size_t gaussians = 40000,
                                     int views = 6) {
  CityDatasetOptions o;
  o.city.gaussians = gaussians;
  o.city.gaussians_per_block = 5000;  // a 3 x 3 city at 40,000
  o.camera_set = set;
  o.views = views;
  o.width = 96;
  o.height = 64;
  o.backend = "cpu";
  o.quiet = true;
  return o;
}

inline std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace splat::test
