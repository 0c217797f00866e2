// Culling by chunks (offload.culling: chunks): the culling set (mean and bounding radius per
// Gaussian) stays in host memory beside the store, and each block of kBlockRows consecutive rows
// has a bound. A camera first tests the bounds, then the spheres of the blocks whose bound it
// meets; the device keeps nothing N-sized for culling. With the store in spatial (Morton) order a
// block is a small region of space, so a camera tests few blocks beyond the ones it sees.
//
// The block test is conservative against the per-Gaussian test (math/frustum.hpp): a block is
// skipped only when no sphere in it could pass, so the ids are exactly cull_cameras_cpu's.
//
// Why the per-Gaussian tests run on the host: the candidates' spheres are already there, next to
// the store; sending them to the device would cost 16 bytes per candidate over PCIe per camera,
// where the device culler returns 4 bytes per visible Gaussian, and a CPU core tests a sphere in
// about a nanosecond, on candidates only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cache/visibility_overlap.hpp"
#include "math/camera.hpp"

namespace splat {

// How much culling work a camera took: bounds tested, rows whose spheres were tested, rows kept.
struct ChunkCullingStats {
  std::size_t blocks = 0, candidate_blocks = 0;
  std::size_t candidate_rows = 0, visible_rows = 0;
};

class ChunkCuller {
 public:
  static constexpr std::size_t kBlockRows = 4096;

  // Host bytes per Gaussian: its sphere (the bounds add 32 bytes per block).
  static constexpr std::size_t bytes_per_gaussian() { return 4 * sizeof(float); }

  std::size_t size() const { return spheres_.size() / 4; }
  // Holds `rows` spheres (new ones undefined until written); bounds must then be refreshed.
  void resize(std::size_t rows);
  // N x 4 floats: x, y, z, culling radius.
  float* spheres() { return spheres_.data(); }
  const float* spheres() const { return spheres_.data(); }
  // Recomputes the bounds of every block, or of the blocks holding `ids` (sorted or not).
  void refresh_bounds();
  void refresh_bounds(const std::uint32_t* ids, std::size_t count);

  // Each camera's sorted visible ids: exactly cull_cameras_cpu(spheres(), size(), cameras).
  std::vector<VisibleSet> cull(const std::vector<PinholeCamera>& cameras,
                               ChunkCullingStats* stats = nullptr) const;

  // The blocks whose bound `camera` meets (ascending): where its Gaussians may be.
  std::vector<std::size_t> candidate_blocks(const PinholeCamera& camera) const;

  std::size_t host_bytes() const;

 private:
  // A block's spheres all lie in: means within `mean_reach` of `centre`, radii at most
  // `max_radius`, near-plane allowances of drifting spheres at most `near_allowance` (double:
  // the block test must not add its own rounding to the bound).
  struct Bound {
    double centre[3];
    double mean_reach;
    double max_radius;
    double near_allowance;
  };
  void refresh_block(std::size_t block);

  std::vector<float> spheres_;
  std::vector<Bound> bounds_;
};

}  // namespace splat
