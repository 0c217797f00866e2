// Everything a training run is configured by, with the reference 3DGS recipe as defaults.
// Keys are documented in bind_train_config(); configs/*.yaml are presets of these keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "model/densification.hpp"
#include "train/step_schedules.hpp"

namespace splat {

class ConfigSchema;

struct LearningRates {
  float position = 1.6e-4f;        // x scene extent, decaying to position_final
  float position_final = 1.6e-6f;  // x scene extent
  float sh_dc = 2.5e-3f;
  float sh_rest = 2.5e-3f / 20.0f;
  float opacity = 0.05f;
  float scale = 5e-3f;
  float rotation = 1e-3f;
  // How learning rates follow the batch size B: "sqrt" multiplies them by sqrt(B) (and Adam's
  // betas by B-th powers), as batched 3DGS trainers do; "none" leaves them.
  std::string batch_scaling = "sqrt";
};

struct DataOptions {
  std::string images = "images";     // image folder of COLMAP scenes (images_2, images_4, ...)
  int resolution = 1;                // downscale factor
  int max_width = 1600;              // automatic cap on width; 0 disables it
  int test_every = 8;                // every n-th image (sorted by name) is a test view; 0: none
  std::string background = "white";  // for RGBA images and the renderer's background
  std::size_t image_cache = std::size_t{2} << 30;  // host bytes of decoded images kept
  int decode_threads = 0;                          // background decoders; 0: from the cores
  // Where undistorted images are cached between runs; empty: $XDG_CACHE_HOME/splatstream or
  // ~/.cache/splatstream.
  std::string cache_dir;
  // Every camera's far plane in scene units (0: none): the renderer draws no Gaussian whose mean
  // lies at or beyond it, and culling drops them.
  float far_plane = 0;
};

// The out-of-core modes (`mode: offload` and `mode: naive`).
struct OffloadConfig {
  // Bytes of device memory the engine may use, all of it (one arena); 0: on a GPU what
  // device.memory_budget's automatic rule gives, on the CPU backend 2 GiB.
  std::size_t gpu_budget = 0;
  std::string resident = "culling";   // what stays on the device for every Gaussian
  std::string culling = "gaussians";  // where cameras are culled: gaussians | chunks
  // Host bytes the store may take (0: no cap); the rest in a scratch file in spill_dir (empty: a
  // folder inside the run's output).
  std::size_t host_budget = 0;
  std::string spill_dir;
  std::size_t chunk_rows = std::size_t{1} << 16;  // Gaussians per store chunk
  std::string order = "tsp";                      // camera order within a batch: sampled | tsp
  std::string untouched = "deferred";             // Adam for Gaussians a batch did not see
  // The model size the budget is planned for while densification may still add Gaussians and
  // densify.max_gaussians is 0, as a multiple of the current size.
  float plan_growth = 2.0f;
};

struct TrainConfig {
  std::string backend = "auto";
  std::string mode = "resident";
  std::size_t device_memory_budget = 0;  // bytes of GPU memory a resident run may use; 0: most
  std::uint64_t seed = 0;
  DataOptions data;
  int iterations = 30000;
  int batch_size = 1;
  // How the cameras of a batch are drawn: "random" (uniform, without replacement per epoch) or
  // "coherent" (a random camera and its nearest unused neighbours).
  std::string scheduler_batches = "random";
  std::vector<int> eval_at{7000, 30000};
  // "auto" or a factor for every step-based schedule key not set by hand (step_schedules.hpp).
  std::string schedule_scale = "auto";
  int checkpoint_every = 0;                   // 0: only at the end and on interrupt
  int snapshot_every = 0;                     // 0: no snapshots for a viewer to follow
  std::size_t viewer_max_splats = 3'000'000;  // `splatstream view` sends a subset past this
  int log_every = 100;
  float ssim_weight = 0.2f;
  int sh_degree = 3;
  int sh_increase_every = 1000;
  int random_init_count = 100000;
  // Where random Gaussians go: "viewed" (the region converging cameras look at) or "cameras"
  // (the box of the camera centres).
  std::string random_init_region = "viewed";
  std::string init_ply;  // start from this trained model instead of points / random
  // Row order of the Gaussians: "morton" (spatial, at the start and after each densification)
  // or "none" (as loaded, appended rows at the end).
  std::string spatial_order = "morton";

  LearningRates lr;
  DensifyConfig densify;
  OffloadConfig offload;
};

// Registers every key of `config` in `schema`, bound to its field.
void bind_train_config(ConfigSchema& schema, TrainConfig& config);

// Checks relations between keys that single-key ranges cannot (e.g. eval steps within the run).
void validate_train_config(const TrainConfig& config);

// After every file and override: fits the step schedules to the run (resolve_step_schedules),
// then validates. Returns the schedule line for the log (empty when nothing was scaled).
std::string finish_train_config(TrainConfig& config, const ConfigSchema& schema,
                                const ScheduleRecipe& recipe = {});

}  // namespace splat
