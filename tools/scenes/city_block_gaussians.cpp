#include "tools/scenes/city_block_gaussians.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "tools/scenes/city_textures.hpp"

namespace splat {

namespace {

constexpr float kPi = 3.14159265358979f;
constexpr float kShC0 = 0.28209479177387814f;

enum class SurfaceKind { Ground, Wall, Roof, Canopy, Trunk };

struct Surface {
  SurfaceKind kind;
  int item;  // building or tree index
  int face;  // wall 0..3
};

class BlockSampler {
 public:
  BlockSampler(const CityLayout& city, const CityBlock& block)
      : city_(city), block_(block), rng_(block.seed) {
    const float p = city.pitch;
    add({SurfaceKind::Ground, 0, 0}, double(p) * p);
    for (int b = 0; b < static_cast<int>(block.buildings.size()); ++b) {
      const CityBuilding& bd = block.buildings[b];
      const double w = bd.x1 - bd.x0, d = bd.z1 - bd.z0;
      add({SurfaceKind::Roof, b, 0}, w * d);
      for (int f = 0; f < 4; ++f) add({SurfaceKind::Wall, b, f}, (f < 2 ? d : w) * bd.height);
    }
    for (int t = 0; t < static_cast<int>(block.trees.size()); ++t) {
      const CityTree& tree = block.trees[t];
      add({SurfaceKind::Canopy, t, 0}, 4 * kPi * tree.radius * tree.radius);
      add({SurfaceKind::Trunk, t, 0}, 2 * kPi * kCityTrunkRadius * (tree.centre.y - tree.radius));
    }
  }

  float uniform(float a, float b) { return std::uniform_real_distribution<float>(a, b)(rng_); }

  SurfaceSplat next() {
    // The ground counts its full square in the weights, so a draw under a footprint (hidden)
    // is drawn again: this keeps the ground's density that of every other surface.
    for (;;) {
      const double pick = std::uniform_real_distribution<double>(0, cumulative_.back())(rng_);
      const std::size_t s =
          std::upper_bound(cumulative_.begin(), cumulative_.end(), pick) - cumulative_.begin();
      const Surface& surface = surfaces_[std::min(s, surfaces_.size() - 1)];
      SurfaceSplat splat{};
      splat.size = city_.splat_size;
      if (sample(surface, splat)) return splat;
    }
  }

 private:
  void add(Surface s, double area) {
    surfaces_.push_back(s);
    cumulative_.push_back((cumulative_.empty() ? 0.0 : cumulative_.back()) + area);
  }

  bool sample(const Surface& s, SurfaceSplat& out) {
    switch (s.kind) {
      case SurfaceKind::Ground: {
        const float x = (block_.ix + uniform(0, 1)) * city_.pitch;
        const float z = (block_.iz + uniform(0, 1)) * city_.pitch;
        for (const auto& b : block_.buildings)
          if (x > b.x0 && x < b.x1 && z > b.z0 && z < b.z1) return false;
        out.position = {x, 0, z};
        out.normal = {0, 1, 0};
        out.colour = ground_colour(city_, block_, x, z);
        out.shine = 0.02f;
        return true;
      }
      case SurfaceKind::Roof: {
        const CityBuilding& b = block_.buildings[s.item];
        const float x = uniform(b.x0, b.x1), z = uniform(b.z0, b.z1);
        out.position = {x, b.height, z};
        out.normal = {0, 1, 0};
        out.colour = roof_colour(b, x, z);
        out.shine = 0.03f;
        return true;
      }
      case SurfaceKind::Wall: {
        const CityBuilding& b = block_.buildings[s.item];
        const float up = uniform(0, b.height);
        // Faces: 0 at x0 facing -x, 1 at x1 facing +x, 2 at z0 facing -z, 3 at z1 facing +z;
        // `along` runs left to right as seen from outside.
        const float length = s.face < 2 ? b.z1 - b.z0 : b.x1 - b.x0;
        const float along = uniform(0, length);
        switch (s.face) {
          case 0:
            out.position = {b.x0, up, b.z0 + along}, out.normal = {-1, 0, 0};
            break;
          case 1:
            out.position = {b.x1, up, b.z1 - along}, out.normal = {1, 0, 0};
            break;
          case 2:
            out.position = {b.x1 - along, up, b.z0}, out.normal = {0, 0, -1};
            break;
          default:
            out.position = {b.x0 + along, up, b.z1}, out.normal = {0, 0, 1};
            break;
        }
        out.colour = facade_colour(b, s.face, along, length, up);
        out.shine = b.style == FacadeStyle::Glass ? 0.25f : 0.03f;
        return true;
      }
      case SurfaceKind::Canopy: {
        const CityTree& t = block_.trees[s.item];
        std::normal_distribution<float> normal;
        const Vec3 n = normalize({normal(rng_), normal(rng_), normal(rng_)});
        out.position = t.centre + t.radius * n;
        out.normal = n;
        out.colour = canopy_colour(out.position);
        out.shine = 0.05f;
        return true;
      }
      case SurfaceKind::Trunk:
      default: {
        const CityTree& t = block_.trees[s.item];
        const float angle = uniform(0, 2 * kPi), up = uniform(0, t.centre.y - t.radius);
        const Vec3 n{std::cos(angle), 0, std::sin(angle)};
        out.position = Vec3{t.centre.x, up, t.centre.z} + kCityTrunkRadius * n;
        out.normal = n;
        out.colour = trunk_colour(up);
        out.shine = 0;
        return true;
      }
    }
  }

  const CityLayout& city_;
  const CityBlock& block_;
  std::mt19937_64 rng_;
  std::vector<Surface> surfaces_;
  std::vector<double> cumulative_;
};

}  // namespace

GaussianModel generate_city_block(const CityLayout& city, std::size_t index) {
  const CityBlock& block = city.blocks.at(index);
  GaussianModel m;
  m.sh_degree = city.options.sh_degree;
  m.resize(block.gaussians);
  BlockSampler sampler(city, block);
  for (std::size_t i = 0; i < block.gaussians; ++i) {
    const SurfaceSplat s = sampler.next();
    store_surface_splat(m, i, s, sampler.uniform(0.7f, 1.3f));
  }
  return m;
}

void sample_city_block_points(const CityLayout& city, std::size_t index, const GaussianModel& m,
                              std::size_t count, std::vector<float>& points,
                              std::vector<std::uint8_t>& colors) {
  if (m.size() == 0) return;
  std::mt19937_64 rng(city_seed(city.options.seed, index, 2));
  std::normal_distribution<float> noise(0.0f, 0.3f * city.splat_size);
  const int k = m.sh_coefficients();
  for (std::size_t p = 0; p < count; ++p) {
    const std::size_t i = rng() % m.size();
    for (int a = 0; a < 3; ++a) points.push_back(m.means[3 * i + a] + noise(rng));
    for (int ch = 0; ch < 3; ++ch) {
      const float c = std::clamp(m.sh[i * k * 3 + ch] * kShC0 + 0.5f, 0.0f, 1.0f);
      colors.push_back(static_cast<std::uint8_t>(std::lround(c * 255)));
    }
  }
}

}  // namespace splat
