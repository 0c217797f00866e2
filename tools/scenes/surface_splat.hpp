// Gaussians lying on surfaces, as the procedural scenes make them: flat along the surface normal
// (so they read as paint on a wall, not as blobs), coloured by the texture at their centre, with
// an optional highlight towards the normal in the degree-1 SH terms.
#pragma once

#include <cmath>
#include <cstddef>

#include "model/gaussian_model.hpp"

namespace splat {

struct Vec3 {
  float x, y, z;
};
inline Vec3 operator+(Vec3 a, Vec3 b) {
  return {a.x + b.x, a.y + b.y, a.z + b.z};
}
inline Vec3 operator-(Vec3 a, Vec3 b) {
  return {a.x - b.x, a.y - b.y, a.z - b.z};
}
inline Vec3 operator*(float s, Vec3 a) {
  return {s * a.x, s * a.y, s * a.z};
}
inline float dot(Vec3 a, Vec3 b) {
  return a.x * b.x + a.y * b.y + a.z * b.z;
}
inline Vec3 cross(Vec3 a, Vec3 b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
inline Vec3 normalize(Vec3 a) {
  return (1.0f / std::sqrt(dot(a, a))) * a;
}

struct SurfaceSplat {
  Vec3 position;
  Vec3 normal;  // unit
  float size;   // standard deviation across the surface
  Vec3 colour;  // linear RGB in [0, 1]
  float shine;  // strength of the view-dependent (degree 1) term
};

// Quaternion (w, x, y, z) rotating +z onto the unit vector `n`.
void quaternion_from_normal(Vec3 n, float q[4]);

// Writes `s` into row `i` of `model` (already sized): `jitter` scales its extent across the
// surface; it is 0.15 x `size` thick along the normal and 90% opaque.
void store_surface_splat(GaussianModel& model, std::size_t i, const SurfaceSplat& s, float jitter);

}  // namespace splat
