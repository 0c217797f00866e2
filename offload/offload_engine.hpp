// The out-of-core engine: a BatchExecutor that keeps every Gaussian's parameters and Adam state
// in the pinned host GaussianStore and, per batch, streams each camera's visible Gaussians
// through a working set in the device arena (DESIGN.md section 1):
//   cull all cameras (culling set only) -> order them (cache/view_schedule) -> per camera:
//   gather the rows it needs and the device lacks into one half of a pinned staging area
//   (a worker thread, one camera ahead), copy them on a dedicated upload stream, unpack into
//   slots, render / loss / backward, pack the gradients of the Gaussians the next camera does
//   not need and copy them back on a download stream; on the host, partial gradients of
//   Gaussians used again later are held, and Adam runs for each Gaussian once its last use is
//   done, on another worker thread while the next cameras render.
// Parameters do not change inside a batch, so keeping a Gaussian resident across cameras is
// exact; with `whole_model` every camera gets every Gaussian (the naive offload baseline).
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cache/residency_map.hpp"
#include "cache/view_schedule.hpp"
#include "core/backend.hpp"
#include "core/cpu_stream.hpp"
#include "core/device_arena.hpp"
#include "offload/budget_need.hpp"
#include "offload/chunk_culling.hpp"
#include "offload/deferred_drift.hpp"
#include "offload/device_geometry.hpp"
#include "offload/device_rows.hpp"
#include "offload/gaussian_store.hpp"
#include "offload/model_growth.hpp"
#include "offload/offload_plan.hpp"
#include "offload/partial_gradients.hpp"
#include "offload/row_adam.hpp"
#include "offload/untouched_policy.hpp"
#include "offload/working_set.hpp"
#include "train/batch_executor.hpp"

namespace splat {

struct OffloadOptions {
  ViewOrder order = ViewOrder::Sampled;
  UntouchedPolicy untouched = UntouchedPolicy::Deferred;
  bool whole_model = false;  // naive mode
  // offload.resident: geometry: geometry and its Adam state stay on the device (N-sized), only
  // the SH streams, and geometry Adam runs on the device at the end of each batch.
  bool resident_geometry = false;
  // offload.culling: chunks: the culling set stays on the host with a bound per block of rows,
  // and cameras are culled there (offload/chunk_culling.hpp); the device keeps nothing N-sized.
  bool chunk_culling = false;
  // offload.host_budget: host bytes the store's chunks may take (0: all of them in memory); the
  // others live in a scratch file in `spill_dir` (offload/spill_file.hpp).
  std::size_t host_budget = 0;
  std::string spill_dir;
  std::size_t store_chunk_rows = GaussianStore::kChunkRows;  // offload.chunk_rows
  std::size_t render_reserve = 0;    // arena bytes left to the renderer's own workspaces
  std::size_t render_row_bytes = 0;  // and per working-set row (the backend's estimate)
  // The largest view (training or evaluation) and the pairs per row the estimate assumes: the
  // renderer's workspaces are taken for them right after each layout (0 pairs: they grow).
  int render_width = 0, render_height = 0;
  std::size_t render_pairs_per_row = 0;
  // How large the model may grow: the budget a run needs is planned for that size.
  ModelGrowth growth;
};

// The plan input of an engine with `options` (what plan_offload and budget_need take), so that
// a plan made without an engine (splatstream plan) is the engine's own.
OffloadPlanInput plan_input_for(const OffloadOptions& options, std::size_t budget,
                                std::size_t gaussians, int sh_degree,
                                const DeviceRowsScratch& scratch);

class OffloadEngine final : public BatchExecutor {
 public:
  // `arena` is the whole GPU budget; `compute` is the stream `renderer` works on. Plans the
  // budget with the cameras of `train_views` and `eval_views` (may be null) and refuses a budget
  // that cannot hold every one of them for the whole run.
  OffloadEngine(Backend& backend, DeviceArena& arena, Stream& compute, ViewRenderer& renderer,
                std::unique_ptr<DeviceRows> rows, const OffloadOptions& options,
                const TrainableGaussians& initial, const ViewSource& train_views,
                const ViewSource* eval_views = nullptr);
  ~OffloadEngine() override;

  BatchResult run_batch(const BatchRequest& request) override;
  void render(const PinholeCamera& camera, int active_sh_degree,
              const float background[3]) override;
  std::size_t size() const override { return store_.size(); }
  void pull(TrainableGaussians& host, int step) override;
  void push(const TrainableGaussians& host) override;
  bool holds_model() const override { return true; }
  std::unique_ptr<ModelReader> read_model(TrainableGaussians& host, int step) override;
  void load_model(const ModelReader& model, TrainableGaussians& host) override;
  // In place on the store: no host copy of the model is made.
  DensifyReport densify(DensificationStrategy& strategy, int step,
                        TrainableGaussians& host) override;
  ExecutorMetrics metrics() const override;

  const OffloadPlan& plan() const { return plan_; }
  const BudgetNeed& need() const { return need_; }

 private:
  // Rows cross in chunks of plan_.chunk_rows, alternating between the two halves of a double
  // buffer each way, so staging stays small whatever a camera needs.
  struct InHalf {
    Buffer staging_geometry, staging_appearance;    // pinned host, rows to send
    Buffer incoming_geometry, incoming_appearance;  // device, rows received
    Buffer staging_ids, incoming_ids;  // the rows' ids, when the device gathers their geometry
    // Gradients held for Gaussians coming back (zeros for the others), when the chunk has any.
    Buffer staging_grad_geometry, staging_grad_appearance;    // pinned host
    Buffer incoming_grad_geometry, incoming_grad_appearance;  // device
    std::unique_ptr<Event> gathered, h2d_done, unpacked;
    std::unique_ptr<Event> partials_added;  // on the Adam worker: held gradients are complete
  };
  struct OutHalf {
    Buffer outgoing_geometry, outgoing_appearance;  // device, gradient rows to send back
    Buffer returned_geometry, returned_appearance;  // pinned host, gradient rows received
    std::unique_ptr<Event> packed, d2h_done, adam_done;
  };
  struct Chunk {  // rows [begin, end) of the fetch list of one step
    const VisibleSet* ids;
    std::size_t begin, end;
    // Its first `held` rows are Gaussians coming back with gradients held on the host.
    std::size_t held = 0;
    int step = 0;  // the camera (in visiting order) that fetches it
  };

  // One batch's cameras as culled and scheduled.
  struct BatchPlan {
    std::vector<std::string> names;  // per view of the request
    std::vector<VisibleSet> visible;
    ViewSchedule schedule;
    VisibleSet touched;               // every row a camera of the batch sees
    std::vector<VisibleSet> leaving;  // rows leaving after step k: finished, then returning
  };
  // Sphere tests of a survey made mid-run to word a refusal (the whole-run check before the
  // first step makes up to kExactSurveyTests): a sample with its margin is enough there.
  static constexpr std::size_t kRefreshSurveyTests = std::size_t{1} << 28;

  // After a whole model was loaded into the store: its step, the device side (refused when the
  // budget cannot hold the rest of the run), the plan shown again before the next batch.
  void adopt_store();
  // After the store changed size: device side released, budget re-planned, arena laid out
  // again, culling set rebuilt. With `whole_run`, a budget below the need is refused first.
  void rebuild_device_side(bool whole_run = false);
  // The plan for the budget; with `whole_run`, also the need from a survey of every camera on
  // the store's model (after a densification the layout only: the refusals survey anew).
  void replan(bool whole_run);
  VisibilitySurvey survey_cameras(std::size_t survey_tests) const;
  BudgetNeed need_from(const VisibilitySurvey& survey) const;
  void allocate();
  // The renderer's workspaces for a working set of `capacity` rows, its pairs capped there.
  void reserve_render_workspaces(std::size_t capacity);
  void note_banded_rendering(const std::string& camera);
  void refresh_culling(const std::uint32_t* ids, std::size_t count);
  // A row's culling radius: its footprint's, or under deferred Adam the drifting sphere's that
  // also bounds the steps it has not taken yet (offload/deferred_drift.hpp).
  float sphere_radius(std::size_t id) const;
  void refresh_culling_all();
  // Resident geometry: one Adam step on the device, then the culling set from the new geometry.
  void step_device_geometry(const BatchRequest& request, float grad_scale);
  std::vector<VisibleSet> cull(const std::vector<PinholeCamera>& cameras);
  // Culls the request's cameras, refuses a view that cannot fit, orders them.
  BatchPlan plan_batch(const BatchRequest& request);
  // The batch's inbound chunks in order; element k is step k's first chunk (k = cameras: the end).
  std::vector<std::size_t> queue_inbound_chunks(const ViewSchedule& schedule, int cameras);
  // Step k: its chunks land, the camera renders, its loss and backward run, and the Gaussians the
  // next camera does not need send their gradients home.
  void run_step(const BatchRequest& request, const BatchPlan& plan, int k,
                const std::vector<std::size_t>& first_chunk, float grad_scale, BatchResult& result);
  // After the last step: streams drained, Adam finished, geometry stepped or culling refreshed.
  void finish_batch(const BatchRequest& request, const BatchPlan& plan, float grad_scale);
  void check_fits(const std::vector<VisibleSet>& visible, const std::vector<std::string>& names);
  void gather_through(std::size_t chunk);
  // Streams `chunk` into the working set (admitting its ids) on the copy and compute streams:
  // upload_ahead() then land().
  void load(std::size_t chunk);
  // Uploads, in order, the chunks up to `chunk` that may cross now: gathered (held gradients
  // complete) and at most two past the last landed one, whose incoming half they take.
  void upload_ahead(std::size_t chunk);
  // Gathered rows of one chunk into its incoming half, on the upload stream.
  void upload(std::size_t chunk);
  // Admits the chunk's ids and unpacks its rows into their slots, on the compute stream.
  void land(std::size_t chunk);
  // Sends the gradients of `ids` (finished ones first) home and hands them to CPU Adam.
  void send_back(const VisibleSet& ids, const std::vector<std::uint32_t>& slots,
                 std::size_t finished, float grad_scale);
  void synchronize_all() noexcept;
  // The disk tier, when offload.host_budget caps the store: the spill file, its measured read
  // rate, and the budget checked against what the engine needs resident at once.
  void enable_disk_tier();
  // The batch's chunks resident and pinned, in order of first use, the next batch's announced
  // (and read ahead where room is left).
  void pin_batch_chunks(const BatchRequest& request, const BatchPlan& plan);
  void record_disk_metrics();
  // The disk tier's plan for the size the run is planned to reach, and a warning when the spill
  // folder's free space is short of it.
  void warn_disk_tier_space() const;
  // Gaussians the device culls (and keeps a sphere for): all of them, or none when the engine
  // culls by chunks on the host or streams the whole model.
  std::size_t device_culled() const {
    return options_.whole_model || options_.chunk_culling ? 0 : store_.size();
  }
  // The global id of each working-set row, for the renderer to break depth ties as resident
  // training does (it renders rows in global-id order). The slot table is host memory, which
  // is device memory on the CPU backend; the CUDA renderer breaks ties by row order anyway.
  const std::uint32_t* working_set_order_keys() const {
    return backend_.kind() == BackendKind::Cpu ? residency_.slot_ids().data() : nullptr;
  }

  Backend& backend_;
  DeviceArena& arena_;
  Stream& compute_;
  ViewRenderer& renderer_;
  std::unique_ptr<DeviceRows> rows_;
  OffloadOptions options_;
  const ViewSource& train_views_;
  const ViewSource* eval_views_;

  // Geometry floats a streamed row carries: 11, or 0 when geometry stays on the device.
  std::size_t streamed_geometry_width_;
  GaussianStore store_;
  RowAdam adam_;
  PartialGradients partials_;
  ResidencyMap residency_;
  OffloadPlan plan_;
  BudgetNeed need_;
  bool plan_shown_ = false;     // printed at the first batch after a model was pushed or loaded
  bool banding_noted_ = false;  // a view rendered in bands was reported
  int completed_step_ = 0;

  // Uploads and downloads on separate copy streams: the next camera's rows must not queue behind
  // this camera's gradients, which wait for its backward pass.
  std::unique_ptr<Stream> copy_, copy_back_;
  CpuStream gather_worker_, adam_worker_;
  Buffer spheres_;            // device culling set, N x 4 (culling by Gaussians)
  ChunkCuller chunk_culler_;  // host culling set and block bounds (culling by chunks)
  // The bound deferred rows' spheres are written with (from the latest batch's rates); empty
  // until the first batch.
  std::optional<DriftBound> drift_;
  DeviceGeometry geometry_;  // resident geometry (empty unless options_.resident_geometry)
  WorkingSet working_set_;
  std::array<InHalf, 2> in_;
  std::array<OutHalf, 2> out_;
  std::vector<Chunk> chunks_;  // this batch's inbound chunks, in order
  // Timing events on the compute stream around each chunk's wait for its upload: when the
  // stream reached the wait and when the upload released it.
  struct UploadWait {
    std::unique_ptr<Event> reached, released;
  };
  std::vector<UploadWait> upload_waits_;  // a pool; the first upload_waits_used_ are this batch's
  std::size_t upload_waits_used_ = 0;
  // Per step, the fetch list with the Gaussians that come back (held gradients) first.
  std::vector<VisibleSet> fetch_order_;
  std::size_t gathered_ = 0;    // chunks_ handed to the gather worker so far
  std::size_t uploaded_ = 0;    // chunks_ whose copies are on the upload stream
  std::size_t landed_ = 0;      // chunks_ unpacked into slots (in order)
  int sent_back_through_ = -1;  // last step of this batch whose gradients were sent home
  std::size_t in_count_ = 0, out_count_ = 0;  // chunks ever sent each way: the half in use
  bool evaluating_ = false;          // evaluation renders do not count as training transfers
  Buffer host_statistics_;           // pinned: screen gradients and radii of one view
  Buffer sphere_ids_, sphere_rows_;  // pinned: culling-set refresh in chunks
  // Set and read on the upload / download stream only.
  double upload_started_ = 0, download_started_ = 0;
  ExecutorMetrics metrics_;
};

}  // namespace splat
