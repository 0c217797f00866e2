// Frustum culling from the culling set alone (mean + bounding radius per Gaussian, 16 bytes):
// no projection of all N Gaussians. Produces each camera's sorted visible ids.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cache/visibility_overlap.hpp"
#include "math/camera.hpp"
#include "math/frustum.hpp"
#include "model/gaussian_model.hpp"

namespace splat {

// Writes N x 4 floats (x, y, z, radius) for `model`, rows [begin, end).
void build_culling_spheres(const GaussianModel& model, std::size_t begin, std::size_t end,
                           float* spheres);

// The CPU backend: OpenMP over Gaussians, one pass per camera.
std::vector<VisibleSet> cull_cameras_cpu(const float* spheres, std::size_t count,
                                         const std::vector<PinholeCamera>& cameras);

// Adds to counts[c] how many of the `count` spheres each frustum keeps: the same test as
// cull_cameras_cpu, without the id lists (planning needs sizes only, at any N).
void count_visible_cpu(const float* spheres, std::size_t count,
                       const std::vector<CullingFrustum>& frustums, std::size_t* counts);

}  // namespace splat
