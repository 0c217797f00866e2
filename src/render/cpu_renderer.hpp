// The CPU reference renderer: project, bin, rasterize one view, and take an image gradient back
// to the Gaussians' parameters. It keeps its workspaces between views so the training loop does
// not allocate once sizes settle. Templated on the scalar: float for training, double for the
// gradient checks against the autograd oracle.
#pragma once

#include <cstdint>
#include <vector>

#include "math/camera.hpp"
#include "render/gaussian_params.hpp"
#include "render/projected_gaussians.hpp"
#include "render/rasterize_tiles.hpp"
#include "render/tile_bins.hpp"

namespace splat {

template <class S>
class CpuRenderer {
 public:
  // Renders into image (height x width x 3). `params` must stay valid until backward().
  // order_keys (N, read during this call only): what breaks ties between Gaussians of equal
  // depth in place of the row index (see tile_bins.hpp); backward() follows the same order.
  void forward(const GaussianParams<S>& params, const PinholeCamera& camera, int active_sh_degree,
               const S background[3], S* image, const std::uint32_t* order_keys = nullptr);
  // Accumulates the gradients of dL/dimage into grads; overwrites screen_grad (N x 2, NDC units)
  // and radii (N, pixels; 0 = not rendered).
  void backward(const S* dimage, GaussianGrads<S>& grads, S* screen_grad, S* radii);

  const ProjectedGaussians<S>& projected() const { return projected_; }
  const TileBins& bins() const { return bins_; }
  const RasterState<S>& raster_state() const { return raster_; }
  const ProjectedGradients<S>& projected_gradients() const { return gradients_2d_; }

 private:
  GaussianParams<S> params_{};
  PinholeCamera camera_{};
  int active_sh_degree_ = 0;
  S background_[3] = {0, 0, 0};
  ProjectedGaussians<S> projected_;
  TileBins bins_;
  RasterState<S> raster_;
  std::vector<S> pair_gradients_;
  ProjectedGradients<S> gradients_2d_;
};

}  // namespace splat
