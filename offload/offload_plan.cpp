#include "offload/offload_plan.hpp"

#include <algorithm>
#include <cmath>

#include "core/byte_size.hpp"
#include "core/error.hpp"
#include "model/gaussian_model.hpp"
#include "offload/chunk_culling.hpp"
#include "offload/device_geometry.hpp"
#include "offload/gaussian_store.hpp"
#include "offload/working_set.hpp"

namespace splat {

namespace {
// Each arena allocation rounds up to its alignment; a few dozen of them are live.
constexpr std::size_t kAllocationSlack = 64 * 1024;
}  // namespace

std::size_t culling_bytes_per_gaussian() {
  // x, y, z, radius; plus one visible-id entry the device culler writes per Gaussian.
  return 4 * sizeof(float) + sizeof(std::uint32_t);
}

std::size_t streamed_row_bytes(int sh_degree, bool resident_geometry) {
  const std::size_t sh = static_cast<std::size_t>(sh_coefficient_count(sh_degree)) * 3;
  if (resident_geometry) return sh * sizeof(float) + sizeof(std::uint32_t);
  return (kGeometryWidth + sh) * sizeof(float);
}

OffloadPlan plan_offload(const OffloadPlanInput& in) {
  OffloadPlan plan;
  plan.input = in;
  const std::size_t row = streamed_row_bytes(in.sh_degree, in.resident_geometry);
  const bool device_culling = !in.whole_model && !in.chunk_culling;
  plan.device_bytes_per_gaussian =
      (device_culling ? culling_bytes_per_gaussian() : 0) +
      (in.resident_geometry ? DeviceGeometry::bytes_per_gaussian(in.sparse_adam) : 0);
  plan.host_bytes_per_gaussian = 3 * streamed_row_bytes(in.sh_degree) + sizeof(std::int32_t) +
                                 (in.chunk_culling ? ChunkCuller::bytes_per_gaussian() : 0);
  plan.slot_bytes =
      WorkingSet::bytes_per_row(in.sh_degree) + sizeof(std::uint32_t) + in.render_row_bytes;
  const std::size_t n_sized = plan.device_bytes_per_gaussian * in.gaussians;
  // Rows cross in chunks, so staging is a small fixed share of the budget: a sixteenth of
  // what a staging-free working set could hold, within [256, 65536] rows.
  const std::size_t base = in.render_reserve + in.rows_scratch + kAllocationSlack;
  const std::size_t spare = in.budget > n_sized + base ? in.budget - n_sized - base : 0;
  const std::size_t staging_rows =
      std::clamp<std::size_t>(spare / plan.slot_bytes / 16, 256, 65536);
  // A chunk never carries more rows than the model has: a small model's staging stays small
  // (the plan is made again when densification grows the model).
  plan.chunk_rows = std::min(staging_rows, std::max<std::size_t>(in.gaussians, 256));
  // Two inbound chunk halves with room for held gradients each, two outbound.
  const std::size_t bytes_per_chunk_row = 6 * row + in.rows_scratch_per_chunk_row;
  plan.fixed_bytes = base + plan.chunk_rows * bytes_per_chunk_row;
  // What a model too large for a smaller chunk would lay out (for the largest N).
  const std::size_t large_model_fixed = base + staging_rows * bytes_per_chunk_row;
  if (in.budget > n_sized + plan.fixed_bytes)
    plan.capacity = (in.budget - n_sized - plan.fixed_bytes) / plan.slot_bytes;
  plan.uncapped_capacity = plan.capacity;
  if (in.whole_model)
    plan.capacity = std::min(plan.capacity, std::max<std::size_t>(in.gaussians, 1));
  const double per_gaussian =
      static_cast<double>(plan.device_bytes_per_gaussian) +
      std::clamp(in.visible_fraction, 0.0, 1.0) * static_cast<double>(plan.slot_bytes);
  if (in.budget > large_model_fixed && per_gaussian > 0)
    plan.largest_gaussians =
        static_cast<std::size_t>(std::floor((in.budget - large_model_fixed) / per_gaussian));
  return plan;
}

std::size_t OffloadPlan::allocated_bytes() const {
  return device_bytes_per_gaussian * input.gaussians + fixed_bytes + capacity * slot_bytes;
}

std::string OffloadPlan::describe() const {
  return str_cat("offload plan: budget ", format_bytes(input.budget), "; device ",
                 device_bytes_per_gaussian, " B per Gaussian (N-sized",
                 input.resident_geometry ? ": culling set and resident geometry" : "", ") + ",
                 slot_bytes, " B per working-set row",
                 input.render_reserve + input.render_row_bytes > 0
                     ? str_cat(" (renderer: ", input.render_row_bytes, " B per row + ",
                               format_bytes(input.render_reserve), ")")
                     : std::string(),
                 "; host ", host_bytes_per_gaussian, " B per Gaussian",
                 input.chunk_culling ? " (with the culling set: culling by chunks)" : "",
                 "; working set holds ", capacity, " Gaussians (", input.gaussians,
                 " in the model, largest camera sees ",
                 static_cast<int>(std::lround(input.visible_fraction * 1000)) / 10.0,
                 "%); largest model this budget supports: ", largest_gaussians, " Gaussians");
}

}  // namespace splat
