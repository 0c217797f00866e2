// What the offload engine relies on: rendering a camera's culled visible set gives the image,
// loss and gradients that rendering the whole model gives, on a real scene's cameras.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "io/scene.hpp"
#include "io/scene_initialization.hpp"
#include "model/trainable_gaussians.hpp"
#include "offload/frustum_culling.hpp"
#include "shared_data.hpp"
#include "train/cpu_view_renderer.hpp"

using namespace splat;

namespace {

GaussianArrays arrays_of(GaussianModel& m) {
  return {
      m.means.data(), m.log_scales.data(), m.rotations.data(), m.opacity_logits.data(), m.sh.data(),
      m.size(),       m.sh_degree};
}

GaussianModel gather_rows(GaussianModel& m, const VisibleSet& ids) {
  GaussianModel out;
  out.sh_degree = m.sh_degree;
  out.resize(ids.size());
  const auto sh = static_cast<std::size_t>(m.sh_coefficients()) * 3;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::size_t r = ids[i];
    std::copy_n(&m.means[r * 3], 3, &out.means[i * 3]);
    std::copy_n(&m.log_scales[r * 3], 3, &out.log_scales[i * 3]);
    std::copy_n(&m.rotations[r * 4], 4, &out.rotations[i * 4]);
    out.opacity_logits[i] = m.opacity_logits[r];
    std::copy_n(&m.sh[r * sh], sh, &out.sh[i * sh]);
  }
  return out;
}

}  // namespace

TEST_CASE("a camera's visible subset renders and differentiates like the whole model",
          "[culling]") {
  DataOptions options;
  options.resolution = 8;
  const Scene scene = load_scene(test::shared_data("lego"), options);
  GaussianModel model = initial_gaussians(scene, 20000, 1, 3, true);
  std::vector<float> spheres(model.size() * 4);
  build_culling_spheres(model, 0, model.size(), spheres.data());
  auto renderer = make_cpu_view_renderer();
  const float background[3] = {1, 1, 1};
  for (std::size_t v = 0; v < scene.train.size(); v += 17) {
    const PinholeCamera& camera = scene.train[v].camera;
    const VisibleSet visible = cull_cameras_cpu(spheres.data(), model.size(), {camera})[0];
    INFO("view " << v << ": " << visible.size() << " of " << model.size() << " visible");
    ViewImage truth{camera.width, camera.height,
                    std::vector<float>(std::size_t(camera.width) * camera.height * 3, 0.5f)};

    GaussianModel full_grads;
    full_grads.sh_degree = 1;
    full_grads.resize(model.size());
    std::vector<float> full_screen(model.size() * 2), full_radii(model.size());
    renderer->forward(arrays_of(model), camera, 1, background);
    const LossValue full = renderer->loss(truth, 0.2f);
    renderer->backward(arrays_of(full_grads), full_screen.data(), full_radii.data());
    ViewImage full_image;
    renderer->read_image(full_image);

    GaussianModel subset = gather_rows(model, visible);
    GaussianModel subset_grads;
    subset_grads.sh_degree = 1;
    subset_grads.resize(visible.size());
    std::vector<float> screen(visible.size() * 2), radii(visible.size());
    renderer->forward(arrays_of(subset), camera, 1, background);
    const LossValue part = renderer->loss(truth, 0.2f);
    renderer->backward(arrays_of(subset_grads), screen.data(), radii.data());
    ViewImage image;
    renderer->read_image(image);

    CHECK(image.rgb == full_image.rgb);
    CHECK(part.loss == full.loss);
    const GaussianModel gathered = gather_rows(full_grads, visible);
    CHECK(subset_grads.means == gathered.means);
    CHECK(subset_grads.sh == gathered.sh);
    CHECK(subset_grads.rotations == gathered.rotations);
    // Nothing outside the visible set has a gradient.
    double outside = 0, outside_radii = 0;
    std::size_t next = 0;
    for (std::size_t i = 0; i < model.size(); ++i) {
      if (next < visible.size() && visible[next] == i) {
        ++next;
        continue;
      }
      outside += std::abs(full_grads.opacity_logits[i]) + std::abs(full_grads.means[i * 3]);
      outside_radii += full_radii[i] > 0;
    }
    CHECK(outside == 0);
    // Nor a screen radius: densification statistics see exactly what they see resident.
    CHECK(outside_radii == 0);
    // The subset's radii are the whole model's.
    const VisibleSet& ids = visible;
    for (std::size_t i = 0; i < ids.size(); ++i) REQUIRE(radii[i] == full_radii[ids[i]]);
    for (std::size_t i = 0; i < ids.size() * 2; ++i)
      REQUIRE(screen[i] == full_screen[ids[i / 2] * 2 + i % 2]);
  }
}
