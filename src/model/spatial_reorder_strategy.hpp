// The spatial order applied as a model edit: a DensificationStrategy that only puts the rows in
// order, so a model that went straight to where an executor keeps it (an initial PLY streamed
// into the offload store) is ordered there, in place, exactly as the host model would have been.
#pragma once

#include "model/densification.hpp"
#include "model/spatial_order.hpp"

namespace splat {

class SpatialReorderStrategy final : public DensificationStrategy {
 public:
  explicit SpatialReorderStrategy(SpatialOrder order) : order_(order) {}
  void observe_view(const std::uint32_t*, const float*, const float*, std::size_t) override {}
  bool acts_at(int) const override { return order_ != SpatialOrder::None; }
  DensifyReport after_step(int, DensifyTarget& g) override {
    DensifyReport report;
    report.reordered = reorder_rows(g, order_);
    return report;
  }
  using DensificationStrategy::after_step;
  DensifyState state() const override { return {}; }
  void restore(DensifyState) override {}

 private:
  SpatialOrder order_;
};

}  // namespace splat
