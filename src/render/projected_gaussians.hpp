// What projection produces for every Gaussian of one view (N-sized, structure of arrays), and
// the CPU passes that fill it and take its gradients back to the parameters.
#pragma once

#include <cstdint>
#include <vector>

#include "math/camera.hpp"
#include "render/gaussian_params.hpp"

namespace splat {

template <class S>
struct ProjectedGaussians {
  std::vector<S> mean2d;   // N x 2, pixels
  std::vector<S> conic;    // N x 3
  std::vector<S> depth;    // N
  std::vector<S> radius;   // N, pixels; 0 = not rendered in this view
  std::vector<S> color;    // N x 3, SH colour (clamped at 0)
  std::vector<S> opacity;  // N, sigmoid of the logit
  // Tiles to blend in, [x0, x1) x [y0, y1): where alpha can reach 1/255 within the 3-sigma
  // radius (see math/tile_rect.hpp). Empty for culled or too faint Gaussians.
  std::vector<std::int32_t> tile_rect;  // N x 4: x0, y0, x1, y1
  std::size_t count() const { return depth.size(); }
  void resize(std::size_t n);
};

// Per-Gaussian gradients of the 2D quantities, gathered from all pixels of a view.
template <class S>
struct ProjectedGradients {
  std::vector<S> mean2d;   // N x 2
  std::vector<S> conic;    // N x 3
  std::vector<S> opacity;  // N, with respect to the sigmoid output
  std::vector<S> color;    // N x 3
};

// Projects every Gaussian (OpenMP over Gaussians): EWA projection, SH colour at the active
// degree, opacity, and the rectangle of 16x16 tiles its 3-sigma radius covers.
template <class S>
void project_gaussians(const GaussianParams<S>& params, const PinholeCamera& camera,
                       int active_sh_degree, ProjectedGaussians<S>& out);

// Takes the 2D gradients back to the parameters (accumulating into grads), and writes for every
// Gaussian the screen-space mean gradient in the units of the densification threshold and the
// screen radius (0 where not rendered).
template <class S>
void project_gaussians_backward(const GaussianParams<S>& params, const PinholeCamera& camera,
                                int active_sh_degree, const ProjectedGaussians<S>& projected,
                                const ProjectedGradients<S>& d2d, GaussianGrads<S>& grads,
                                S* screen_grad, S* radii);

}  // namespace splat
