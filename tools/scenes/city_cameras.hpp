// The two camera sets of the city. Aerial: above the roofs, looking obliquely down (45 to 72
// degrees below the horizon, so no view reaches the horizon and each sees a bounded patch of
// blocks), along a serpentine path over the city. Street: at eye height on the interior
// streets, walking along them, each turned towards the facades of one side and tilted up.
// Consecutive views are neighbours, so they share most of what they see.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "math/camera.hpp"
#include "tools/scenes/city_layout.hpp"

namespace splat {

enum class CityCameraSet { Aerial, Street };

// "aerial" or "street"; anything else is an error naming --camera-set.
CityCameraSet parse_city_camera_set(const std::string& name);
const char* city_camera_set_name(CityCameraSet set);

struct CityCameras {
  std::vector<PinholeCamera> cameras;
  std::vector<std::string> image_names;  // aerial_0000.png, street_0000.png, ...
};

CityCameras make_city_cameras(const CityLayout& city, CityCameraSet set, int views, int width,
                              int height, std::uint64_t seed);

}  // namespace splat
