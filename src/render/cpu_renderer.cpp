#include "render/cpu_renderer.hpp"

#include "core/error.hpp"

namespace splat {

template <class S>
void CpuRenderer<S>::forward(const GaussianParams<S>& params, const PinholeCamera& camera,
                             int active_sh_degree, const S background[3], S* image,
                             const std::uint32_t* order_keys) {
  SPLAT_REQUIRE(camera.width > 0 && camera.height > 0, "cannot render a ", camera.width, "x",
                camera.height, " image");
  SPLAT_REQUIRE(active_sh_degree >= 0 && active_sh_degree <= params.stored_sh_degree,
                "active SH degree ", active_sh_degree, " is outside 0..", params.stored_sh_degree);
  params_ = params;
  camera_ = camera;
  active_sh_degree_ = active_sh_degree;
  for (int c = 0; c < 3; ++c) background_[c] = background[c];
  project_gaussians(params, camera, active_sh_degree, projected_);
  bin_tiles(projected_, camera.width, camera.height, bins_, order_keys);
  rasterize_forward(projected_, bins_, camera.width, camera.height, background_, image, raster_);
}

template <class S>
void CpuRenderer<S>::backward(const S* dimage, GaussianGrads<S>& grads, S* screen_grad, S* radii) {
  rasterize_backward(projected_, bins_, camera_.width, camera_.height, background_, dimage, raster_,
                     pair_gradients_, gradients_2d_);
  project_gaussians_backward(params_, camera_, active_sh_degree_, projected_, gradients_2d_, grads,
                             screen_grad, radii);
}

template class CpuRenderer<float>;
template class CpuRenderer<double>;

}  // namespace splat
