// End to end on the CPU: the resident trainer with the reference renderer learns the generated
// orbit scene from a sparse point cloud, and is deterministic for a seed.
#include <catch2/catch.hpp>

#include <cmath>

#include "render/cpu_renderer.hpp"
#include "tools/scenes/orbit_scene.hpp"
#include "train/cpu_view_renderer.hpp"
#include "train/memory_view_source.hpp"
#include "train/trainer.hpp"

using namespace splat;

namespace {

struct OrbitData {
  MemoryViewSource train, test;
  TrainableGaussians initial;
};

OrbitData make_orbit_data() {
  OrbitSceneOptions o;
  o.gaussians = 20000;
  o.views = 24;
  o.width = 96;
  o.height = 96;
  o.sparse_points = 2000;
  const auto scene = generate_orbit_scene(o);
  OrbitData d;
  CpuRenderer<float> renderer;
  const auto& m = scene.model;
  const GaussianParams<float> params{
      m.means.data(), m.log_scales.data(), m.rotations.data(), m.opacity_logits.data(), m.sh.data(),
      m.size(),       m.sh_degree};
  const float white[3] = {1, 1, 1};
  for (std::size_t v = 0; v < scene.cameras.size(); ++v) {
    ViewImage image{o.width, o.height, std::vector<float>(o.width * o.height * 3)};
    renderer.forward(params, scene.cameras[v], 3, white, image.rgb.data());
    (v % 8 == 0 ? d.test : d.train).add(scene.image_names[v], scene.cameras[v], std::move(image));
  }
  // Sparse points as small isotropic grey-ish Gaussians of their colour.
  GaussianModel& g = d.initial.params;
  g.sh_degree = 1;
  g.resize(scene.points.size() / 3);
  for (std::size_t i = 0; i < g.size(); ++i) {
    for (int a = 0; a < 3; ++a) {
      g.means[i * 3 + a] = scene.points[i * 3 + a];
      g.log_scales[i * 3 + a] = std::log(0.04f);
      g.sh[i * 12 + a] = (scene.colors[i * 3 + a] / 255.0f - 0.5f) / 0.28209479f;
    }
    g.rotations[i * 4] = 1;
    g.opacity_logits[i] = std::log(0.1f / 0.9f);
  }
  d.initial.reset_optimizer_state();
  return d;
}

TrainConfig orbit_config(int iterations) {
  TrainConfig c;
  c.iterations = iterations;
  c.sh_degree = 1;
  c.sh_increase_every = 100;
  c.densify.from_step = 50;
  c.densify.interval = 50;
  c.densify.until_step = iterations;
  c.densify.opacity_reset_interval = 100000;
  c.seed = 3;
  return c;
}

}  // namespace

TEST_CASE("trainer: the CPU backend learns the orbit scene", "[train]") {
  OrbitData d = make_orbit_data();
  auto renderer = make_cpu_view_renderer();
  const TrainConfig config = orbit_config(1000);
  Trainer trainer(config, 5.0f, d.initial, d.train, *renderer, make_host_parameter_store);
  const double before = trainer.evaluate(d.test).mean_psnr;
  for (int s = 0; s < config.iterations; ++s) trainer.step();
  const double after = trainer.evaluate(d.test).mean_psnr;
  INFO("test PSNR " << before << " -> " << after << " with " << trainer.gaussian_count()
                    << " Gaussians");
  CHECK(after > before + 6.0);
  CHECK(after > 22.0);
  CHECK(trainer.gaussian_count() > d.initial.size());  // densification added Gaussians
}

TEST_CASE("trainer: the CPU backend is deterministic for a seed", "[train]") {
  OrbitData d = make_orbit_data();
  auto renderer = make_cpu_view_renderer();
  const TrainConfig config = orbit_config(60);
  Trainer a(config, 5.0f, d.initial, d.train, *renderer, make_host_parameter_store);
  Trainer b(config, 5.0f, d.initial, d.train, *renderer, make_host_parameter_store);
  for (int s = 0; s < config.iterations; ++s) a.step(), b.step();
  CHECK(a.gaussians().params.means == b.gaussians().params.means);
  CHECK(a.gaussians().params.sh == b.gaussians().params.sh);
}
