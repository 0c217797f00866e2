// The CUDA backend's ViewRenderer: projection, tile binning (CUB radix sort), tile rasterizer
// and the fused loss as kernels on one stream, over device pointers (parameters, gradients,
// images and targets all live on the device). Its workspaces come from the arena and grow only
// when a view needs more, so the budget accounting stays exact and the hot loop does not
// allocate once sizes settle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "core/backend.hpp"
#include "core/device_arena.hpp"
#include "train/view_renderer.hpp"

namespace splat {

class CudaViewRenderer final : public ViewRenderer {
 public:
  CudaViewRenderer(Backend& backend, DeviceArena& arena, Stream& stream);
  ~CudaViewRenderer() override;

  // ViewRenderer: the image and the uploaded target live in the renderer's own device buffers.
  // Depth ties break by row order (the stable sort keeps Gaussian order); order_keys is
  // ignored, since honouring it would take a wider sort key for no reproducibility gained.
  void forward(const GaussianArrays& params, const PinholeCamera& camera, int active_sh_degree,
               const float background[3], const std::uint32_t* order_keys) override;
  LossValue loss(const ViewImage& truth, float ssim_weight) override;
  void backward(const GaussianArrays& grads, float* screen_grad, float* radii) override;
  void read_image(ViewImage& out) override;
  ImageQuality quality(const ViewImage& truth) override;
  void release_workspaces() override;
  void reserve_workspaces(std::size_t rows, int width, int height, std::size_t pairs) override;
  BandedRendering banded_rendering() const override;

  // The same on caller-owned device images (height x width x 3), for tests and benchmarks.
  void render_to(const GaussianArrays& params, const PinholeCamera& camera, int active_sh_degree,
                 const float background[3], float* device_image);
  LossValue loss_against(const float* device_target, float ssim_weight);
  ImageQuality quality_of(const float* device_image, const float* device_target, int width,
                          int height);

  // backward() from a given dL/dimage (device, height x width x 3) instead of the last loss's.
  void backward_from(const float* dimage, const GaussianArrays& grads, float* screen_grad,
                     float* radii);

  // What the last forward / loss left on the device, for tests: per pixel the final
  // transmittance and the contributor count, and dL/dimage.
  const float* final_transmittance() const;
  const std::uint32_t* contributors() const;
  const float* image_gradient() const;
  std::size_t pair_count() const;  // of the whole view
  std::size_t band_count() const;  // the bands the last view was binned in (1: all at once)
  // The most Gaussian-tile pairs binned at once, without reserving them (reserve_workspaces
  // sets it too; release_workspaces lifts it).
  void set_pair_limit(std::size_t pairs);
  // Fills every workspace array the next forward must write with 0xFF bytes (NaN for floats),
  // so a test sees any element the kernels leave unwritten.
  void set_poison_outputs(bool poison);

 private:
  // Copies a host ground truth into the renderer's target buffer (stream-ordered).
  const float* upload_target(const ViewImage& truth);

  struct State;
  std::unique_ptr<State> state_;
};

std::unique_ptr<ViewRenderer> make_cuda_view_renderer(Backend& backend, DeviceArena& arena,
                                                      Stream& stream);

// Arena bytes the renderer's workspaces take for a view of `rows` Gaussians, width x height
// pixels and `pairs` Gaussian-tile pairs (forward, loss, backward and quality): the same
// layouts the renderer allocates, with its growth headroom and the arena's alignment. Needs a
// CUDA device (CUB sizes its scratch for it).
std::size_t cuda_render_workspace_bytes(std::size_t rows, int width, int height, std::size_t pairs);

}  // namespace splat
