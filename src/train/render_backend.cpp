#include "train/render_backend.hpp"

#include <algorithm>
#include <initializer_list>
#include <set>
#include <utility>

#include "core/backend_select.hpp"
#include "core/byte_size.hpp"
#include "core/device_arena.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "offload/offload_engine.hpp"
#include "train/cpu_view_renderer.hpp"
#include "train/planned_growth.hpp"

#if SPLAT_WITH_CUDA
#include "train/cuda_view_renderer.hpp"
#include "train/device_parameter_store.hpp"
#endif

namespace splat {

namespace {

[[maybe_unused]] std::vector<PinholeCamera> cameras_of(
    std::initializer_list<const ViewSource*> sources) {
  std::vector<PinholeCamera> cameras;
  for (const ViewSource* views : sources)
    for (std::size_t v = 0; views && v < views->count(); ++v) cameras.push_back(views->camera(v));
  return cameras;
}

OffloadOptions offload_options(const TrainConfig& config) {
  OffloadOptions o;
  o.order = parse_view_order(config.offload.order);
  o.untouched = parse_untouched_policy(config.offload.untouched);
  o.whole_model = config.mode == "naive";
  o.resident_geometry = config.offload.resident == "geometry";
  o.chunk_culling = config.offload.culling == "chunks";
  o.host_budget = config.offload.host_budget;
  o.spill_dir = config.offload.spill_dir;
  o.store_chunk_rows = config.offload.chunk_rows;
  o.growth = planned_growth(config);
  return o;
}

// The CPU backend's offload arena when offload.gpu_budget is 0.
constexpr std::size_t kCpuOffloadBudget = std::size_t{2} << 30;

bool streams_gaussians(const TrainConfig& config) {
  return config.mode == "offload" || config.mode == "naive";
}

class CpuRenderBackend final : public RenderBackend {
 public:
  explicit CpuRenderBackend(std::unique_ptr<Backend> backend)
      : backend_(std::move(backend)), renderer_(make_cpu_view_renderer()) {}
  BackendKind kind() const override { return BackendKind::Cpu; }
  std::string description() const override { return backend_->description(); }
  ViewRenderer& renderer() override { return *renderer_; }
  std::unique_ptr<ParameterStore> make_store(TrainableGaussians& host) override {
    return make_host_parameter_store(host);
  }
  // Offloading on the CPU backend runs the same engine over emulated device memory: an arena
  // of the budget, a compute stream and two copy streams, each a worker thread. The reference
  // renderer's own workspaces are host memory outside the arena.
  std::unique_ptr<BatchExecutor> make_executor(TrainableGaussians& host, const TrainConfig& config,
                                               const ViewSource& train_views,
                                               const ViewSource* eval_views) override {
    if (!streams_gaussians(config)) return make_resident_executor(make_store(host), *renderer_);
    const std::size_t budget =
        config.offload.gpu_budget > 0 ? config.offload.gpu_budget : kCpuOffloadBudget;
    arena_ = std::make_unique<DeviceArena>(*backend_, budget);
    compute_ = backend_->create_stream();
    return std::make_unique<OffloadEngine>(*backend_, *arena_, *compute_, *renderer_,
                                           make_cpu_device_rows(*compute_), offload_options(config),
                                           host, train_views, eval_views);
  }
  std::size_t device_budget() const override { return arena_ ? arena_->budget() : 0; }
  std::size_t peak_device_bytes() const override { return arena_ ? arena_->peak() : 0; }

 private:
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<ViewRenderer> renderer_;
  std::unique_ptr<DeviceArena> arena_;  // offload modes only
  std::unique_ptr<Stream> compute_;
};

#if SPLAT_WITH_CUDA
// Mean Gaussian-tile pairs per working-set row the renderer's share of an offload budget is
// planned for. An assumption, not a bound: trained scenes average a few 16x16 tiles per
// Gaussian, and few large Gaussians on a small image (random initialisation) about 3 pairs per
// working-set row at lego's 100x100 (culling keeps rows that get a screen radius but few tiles).
// An assumption of speed only: a view needing more pairs than the working set's share renders
// in bands of tiles within it (CudaViewRenderer), the same result in more passes.
constexpr std::size_t kPlannedPairsPerRow = 8;

// The renderer's share of an offload arena as the planner takes it: a fixed part (per pixel
// of the largest training or evaluation image, and a one-row view's constant scratch) and a
// part per working-set row, both from cuda_render_workspace_bytes (the renderer's own layouts);
// and the largest view, for which the engine takes the workspaces after each layout.
// cuda_render_workspace_bytes(r) is close to affine in r, so fixed + r * per_row covers it:
// per_row is the slope from 0 to 2^20 rows, fixed the one-row value.
void plan_render_workspaces(const std::vector<PinholeCamera>& cameras, OffloadOptions& options) {
  constexpr std::size_t kReferenceRows = std::size_t{1} << 20;
  std::set<std::pair<int, int>> sizes;
  for (const PinholeCamera& camera : cameras) sizes.emplace(camera.width, camera.height);
  options.render_pairs_per_row = kPlannedPairsPerRow;
  for (const auto& [width, height] : sizes) {
    if (std::size_t{1} * width * height >
        std::size_t{1} * options.render_width * options.render_height)
      options.render_width = width, options.render_height = height;
    const std::size_t empty = cuda_render_workspace_bytes(0, width, height, 0);
    const std::size_t one = cuda_render_workspace_bytes(1, width, height, kPlannedPairsPerRow);
    const std::size_t many = cuda_render_workspace_bytes(kReferenceRows, width, height,
                                                         kReferenceRows * kPlannedPairsPerRow);
    options.render_reserve = std::max(options.render_reserve, one);
    options.render_row_bytes =
        std::max(options.render_row_bytes, (many - empty + kReferenceRows - 1) / kReferenceRows);
  }
}

// Resident training on the GPU: parameters, moments, gradients and the renderer's workspaces
// all come from one arena of `device.memory_budget` bytes (offload.gpu_budget when the mode
// streams Gaussians: then the offload engine shares it).
class CudaRenderBackend final : public RenderBackend {
 public:
  CudaRenderBackend(std::unique_ptr<Backend> backend, std::size_t budget)
      : backend_(std::move(backend)),
        arena_(*backend_, budget),
        stream_(backend_->create_stream()),
        renderer_(make_cuda_view_renderer(*backend_, arena_, *stream_)) {}
  BackendKind kind() const override { return BackendKind::Cuda; }
  std::string description() const override { return backend_->description(); }
  ViewRenderer& renderer() override { return *renderer_; }
  std::unique_ptr<ParameterStore> make_store(TrainableGaussians& host) override {
    return make_device_parameter_store(*backend_, arena_, *stream_, host);
  }
  // Offloading: the engine's arena is this backend's (offload.gpu_budget, see
  // make_render_backend), its compute stream the renderer's, and the renderer's workspaces are
  // planned into the same budget.
  std::unique_ptr<BatchExecutor> make_executor(TrainableGaussians& host, const TrainConfig& config,
                                               const ViewSource& train_views,
                                               const ViewSource* eval_views) override {
    if (!streams_gaussians(config)) return make_resident_executor(make_store(host), *renderer_);
    const OffloadOptions options =
        offload_options_for(config, BackendKind::Cuda, cameras_of({&train_views, eval_views}));
    return std::make_unique<OffloadEngine>(*backend_, arena_, *stream_, *renderer_,
                                           make_cuda_device_rows(*backend_, arena_, *stream_),
                                           options, host, train_views, eval_views);
  }
  std::size_t device_budget() const override { return arena_.budget(); }
  std::size_t peak_device_bytes() const override { return arena_.peak(); }

 private:
  std::unique_ptr<Backend> backend_;
  DeviceArena arena_;
  std::unique_ptr<Stream> stream_;
  std::unique_ptr<ViewRenderer> renderer_;
};

// 0 means: most of what the device has free, leaving room for the CUDA context and libraries.
std::size_t resolve_device_budget(const Backend& backend, std::size_t configured) {
  if (configured > 0) return configured;
  const DeviceMemoryInfo memory = backend.device_memory();
  const std::size_t reserve = std::size_t{512} << 20;
  SPLAT_REQUIRE(memory.free_bytes > 2 * reserve, "the GPU has only ",
                format_bytes(memory.free_bytes), " free");
  return (memory.free_bytes - reserve) / 20 * 19;
}
#endif

}  // namespace

OffloadOptions offload_options_for(const TrainConfig& config, BackendKind kind,
                                   const std::vector<PinholeCamera>& cameras) {
  OffloadOptions options = offload_options(config);
#if SPLAT_WITH_CUDA
  if (kind == BackendKind::Cuda) plan_render_workspaces(cameras, options);
#else
  (void)kind, (void)cameras;
#endif
  return options;
}

DeviceRowsScratch device_rows_scratch(BackendKind kind, std::size_t culled_gaussians) {
#if SPLAT_WITH_CUDA
  if (kind == BackendKind::Cuda) return cuda_device_rows_scratch(culled_gaussians);
#endif
  (void)kind, (void)culled_gaussians;
  return {};  // the CPU rows work in the compute stream's own memory
}

std::size_t offload_budget(const TrainConfig& config, const Backend& backend) {
  // As the arena keeps it: a multiple of its alignment.
  if (backend.kind() == BackendKind::Cpu)
    return (config.offload.gpu_budget > 0 ? config.offload.gpu_budget : kCpuOffloadBudget) /
           DeviceArena::kAlignment * DeviceArena::kAlignment;
#if SPLAT_WITH_CUDA
  return resolve_device_budget(backend, config.offload.gpu_budget) / DeviceArena::kAlignment *
         DeviceArena::kAlignment;
#else
  fail("backend ", backend_kind_name(backend.kind()), " is not built into this binary");
#endif
}

std::unique_ptr<RenderBackend> make_render_backend(const TrainConfig& config) {
  std::unique_ptr<Backend> backend = make_backend(config.backend);
  if (backend->kind() == BackendKind::Cpu)
    return std::make_unique<CpuRenderBackend>(std::move(backend));
#if SPLAT_WITH_CUDA
  const std::size_t budget =
      resolve_device_budget(*backend, streams_gaussians(config) ? config.offload.gpu_budget
                                                                : config.device_memory_budget);
  return std::make_unique<CudaRenderBackend>(std::move(backend), budget);
#else
  fail("backend ", backend_kind_name(backend->kind()), " is not built into this binary");
#endif
}

}  // namespace splat
