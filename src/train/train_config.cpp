#include "train/train_config.hpp"

#include "core/config_schema.hpp"
#include "core/error.hpp"
#include "train/step_schedules.hpp"

namespace splat {

void bind_train_config(ConfigSchema& s, TrainConfig& c) {
  constexpr long long kMaxSteps = 100'000'000;
  s.add_string("backend", &c.backend, {"auto", "cpu", "cuda"},
               "auto uses a GPU when one is usable, else the CPU");
  s.add_string("mode", &c.mode, {"resident", "offload", "naive"},
               "where parameters live: resident (all in GPU memory), offload (pinned host "
               "memory; each camera's visible Gaussians streamed through a GPU working set), "
               "naive (host memory; the whole model copied to the GPU and back every batch)");
  s.add_bytes("device.memory_budget", &c.device_memory_budget, 0,
              "GPU memory a resident run may use, e.g. 20GiB (0: all the GPU has free, less a "
              "margin)");
  s.add_bytes("offload.gpu_budget", &c.offload.gpu_budget, 0,
              "all device memory the offload and naive modes may use, e.g. 8GiB (0: as "
              "device.memory_budget on a GPU, 2GiB on the CPU backend); the plan printed "
              "before the first step says what it holds");
  s.add_string("offload.resident", &c.offload.resident, {"culling", "geometry"},
               "what stays on the GPU for every Gaussian: culling (position and bounding "
               "radius, 20 bytes with the visible-id list; everything else streams) or "
               "geometry (also position, scale, rotation, opacity with their Adam state and "
               "gradient sum, 196 bytes; only the SH streams and geometry Adam runs on the "
               "GPU)");
  s.add_string("offload.culling", &c.offload.culling, {"gaussians", "chunks"},
               "how cameras are culled in offload mode: gaussians (every Gaussian's bounding "
               "sphere on the GPU, 20 bytes each there) or chunks (the spheres in host memory "
               "with a bound per block of 4096 rows; a camera tests the blocks, then the spheres "
               "of the blocks it meets, on the CPU; nothing N-sized on the GPU); with "
               "model.spatial_order: morton a block is a small region of space");
  s.add_bytes("offload.host_budget", &c.offload.host_budget, 0,
              "host memory the offload store (parameters and Adam state) may take, e.g. 8GiB "
              "(0: no cap, all of it in memory); the rest lives in a scratch file in "
              "offload.spill_dir, in chunks of 65,536 Gaussians, read back as cameras need them");
  s.add_count("offload.chunk_rows", &c.offload.chunk_rows,
              "Gaussians per chunk of the offload store, a multiple of 1024 (the disk tier reads "
              "and writes whole chunks: smaller ones read less beside what a camera sees, larger "
              "ones fewer times)");
  s.add_string("offload.spill_dir", &c.offload.spill_dir, {},
               "folder for the disk tier's scratch file (empty: spill/ inside the run's "
               "output); an NVMe drive with direct I/O is what it is made for");
  s.add_float("offload.plan_growth", &c.offload.plan_growth, 1.0, 1000.0,
              "the model size a budget is planned for while densification may still add "
              "Gaussians, as a multiple of the size at the start (or at a resume); unused when "
              "densify.max_gaussians caps the model, which is then the size planned for");
  s.add_string("scheduler.order", &c.offload.order, {"sampled", "tsp"},
               "camera order within a batch in offload mode: sampled (as drawn) or tsp (so "
               "consecutive cameras share the most Gaussians)");
  s.add_string("optimizer.untouched", &c.offload.untouched, {"dense", "skip", "deferred"},
               "Adam for Gaussians a batch did not see (offload mode): dense (every step, "
               "plain Adam), skip (sparse Adam, per-Gaussian step counts), deferred (the "
               "skipped steps replayed when next used: dense's values at sparse cost)");
  s.add_uint64("seed", &c.seed, "seed of every random choice (deterministic on the CPU)");

  s.add_string("data.images", &c.data.images, {}, "image folder of a COLMAP scene");
  s.add_int("data.resolution", &c.data.resolution, 1, 64, "image downscale factor (1, 2, 4, 8)");
  s.add_int("data.max_width", &c.data.max_width, 0, 1 << 20,
            "downscale wider images to this width (0: never)");
  s.add_int("data.test_every", &c.data.test_every, 0, 1 << 20,
            "every n-th image by name is a test view (0: no test views)");
  s.add_float("data.far_plane", &c.data.far_plane, 0.0, 1e30,
              "far plane of every camera in scene units (0: none): Gaussians at or beyond it are "
              "neither drawn nor streamed; a street-level city's draw distance keeps each "
              "camera's visible set to what it can show");
  s.add_string("data.background", &c.data.background, {"white", "black"},
               "background colour behind RGBA images and the renderer");
  s.add_bytes("data.image_cache", &c.data.image_cache, 0,
              "host memory for decoded images, e.g. 2GiB (least recently used leave first)");
  s.add_int("data.decode_threads", &c.data.decode_threads, 0, 256,
            "background image decoding threads (0: one per core, at most 8)");
  s.add_string("data.cache_dir", &c.data.cache_dir, {},
               "cache of undistorted images (empty: $XDG_CACHE_HOME/splatstream or "
               "~/.cache/splatstream)");

  s.add_int("train.iterations", &c.iterations, 1, kMaxSteps, "optimizer steps");
  s.add_int("train.batch_size", &c.batch_size, 1, 1024, "cameras per optimizer step");
  s.add_string("scheduler.batches", &c.scheduler_batches, {"random", "coherent"},
               "cameras of a batch: random, or a random camera and its nearest neighbours "
               "(shared Gaussians, less streaming)");
  s.add_int_list("train.eval_at", &c.eval_at, 1, kMaxSteps,
                 "steps after which to evaluate (the defaults follow train.schedule_scale; steps "
                 "past the end are dropped and the last step added)");
  s.add_string("train.schedule_scale", &c.schedule_scale, {},
               "factor for every step schedule not set by hand (densify.from/until/interval/"
               "opacity_reset_every, model.sh_increase_every, train.eval_at), or auto: "
               "iterations/30000 below 30000 steps");
  s.add_int("train.checkpoint_every", &c.checkpoint_every, 0, kMaxSteps,
            "steps between checkpoints (0: at the end and on Ctrl-C only)");
  s.add_int("train.snapshot_every", &c.snapshot_every, 0, kMaxSteps,
            "steps between snapshots of the model and metrics in <out>/snapshot/ for a viewer to "
            "follow (0: none)");
  s.add_count("viewer.max_splats", &c.viewer_max_splats,
              "splatstream view sends at most this many Gaussians (those with the largest "
              "opacity x volume) to the page");
  s.add_int("train.log_every", &c.log_every, 1, kMaxSteps,
            "steps between progress lines when stdout is not a terminal");
  s.add_float("train.ssim_weight", &c.ssim_weight, 0.0, 1.0, "lambda of (1-l) L1 + l D-SSIM");

  s.add_int("model.sh_degree", &c.sh_degree, 0, 3, "largest spherical-harmonics degree");
  s.add_int("model.sh_increase_every", &c.sh_increase_every, 1, kMaxSteps,
            "steps between raising the active SH degree");
  s.add_int("model.random_init_count", &c.random_init_count, 1, 100'000'000,
            "Gaussians of the random initialisation (scenes without points)");
  s.add_string("model.random_init_region", &c.random_init_region, {"viewed", "cameras"},
               "random initialisation in the region the cameras look at, or the box of the camera "
               "centres");
  s.add_string("model.spatial_order", &c.spatial_order, {"morton", "none"},
               "row order of the Gaussians: morton (Z-order of their positions, at the start and "
               "after each densification, so a camera's Gaussians sit in few chunks of the "
               "offload store) or none (as loaded, new Gaussians appended at the end)");
  s.add_string("model.init_ply", &c.init_ply, {},
               "start from this 3DGS PLY (a trained model) instead of the dataset's points");

  s.add_float("lr.position", &c.lr.position, 0.0, 1.0, "initial position rate (x extent)");
  s.add_float("lr.position_final", &c.lr.position_final, 0.0, 1.0,
              "final position rate (x extent), reached at the last step");
  s.add_float("lr.sh_dc", &c.lr.sh_dc, 0.0, 1.0, "SH degree-0 rate");
  s.add_float("lr.sh_rest", &c.lr.sh_rest, 0.0, 1.0, "higher SH degrees' rate");
  s.add_float("lr.opacity", &c.lr.opacity, 0.0, 10.0, "opacity rate");
  s.add_float("lr.scale", &c.lr.scale, 0.0, 1.0, "log-scale rate");
  s.add_float("lr.rotation", &c.lr.rotation, 0.0, 1.0, "rotation rate");
  s.add_string("lr.batch_scaling", &c.lr.batch_scaling, {"sqrt", "none"},
               "learning rates x sqrt(batch size), or unchanged");

  DensifyConfig& d = c.densify;
  s.add_int("densify.from", &d.from_step, 0, kMaxSteps, "first densification step");
  s.add_int("densify.until", &d.until_step, 0, kMaxSteps, "no densification from this step on");
  s.add_int("densify.interval", &d.interval, 1, kMaxSteps, "steps between densifications");
  s.add_int("densify.opacity_reset_every", &d.opacity_reset_interval, 1, kMaxSteps,
            "steps between opacity resets");
  s.add_float("densify.grad_threshold", &d.grad_threshold, 0.0, 1.0,
              "mean screen-space gradient above which Gaussians densify");
  s.add_float("densify.percent_dense", &d.percent_dense, 0.0, 1.0,
              "clone below / split above this fraction of the extent");
  s.add_float("densify.min_opacity", &d.min_opacity, 0.0, 1.0, "prune below this opacity");
  s.add_count("densify.max_gaussians", &d.max_gaussians,
              "cap on the number of Gaussians (0: none)");
}

void validate_train_config(const TrainConfig& c) {
  schedule_scale_factor(c);  // throws for a bad train.schedule_scale
  for (int step : c.eval_at)
    SPLAT_REQUIRE(step <= c.iterations, "train.eval_at: step ", step,
                  " is after the last step (train.iterations = ", c.iterations, ")");
  SPLAT_REQUIRE(c.lr.position_final <= c.lr.position,
                "lr.position_final must not exceed lr.position");
  SPLAT_REQUIRE(c.offload.chunk_rows > 0 && c.offload.chunk_rows % 1024 == 0,
                "offload.chunk_rows must be a positive multiple of 1024 (it is ",
                c.offload.chunk_rows, ")");
  SPLAT_REQUIRE(!(c.offload.host_budget > 0 && c.offload.resident == "geometry"),
                "offload.host_budget needs offload.resident: culling (resident geometry copies "
                "every Gaussian's geometry between the GPU and the store at once)");
  SPLAT_REQUIRE(!(c.offload.culling == "chunks" && c.offload.resident == "geometry"),
                "offload.culling: chunks needs offload.resident: culling (resident geometry "
                "keeps every Gaussian's geometry on the GPU and culls it there)");
}

}  // namespace splat

namespace splat {

std::string finish_train_config(TrainConfig& config, const ConfigSchema& schema,
                                const ScheduleRecipe& recipe) {
  schedule_scale_factor(config);  // a bad value is reported before anything is scaled by it
  std::string line = resolve_step_schedules(config, schema, recipe);
  validate_train_config(config);
  return line;
}

}  // namespace splat
