// The plan of a procedural city: a square grid of blocks separated by streets, each block a few
// buildings (or a park with trees), and how many of the scene's Gaussians each block holds. The
// plan is small (a few hundred bytes per block) and exact: any block's Gaussians can be made
// again from it alone (city_block_gaussians.hpp), so nothing N-sized is ever needed at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "tools/scenes/surface_splat.hpp"

namespace splat {

struct CityOptions {
  std::size_t gaussians = 1000000;
  // Sets the city's size: about this many Gaussians per block (so a large N makes a larger
  // city, not a denser one, and a view sees a bounded part of it).
  std::size_t gaussians_per_block = 200000;
  std::uint64_t seed = 1;
  // Only the degree-1 terms carry anything (the highlights), so higher degrees would only add
  // zeros to the files.
  int sh_degree = 1;
};

enum class FacadeStyle : std::uint8_t { Brick, Concrete, Glass, Plaster };

struct CityBuilding {
  float x0, z0, x1, z1;  // footprint, world metres
  float height;
  FacadeStyle style;
  Vec3 tint;
  float floor_height;    // storey height
  float window_spacing;  // centre to centre along the facade
  std::uint32_t id;      // for per-window variation
};

// Trunks run from the ground to the canopy's bottom.
constexpr float kCityTrunkRadius = 0.35f;

struct CityTree {
  Vec3 centre;  // of the canopy
  float radius;
};

struct CityBlock {
  int ix = 0, iz = 0;  // grid cell; it covers [ix, ix + 1) x [iz, iz + 1) pitches
  bool park = false;
  std::vector<CityBuilding> buildings;
  std::vector<CityTree> trees;
  double area = 0;                     // of every surface that carries Gaussians, square metres
  std::size_t gaussians = 0;           // this block's share of the total
  std::size_t first_row = 0;           // its first Gaussian's row in the whole scene
  std::uint64_t seed = 0;              // of its Gaussians
  float bounds_min[3], bounds_max[3];  // every Gaussian's 3-sigma extent lies inside
};

struct CityLayout {
  CityOptions options;
  int blocks_x = 0, blocks_z = 0;
  float pitch = 80;               // block + street, centre line to centre line
  float road_half = 5;            // road from the centre line out to the kerb
  float sidewalk_end = 8;         // sidewalk from the kerb to here; the lot begins after it
  float splat_size = 0;           // standard deviation across the surface, from the density
  float tallest = 0;              // highest roof or tree top
  float gaussian_reach = 0;       // bound on every Gaussian's 3-sigma radius
  std::vector<CityBlock> blocks;  // row-major: index = iz * blocks_x + ix

  float size_x() const { return blocks_x * pitch; }
  float size_z() const { return blocks_z * pitch; }
};

// The whole plan; deterministic from the options. Errors name the option at fault.
CityLayout plan_city(const CityOptions& options);

// Per-purpose random seeds of a block, independent of every other block's.
std::uint64_t city_seed(std::uint64_t seed, std::size_t block, std::uint64_t purpose);

}  // namespace splat
