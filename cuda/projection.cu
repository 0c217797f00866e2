#include "core/cuda_check.hpp"
#include "cuda/launch.cuh"
#include "cuda/projection.cuh"
#include "math/alpha_blending.hpp"
#include "math/ewa_projection.hpp"
#include "math/render_constants.hpp"
#include "math/spherical_harmonics.hpp"
#include "math/tile_rect.hpp"

namespace splat::cuda {

namespace {

constexpr int kThreads = 256;

__global__ void project_gaussians_kernel(DeviceGaussians g, PinholeCamera camera,
                                         int active_sh_degree, int tiles_x, int tiles_y,
                                         DeviceProjection out) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= g.count) return;
  const int stored = (g.stored_sh_degree + 1) * (g.stored_sh_degree + 1);
  const float* mean = &g.means[i * 3];
  ScreenGaussian<float> s;
  std::int32_t rect[4] = {0, 0, 0, 0};
  bool visible = project_gaussian(camera, mean, &g.log_scales[i * 3], &g.rotations[i * 4], s);
  if (visible) {
    tile_rect(s.mean2d, s.radius, s.radius, tiles_x, tiles_y, rect);
    visible = !tile_rect_empty(rect);
  }
  if (!visible) {
    // Every field is written, so nothing downstream reads stale values of a culled Gaussian.
    for (int k = 0; k < 2; ++k) out.mean2d[i * 2 + k] = 0;
    for (int k = 0; k < 3; ++k) out.conic[i * 3 + k] = out.color[i * 3 + k] = 0;
    for (int k = 0; k < 4; ++k) out.tile_rect[i * 4 + k] = 0;
    out.depth[i] = 0;
    out.radius[i] = 0;
    out.opacity[i] = 0;
    out.tile_count[i] = 0;
    return;
  }
  out.mean2d[i * 2] = s.mean2d[0];
  out.mean2d[i * 2 + 1] = s.mean2d[1];
  for (int k = 0; k < 3; ++k) out.conic[i * 3 + k] = s.conic[k];
  out.depth[i] = s.depth;
  out.radius[i] = s.radius;
  const float opacity = sigmoid(g.opacity_logits[i]);
  out.opacity[i] = opacity;
  // Blend only in tiles where alpha can reach 1/255 (as the CPU reference does).
  float reach[2];
  if (blending_reach(s.conic, opacity, s.radius, reach))
    tile_rect(s.mean2d, reach[0], reach[1], tiles_x, tiles_y, rect);
  else
    rect[0] = rect[1] = rect[2] = rect[3] = 0;
  for (int k = 0; k < 4; ++k) out.tile_rect[i * 4 + k] = rect[k];
  out.tile_count[i] = tile_rect_empty(rect)
                          ? 0u
                          : static_cast<std::uint32_t>((rect[2] - rect[0]) * (rect[3] - rect[1]));
  float center[3];
  camera_center_of(camera.R, camera.t, center);
  float rgb[3];
  bool clamped[3];
  sh_to_color(active_sh_degree, &g.sh[static_cast<std::size_t>(i) * stored * 3], mean, center, rgb,
              clamped);
  for (int k = 0; k < 3; ++k) out.color[i * 3 + k] = rgb[k];
}

// One thread per Gaussian, so the parameter gradients need no atomics: each row has one writer.
__global__ void project_gaussians_backward_kernel(DeviceGaussians g, PinholeCamera camera,
                                                  int active_sh_degree, const float* radius,
                                                  const float* opacity, DeviceProjectionGrads d2d,
                                                  DeviceGaussianGrads grads, float* screen_grad,
                                                  float* radii) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= g.count) return;
  radii[i] = radius[i];
  if (!(radius[i] > 0)) {
    screen_grad[i * 2] = screen_grad[i * 2 + 1] = 0;
    return;
  }
  const int stored = (g.stored_sh_degree + 1) * (g.stored_sh_degree + 1);
  const int active = (active_sh_degree + 1) * (active_sh_degree + 1);
  // Densification thresholds expect the gradient with respect to normalised device coordinates.
  const float to_ndc_x = render::kScreenGradientScale * static_cast<float>(camera.width);
  const float to_ndc_y = render::kScreenGradientScale * static_cast<float>(camera.height);
  const float dmean2d[2] = {d2d.mean2d[i * 2], d2d.mean2d[i * 2 + 1]};
  screen_grad[i * 2] = dmean2d[0] * to_ndc_x;
  screen_grad[i * 2 + 1] = dmean2d[1] * to_ndc_y;

  const float o = opacity[i];
  grads.opacity_logits[i] += d2d.opacity[i] * o * (1.0f - o);

  const float* mean = &g.means[i * 3];
  float center[3];
  camera_center_of(camera.R, camera.t, center);
  const float drgb[3] = {d2d.color[i * 3], d2d.color[i * 3 + 1], d2d.color[i * 3 + 2]};
  float dmean[3] = {0, 0, 0};
  float dsh[16 * 3];
  const std::size_t sh_row = static_cast<std::size_t>(i) * stored * 3;
  sh_to_color_backward(active_sh_degree, &g.sh[sh_row], mean, center, drgb, dsh, dmean);
  for (int k = 0; k < active * 3; ++k) grads.sh[sh_row + k] += dsh[k];

  const float dconic[3] = {d2d.conic[i * 3], d2d.conic[i * 3 + 1], d2d.conic[i * 3 + 2]};
  float dmean_projection[3], dlog_scale[3], dq[4];
  project_gaussian_backward(camera, mean, &g.log_scales[i * 3], &g.rotations[i * 4], dmean2d,
                            dconic, dmean_projection, dlog_scale, dq);
  for (int k = 0; k < 3; ++k) {
    grads.means[i * 3 + k] += dmean[k] + dmean_projection[k];
    grads.log_scales[i * 3 + k] += dlog_scale[k];
  }
  for (int k = 0; k < 4; ++k) grads.rotations[i * 4 + k] += dq[k];
}

unsigned blocks_for(std::uint32_t count) {
  return (count + kThreads - 1) / kThreads;
}

}  // namespace

void launch_project_gaussians(const DeviceGaussians& gaussians, const PinholeCamera& camera,
                              int active_sh_degree, const DeviceProjection& out,
                              cudaStream_t stream) {
  if (gaussians.count == 0) return;
  SPLAT_LAUNCH(project_gaussians_kernel, blocks_for(gaussians.count), kThreads, 0, stream)
  (gaussians, camera, active_sh_degree, tiles_across(camera.width), tiles_across(camera.height),
   out);
  SPLAT_CUDA_CHECK_LAUNCH("project_gaussians_kernel");
}

void launch_project_gaussians_backward(const DeviceGaussians& gaussians,
                                       const PinholeCamera& camera, int active_sh_degree,
                                       const DeviceProjection& projected,
                                       const DeviceProjectionGrads& d2d,
                                       const DeviceGaussianGrads& grads, float* screen_grad,
                                       float* radii, cudaStream_t stream) {
  if (gaussians.count == 0) return;
  SPLAT_LAUNCH(project_gaussians_backward_kernel, blocks_for(gaussians.count), kThreads, 0, stream)
  (gaussians, camera, active_sh_degree, projected.radius, projected.opacity, d2d, grads,
   screen_grad, radii);
  SPLAT_CUDA_CHECK_LAUNCH("project_gaussians_backward_kernel");
}

}  // namespace splat::cuda
