// The embedded default written as a dataset: every loader reads it back with the generator's
// cameras, and its images are the renders of the ground truth it also writes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "io/gaussian_ply.hpp"
#include "io/image_codec.hpp"
#include "io/scene.hpp"
#include "render/cpu_renderer.hpp"
#include "temp_dir.hpp"
#include "tools/scenes/generated_dataset.hpp"

using namespace splat;

TEST_CASE("orbit dataset: COLMAP cameras, images and ground truth read back", "[tools]") {
  const test::TempDir dir("splat-orbit-dataset");
  OrbitSceneOptions o;
  o.gaussians = 3000;
  o.views = 6;
  o.width = 40;
  o.height = 30;
  o.sparse_points = 200;
  const GeneratedScene scene = generate_orbit_scene(o);
  DatasetWriteOptions write;
  write.backend = "cpu";
  write_generated_dataset(dir.path().string(), scene, write);

  DataOptions data;
  data.test_every = 0;
  const Scene loaded = load_scene(dir.path().string(), data);
  CHECK(loaded.format == "colmap-binary");
  REQUIRE(loaded.train.size() == 6);
  CHECK(loaded.points.size() == 200 * 3);
  for (std::size_t v = 0; v < 6; ++v) {
    const PinholeCamera& a = loaded.train[v].camera;
    const PinholeCamera& b = scene.cameras[v];
    CHECK(loaded.train[v].name == scene.image_names[v]);
    for (int i = 0; i < 9; ++i) CHECK(a.R[i] == Approx(b.R[i]).margin(1e-6));
    for (int i = 0; i < 3; ++i) CHECK(a.t[i] == Approx(b.t[i]).margin(1e-5));
    CHECK(a.fx == Approx(b.fx));
    CHECK(a.cx == Approx(b.cx));
    CHECK(a.width == 40);
  }
  const GaussianModel truth = read_gaussian_ply((dir / "ground_truth.ply").string());
  CHECK(truth.means == scene.model.means);
  // An image is the 8-bit render of the ground truth over white.
  const Image image = read_image((dir / ("images/" + scene.image_names[2])).string());
  CpuRenderer<float> renderer;
  std::vector<float> render(40 * 30 * 3);
  const float white[3] = {1, 1, 1};
  renderer.forward({truth.means.data(), truth.log_scales.data(), truth.rotations.data(),
                    truth.opacity_logits.data(), truth.sh.data(), truth.size(), truth.sh_degree},
                   scene.cameras[2], truth.sh_degree, white, render.data());
  double worst = 0;
  for (std::size_t i = 0; i < render.size(); ++i)
    worst = std::max<double>(worst, std::abs(std::clamp(render[i], 0.0f, 1.0f) - image.pixels[i]));
  CHECK(worst <= 0.5 / 255 + 1e-6);
}
