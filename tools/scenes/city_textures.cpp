#include "tools/scenes/city_textures.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace splat {

namespace {

Vec3 scaled(Vec3 c, float s) {
  return {std::min(1.0f, c.x * s), std::min(1.0f, c.y * s), std::min(1.0f, c.z * s)};
}

// Cell index and the position inside the cell of a coordinate on a grid of `period`.
int cell_of(float v, float period) {
  return static_cast<int>(std::floor(v / period));
}
float inside_cell(float v, float period) {
  return v - std::floor(v / period) * period;
}

// Noise that varies per `period` cell of the plane, for asphalt, gravel, grass.
float speckle(float x, float z, float period, int salt) {
  return hash01(cell_of(x, period), cell_of(z, period), salt);
}

Vec3 window_colour(const CityBuilding& b, int face, int storey, int column) {
  const float h = hash01(static_cast<int>(b.id) * 4 + face, storey, column);
  if (h < 0.12f) return {0.95f, 0.84f, 0.52f};  // lit
  const float v = 0.85f + 0.3f * hash01(column, storey, static_cast<int>(b.id));
  return scaled({0.12f, 0.17f, 0.25f}, v);
}

Vec3 wall_material(const CityBuilding& b, float along, float up) {
  switch (b.style) {
    case FacadeStyle::Brick: {
      // Courses of 0.3 m bricks, 0.6 m long, every other course shifted by half a brick.
      const int course = cell_of(up, 0.3f);
      const float shifted = along + (course & 1) * 0.3f;
      const bool mortar = inside_cell(up, 0.3f) < 0.04f || inside_cell(shifted, 0.6f) < 0.04f;
      if (mortar) return {0.74f, 0.71f, 0.65f};
      return scaled(b.tint, 0.88f + 0.24f * hash01(cell_of(shifted, 0.6f), course, 7));
    }
    case FacadeStyle::Concrete: {
      const bool seam = inside_cell(up, b.floor_height) < 0.06f ||
                        inside_cell(along, 1.5f * b.window_spacing) < 0.06f;
      return seam ? scaled(b.tint, 0.7f) : b.tint;
    }
    case FacadeStyle::Glass:
      return b.tint;
    case FacadeStyle::Plaster:
    default: {
      // A cornice band at every storey.
      const bool band = inside_cell(up, b.floor_height) < 0.25f;
      return band ? scaled(b.tint, 0.8f) : b.tint;
    }
  }
}

}  // namespace

float hash01(int a, int b, int c) {
  std::uint32_t h = static_cast<std::uint32_t>(a) * 0x8da6b343u ^
                    static_cast<std::uint32_t>(b) * 0xd8163841u ^
                    static_cast<std::uint32_t>(c) * 0xcb1ab31fu;
  h ^= h >> 16;
  h *= 0x7feb352du;
  h ^= h >> 15;
  h *= 0x846ca68bu;
  h ^= h >> 16;
  return static_cast<float>(h >> 8) * (1.0f / 16777216.0f);
}

Vec3 facade_colour(const CityBuilding& b, int face, float along, float wall_length, float up) {
  const float parapet = 0.8f, corner = 0.8f;
  const bool framed = up < b.height - parapet && along > corner && along < wall_length - corner;
  if (b.style == FacadeStyle::Glass && framed) {
    // Curtain wall: mullions at every column and storey, panes between.
    const bool mullion = inside_cell(along - corner, b.window_spacing) < 0.12f ||
                         inside_cell(up, b.floor_height) < 0.15f;
    if (mullion) return {0.3f, 0.31f, 0.33f};
    const int storey = cell_of(up, b.floor_height),
              column = cell_of(along - corner, b.window_spacing);
    return hash01(static_cast<int>(b.id), storey, column) < 0.1f ? Vec3{0.9f, 0.85f, 0.6f} : b.tint;
  }
  if (framed) {
    const int storey = cell_of(up, b.floor_height);
    const int column = cell_of(along - corner, b.window_spacing);
    const float u = inside_cell(along - corner, b.window_spacing) / b.window_spacing;
    const float v = inside_cell(up, b.floor_height) / b.floor_height;
    // Shop fronts on the ground floor, ordinary windows above.
    const bool window = storey == 0 ? (u > 0.1f && u < 0.9f && v > 0.12f && v < 0.75f)
                                    : (u > 0.25f && u < 0.75f && v > 0.3f && v < 0.8f);
    if (window) return window_colour(b, face, storey, column);
    // Sills under the upper windows.
    if (storey > 0 && u > 0.22f && u < 0.78f && v > 0.25f && v <= 0.3f) return {0.8f, 0.78f, 0.74f};
  }
  return wall_material(b, along, up);
}

Vec3 roof_colour(const CityBuilding& b, float x, float z) {
  const float edge = std::min(std::min(x - b.x0, b.x1 - x), std::min(z - b.z0, b.z1 - z));
  if (edge < 0.6f) return {0.56f, 0.55f, 0.54f};  // parapet
  const float g = 0.38f + 0.1f * speckle(x, z, 0.5f, static_cast<int>(b.id));
  // A roof-top plant room on some buildings, as a darker square near the middle.
  const float cx = 0.5f * (b.x0 + b.x1), cz = 0.5f * (b.z0 + b.z1);
  if ((b.id & 1) && std::abs(x - cx) < 3 && std::abs(z - cz) < 2) return {0.25f, 0.26f, 0.28f};
  return {g, g, g + 0.02f};
}

Vec3 ground_colour(const CityLayout& city, const CityBlock& block, float x, float z) {
  const float p = city.pitch;
  const float lx = x - block.ix * p, lz = z - block.iz * p;
  // Distance to the centre lines of the streets running along z (dx) and along x (dz).
  const float dx = std::min(lx, p - lx), dz = std::min(lz, p - lz);
  const float road = city.road_half, walk = city.sidewalk_end;
  if (dx < road || dz < road) {
    const float a = 0.19f + 0.05f * speckle(x, z, 0.4f, 11);
    const Vec3 asphalt{a, a, a + 0.015f};
    const Vec3 paint{0.92f, 0.92f, 0.88f}, yellow{0.9f, 0.78f, 0.3f};
    if (dx < road && dz < road) return asphalt;  // the intersection
    // `across` measures from this road's centre line, `along` runs with it.
    const bool along_z = dx < road;
    const float across = along_z ? dx : dz, along = along_z ? z : x;
    const float to_crossing = along_z ? dz : dx;
    if (to_crossing < walk) {
      // Zebra crossing just before the intersection: stripes parallel to the road.
      return inside_cell(along_z ? x : z, 1.0f) < 0.5f ? paint : asphalt;
    }
    if (across < 0.12f && inside_cell(along, 6.0f) < 3.0f) return yellow;  // dashed centre line
    if (std::abs(across - (road - 0.4f)) < 0.08f) return paint;            // lane edge
    return asphalt;
  }
  if (dx < walk || dz < walk) {
    const float d = std::min(dx, dz);
    if (d < road + 0.25f) return {0.72f, 0.71f, 0.68f};  // kerb
    const bool joint = inside_cell(x, 1.5f) < 0.05f || inside_cell(z, 1.5f) < 0.05f;
    return joint ? Vec3{0.45f, 0.44f, 0.42f} : Vec3{0.62f, 0.6f, 0.57f};
  }
  const float mid = 0.5f * p;
  if (block.park) {
    if (std::abs(lx - mid) < 1.5f || std::abs(lz - mid) < 1.5f) return {0.7f, 0.65f, 0.53f};
    const float g = 0.85f + 0.3f * speckle(x, z, 0.7f, 13);
    return scaled({0.27f, 0.48f, 0.2f}, g);
  }
  // Plazas and courtyards: 2 m paving with lawns in some 8 m squares.
  if (hash01(cell_of(x, 8.0f), cell_of(z, 8.0f), static_cast<int>(block.seed & 0xffff)) < 0.25f)
    return scaled({0.3f, 0.5f, 0.22f}, 0.9f + 0.2f * speckle(x, z, 0.7f, 17));
  const bool joint = inside_cell(x, 2.0f) < 0.06f || inside_cell(z, 2.0f) < 0.06f;
  return joint ? Vec3{0.42f, 0.41f, 0.39f} : Vec3{0.58f, 0.55f, 0.5f};
}

Vec3 canopy_colour(const Vec3& p) {
  const float g = 0.75f + 0.5f * hash01(cell_of(p.x, 0.6f), cell_of(p.y, 0.6f), cell_of(p.z, 0.6f));
  return scaled({0.17f, 0.38f, 0.14f}, g);
}

Vec3 trunk_colour(float up) {
  return scaled({0.36f, 0.26f, 0.18f}, 0.9f + 0.2f * hash01(cell_of(up, 0.3f), 3, 5));
}

}  // namespace splat
