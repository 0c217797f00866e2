#include "tools/scenes/gaussian_view_render.hpp"

namespace splat {

Image render_gaussian_view(RenderBackend& backend, const GaussianModel& model,
                           const PinholeCamera& camera, const float background[3]) {
  ViewImage render;
  if (backend.kind() == BackendKind::Cpu) {
    // The CPU renderer reads host arrays in place; forward only reads the parameters.
    auto& m = const_cast<GaussianModel&>(model);
    const GaussianArrays params{m.means.data(),     m.log_scales.data(),
                                m.rotations.data(), m.opacity_logits.data(),
                                m.sh.data(),        m.size(),
                                m.sh_degree};
    backend.renderer().forward(params, camera, model.sh_degree, background);
    backend.renderer().read_image(render);
  } else {
    // Device stores upload parameters with their moments; the moments are zeros here.
    TrainableGaussians host;
    host.params = model;
    host.reset_optimizer_state();
    auto store = backend.make_store(host);
    backend.renderer().forward(store->params(), camera, model.sh_degree, background);
    backend.renderer().read_image(render);
  }
  Image image(render.width, render.height, 3);
  image.pixels = std::move(render.rgb);
  return image;
}

}  // namespace splat
