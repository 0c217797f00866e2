#include "render/projected_gaussians.hpp"

#include <algorithm>

#include "math/alpha_blending.hpp"
#include "math/ewa_projection.hpp"
#include "math/render_constants.hpp"
#include "math/spherical_harmonics.hpp"
#include "math/tile_rect.hpp"

namespace splat {

template <class S>
void ProjectedGaussians<S>::resize(std::size_t n) {
  mean2d.resize(n * 2);
  conic.resize(n * 3);
  depth.resize(n);
  radius.resize(n);
  color.resize(n * 3);
  opacity.resize(n);
  tile_rect.resize(n * 4);
}

template <class S>
void project_gaussians(const GaussianParams<S>& p, const PinholeCamera& camera,
                       int active_sh_degree, ProjectedGaussians<S>& out) {
  const std::size_t n = p.count;
  out.resize(n);
  const int tiles_x = tiles_across(camera.width), tiles_y = tiles_across(camera.height);
  const int stored = (p.stored_sh_degree + 1) * (p.stored_sh_degree + 1);
  S center[3];
  camera_center_of(camera.R, camera.t, center);
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t signed_i = 0; signed_i < static_cast<std::ptrdiff_t>(n); ++signed_i) {
    const std::size_t i = static_cast<std::size_t>(signed_i);
    std::int32_t* rect = &out.tile_rect[i * 4];
    ScreenGaussian<S> g;
    bool visible =
        project_gaussian(camera, &p.means[i * 3], &p.log_scales[i * 3], &p.rotations[i * 4], g);
    if (visible) {
      tile_rect(g.mean2d, g.radius, g.radius, tiles_x, tiles_y, rect);
      visible = !tile_rect_empty(rect);
    }
    if (!visible) {
      rect[0] = rect[1] = rect[2] = rect[3] = 0;
      out.radius[i] = 0;
      continue;
    }
    const S opacity = sigmoid(p.opacity_logits[i]);
    S reach[2];
    if (blending_reach(g.conic, opacity, g.radius, reach))
      tile_rect(g.mean2d, reach[0], reach[1], tiles_x, tiles_y, rect);
    else
      rect[0] = rect[1] = rect[2] = rect[3] = 0;  // visible, but too faint to blend anywhere
    out.mean2d[i * 2] = g.mean2d[0];
    out.mean2d[i * 2 + 1] = g.mean2d[1];
    for (int k = 0; k < 3; ++k) out.conic[i * 3 + k] = g.conic[k];
    out.depth[i] = g.depth;
    out.radius[i] = g.radius;
    out.opacity[i] = opacity;
    bool clamped[3];
    sh_to_color(active_sh_degree, &p.sh[i * stored * 3], &p.means[i * 3], center, &out.color[i * 3],
                clamped);
  }
}

template <class S>
void project_gaussians_backward(const GaussianParams<S>& p, const PinholeCamera& camera,
                                int active_sh_degree, const ProjectedGaussians<S>& projected,
                                const ProjectedGradients<S>& d2d, GaussianGrads<S>& grads,
                                S* screen_grad, S* radii) {
  const std::size_t n = p.count;
  const int stored = (p.stored_sh_degree + 1) * (p.stored_sh_degree + 1);
  const int active = (active_sh_degree + 1) * (active_sh_degree + 1);
  S center[3];
  camera_center_of(camera.R, camera.t, center);
  // Densification thresholds expect the gradient with respect to normalised device coordinates.
  const S to_ndc_x = S(render::kScreenGradientScale) * S(camera.width);
  const S to_ndc_y = S(render::kScreenGradientScale) * S(camera.height);
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t signed_i = 0; signed_i < static_cast<std::ptrdiff_t>(n); ++signed_i) {
    const std::size_t i = static_cast<std::size_t>(signed_i);
    radii[i] = projected.radius[i];
    if (!(projected.radius[i] > 0)) {
      screen_grad[i * 2] = screen_grad[i * 2 + 1] = 0;
      continue;
    }
    const S* dmean2d = &d2d.mean2d[i * 2];
    screen_grad[i * 2] = dmean2d[0] * to_ndc_x;
    screen_grad[i * 2 + 1] = dmean2d[1] * to_ndc_y;

    const S o = projected.opacity[i];
    grads.opacity_logits[i] += d2d.opacity[i] * o * (S(1) - o);

    S dmean[3] = {0, 0, 0};
    S dsh[16 * 3];
    sh_to_color_backward(active_sh_degree, &p.sh[i * stored * 3], &p.means[i * 3], center,
                         &d2d.color[i * 3], dsh, dmean);
    S* gsh = &grads.sh[i * stored * 3];
    for (int k = 0; k < active * 3; ++k) gsh[k] += dsh[k];

    S dmean_projection[3], dlog_scale[3], dq[4];
    project_gaussian_backward(camera, &p.means[i * 3], &p.log_scales[i * 3], &p.rotations[i * 4],
                              dmean2d, &d2d.conic[i * 3], dmean_projection, dlog_scale, dq);
    for (int k = 0; k < 3; ++k) {
      grads.means[i * 3 + k] += dmean[k] + dmean_projection[k];
      grads.log_scales[i * 3 + k] += dlog_scale[k];
    }
    for (int k = 0; k < 4; ++k) grads.rotations[i * 4 + k] += dq[k];
  }
}

#define SPLAT_INSTANTIATE(S)                                                              \
  template struct ProjectedGaussians<S>;                                                  \
  template void project_gaussians<S>(const GaussianParams<S>&, const PinholeCamera&, int, \
                                     ProjectedGaussians<S>&);                             \
  template void project_gaussians_backward<S>(                                            \
      const GaussianParams<S>&, const PinholeCamera&, int, const ProjectedGaussians<S>&,  \
      const ProjectedGradients<S>&, GaussianGrads<S>&, S*, S*);
SPLAT_INSTANTIATE(float)
SPLAT_INSTANTIATE(double)
#undef SPLAT_INSTANTIATE

}  // namespace splat
