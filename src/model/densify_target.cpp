#include "model/densify_target.hpp"

#include <algorithm>

namespace splat {

void TrainableGaussiansTarget::read_geometry(std::size_t row, float mean[3], float log_scale[3],
                                             float rotation[4], float* opacity_logit) const {
  const GaussianModel& p = g_.params;
  std::copy_n(&p.means[row * 3], 3, mean);
  std::copy_n(&p.log_scales[row * 3], 3, log_scale);
  std::copy_n(&p.rotations[row * 4], 4, rotation);
  *opacity_logit = p.opacity_logits[row];
}

void TrainableGaussiansTarget::write_mean_and_scale(std::size_t row, const float mean[3],
                                                    const float log_scale[3]) {
  std::copy_n(mean, 3, &g_.params.means[row * 3]);
  std::copy_n(log_scale, 3, &g_.params.log_scales[row * 3]);
}

void TrainableGaussiansTarget::append_copies(const std::vector<std::size_t>& rows) {
  splat::append_copies(g_, rows);
}

void TrainableGaussiansTarget::keep_rows(const std::vector<std::uint8_t>& keep) {
  splat::keep_rows(g_, keep);
}

void TrainableGaussiansTarget::permute_rows(const std::vector<std::uint32_t>& new_to_old) {
  splat::permute_rows(g_, new_to_old);
}

void TrainableGaussiansTarget::cap_opacity(float max_logit) {
  for (float& o : g_.params.opacity_logits) o = std::min(o, max_logit);
  std::fill(g_.adam_m.opacity_logits.begin(), g_.adam_m.opacity_logits.end(), 0.0f);
  std::fill(g_.adam_v.opacity_logits.begin(), g_.adam_v.opacity_logits.end(), 0.0f);
}

}  // namespace splat
