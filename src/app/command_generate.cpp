// `splatstream generate`: writes a procedural scene as a COLMAP dataset whose images our
// renderer made from known Gaussians (so a trained model can be judged against the truth).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "app/commands.hpp"
#include "core/byte_size.hpp"
#include "core/error.hpp"
#include "core/host_memory.hpp"
#include "io/dataset_defaults.hpp"
#include "tools/scenes/city_dataset.hpp"
#include "tools/scenes/generated_dataset.hpp"
#include "tools/scenes/orbit_scene.hpp"

namespace splat::app {

namespace {

struct GenerateOptions {
  std::string scene = "orbit";
  std::string camera_set;
  std::string out;
  std::size_t gaussians = 0;  // 0: the scene's default
  int views = 0;
  std::string resolution;
  std::uint64_t seed = 1;
  std::string backend = "auto";
  std::size_t block_gaussians = CityOptions{}.gaussians_per_block;
  int sh_degree = -1;  // -1: the scene's default
  bool quiet = false;
};

void parse_resolution(const std::string& text, int& width, int& height) {
  char x = 0;
  char extra = 0;
  const int fields = std::sscanf(text.c_str(), "%d%c%d%c", &width, &x, &height, &extra);
  SPLAT_REQUIRE(fields == 3 && (x == 'x' || x == 'X') && width > 0 && height > 0 &&
                    width <= 16384 && height <= 16384,
                "generate: --resolution must be WIDTHxHEIGHT (e.g. 256x256), got '", text, "'");
}

int run_orbit(const GenerateOptions& o) {
  SPLAT_REQUIRE(o.camera_set.empty(), "generate: --camera-set applies to --scene city only");
  OrbitSceneOptions scene;
  if (o.gaussians > 0) scene.gaussians = o.gaussians;
  if (o.views > 0) scene.views = o.views;
  if (o.sh_degree >= 0) scene.sh_degree = o.sh_degree;
  scene.seed = o.seed;
  parse_resolution(o.resolution.empty() ? "256x256" : o.resolution, scene.width, scene.height);
  DatasetWriteOptions write;
  write.backend = o.backend;
  write_generated_dataset(o.out, generate_orbit_scene(scene), write);
  return 0;
}

int run_city(const GenerateOptions& o) {
  CityDatasetOptions city;
  city.camera_set = parse_city_camera_set(o.camera_set.empty() ? "aerial" : o.camera_set);
  if (o.gaussians > 0) city.city.gaussians = o.gaussians;
  if (o.views > 0) city.views = o.views;
  if (o.sh_degree >= 0) city.city.sh_degree = o.sh_degree;
  city.city.gaussians_per_block = o.block_gaussians;
  city.city.seed = o.seed;
  city.backend = o.backend;
  city.quiet = o.quiet;
  parse_resolution(o.resolution.empty() ? "640x480" : o.resolution, city.width, city.height);
  const CityDatasetReport report = write_city_dataset(o.out, city);
  std::size_t widest = 0;
  for (std::size_t n : report.rendered_per_view) widest = std::max(widest, n);
  std::printf(
      "%zu Gaussians in %.1fs (%.3g/s), %zu views in %.1fs (%.3g/s), views rendered from at most "
      "%zu Gaussians (%zu held), peak host memory %s\n",
      report.gaussians, report.ply_seconds, report.gaussians / report.ply_seconds, report.views,
      report.view_seconds, report.views / report.view_seconds, widest, report.most_gaussians_held,
      format_bytes(peak_host_resident_bytes()).c_str());
  // Beyond it the views show nothing of the city: a far plane there keeps training from
  // streaming what no image shows. The dataset carries it (train, plan, eval and render read it).
  if (report.draw_distance > 0)
    std::printf("views drawn to %.1f m: the dataset's %s sets data.far_plane: %.1f\n",
                report.draw_distance, kDatasetDefaultsFile, report.draw_distance);
  return 0;
}

int run_generate(const GenerateOptions& o) {
  SPLAT_REQUIRE(o.scene == "orbit" || o.scene == "city",
                "generate: --scene must be orbit or city, got '", o.scene, "'");
  if (o.scene == "orbit")
    run_orbit(o);
  else
    run_city(o);
  std::printf("dataset written to %s\n", o.out.c_str());
  return 0;
}

}  // namespace

void register_generate_command(CLI::App& app) {
  add_command(app, "generate", "write a procedural scene as a COLMAP dataset", [](CLI::App& sub) {
    auto o = std::make_shared<GenerateOptions>();
    sub.add_option("--scene", o->scene, "orbit (a still life) or city (blocks of buildings)")
        ->capture_default_str();
    sub.add_option("--camera-set", o->camera_set, "city cameras: aerial (default) or street");
    sub.add_option("--out", o->out, "dataset folder to write")->required();
    sub.add_option("--gaussians", o->gaussians,
                   "ground-truth Gaussians (orbit 60000, city 1000000)");
    sub.add_option("--views", o->views, "cameras (orbit 48, city 64)");
    sub.add_option("--resolution", o->resolution, "WIDTHxHEIGHT (orbit 256x256, city 640x480)");
    sub.add_option("--seed", o->seed, "random seed")->capture_default_str();
    sub.add_option("--backend", o->backend, "renderer: auto, cpu or cuda")->capture_default_str();
    sub.add_option("--block-gaussians", o->block_gaussians,
                   "city: about this many Gaussians per block (sets the city's size)")
        ->capture_default_str();
    sub.add_option("--sh-degree", o->sh_degree, "SH degree of the ground truth (orbit 3, city 1)");
    sub.add_flag("--quiet", o->quiet, "city: no progress lines");
    return [o] { return run_generate(*o); };
  });
}

}  // namespace splat::app
