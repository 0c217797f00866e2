// The pinned GaussianStore as a DensifyTarget: densification reads and edits the offload
// engine's rows where they are (appending into new chunks, compacting within them), so a
// densification step costs no second copy of the model on the host.
#pragma once

#include "model/densify_target.hpp"
#include "offload/gaussian_store.hpp"

namespace splat {

class StoreDensifyTarget final : public DensifyTarget {
 public:
  explicit StoreDensifyTarget(GaussianStore& store) : store_(store) {}
  std::size_t size() const override { return store_.size(); }
  void read_geometry(std::size_t row, float mean[3], float log_scale[3], float rotation[4],
                     float* opacity_logit) const override;
  void write_mean_and_scale(std::size_t row, const float mean[3],
                            const float log_scale[3]) override;
  void append_copies(const std::vector<std::size_t>& rows) override { store_.append_copies(rows); }
  void keep_rows(const std::vector<std::uint8_t>& keep) override { store_.keep_rows(keep); }
  void permute_rows(const std::vector<std::uint32_t>& new_to_old) override {
    store_.permute_rows(new_to_old);
  }
  void cap_opacity(float max_logit) override;

 private:
  GaussianStore& store_;
};

}  // namespace splat
