#include "tools/scenes/orbit_scene.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "core/error.hpp"
#include "tools/scenes/surface_splat.hpp"

namespace splat {

namespace {

constexpr float kPi = 3.14159265358979f;
constexpr float kShC0 = 0.28209479177387814f;

using Splat = SurfaceSplat;

class SceneBuilder {
 public:
  explicit SceneBuilder(std::uint64_t seed) : rng_(seed) {}
  float uniform(float a, float b) { return std::uniform_real_distribution<float>(a, b)(rng_); }

  // Floor: a disc of radius 3 at y = -1 with a checkerboard.
  Splat floor_splat() {
    const float r = 3.0f * std::sqrt(uniform(0, 1)), a = uniform(0, 2 * kPi);
    const Vec3 p{r * std::cos(a), -1.0f, r * std::sin(a)};
    const bool dark =
        (static_cast<int>(std::floor(p.x * 2)) + static_cast<int>(std::floor(p.z * 2))) & 1;
    const Vec3 c = dark ? Vec3{0.15f, 0.18f, 0.22f} : Vec3{0.85f, 0.82f, 0.75f};
    return {p, {0, 1, 0}, 0.035f, c, 0.0f};
  }
  // Sphere of radius 0.8 at the centre, with latitude stripes and a meridian band.
  Splat sphere_splat() {
    const Vec3 n = random_direction();
    const float latitude = std::asin(n.y);
    const float longitude = std::atan2(n.z, n.x);
    Vec3 c = std::sin(latitude * 9.0f) > 0 ? Vec3{0.85f, 0.25f, 0.15f} : Vec3{0.95f, 0.85f, 0.3f};
    if (std::abs(std::sin(longitude * 3.0f)) < 0.15f) c = {0.1f, 0.35f, 0.8f};
    return {0.8f * n + Vec3{0, 0, 0}, n, 0.03f, c, 0.25f};
  }
  // Ring (torus, radii 1.6 and 0.15) around the sphere, tilted, green-to-cyan along it.
  Splat ring_splat() {
    const float u = uniform(0, 2 * kPi), v = uniform(0, 2 * kPi);
    const Vec3 centre{1.6f * std::cos(u), 0, 1.6f * std::sin(u)};
    const Vec3 n{std::cos(v) * std::cos(u), std::sin(v), std::cos(v) * std::sin(u)};
    Vec3 p = centre + 0.15f * n;
    // Tilt by 20 degrees about x.
    const float t = 0.35f, ct = std::cos(t), st = std::sin(t);
    p = {p.x, ct * p.y - st * p.z, st * p.y + ct * p.z};
    const Vec3 nt{n.x, ct * n.y - st * n.z, st * n.y + ct * n.z};
    const float k = 0.5f + 0.5f * std::sin(4 * u);
    return {p, nt, 0.02f, {0.1f, 0.55f + 0.3f * k, 0.3f + 0.5f * k}, 0.1f};
  }
  // Three blocks on the floor with a grid texture on their faces.
  Splat block_splat() {
    static const Vec3 centres[3] = {
        {-2.0f, -0.6f, 0.8f}, {1.9f, -0.7f, -1.2f}, {0.3f, -0.75f, 2.1f}};
    static const Vec3 halves[3] = {{0.35f, 0.4f, 0.35f}, {0.3f, 0.3f, 0.5f}, {0.45f, 0.25f, 0.25f}};
    static const Vec3 tints[3] = {{0.9f, 0.55f, 0.2f}, {0.55f, 0.3f, 0.75f}, {0.25f, 0.7f, 0.45f}};
    const int b = static_cast<int>(uniform(0, 3)) % 3;
    const int face = static_cast<int>(uniform(0, 6)) % 6;
    const int axis = face / 2;
    const float sign = face % 2 ? 1.0f : -1.0f;
    float local[3] = {uniform(-1, 1), uniform(-1, 1), uniform(-1, 1)};
    local[axis] = sign;
    const Vec3 h = halves[b];
    const Vec3 p = centres[b] + Vec3{local[0] * h.x, local[1] * h.y, local[2] * h.z};
    Vec3 n{0, 0, 0};
    (axis == 0 ? n.x : axis == 1 ? n.y : n.z) = sign;
    const float u = local[(axis + 1) % 3] * 4, v = local[(axis + 2) % 3] * 4;
    const bool line = std::abs(u - std::round(u)) < 0.12f || std::abs(v - std::round(v)) < 0.12f;
    const Vec3 c = line ? Vec3{0.05f, 0.05f, 0.05f} : tints[b];
    return {p, n, 0.025f, c, 0.05f};
  }

 private:
  Vec3 random_direction() {
    std::normal_distribution<float> normal;
    return normalize({normal(rng_), normal(rng_), normal(rng_)});
  }
  std::mt19937_64 rng_;
};

}  // namespace

PinholeCamera look_at_camera(const float eye_in[3], const float target_in[3], int width, int height,
                             float vertical_fov_degrees) {
  const Vec3 eye{eye_in[0], eye_in[1], eye_in[2]};
  const Vec3 target{target_in[0], target_in[1], target_in[2]};
  const Vec3 forward = normalize(target - eye);                 // camera +z
  const Vec3 right = normalize(cross(forward, Vec3{0, 1, 0}));  // camera +x
  const Vec3 down = cross(forward, right);                      // camera +y (image down)
  PinholeCamera c{};
  const Vec3 rows[3] = {right, down, forward};
  for (int r = 0; r < 3; ++r) {
    c.R[3 * r + 0] = rows[r].x;
    c.R[3 * r + 1] = rows[r].y;
    c.R[3 * r + 2] = rows[r].z;
    c.t[r] = -dot(rows[r], eye);
  }
  c.fy = 0.5f * height / std::tan(0.5f * vertical_fov_degrees * kPi / 180.0f);
  c.fx = c.fy;
  c.cx = 0.5f * width;
  c.cy = 0.5f * height;
  c.width = width;
  c.height = height;
  c.near_plane = 0.2f;
  return c;
}

GeneratedScene generate_orbit_scene(const OrbitSceneOptions& o) {
  SPLAT_REQUIRE(o.gaussians >= 100, "generate: --gaussians must be at least 100");
  SPLAT_REQUIRE(o.views >= 2, "generate: --views must be at least 2");
  SPLAT_REQUIRE(o.width >= 16 && o.height >= 16, "generate: resolution must be at least 16x16");
  SPLAT_REQUIRE(o.sh_degree >= 0 && o.sh_degree <= 3, "generate: SH degree must be 0 to 3");
  GeneratedScene scene;
  SceneBuilder builder(o.seed);
  GaussianModel& m = scene.model;
  m.sh_degree = o.sh_degree;
  m.resize(o.gaussians);
  const int k = m.sh_coefficients();
  for (std::size_t i = 0; i < o.gaussians; ++i) {
    // Area-proportional mix: floor 40%, sphere 25%, ring 15%, blocks 20%.
    const float pick = builder.uniform(0, 1);
    const Splat s = pick < 0.4f    ? builder.floor_splat()
                    : pick < 0.65f ? builder.sphere_splat()
                    : pick < 0.8f  ? builder.ring_splat()
                                   : builder.block_splat();
    const float jitter = builder.uniform(0.7f, 1.3f);
    store_surface_splat(m, i, s, jitter);
  }

  // Two rings of cameras at different heights, all looking at the sphere.
  const float target[3] = {0, -0.2f, 0};
  for (int v = 0; v < o.views; ++v) {
    const bool upper = v % 2 == 1;
    const float angle = 2 * kPi * static_cast<float>(v) / o.views;
    const float radius = upper ? 4.6f : 5.2f;
    const float eye[3] = {radius * std::cos(angle), upper ? 2.4f : 0.8f, radius * std::sin(angle)};
    scene.cameras.push_back(look_at_camera(eye, target, o.width, o.height, 50.0f));
    char name[32];
    std::snprintf(name, sizeof name, "view_%03d.png", v);
    scene.image_names.push_back(name);
  }

  // The sparse cloud: a subset of the Gaussian centres, slightly perturbed, as SfM would find.
  const std::size_t points = std::min(o.sparse_points, o.gaussians);
  std::mt19937_64 rng(o.seed + 7);
  std::normal_distribution<float> noise(0.0f, 0.01f);
  for (std::size_t p = 0; p < points; ++p) {
    const std::size_t i = rng() % o.gaussians;
    for (int a = 0; a < 3; ++a) scene.points.push_back(m.means[3 * i + a] + noise(rng));
    for (int ch = 0; ch < 3; ++ch) {
      const float c = std::clamp(m.sh[i * k * 3 + ch] * kShC0 + 0.5f, 0.0f, 1.0f);
      scene.colors.push_back(static_cast<std::uint8_t>(std::lround(c * 255)));
    }
  }
  return scene;
}

}  // namespace splat
