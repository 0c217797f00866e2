// What a run needs from the compute backend it trains on: a view renderer, a parameter store
// for resident training, and device memory accounting. The CPU and the CUDA backend both
// provide it, so the training loop and the command line never test which one they have.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/backend.hpp"
#include "math/camera.hpp"
#include "offload/device_rows.hpp"
#include "offload/offload_engine.hpp"
#include "train/batch_executor.hpp"
#include "train/parameter_store.hpp"
#include "train/train_config.hpp"
#include "train/view_renderer.hpp"

namespace splat {

class RenderBackend {
 public:
  virtual ~RenderBackend() = default;
  virtual BackendKind kind() const = 0;
  virtual std::string description() const = 0;
  virtual ViewRenderer& renderer() = 0;
  virtual std::unique_ptr<ParameterStore> make_store(TrainableGaussians& host) = 0;
  // The executor `config.mode` asks for: resident over make_store(), or the offload engine
  // (offload / naive) with a device arena of offload.gpu_budget, planned for `train_views`
  // (and the image sizes of `eval_views`, rendered through the same arena).
  virtual std::unique_ptr<BatchExecutor> make_executor(TrainableGaussians& host,
                                                       const TrainConfig& config,
                                                       const ViewSource& train_views,
                                                       const ViewSource* eval_views = nullptr) = 0;
  // Device memory: the budget the arena reserved and the most of it ever in use (both 0 on
  // the CPU backend, which has no device).
  virtual std::size_t device_budget() const = 0;
  virtual std::size_t peak_device_bytes() const = 0;
};

// What a run's offload engine is given on a backend of `kind`, without making one (for plans
// made before any allocation): the options (on CUDA the renderer's share of the arena planned
// for the largest of `cameras`' images), the row ops' scratch, and the arena's budget.
OffloadOptions offload_options_for(const TrainConfig& config, BackendKind kind,
                                   const std::vector<PinholeCamera>& cameras);
DeviceRowsScratch device_rows_scratch(BackendKind kind, std::size_t culled_gaussians);
std::size_t offload_budget(const TrainConfig& config, const Backend& backend);

// The backend the config's `backend` key selects (`auto` says in one line when it falls back).
std::unique_ptr<RenderBackend> make_render_backend(const TrainConfig& config);

}  // namespace splat
