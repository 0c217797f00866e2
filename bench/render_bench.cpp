// Forward + loss + backward on fixed scenes, on the CPU or the CUDA backend, through the
// ViewRenderer the trainer uses. Prints the median milliseconds of each phase and Gaussian-pixel
// evaluations per second.
//
//   render_bench [--backend cpu|cuda] [--scene small|large|trained|all] [--iterations N]
//                [--gpu-budget 8GiB] [--model PLY --data DIR [--set key=value ...]]
//
// small: 50k random-textured Gaussians of the procedural orbit still life at 256x256 (both
// backends). large: 1M at 1920x1080 on CUDA, 500k at 800x800 on the CPU; the rendered model is
// a perturbed copy of the one that made the target. trained: a trained model (--model, e.g. a
// few thousand steps of `splatstream train`) at 8 of its dataset's training views against their
// real images, which is what training renders; random scenes alone do not show how much of the
// image saturates early. Times are per view. Evaluations are counted with the CPU reference as
// the sum over pixels of the tile entries up to each pixel's last contributor: the work both
// passes must do.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/backend.hpp"
#include "core/backend_select.hpp"
#include "core/buffer.hpp"
#include "core/byte_size.hpp"
#include "core/config_schema.hpp"
#include "core/device_arena.hpp"
#include "core/error.hpp"
#include "io/gaussian_ply.hpp"
#include "io/image_cache.hpp"
#include "io/scene.hpp"
#include "render/cpu_renderer.hpp"
#include "tools/scenes/orbit_scene.hpp"
#include "train/cpu_view_renderer.hpp"
#include "train/train_config.hpp"
#include "train/view_renderer.hpp"
#if SPLAT_WITH_CUDA
#include "train/cuda_view_renderer.hpp"
#endif

namespace splat {
namespace {

struct BenchScene {
  const char* name;
  std::size_t gaussians;
  int width, height;
};

struct Options {
  std::string backend = "cpu";
  std::string scene = "all";
  int iterations = 5;
  std::size_t gpu_budget = std::size_t(8) << 30;
  std::string model_path, data_dir;  // the trained case
  std::vector<std::string> overrides;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      SPLAT_REQUIRE(i + 1 < argc, arg, " needs a value");
      return argv[++i];
    };
    if (arg == "--backend")
      o.backend = value();
    else if (arg == "--scene")
      o.scene = value();
    else if (arg == "--iterations")
      o.iterations = std::max(1, std::atoi(value().c_str()));
    else if (arg == "--gpu-budget")
      o.gpu_budget = parse_bytes(value());
    else if (arg == "--model")
      o.model_path = value();
    else if (arg == "--data")
      o.data_dir = value();
    else if (arg == "--set")
      o.overrides.push_back(value());
    else
      fail("unknown argument ", arg, " (see the comment at the top of render_bench.cpp)");
  }
  SPLAT_REQUIRE(o.backend == "cpu" || o.backend == "cuda", "--backend is cpu or cuda");
  SPLAT_REQUIRE(o.model_path.empty() == o.data_dir.empty(), "--model and --data go together");
  SPLAT_REQUIRE(o.scene != "trained" || !o.model_path.empty(),
                "--scene trained needs --model PLY --data DIR");
  return o;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// Model arrays wherever the backend keeps them: host vectors on the CPU, arena buffers on CUDA.
struct PlacedModel {
  std::vector<Buffer> device;  // params then grads, 5 each (CUDA only)
  GaussianArrays params{}, grads{};
  std::vector<float> host_grads[5];
  Buffer screen_grad, radii;
};

// What one benchmark renders: a model, the views and their targets.
struct BenchCase {
  std::string name;
  GaussianModel model;
  std::vector<PinholeCamera> cameras;
  std::vector<std::vector<float>> targets;  // per camera, height x width x 3
  float background[3] = {0, 0, 0};
};

BenchCase random_case(const BenchScene& spec) {
  OrbitSceneOptions scene_options;
  scene_options.gaussians = spec.gaussians;
  scene_options.width = spec.width;
  scene_options.height = spec.height;
  scene_options.views = 8;
  scene_options.sh_degree = 3;
  GeneratedScene scene = generate_orbit_scene(scene_options);
  BenchCase c;
  c.name = spec.name;
  c.cameras = {scene.cameras[0]};
  // The target is the ground truth's render; the rendered model is a perturbed copy, so the
  // loss and every gradient are non-trivial.
  const GaussianModel& truth = scene.model;
  c.model = truth;
  std::mt19937 rng(7);
  std::normal_distribution<float> noise(0.0f, 0.05f);
  for (float& v : c.model.log_scales) v += noise(rng);
  for (float& v : c.model.sh) v += noise(rng);
  const PinholeCamera& camera = c.cameras[0];
  std::vector<float> target(std::size_t(camera.width) * camera.height * 3);
  CpuRenderer<float> reference;
  const GaussianParams<float> t{truth.means.data(),     truth.log_scales.data(),
                                truth.rotations.data(), truth.opacity_logits.data(),
                                truth.sh.data(),        truth.size(),
                                truth.sh_degree};
  reference.forward(t, camera, 3, c.background, target.data());
  c.targets.push_back(std::move(target));
  return c;
}

// Eight training views spread over the dataset's training split, with their real images.
BenchCase trained_case(const Options& options) {
  TrainConfig config;
  ConfigSchema schema;
  bind_train_config(schema, config);
  for (const std::string& o : options.overrides) schema.apply_override(o);
  BenchCase c;
  c.name = "trained";
  c.model = read_gaussian_ply(options.model_path);
  const Scene scene = load_scene(options.data_dir, config.data);
  SPLAT_REQUIRE(!scene.train.empty(), options.data_dir, ": no training views");
  const std::size_t count = std::min<std::size_t>(8, scene.train.size());
  std::vector<SceneView> views;
  for (std::size_t i = 0; i < count; ++i)
    views.push_back(scene.train[i * scene.train.size() / count]);
  ImageCache images(views, image_cache_options(config.data));
  for (std::size_t v = 0; v < images.count(); ++v) {
    c.cameras.push_back(images.camera(v));
    c.targets.push_back(images.image(v)->rgb);
  }
  const float level = config.data.background == "white" ? 1.0f : 0.0f;
  for (float& b : c.background) b = level;
  return c;
}

void run_case(BenchCase bench, const Options& options) {
  GaussianModel& model = bench.model;
  const float* background = bench.background;
  const std::size_t n = model.size();
  std::uint64_t evaluations = 0;
  {
    CpuRenderer<float> reference;
    const GaussianParams<float> m{model.means.data(),     model.log_scales.data(),
                                  model.rotations.data(), model.opacity_logits.data(),
                                  model.sh.data(),        n,
                                  model.sh_degree};
    for (const PinholeCamera& camera : bench.cameras) {
      std::vector<float> image(std::size_t(camera.width) * camera.height * 3);
      reference.forward(m, camera, model.sh_degree, background, image.data());
      for (std::uint32_t c : reference.raster_state().contributors) evaluations += c;
    }
  }

  std::unique_ptr<Backend> backend = make_backend(options.backend);
  std::unique_ptr<Stream> stream = backend->create_stream();
  std::unique_ptr<DeviceArena> arena;
  std::unique_ptr<ViewRenderer> renderer;
  PlacedModel placed;
  float* params_arrays[5] = {model.means.data(), model.log_scales.data(), model.rotations.data(),
                             model.opacity_logits.data(), model.sh.data()};
  const std::size_t sizes[5] = {model.means.size(), model.log_scales.size(), model.rotations.size(),
                                model.opacity_logits.size(), model.sh.size()};
  float *screen_ptr = nullptr, *radii_ptr = nullptr;
  float* grad_ptrs[5];
  std::vector<float> host_screen(n * 2), host_radii(n);
  if (backend->kind() == BackendKind::Cuda) {
#if SPLAT_WITH_CUDA
    arena = std::make_unique<DeviceArena>(*backend, options.gpu_budget);
    float* param_ptrs[5];
    for (int a = 0; a < 5; ++a) {
      placed.device.push_back(arena->allocate(sizes[a] * 4, "bench parameters"));
      stream->copy_async(placed.device.back().data(), params_arrays[a], sizes[a] * 4);
      param_ptrs[a] = placed.device.back().as<float>();
      placed.device.push_back(arena->allocate(sizes[a] * 4, "bench gradients"));
      grad_ptrs[a] = placed.device.back().as<float>();
    }
    placed.params = {param_ptrs[0],  param_ptrs[1], param_ptrs[2], param_ptrs[3], param_ptrs[4], n,
                     model.sh_degree};
    placed.screen_grad = arena->allocate(n * 2 * 4, "bench screen gradients");
    placed.radii = arena->allocate(n * 4, "bench radii");
    stream->synchronize();
    screen_ptr = placed.screen_grad.as<float>();
    radii_ptr = placed.radii.as<float>();
    renderer = make_cuda_view_renderer(*backend, *arena, *stream);
#endif
  } else {
    for (int a = 0; a < 5; ++a) {
      placed.host_grads[a].assign(sizes[a], 0.0f);
      grad_ptrs[a] = placed.host_grads[a].data();
    }
    placed.params = {params_arrays[0], params_arrays[1], params_arrays[2],
                     params_arrays[3], params_arrays[4], n,
                     model.sh_degree};
    screen_ptr = host_screen.data();
    radii_ptr = host_radii.data();
    renderer = make_cpu_view_renderer();
  }
  SPLAT_REQUIRE(renderer != nullptr, "this build has no CUDA backend");
  placed.grads = {grad_ptrs[0],   grad_ptrs[1], grad_ptrs[2], grad_ptrs[3], grad_ptrs[4], n,
                  model.sh_degree};

  std::vector<ViewImage> target_views;
  for (std::size_t v = 0; v < bench.cameras.size(); ++v)
    target_views.push_back({bench.cameras[v].width, bench.cameras[v].height, bench.targets[v]});
  const double views = static_cast<double>(bench.cameras.size());
  std::vector<double> forward_ms, loss_ms, backward_ms, total_ms;
  for (int it = -1; it < options.iterations; ++it) {  // iteration -1 warms up (workspaces)
    double f = 0, l = 0, b = 0;
    const auto start = Clock::now();
    for (std::size_t v = 0; v < bench.cameras.size(); ++v) {
      const auto forward_start = Clock::now();
      renderer->forward(placed.params, bench.cameras[v], model.sh_degree, background);
      stream->synchronize();
      f += ms_since(forward_start);
      const auto loss_start = Clock::now();
      // Includes uploading the ground truth, as training does; returns the value, so it waits.
      renderer->loss(target_views[v], 0.2f);
      l += ms_since(loss_start);
      const auto backward_start = Clock::now();
      renderer->backward(placed.grads, screen_ptr, radii_ptr);
      stream->synchronize();
      b += ms_since(backward_start);
    }
    if (it < 0) continue;
    forward_ms.push_back(f / views);
    loss_ms.push_back(l / views);
    backward_ms.push_back(b / views);
    total_ms.push_back(ms_since(start) / views);
  }
  const double total = median(total_ms);
  const PinholeCamera& camera = bench.cameras[0];
  std::printf(
      "%-5s %-7s %8zu Gaussians %4dx%-4d  forward %9.2f ms  loss %8.2f ms  backward %9.2f ms  "
      "total %9.2f ms  backward/forward %.2f  %.3g Gaussian-pixel evaluations/s (%.3g per view)\n",
      options.backend.c_str(), bench.name.c_str(), n, camera.width, camera.height,
      median(forward_ms), median(loss_ms), median(backward_ms), total,
      median(backward_ms) / median(forward_ms), double(evaluations) / views / (total / 1000.0),
      double(evaluations) / views);
  std::fflush(stdout);
}

}  // namespace
}  // namespace splat

int main(int argc, char** argv) {
  using namespace splat;
  try {
    const Options options = parse(argc, argv);
    const bool cuda = options.backend == "cuda";
    const BenchScene small{"small", 50'000, 256, 256};
    const BenchScene large =
        cuda ? BenchScene{"large", 1'000'000, 1920, 1080} : BenchScene{"large", 500'000, 800, 800};
    if (options.scene == "small" || options.scene == "all") run_case(random_case(small), options);
    if (options.scene == "large" || options.scene == "all") run_case(random_case(large), options);
    if (options.scene == "trained" || (options.scene == "all" && !options.model_path.empty()))
      run_case(trained_case(options), options);
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "render_bench: %s\n", e.what());
    return 1;
  }
}
