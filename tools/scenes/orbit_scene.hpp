// The embedded default scene: a small textured still life (a checkered floor, a striped sphere,
// a ring and a few blocks) made of surface-aligned Gaussians, seen by an orbit of cameras.
// Deterministic for a seed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "math/camera.hpp"
#include "model/gaussian_model.hpp"

namespace splat {

struct OrbitSceneOptions {
  std::size_t gaussians = 60000;
  int views = 48;
  int width = 256;
  int height = 256;
  std::uint64_t seed = 1;
  int sh_degree = 3;
  std::size_t sparse_points = 3000;  // the "SfM" point cloud written with the dataset
};

struct GeneratedScene {
  GaussianModel model;  // the ground truth
  std::vector<PinholeCamera> cameras;
  std::vector<std::string> image_names;
  std::vector<float> points;         // sparse points: N x 3
  std::vector<std::uint8_t> colors;  // N x 3
};

GeneratedScene generate_orbit_scene(const OrbitSceneOptions& options);

// A camera at `eye` looking at `target` with +y of the world pointing up on screen.
PinholeCamera look_at_camera(const float eye[3], const float target[3], int width, int height,
                             float vertical_fov_degrees);

}  // namespace splat
