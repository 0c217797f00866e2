// `splatstream generate`: writes a procedural scene as a COLMAP dataset whose images our
// renderer made from known Gaussians (so a trained model can be judged against the truth).
#include <cstdio>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "core/error.hpp"
#include "tools/scenes/generated_dataset.hpp"
#include "tools/scenes/orbit_scene.hpp"

namespace splat::app {

namespace {

struct GenerateOptions {
  std::string scene = "orbit";
  std::string out;
  std::size_t gaussians = 60000;
  int views = 48;
  std::string resolution = "256x256";
  std::uint64_t seed = 1;
  std::string backend = "auto";
};

void parse_resolution(const std::string& text, int& width, int& height) {
  char x = 0;
  char extra = 0;
  const int fields = std::sscanf(text.c_str(), "%d%c%d%c", &width, &x, &height, &extra);
  SPLAT_REQUIRE(fields == 3 && (x == 'x' || x == 'X') && width > 0 && height > 0 &&
                    width <= 16384 && height <= 16384,
                "generate: --resolution must be WIDTHxHEIGHT (e.g. 256x256), got '", text, "'");
}

int run_generate(const GenerateOptions& o) {
  SPLAT_REQUIRE(o.scene == "orbit", "generate: unknown scene '", o.scene, "' (orbit)");
  OrbitSceneOptions scene;
  scene.gaussians = o.gaussians;
  scene.views = o.views;
  scene.seed = o.seed;
  parse_resolution(o.resolution, scene.width, scene.height);
  DatasetWriteOptions write;
  write.backend = o.backend;
  write_generated_dataset(o.out, generate_orbit_scene(scene), write);
  std::printf("dataset written to %s\n", o.out.c_str());
  return 0;
}

}  // namespace

void register_generate_command(CLI::App& app) {
  add_command(app, "generate", "write a procedural scene as a COLMAP dataset", [](CLI::App& sub) {
    auto o = std::make_shared<GenerateOptions>();
    sub.add_option("--scene", o->scene, "scene kind: orbit")->capture_default_str();
    sub.add_option("--out", o->out, "dataset folder to write")->required();
    sub.add_option("--gaussians", o->gaussians, "ground-truth Gaussians")->capture_default_str();
    sub.add_option("--views", o->views, "cameras")->capture_default_str();
    sub.add_option("--resolution", o->resolution, "WIDTHxHEIGHT")->capture_default_str();
    sub.add_option("--seed", o->seed, "random seed")->capture_default_str();
    sub.add_option("--backend", o->backend, "auto, cpu or cuda")->capture_default_str();
    return [o] { return run_generate(*o); };
  });
}

}  // namespace splat::app
