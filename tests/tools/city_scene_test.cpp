#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "io/image_codec.hpp"
#include "temp_dir.hpp"
#include "tools/city_test_support.hpp"
#include "tools/scenes/city_block_gaussians.hpp"
#include "tools/scenes/city_view_blocks.hpp"
#include "tools/scenes/gaussian_view_render.hpp"

using namespace splat;

namespace {

void camera_centre(const PinholeCamera& c, float eye[3]) {
  for (int a = 0; a < 3; ++a)
    eye[a] = -(c.R[a] * c.t[0] + c.R[3 + a] * c.t[1] + c.R[6 + a] * c.t[2]);
}

// All of the city's Gaussians in one model (only for small test cities).
GaussianModel whole_city(const CityLayout& city, const std::vector<std::size_t>& blocks) {
  GaussianModel all;
  all.sh_degree = city.options.sh_degree;
  for (std::size_t b : blocks) {
    const GaussianModel m = generate_city_block(city, b);
    all.means.insert(all.means.end(), m.means.begin(), m.means.end());
    all.log_scales.insert(all.log_scales.end(), m.log_scales.begin(), m.log_scales.end());
    all.rotations.insert(all.rotations.end(), m.rotations.begin(), m.rotations.end());
    all.opacity_logits.insert(all.opacity_logits.end(), m.opacity_logits.begin(),
                              m.opacity_logits.end());
    all.sh.insert(all.sh.end(), m.sh.begin(), m.sh.end());
  }
  return all;
}

double mean_absolute_difference(const Image& a, const Image& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.pixels.size(); ++i) sum += std::abs(a.pixels[i] - b.pixels[i]);
  return sum / a.pixels.size();
}

}  // namespace

TEST_CASE("city layout: exact shares, a larger N makes a larger city, bad options name the option",
          "[city]") {
  CityOptions o;
  o.gaussians = 1234567;
  o.gaussians_per_block = 20000;
  const CityLayout city = plan_city(o);
  REQUIRE(city.blocks_x == 8);  // sqrt(61.7) rounded
  std::size_t total = 0;
  for (const auto& b : city.blocks) {
    REQUIRE(b.first_row == total);
    total += b.gaussians;
    REQUIRE(generate_city_block(city, &b - city.blocks.data()).size() == b.gaussians);
    if (total > 200000) break;  // the shares are checked below; making them all is slow
  }
  total = 0;
  for (const auto& b : city.blocks) total += b.gaussians;
  REQUIRE(total == 1234567);
  o.gaussians *= 4;
  REQUIRE(plan_city(o).blocks_x == 16);
  // Any block comes out the same whenever it is made.
  REQUIRE(generate_city_block(city, 5).means == generate_city_block(city, 5).means);

  o.gaussians = 10;
  REQUIRE_THROWS_WITH(plan_city(o), Catch::Contains("--gaussians"));
  o.gaussians = 100000;
  o.sh_degree = 4;
  REQUIRE_THROWS_WITH(plan_city(o), Catch::Contains("--sh-degree"));
  REQUIRE_THROWS_WITH(parse_city_camera_set("sideways"), Catch::Contains("--camera-set"));
  REQUIRE_THROWS_WITH(make_city_cameras(city, CityCameraSet::Aerial, 0, 64, 64, 1),
                      Catch::Contains("--views"));
}

TEST_CASE("city cameras: street views at eye height on the streets, aerial ones above the roofs",
          "[city]") {
  CityOptions o;
  o.gaussians = 500000;
  o.gaussians_per_block = 20000;  // 5 x 5 blocks
  const CityLayout city = plan_city(o);
  const auto street = make_city_cameras(city, CityCameraSet::Street, 40, 64, 48, 1);
  for (const auto& c : street.cameras) {
    float eye[3];
    camera_centre(c, eye);
    REQUIRE(eye[1] >= 1.5f);
    REQUIRE(eye[1] <= 2.5f);
    // On a road: within the road's half width of some street centre line.
    const auto to_line = [&](float v) {
      const float r = std::fmod(v, city.pitch);
      return std::min(r, city.pitch - r);
    };
    REQUIRE(std::min(to_line(eye[0]), to_line(eye[2])) <= city.road_half);
    // Looking roughly level (not at the sky or the road).
    REQUIRE(std::abs(c.R[7]) < 0.5f);
  }
  const auto aerial = make_city_cameras(city, CityCameraSet::Aerial, 40, 64, 48, 1);
  for (const auto& c : aerial.cameras) {
    float eye[3];
    camera_centre(c, eye);
    REQUIRE(eye[1] > city.tallest);
    // Looking down: the optical axis (third row of R) points below the horizon.
    REQUIRE(c.R[7] < -0.6f);
  }
}

TEST_CASE("city views: both camera sets see the city in most views", "[city]") {
  test::TempDir dir("city-coverage");
  for (CityCameraSet set : {CityCameraSet::Aerial, CityCameraSet::Street}) {
    CityDatasetOptions o = test::small_city(set, 60000, 12);
    const CityDatasetReport report = write_city_dataset(dir.path().string(), o);
    int covered = 0;
    for (int v = 0; v < o.views; ++v) {
      char name[48];
      std::snprintf(name, sizeof name, "%s_%04d.png", city_camera_set_name(set), v);
      const Image image = read_image((dir / "images" / name).string());
      // Pixels the white background shows through.
      std::size_t sky = 0;
      for (std::size_t p = 0; p < image.pixels.size(); p += 3)
        sky +=
            image.pixels[p] > 0.97f && image.pixels[p + 1] > 0.97f && image.pixels[p + 2] > 0.97f;
      const double city_fraction = 1.0 - double(sky) / (image.pixels.size() / 3);
      INFO(name << ": " << city_fraction << " of the image is city, rendered from "
                << report.rendered_per_view[v] << " Gaussians");
      covered += city_fraction > 0.6 && report.rendered_per_view[v] > 2000;
    }
    INFO(city_camera_set_name(set));
    REQUIRE(covered >= o.views * 3 / 4);
  }
}

TEST_CASE("city views: culling changes nothing, the street draw distance very little", "[city]") {
  CityDatasetOptions o = test::small_city(CityCameraSet::Street, 250000, 6);
  o.city.gaussians_per_block = 10000;  // 5 x 5 blocks
  const CityLayout city = plan_city(o.city);
  const auto cameras = make_city_cameras(city, o.camera_set, o.views, 96, 64, o.city.seed);
  TrainConfig config;
  config.backend = "cpu";
  auto backend = make_render_backend(config);
  std::vector<std::size_t> every(city.blocks.size());
  for (std::size_t b = 0; b < every.size(); ++b) every[b] = b;
  const GaussianModel all = whole_city(city, every);
  double worst = 0;
  for (const auto& camera : cameras.cameras) {
    const Image truth = render_gaussian_view(*backend, all, camera, o.background);
    const GaussianModel frustum = whole_city(city, city_blocks_in_view(city, camera, 0));
    const Image culled = render_gaussian_view(*backend, frustum, camera, o.background);
    REQUIRE(mean_absolute_difference(truth, culled) < 1e-6);
    const GaussianModel near =
        whole_city(city, city_blocks_in_view(city, camera, city_draw_distance(city, o)));
    REQUIRE(near.size() < frustum.size() + 1);
    const Image limited = render_gaussian_view(*backend, near, camera, o.background);
    worst = std::max(worst, mean_absolute_difference(truth, limited));
  }
  INFO("largest mean absolute difference from the draw distance: " << worst);
  REQUIRE(worst < 0.02);
}
