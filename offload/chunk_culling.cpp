#include "offload/chunk_culling.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>

#include "math/frustum.hpp"

namespace splat {

namespace {

// Relative room for the float rounding of the per-Gaussian test (a few ulp of its terms) and
// for a camera rotation that is orthonormal only to float precision: far above both.
constexpr double kRelativeSlack = 1e-4;

// Whether any sphere within `b` may pass sphere_in_frustum(f, ...). A member's mean lies within
// mean_reach of the centre, so its camera-space coordinates (a rotation and a shift) do too, and
// its plane distances differ from the centre's by at most mean_reach; its reach is at most
// max_radius x radius_scale.
template <class Bound>
bool block_may_be_visible(const CullingFrustum& f, const Bound& b) {
  double c[3];
  for (int r = 0; r < 3; ++r)
    c[r] = f.R[r * 3] * b.centre[0] + f.R[r * 3 + 1] * b.centre[1] + f.R[r * 3 + 2] * b.centre[2] +
           f.t[r];
  const double reach = b.max_radius * f.radius_scale;
  // Bounds the terms of the per-Gaussian test (world and camera coordinates, shift, reach), so
  // that its rounding and its depth rounding (1e-5 of the world terms) are within the slack.
  double magnitude = 2 * b.mean_reach + reach + std::fabs(f.near_plane);
  for (int a = 0; a < 3; ++a)
    magnitude += std::fabs(c[a]) + std::fabs(b.centre[a]) + std::fabs(double{f.t[a]});
  const double slack = kRelativeSlack * magnitude;
  // The near plane: a member's depth is at most c[2] + mean_reach, and the per-Gaussian test
  // lets depths within its depth rounding (1e-5 of the terms, below the slack) and a drifting
  // member's allowance pass.
  if (c[2] + b.mean_reach + b.near_allowance + slack <= f.near_plane) return false;
  if (c[2] - b.mean_reach - b.near_allowance - slack >= f.far_plane) return false;
  for (int p = 0; p < 4; ++p) {
    const double d = f.normals[p][0] * c[0] + f.normals[p][1] * c[1] + f.normals[p][2] * c[2];
    if (d + b.mean_reach + reach + slack < 0) return false;
  }
  return true;
}

}  // namespace

void ChunkCuller::resize(std::size_t rows) {
  spheres_.resize(rows * 4);
  bounds_.resize((rows + kBlockRows - 1) / kBlockRows);
}

void ChunkCuller::refresh_block(std::size_t block) {
  const std::size_t begin = block * kBlockRows;
  const std::size_t end = std::min(begin + kBlockRows, size());
  double lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
  double max_radius = 0, near_allowance = 0;
  bool finite = true;
  for (std::size_t i = begin; i < end; ++i) {
    const float* s = &spheres_[i * 4];
    finite = finite && std::isfinite(s[0]) && std::isfinite(s[1]) && std::isfinite(s[2]) &&
             std::isfinite(s[3]);
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], double{s[a]});
      hi[a] = std::max(hi[a], double{s[a]});
    }
    // A negative radius is a drifting sphere's (math/frustum.hpp): its size, and its allowance.
    max_radius = std::max(max_radius, std::fabs(double{s[3]}));
    if (s[3] < 0) near_allowance = std::max(near_allowance, -double{s[3]});
  }
  Bound& b = bounds_[block];
  for (int a = 0; a < 3; ++a) b.centre[a] = 0.5 * (lo[a] + hi[a]);
  double reach2 = 0;
  for (std::size_t i = begin; i < end; ++i) {
    double d2 = 0;
    for (int a = 0; a < 3; ++a) {
      const double d = spheres_[i * 4 + a] - b.centre[a];
      d2 += d * d;
    }
    reach2 = std::max(reach2, d2);
  }
  b.mean_reach = std::sqrt(reach2) * (1 + 1e-12);
  b.max_radius = max_radius;
  b.near_allowance = near_allowance;
  // The per-Gaussian test keeps a sphere with a NaN in it (every comparison is false): a
  // block holding a non-finite sphere is always a candidate, and that test decides.
  if (!finite) {
    for (double& c : b.centre) c = 0;
    b.mean_reach = INFINITY;
  }
}

void ChunkCuller::refresh_bounds() {
#pragma omp parallel for schedule(dynamic, 16)
  for (long long b = 0; b < static_cast<long long>(bounds_.size()); ++b) refresh_block(b);
}

void ChunkCuller::refresh_bounds(const std::uint32_t* ids, std::size_t count) {
  std::vector<std::size_t> blocks;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t block = ids[i] / kBlockRows;
    if (blocks.empty() || blocks.back() != block) blocks.push_back(block);
  }
  std::sort(blocks.begin(), blocks.end());
  blocks.erase(std::unique(blocks.begin(), blocks.end()), blocks.end());
#pragma omp parallel for schedule(dynamic, 4)
  for (long long k = 0; k < static_cast<long long>(blocks.size()); ++k) refresh_block(blocks[k]);
}

std::vector<VisibleSet> ChunkCuller::cull(const std::vector<PinholeCamera>& cameras,
                                          ChunkCullingStats* stats) const {
  std::vector<VisibleSet> visible(cameras.size());
  for (std::size_t c = 0; c < cameras.size(); ++c) {
    const CullingFrustum frustum = make_culling_frustum(cameras[c]);
    std::vector<std::uint32_t> candidates;
    for (std::size_t b = 0; b < bounds_.size(); ++b)
      if (block_may_be_visible(frustum, bounds_[b]))
        candidates.push_back(static_cast<std::uint32_t>(b));
    // Each candidate block's ids in its own list; concatenated in block order they are sorted.
    std::vector<VisibleSet> parts(candidates.size());
#pragma omp parallel for schedule(dynamic, 1)
    for (long long k = 0; k < static_cast<long long>(candidates.size()); ++k) {
      const std::size_t begin = std::size_t{candidates[k]} * kBlockRows;
      const std::size_t end = std::min(begin + kBlockRows, size());
      VisibleSet& part = parts[k];
      for (std::size_t i = begin; i < end; ++i) {
        const float* s = &spheres_[i * 4];
        if (sphere_in_frustum(frustum, s[0], s[1], s[2], s[3]))
          part.push_back(static_cast<std::uint32_t>(i));
      }
    }
    std::size_t total = 0;
    for (const VisibleSet& part : parts) total += part.size();
    visible[c].reserve(total);
    for (const VisibleSet& part : parts)
      visible[c].insert(visible[c].end(), part.begin(), part.end());
    if (stats) {
      stats->blocks += bounds_.size();
      stats->candidate_blocks += candidates.size();
      for (std::uint32_t b : candidates)
        stats->candidate_rows += std::min(kBlockRows, size() - std::size_t{b} * kBlockRows);
      stats->visible_rows += total;
    }
  }
  return visible;
}

std::vector<std::size_t> ChunkCuller::candidate_blocks(const PinholeCamera& camera) const {
  const CullingFrustum frustum = make_culling_frustum(camera);
  std::vector<std::size_t> blocks;
  for (std::size_t b = 0; b < bounds_.size(); ++b)
    if (block_may_be_visible(frustum, bounds_[b])) blocks.push_back(b);
  return blocks;
}

std::size_t ChunkCuller::host_bytes() const {
  return spheres_.capacity() * sizeof(float) + bounds_.capacity() * sizeof(Bound);
}

}  // namespace splat
