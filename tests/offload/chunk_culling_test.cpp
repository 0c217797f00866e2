// Chunk culling keeps exactly what the per-Gaussian culler keeps: random clustered scenes in
// spatial and in random row order, cameras inside and outside the cloud, spheres placed on the
// edge of each frustum plane, non-finite spheres, and bounds refreshed after rows moved.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "math/frustum.hpp"
#include "model/spatial_order.hpp"
#include "offload/chunk_culling.hpp"
#include "offload/frustum_culling.hpp"

using namespace splat;

namespace {

PinholeCamera camera_at(const float eye[3], float yaw, float pitch, int width, int height,
                        float focal) {
  PinholeCamera c{};
  const float cy = std::cos(yaw), sy = std::sin(yaw), cp = std::cos(pitch), sp = std::sin(pitch);
  // World-to-camera rotation: yaw about y, then pitch about x.
  const float yaw_m[9] = {cy, 0, -sy, 0, 1, 0, sy, 0, cy};
  const float pitch_m[9] = {1, 0, 0, 0, cp, -sp, 0, sp, cp};
  for (int r = 0; r < 3; ++r)
    for (int col = 0; col < 3; ++col) {
      float v = 0;
      for (int k = 0; k < 3; ++k) v += pitch_m[r * 3 + k] * yaw_m[k * 3 + col];
      c.R[r * 3 + col] = v;
    }
  for (int r = 0; r < 3; ++r)
    c.t[r] = -(c.R[r * 3] * eye[0] + c.R[r * 3 + 1] * eye[1] + c.R[r * 3 + 2] * eye[2]);
  c.fx = c.fy = focal;
  c.cx = width / 2.0f;
  c.cy = height / 2.0f;
  c.width = width;
  c.height = height;
  c.near_plane = 0.2f;
  return c;
}

// Clusters of Gaussians (a city's worth of structure at small scale) in random row order.
std::vector<float> clustered_spheres(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  std::normal_distribution<float> g(0, 1);
  std::vector<float> spheres(n * 4);
  std::vector<std::array<float, 4>> clusters(64);
  for (auto& c : clusters) c = {100 * u(rng), 10 * u(rng), 100 * u(rng), 0.5f + 4 * (u(rng) + 1)};
  for (std::size_t i = 0; i < n; ++i) {
    const auto& c = clusters[rng() % clusters.size()];
    for (int a = 0; a < 3; ++a) spheres[i * 4 + a] = c[a] + c[3] * g(rng);
    spheres[i * 4 + 3] = 0.02f * std::exp(2 * u(rng));
  }
  return spheres;
}

void reorder(std::vector<float>& spheres) {
  const std::size_t n = spheres.size() / 4;
  std::vector<float> means(n * 3);
  for (std::size_t i = 0; i < n; ++i)
    for (int a = 0; a < 3; ++a) means[i * 3 + a] = spheres[i * 4 + a];
  const std::vector<std::uint32_t> order = morton_order(means.data(), n);
  std::vector<float> out(spheres.size());
  for (std::size_t i = 0; i < n; ++i) std::copy_n(&spheres[order[i] * 4], 4, &out[i * 4]);
  spheres = std::move(out);
}

ChunkCuller culler_of(const std::vector<float>& spheres) {
  ChunkCuller culler;
  culler.resize(spheres.size() / 4);
  std::copy(spheres.begin(), spheres.end(), culler.spheres());
  culler.refresh_bounds();
  return culler;
}

std::vector<PinholeCamera> street_and_aerial_cameras(unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<PinholeCamera> cameras;
  for (int c = 0; c < 24; ++c) {
    const bool aerial = c % 3 == 0;
    const float eye[3] = {80 * u(rng), aerial ? -60.0f : 1.5f * u(rng), 80 * u(rng)};
    cameras.push_back(camera_at(eye, 3.2f * u(rng), aerial ? 1.2f : 0.2f * u(rng),
                                100 + 30 * (c % 4), 80, 60 + 20 * (c % 3)));
  }
  return cameras;
}

}  // namespace

TEST_CASE("chunk culling equals per-Gaussian culling in spatial and in random order",
          "[culling][chunks]") {
  const bool spatial = GENERATE(true, false);
  std::vector<float> spheres = clustered_spheres(150000, 11);
  if (spatial) reorder(spheres);
  const ChunkCuller culler = culler_of(spheres);
  const std::vector<PinholeCamera> cameras = street_and_aerial_cameras(12);
  ChunkCullingStats stats;
  const auto by_chunks = culler.cull(cameras, &stats);
  const auto by_gaussians = cull_cameras_cpu(spheres.data(), spheres.size() / 4, cameras);
  std::size_t visible = 0;
  for (std::size_t c = 0; c < cameras.size(); ++c) {
    INFO("camera " << c);
    REQUIRE(by_chunks[c] == by_gaussians[c]);
    visible += by_gaussians[c].size();
  }
  REQUIRE(stats.visible_rows == visible);
  REQUIRE(visible > 0);
  const double tested = double(stats.candidate_rows) / double(cameras.size() * spheres.size() / 4);
  WARN((spatial ? "spatial" : "random")
       << " order: " << 100 * tested << "% of the spheres tested, "
       << 100.0 * visible / (cameras.size() * spheres.size() / 4) << "% visible");
  // Spatial order lets the bounds skip most of the model; random order skips nothing.
  if (spatial)
    CHECK(tested < 0.7);
  else
    CHECK(tested > 0.99);
}

TEST_CASE("chunk culling keeps spheres on the edge of every plane", "[culling][chunks]") {
  // Each block holds far-away spheres and one sphere that barely passes (or barely fails) one
  // plane of the camera: its block's bound must not drop it.
  const float eye[3] = {0, 0, 0};
  const PinholeCamera camera = camera_at(eye, 0.3f, 0.1f, 120, 90, 70);
  const CullingFrustum f = make_culling_frustum(camera);
  std::vector<float> spheres;
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-1, 1);
  // Camera-space point to world: p = R^T (x - t).
  const auto to_world = [&](const float x[3], float* out) {
    for (int a = 0; a < 3; ++a)
      out[a] = camera.R[0 * 3 + a] * (x[0] - camera.t[0]) +
               camera.R[1 * 3 + a] * (x[1] - camera.t[1]) +
               camera.R[2 * 3 + a] * (x[2] - camera.t[2]);
  };
  for (int plane = 0; plane < 5; ++plane)
    for (int trial = 0; trial < 40; ++trial) {
      const std::size_t block_begin = spheres.size() / 4;
      // Far behind the camera: culled, but they widen the block's bound.
      for (std::size_t i = 0; i + 1 < ChunkCuller::kBlockRows; ++i) {
        const float back[3] = {5 * u(rng), 5 * u(rng), -30 - 5 * u(rng)};
        float w[3];
        to_world(back, w);
        spheres.insert(spheres.end(), {w[0], w[1], w[2], 0.01f});
      }
      float x[3] = {0, 0, 10 + 20 * (u(rng) + 1)};
      float radius = 0.05f * (u(rng) + 1.5f);
      if (plane < 4) {
        // Slide along the plane's normal until the sphere's reach just touches it.
        const float* n = f.normals[plane];
        const float d = n[0] * x[0] + n[1] * x[1] + n[2] * x[2];
        const float target = -radius * f.radius_scale * (1 + 1e-6f * u(rng));
        for (int a = 0; a < 3; ++a) x[a] += (target - d) * n[a];
      } else {
        x[0] = 0.1f * u(rng), x[1] = 0.1f * u(rng);
        x[2] = camera.near_plane * (1 + 1e-6f * u(rng));
      }
      float w[3];
      to_world(x, w);
      spheres.insert(spheres.end(), {w[0], w[1], w[2], radius});
      REQUIRE(spheres.size() / 4 == block_begin + ChunkCuller::kBlockRows);
    }
  const ChunkCuller culler = culler_of(spheres);
  const auto by_gaussians = cull_cameras_cpu(spheres.data(), spheres.size() / 4, {camera});
  REQUIRE(by_gaussians[0].size() > 50);  // edge spheres on both sides of the edges
  REQUIRE(by_gaussians[0].size() < 200);
  REQUIRE(culler.cull({camera})[0] == by_gaussians[0]);
}

TEST_CASE("chunk culling: non-finite spheres and refreshed bounds", "[culling][chunks]") {
  std::vector<float> spheres = clustered_spheres(40000, 21);
  reorder(spheres);
  ChunkCuller culler = culler_of(spheres);
  const std::vector<PinholeCamera> cameras = street_and_aerial_cameras(22);
  // A NaN mean passes the per-Gaussian test (its comparisons are false): chunks keep it too.
  culler.spheres()[7 * 4 + 1] = NAN;
  culler.spheres()[30001 * 4 + 3] = INFINITY;
  // Moved rows: a sphere thrown to the other side of the city, with its block's bound updated.
  const std::uint32_t moved[] = {12345, 9, 39999};
  for (std::uint32_t id : moved) {
    culler.spheres()[id * 4] = -culler.spheres()[id * 4];
    culler.spheres()[id * 4 + 2] += 50;
  }
  const std::uint32_t refreshed[] = {39999, 7, 12345, 30001, 9};
  culler.refresh_bounds(refreshed, 5);
  const auto by_gaussians = cull_cameras_cpu(culler.spheres(), culler.size(), cameras);
  const auto by_chunks = culler.cull(cameras);
  for (std::size_t c = 0; c < cameras.size(); ++c) {
    REQUIRE(std::binary_search(by_gaussians[c].begin(), by_gaussians[c].end(), 7u));
    REQUIRE(by_chunks[c] == by_gaussians[c]);
  }
  // Shrinking and growing keep it exact once the bounds are refreshed.
  culler.resize(20000);
  culler.refresh_bounds();
  REQUIRE(culler.cull(cameras) == cull_cameras_cpu(culler.spheres(), 20000, cameras));
}
