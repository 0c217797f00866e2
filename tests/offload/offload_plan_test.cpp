#include <catch2/catch.hpp>

#include "core/backend_select.hpp"
#include "core/buffer.hpp"
#include "core/device_arena.hpp"
#include "offload/budget_need.hpp"
#include "offload/copy_bandwidth.hpp"
#include "offload/offload_plan.hpp"

using namespace splat;

TEST_CASE("offload plan: capacity and largest model follow the budget", "[plan]") {
  OffloadPlanInput in;
  in.budget = std::size_t{1} << 30;
  in.gaussians = 10'000'000;
  in.sh_degree = 3;
  in.visible_fraction = 0.1;
  const OffloadPlan plan = plan_offload(in);
  CHECK(plan.device_bytes_per_gaussian <= 32);
  CHECK(plan.host_bytes_per_gaussian <= 750);
  const std::size_t used = plan.device_bytes_per_gaussian * in.gaussians + plan.fixed_bytes +
                           plan.capacity * plan.slot_bytes;
  CHECK(used <= in.budget);
  CHECK(used + plan.slot_bytes > in.budget);  // no room left for one more row
  // At the largest N, the N-sized part and a working set of the visible fraction fit.
  const double at_largest = static_cast<double>(plan.largest_gaussians) *
                            (plan.device_bytes_per_gaussian + 0.1 * plan.slot_bytes);
  CHECK(at_largest + plan.fixed_bytes <= in.budget);
  CHECK(plan.describe().find("largest model") != std::string::npos);
}

TEST_CASE("offload plan: the naive mode has no culling set and holds the whole model", "[plan]") {
  OffloadPlanInput in;
  in.budget = std::size_t{64} << 20;
  in.gaussians = 1000;
  in.whole_model = true;
  const OffloadPlan plan = plan_offload(in);
  CHECK(plan.device_bytes_per_gaussian == 0);
  CHECK(plan.capacity == 1000);
}

TEST_CASE("offload plan: a refusal says what to change", "[plan]") {
  OffloadPlanInput in;
  in.budget = 1 << 20;
  in.gaussians = 5000;
  const OffloadPlan plan = plan_offload(in);
  CHECK_THROWS_WITH(refuse_working_set(plan, BudgetNeed{}, "IMG_1.jpg", 100000),
                    Catch::Contains("IMG_1.jpg") && Catch::Contains("raise offload.gpu_budget"));
}

TEST_CASE("the pinned-copy probe measures both ways within the arena and gives it back",
          "[offload]") {
  auto backend = make_backend("cpu");
  DeviceArena arena(*backend, std::size_t{8} << 20);
  auto copy = backend->create_stream();
  const CopyBandwidth b = measure_copy_bandwidth(*backend, arena, *copy, std::size_t{1} << 20);
  CHECK(b.probe_bytes == std::size_t{1} << 20);
  CHECK(b.h2d_bytes_per_second > 0);
  CHECK(b.d2h_bytes_per_second > 0);
  CHECK(arena.in_use() == 0);
  CHECK(arena.peak() <= arena.budget());
  // A nearly full arena gets a smaller probe, never an overdraft.
  Buffer held = arena.allocate((std::size_t{8} << 20) - (std::size_t{64} << 10), "held");
  const CopyBandwidth small = measure_copy_bandwidth(*backend, arena, *copy);
  CHECK(small.probe_bytes <= (std::size_t{16} << 10));
  CHECK(arena.peak() <= arena.budget());
}

TEST_CASE("offload plan: renderer workspaces and row-op scratch come out of the working set",
          "[plan]") {
  OffloadPlanInput in;
  in.budget = std::size_t{256} << 20;
  in.gaussians = 2'000'000;
  in.sh_degree = 3;
  const OffloadPlan bare = plan_offload(in);
  in.render_reserve = std::size_t{24} << 20;
  in.render_row_bytes = 300;
  in.rows_scratch = std::size_t{1} << 20;
  in.rows_scratch_per_chunk_row = 20;
  const OffloadPlan plan = plan_offload(in);
  CHECK(plan.slot_bytes == bare.slot_bytes + 300);
  CHECK(plan.capacity < bare.capacity);
  // Everything the plan counts fits the budget: N-sized, fixed (renderer reserve, scratch,
  // chunks) and the working set with the renderer's share per row.
  const std::size_t used = plan.device_bytes_per_gaussian * in.gaussians + plan.fixed_bytes +
                           plan.capacity * plan.slot_bytes;
  CHECK(used <= in.budget);
  CHECK(used + plan.slot_bytes > in.budget);
  CHECK(plan.fixed_bytes >= in.render_reserve + in.rows_scratch + 20 * plan.chunk_rows);
  CHECK(plan.describe().find("renderer") != std::string::npos);
}

TEST_CASE("offload plan: resident geometry adds its rows and Adam state to the N-sized part",
          "[plan]") {
  OffloadPlanInput in;
  in.budget = std::size_t{1} << 30;
  in.gaussians = 1'000'000;
  in.sh_degree = 3;
  in.visible_fraction = 0.1;
  const OffloadPlan culling = plan_offload(in);
  in.resident_geometry = true;
  const OffloadPlan geometry = plan_offload(in);
  // Values, both moments and the gradient sum: 4 x 11 floats, next to the culling set.
  CHECK(geometry.device_bytes_per_gaussian == culling.device_bytes_per_gaussian + 176);
  in.sparse_adam = true;
  CHECK(plan_offload(in).device_bytes_per_gaussian == geometry.device_bytes_per_gaussian + 5);
  // The host store is the same; the rows that stream are the SH and an id.
  CHECK(geometry.host_bytes_per_gaussian == culling.host_bytes_per_gaussian);
  CHECK(streamed_row_bytes(3, true) == 48 * sizeof(float) + 4);
  CHECK(streamed_row_bytes(3, false) == 59 * sizeof(float));
  CHECK(geometry.capacity < culling.capacity);
  CHECK(geometry.largest_gaussians < culling.largest_gaussians);
  CHECK(geometry.describe().find("resident geometry") != std::string::npos);
  const std::size_t used = geometry.device_bytes_per_gaussian * in.gaussians +
                           geometry.fixed_bytes + geometry.capacity * geometry.slot_bytes;
  CHECK(used <= in.budget);
  CHECK_THROWS_WITH(refuse_working_set(geometry, BudgetNeed{}, "IMG_2.jpg", 10'000'000),
                    Catch::Contains("offload.resident: culling"));
}
