#include "model/densification.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

#include "core/error.hpp"

namespace splat {

namespace {

float sigmoid(float x) {
  return 1.0f / (1.0f + std::exp(-x));
}
float logit(float p) {
  return std::log(p / (1.0f - p));
}

// Row-major rotation matrix of the normalised quaternion (w, x, y, z).
void rotation_matrix(const float* q, float R[9]) {
  const float norm = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
  const float w = q[0] / norm, x = q[1] / norm, y = q[2] / norm, z = q[3] / norm;
  R[0] = 1 - 2 * (y * y + z * z), R[1] = 2 * (x * y - w * z), R[2] = 2 * (x * z + w * y);
  R[3] = 2 * (x * y + w * z), R[4] = 1 - 2 * (x * x + z * z), R[5] = 2 * (y * z - w * x);
  R[6] = 2 * (x * z - w * y), R[7] = 2 * (y * z + w * x), R[8] = 1 - 2 * (x * x + y * y);
}

struct RowGeometry {
  float mean[3], log_scale[3], rotation[4], opacity_logit;
};

RowGeometry geometry_of(const DensifyTarget& g, std::size_t row) {
  RowGeometry r;
  g.read_geometry(row, r.mean, r.log_scale, r.rotation, &r.opacity_logit);
  return r;
}

float max_scale(const RowGeometry& r) {
  return std::exp(std::max({r.log_scale[0], r.log_scale[1], r.log_scale[2]}));
}

float max_scale(const DensifyTarget& g, std::size_t row) {
  return max_scale(geometry_of(g, row));
}

}  // namespace

Default3dgsStrategy::Default3dgsStrategy(DensifyConfig config, float scene_extent,
                                         std::uint64_t seed, std::size_t initial_count)
    : config_(config), extent_(scene_extent), rng_(seed ^ 0xD3A5u) {
  resize_stats(initial_count);
}

void Default3dgsStrategy::resize_stats(std::size_t n) {
  grad_accum_.assign(n, 0.0f);
  view_count_.assign(n, 0.0f);
  max_radius_.assign(n, 0.0f);
}

void Default3dgsStrategy::observe_view(const std::uint32_t* ids, const float* screen_grad,
                                       const float* radii, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t id = ids[i];
    SPLAT_REQUIRE(id < grad_accum_.size(), "densification: Gaussian id ", id, " out of range");
    if (radii[i] <= 0) continue;  // not visible in this view
    grad_accum_[id] += std::hypot(screen_grad[2 * i], screen_grad[2 * i + 1]);
    view_count_[id] += 1.0f;
    max_radius_[id] = std::max(max_radius_[id], radii[i]);
  }
}

bool Default3dgsStrategy::acts_at(int step) const {
  if (step >= config_.until_step) return false;
  return (step > config_.from_step && step % config_.interval == 0) ||
         step % config_.opacity_reset_interval == 0;
}

DensifyReport Default3dgsStrategy::densify_and_prune(TrainableGaussians& g, bool prune_by_size) {
  TrainableGaussiansTarget target(g);
  return densify_and_prune(target, prune_by_size);
}

DensifyReport Default3dgsStrategy::after_step(int step, DensifyTarget& g) {
  SPLAT_REQUIRE(grad_accum_.size() == g.size(), "densification statistics cover ",
                grad_accum_.size(), " Gaussians but the model has ", g.size());
  DensifyReport report;
  if (acts_at(step)) {
    if (step > config_.from_step && step % config_.interval == 0) {
      report = densify_and_prune(g, step > config_.opacity_reset_interval);
      report.reordered = reorder_rows(g, config_.spatial_order);
    }
    if (step % config_.opacity_reset_interval == 0) {
      g.cap_opacity(logit(0.01f));
      report.opacity_reset = true;
    }
  }
  return report;
}

DensifyReport Default3dgsStrategy::densify_and_prune(DensifyTarget& g, bool prune_by_size) {
  const std::size_t n = g.size();
  DensifyReport report;
  const float dense_limit = config_.percent_dense * extent_;
  std::vector<std::size_t> clone_rows, split_rows;
  std::vector<float> candidate_grad;
  for (std::size_t row = 0; row < n; ++row) {
    const float mean_grad = view_count_[row] > 0 ? grad_accum_[row] / view_count_[row] : 0.0f;
    if (!(mean_grad >= config_.grad_threshold)) continue;  // also false for NaN
    (max_scale(g, row) <= dense_limit ? clone_rows : split_rows).push_back(row);
  }
  // The cap keeps the candidates with the largest gradients (a split adds one net Gaussian).
  if (config_.max_gaussians > 0) {
    const std::size_t room = config_.max_gaussians > n ? config_.max_gaussians - n : 0;
    if (clone_rows.size() + split_rows.size() > room) {
      auto by_grad = [&](std::size_t a, std::size_t b) {
        return grad_accum_[a] / view_count_[a] > grad_accum_[b] / view_count_[b];
      };
      std::vector<std::size_t> all = clone_rows;
      all.insert(all.end(), split_rows.begin(), split_rows.end());
      std::stable_sort(all.begin(), all.end(), by_grad);
      all.resize(room);
      std::sort(all.begin(), all.end());
      std::vector<std::size_t> clones, splits;
      for (std::size_t row : all)
        (max_scale(g, row) <= dense_limit ? clones : splits).push_back(row);
      clone_rows = std::move(clones);
      split_rows = std::move(splits);
    }
  }

  // Clone: an exact copy that the optimizer then pulls apart.
  g.append_copies(clone_rows);
  report.cloned = clone_rows.size();

  // Split: two samples from the Gaussian itself, each 1/1.6 of its size; the original goes.
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const std::size_t before_split = g.size();
  std::vector<std::size_t> doubled;
  for (std::size_t row : split_rows) doubled.insert(doubled.end(), {row, row});
  g.append_copies(doubled);
  for (std::size_t i = 0; i < doubled.size(); ++i) {
    const std::size_t row = before_split + i;
    RowGeometry r = geometry_of(g, row);
    float R[9];
    rotation_matrix(r.rotation, R);
    float offset[3];
    for (int a = 0; a < 3; ++a) offset[a] = normal(rng_) * std::exp(r.log_scale[a]);
    for (int k = 0; k < 3; ++k)
      r.mean[k] += R[3 * k] * offset[0] + R[3 * k + 1] * offset[1] + R[3 * k + 2] * offset[2];
    for (int a = 0; a < 3; ++a) r.log_scale[a] -= std::log(1.6f);  // scale / (0.8 * 2)
    g.write_mean_and_scale(row, r.mean, r.log_scale);
  }
  report.split = split_rows.size();

  // Prune: transparent ones, the split originals, and (after the first opacity reset) those
  // too large on screen or in the world.
  const std::size_t total = g.size();
  std::vector<std::uint8_t> keep(total, 1);
  for (std::size_t row : split_rows) keep[row] = 0;
  for (std::size_t row = 0; row < total; ++row) {
    const RowGeometry r = geometry_of(g, row);
    if (sigmoid(r.opacity_logit) < config_.min_opacity) keep[row] = 0;
    if (!prune_by_size) continue;
    // New rows have not been on screen yet; the world-size test applies to every row.
    if ((row < n && max_radius_[row] > config_.max_screen_radius) ||
        max_scale(r) > config_.max_world_scale * extent_)
      keep[row] = 0;
  }
  const std::size_t kept = static_cast<std::size_t>(std::count(keep.begin(), keep.end(), 1));
  report.pruned = total - kept - split_rows.size();
  g.keep_rows(keep);
  resize_stats(g.size());
  return report;
}

DensifyState Default3dgsStrategy::state() const {
  std::ostringstream rng;
  rng << rng_;
  return {{grad_accum_, view_count_, max_radius_}, rng.str()};
}

void Default3dgsStrategy::restore(DensifyState state) {
  auto& a = state.arrays;
  SPLAT_REQUIRE(a.size() == 3 && a[0].size() == a[1].size() && a[0].size() == a[2].size(),
                "densification state in checkpoint is malformed");
  std::istringstream rng(state.rng);
  rng >> rng_;
  SPLAT_REQUIRE(!rng.fail(), "densification random state in checkpoint is malformed");
  grad_accum_ = std::move(a[0]);
  view_count_ = std::move(a[1]);
  max_radius_ = std::move(a[2]);
}

void reset_opacity(TrainableGaussians& g, float max_opacity) {
  TrainableGaussiansTarget(g).cap_opacity(logit(max_opacity));
}

}  // namespace splat
