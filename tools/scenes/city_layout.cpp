#include "tools/scenes/city_layout.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "core/error.hpp"

namespace splat {

namespace {

constexpr float kPi = 3.14159265358979f;
// A Gaussian's extent reaches 3 sigma of its largest scale, which jitter raises to 1.3 x size.
constexpr float kReachInSizes = 3.0f * 1.3f;

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

class PlanRandom {
 public:
  explicit PlanRandom(std::uint64_t seed) : rng_(seed) {}
  float uniform(float a, float b) { return std::uniform_real_distribution<float>(a, b)(rng_); }
  bool chance(float p) { return uniform(0, 1) < p; }

 private:
  std::mt19937_64 rng_;
};

CityBuilding plan_building(PlanRandom& random, float x0, float z0, float x1, float z1,
                           float centrality, float pitch, std::uint32_t id) {
  CityBuilding b;
  // Setbacks leave alleys and courtyards between neighbours.
  b.x0 = x0 + random.uniform(0.5f, 3.0f);
  b.x1 = x1 - random.uniform(0.5f, 3.0f);
  b.z0 = z0 + random.uniform(0.5f, 3.0f);
  b.z1 = z1 - random.uniform(0.5f, 3.0f);
  float height = random.uniform(9.0f, 30.0f) * (1.0f + 1.6f * centrality);
  if (random.chance(0.07f)) height *= 2.0f;  // the odd tower
  b.height = std::min(height, 0.95f * pitch);
  b.style = static_cast<FacadeStyle>(static_cast<int>(random.uniform(0, 4)) % 4);
  static const Vec3 palette[4] = {
      {0.56f, 0.27f, 0.19f}, {0.68f, 0.67f, 0.63f}, {0.22f, 0.33f, 0.43f}, {0.85f, 0.76f, 0.6f}};
  const Vec3 base = palette[static_cast<int>(b.style)];
  const float shade = random.uniform(0.85f, 1.12f);
  b.tint = {std::min(1.0f, base.x * shade * random.uniform(0.9f, 1.1f)),
            std::min(1.0f, base.y * shade * random.uniform(0.9f, 1.1f)),
            std::min(1.0f, base.z * shade * random.uniform(0.9f, 1.1f))};
  b.floor_height = random.uniform(3.2f, 4.0f);
  b.window_spacing = random.uniform(2.6f, 3.6f);
  b.id = id;
  return b;
}

void plan_block(CityBlock& block, const CityLayout& city, std::size_t index) {
  PlanRandom random(city_seed(city.options.seed, index, 0));
  const float p = city.pitch;
  const float lot0x = block.ix * p + city.sidewalk_end,
              lot1x = (block.ix + 1) * p - city.sidewalk_end;
  const float lot0z = block.iz * p + city.sidewalk_end,
              lot1z = (block.iz + 1) * p - city.sidewalk_end;
  // Taller buildings towards the centre of the city.
  const float dx = (block.ix + 0.5f) / city.blocks_x - 0.5f,
              dz = (block.iz + 0.5f) / city.blocks_z - 0.5f;
  const float centrality = std::exp(-(dx * dx + dz * dz) / (2 * 0.3f * 0.3f));
  block.park = random.chance(0.08f);
  if (block.park) {
    const int trees = 6 + static_cast<int>(random.uniform(0, 7));
    for (int t = 0; t < trees; ++t) {
      const float r = random.uniform(2.5f, 4.5f);
      block.trees.push_back({{random.uniform(lot0x + r, lot1x - r), r + random.uniform(2.0f, 3.5f),
                              random.uniform(lot0z + r, lot1z - r)},
                             r});
    }
    return;
  }
  // The lot in four parts at a random cross; most parts hold a building, some stay plazas.
  const float sx = lot0x + (lot1x - lot0x) * random.uniform(0.35f, 0.65f);
  const float sz = lot0z + (lot1z - lot0z) * random.uniform(0.35f, 0.65f);
  const float xs[3] = {lot0x, sx, lot1x}, zs[3] = {lot0z, sz, lot1z};
  for (int a = 0; a < 2; ++a)
    for (int c = 0; c < 2; ++c) {
      const bool plaza = random.chance(0.12f);
      const auto id = static_cast<std::uint32_t>(index * 4 + a * 2 + c);
      const CityBuilding b =
          plan_building(random, xs[a], zs[c], xs[a + 1], zs[c + 1], centrality, p, id);
      if (!plaza) block.buildings.push_back(b);
    }
}

double block_area(const CityBlock& block, float pitch) {
  double ground = double(pitch) * pitch, walls = 0, roofs = 0, trees = 0;
  for (const auto& b : block.buildings) {
    const double w = b.x1 - b.x0, d = b.z1 - b.z0;
    ground -= w * d;
    roofs += w * d;
    walls += 2 * (w + d) * b.height;
  }
  for (const auto& t : block.trees)
    trees += 4 * kPi * t.radius * t.radius +
             2 * kPi * kCityTrunkRadius * (t.centre.y - t.radius);  // canopy and trunk
  return ground + walls + roofs + trees;
}

// Splits `total` over the blocks in proportion to their areas, exactly (largest remainders,
// ties to the lower index), so the scene has precisely the Gaussians asked for.
void share_gaussians(std::vector<CityBlock>& blocks, std::size_t total) {
  const double area = std::accumulate(blocks.begin(), blocks.end(), 0.0,
                                      [](double s, const CityBlock& b) { return s + b.area; });
  std::vector<std::pair<double, std::size_t>> remainders;
  std::size_t given = 0;
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const double quota = static_cast<double>(total) * blocks[i].area / area;
    blocks[i].gaussians = static_cast<std::size_t>(std::floor(quota));
    given += blocks[i].gaussians;
    remainders.push_back({quota - std::floor(quota), i});
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t r = 0; given < total; ++r, ++given) blocks[remainders[r].second].gaussians++;
  std::size_t row = 0;
  for (auto& b : blocks) {
    b.first_row = row;
    row += b.gaussians;
  }
}

}  // namespace

std::uint64_t city_seed(std::uint64_t seed, std::size_t block, std::uint64_t purpose) {
  return splitmix64(splitmix64(seed) ^ splitmix64(block * 4 + purpose + 1));
}

CityLayout plan_city(const CityOptions& o) {
  SPLAT_REQUIRE(o.gaussians >= 1000, "generate: --gaussians must be at least 1000 for a city");
  SPLAT_REQUIRE(o.gaussians <= 4000000000ull, "generate: --gaussians must be at most 4e9");
  SPLAT_REQUIRE(o.gaussians_per_block >= 100, "generate: --block-gaussians must be at least 100");
  SPLAT_REQUIRE(o.sh_degree >= 0 && o.sh_degree <= 3, "generate: --sh-degree must be 0 to 3");
  CityLayout city;
  city.options = o;
  const double blocks = static_cast<double>(o.gaussians) / o.gaussians_per_block;
  city.blocks_x = city.blocks_z = std::max(2, static_cast<int>(std::lround(std::sqrt(blocks))));
  city.blocks.resize(static_cast<std::size_t>(city.blocks_x) * city.blocks_z);
  for (std::size_t i = 0; i < city.blocks.size(); ++i) {
    CityBlock& block = city.blocks[i];
    block.ix = static_cast<int>(i % city.blocks_x);
    block.iz = static_cast<int>(i / city.blocks_x);
    block.seed = city_seed(o.seed, i, 1);
    plan_block(block, city, i);
    block.area = block_area(block, city.pitch);
  }
  share_gaussians(city.blocks, o.gaussians);
  double area = 0;
  for (const auto& b : city.blocks) area += b.area;
  city.splat_size = static_cast<float>(std::sqrt(area / static_cast<double>(o.gaussians)));
  const float reach = kReachInSizes * city.splat_size;
  city.gaussian_reach = reach;
  for (auto& block : city.blocks) {
    float top = 0;
    for (const auto& b : block.buildings) top = std::max(top, b.height);
    for (const auto& t : block.trees) top = std::max(top, t.centre.y + t.radius);
    city.tallest = std::max(city.tallest, top);
    block.bounds_min[0] = block.ix * city.pitch - reach;
    block.bounds_max[0] = (block.ix + 1) * city.pitch + reach;
    block.bounds_min[1] = -reach;
    block.bounds_max[1] = top + reach;
    block.bounds_min[2] = block.iz * city.pitch - reach;
    block.bounds_max[2] = (block.iz + 1) * city.pitch + reach;
  }
  return city;
}

}  // namespace splat
