// What a GPU budget allows, decided before the first step: bytes per Gaussian on each side, the
// working-set capacity left after the N-sized culling set and the renderer's share, and the
// largest model the budget supports at the scene's visible fraction. Printed at the start of a
// run; a camera whose visible set cannot fit is refused with what to change.
#pragma once

#include <cstddef>
#include <string>

namespace splat {

struct OffloadPlanInput {
  std::size_t budget = 0;     // offload.gpu_budget
  std::size_t gaussians = 0;  // N now
  int sh_degree = 3;
  bool whole_model = false;          // naive mode: no culling, the working set is the model
  bool resident_geometry = false;    // offload.resident: geometry (only the SH streams)
  bool chunk_culling = false;        // offload.culling: chunks (the culling set on the host)
  bool sparse_adam = false;          // per-row Adam steps (resident geometry keeps them too)
  std::size_t render_reserve = 0;    // arena bytes kept for the renderer's workspaces
  std::size_t render_row_bytes = 0;  // and per working-set row (per-Gaussian and pair arrays)
  std::size_t rows_scratch = 0;      // DeviceRows scratch: fixed bytes (culling temp storage)
  std::size_t rows_scratch_per_chunk_row = 0;  // and per transfer-chunk row (list pieces)
  double visible_fraction = 1;                 // largest share of N one training camera sees
};

struct OffloadPlan {
  OffloadPlanInput input;
  std::size_t device_bytes_per_gaussian = 0;  // N-sized device memory (the culling set, and
                                              // with resident geometry that and its Adam state)
  std::size_t host_bytes_per_gaussian = 0;    // parameters, moments and step of the store
  std::size_t slot_bytes = 0;         // per working-set row: parameters, gradients, statistics,
                                      // the renderer's per-row workspaces
  std::size_t chunk_rows = 0;         // rows per transfer chunk (two in, each with room for held
                                      // gradients, and two out are on the device)
  std::size_t fixed_bytes = 0;        // transfer chunks, row-op scratch, renderer reserve, slack
  std::size_t capacity = 0;           // working-set rows the budget leaves (0: none)
  std::size_t uncapped_capacity = 0;  // the same before naive mode caps it at the model
  std::size_t largest_gaussians = 0;
  // What the layout takes of the arena: the N-sized part, the fixed part and the working set.
  std::size_t allocated_bytes() const;
  std::string describe() const;
};

OffloadPlan plan_offload(const OffloadPlanInput& input);

// Device bytes per Gaussian of the culling set, and per streamed row: the parameters of both
// groups, or with resident geometry the SH and the row's id (the device gathers its geometry).
std::size_t culling_bytes_per_gaussian();
std::size_t streamed_row_bytes(int sh_degree, bool resident_geometry = false);

}  // namespace splat
