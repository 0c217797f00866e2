#include "tools/scenes/city_cameras.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "core/error.hpp"
#include "tools/scenes/orbit_scene.hpp"

namespace splat {

namespace {

constexpr float kPi = 3.14159265358979f;

class CameraRandom {
 public:
  explicit CameraRandom(std::uint64_t seed) : rng_(seed) {}
  float uniform(float a, float b) { return std::uniform_real_distribution<float>(a, b)(rng_); }

 private:
  std::mt19937_64 rng_;
};

PinholeCamera looking(const Vec3& eye, float yaw, float pitch, int width, int height, float fov) {
  // yaw 0 looks along +x, pi/2 along +z; pitch > 0 looks up.
  const Vec3 direction{std::cos(pitch) * std::cos(yaw), std::sin(pitch),
                       std::cos(pitch) * std::sin(yaw)};
  const Vec3 target = eye + 10.0f * direction;
  const float e[3] = {eye.x, eye.y, eye.z}, t[3] = {target.x, target.y, target.z};
  return look_at_camera(e, t, width, height, fov);
}

void aerial_cameras(const CityLayout& city, int views, int width, int height, CameraRandom& random,
                    std::vector<PinholeCamera>& out) {
  // Look-at points on a serpentine over the city's inner 80%, row by row.
  const int rows = std::max(1, static_cast<int>(std::lround(std::sqrt(double(views)))));
  const int per_row = (views + rows - 1) / rows;
  for (int v = 0; v < views; ++v) {
    const int row = v / per_row, column = v % per_row;
    const int along = row % 2 ? per_row - 1 - column : column;
    const float fx = 0.1f + 0.8f * (along + 0.5f) / per_row;
    const float fz = 0.1f + 0.8f * (row + 0.5f) / rows;
    const Vec3 target{fx * city.size_x() + random.uniform(-0.1f, 0.1f) * city.pitch, 0,
                      fz * city.size_z() + random.uniform(-0.1f, 0.1f) * city.pitch};
    // Above the tallest roof by at least half a block; steep enough that the top edge of a
    // 50-degree view stays 20 degrees below the horizon.
    const float altitude =
        std::max(city.tallest + 0.5f * city.pitch, random.uniform(1.3f, 1.9f) * city.pitch);
    const float pitch = random.uniform(45.0f, 72.0f) * kPi / 180;
    const float yaw = random.uniform(0, 2 * kPi);
    const float back = altitude / std::tan(pitch);
    const Vec3 eye{target.x - back * std::cos(yaw), altitude, target.z - back * std::sin(yaw)};
    out.push_back(looking(eye, yaw, -pitch, width, height, 50.0f));
  }
}

void street_cameras(const CityLayout& city, int views, int width, int height, CameraRandom& random,
                    std::vector<PinholeCamera>& out) {
  // The interior streets one after another: those along z (x = i * pitch), then along x.
  const int along_z = city.blocks_x - 1, along_x = city.blocks_z - 1;
  const float length_z = city.size_z(), length_x = city.size_x();
  const double total = along_z * double(length_z) + along_x * double(length_x);
  for (int v = 0; v < views; ++v) {
    double walked = total * (v + 0.5) / views;
    Vec3 eye{};
    float street_yaw;
    const float lateral = random.uniform(-0.7f, 0.7f) * city.road_half;
    if (walked < along_z * double(length_z)) {
      const int street = static_cast<int>(walked / length_z);
      const float at = static_cast<float>(walked - street * double(length_z));
      eye = {(street + 1) * city.pitch + lateral, 0, at};
      street_yaw = kPi / 2;
    } else {
      walked -= along_z * double(length_z);
      const int street = std::min(along_x - 1, static_cast<int>(walked / length_x));
      const float at = static_cast<float>(walked - street * double(length_x));
      eye = {at, 0, (street + 1) * city.pitch + lateral};
      street_yaw = 0;
    }
    eye.y = random.uniform(1.5f, 2.5f);
    // Turned towards one side's facades, 20 to 70 degrees off the street's direction.
    const float side = random.uniform(0, 1) < 0.5f ? 1.0f : -1.0f;
    const float forward = random.uniform(0, 1) < 0.5f ? 0.0f : kPi;
    const float turn = random.uniform(20.0f, 70.0f) * kPi / 180;
    const float yaw = street_yaw + forward + side * turn;
    const float pitch = random.uniform(5.0f, 20.0f) * kPi / 180;
    out.push_back(looking(eye, yaw, pitch, width, height, 65.0f));
  }
}

}  // namespace

CityCameraSet parse_city_camera_set(const std::string& name) {
  if (name == "aerial") return CityCameraSet::Aerial;
  if (name == "street") return CityCameraSet::Street;
  fail("generate: --camera-set must be aerial or street, got '", name, "'");
}

const char* city_camera_set_name(CityCameraSet set) {
  return set == CityCameraSet::Aerial ? "aerial" : "street";
}

CityCameras make_city_cameras(const CityLayout& city, CityCameraSet set, int views, int width,
                              int height, std::uint64_t seed) {
  SPLAT_REQUIRE(views >= 1, "generate: --views must be at least 1");
  SPLAT_REQUIRE(width >= 16 && height >= 16, "generate: --resolution must be at least 16x16");
  CityCameras result;
  CameraRandom random(city_seed(seed, 0, 3));
  if (set == CityCameraSet::Aerial)
    aerial_cameras(city, views, width, height, random, result.cameras);
  else
    street_cameras(city, views, width, height, random, result.cameras);
  for (int v = 0; v < views; ++v) {
    char name[48];
    std::snprintf(name, sizeof name, "%s_%04d.png", city_camera_set_name(set), v);
    result.image_names.push_back(name);
  }
  return result;
}

}  // namespace splat
