// What the trainer needs from a render backend for one view: forward, loss, backward, metrics.
// Pointers are in the backend's device memory (host memory for the CPU backend). One object
// per backend keeps its workspaces between calls, so the hot loop does not allocate.
#pragma once

#include <cstddef>
#include <cstdint>

#include "math/camera.hpp"
#include "train/view_source.hpp"

namespace splat {

// Views whose Gaussian-tile pairs outgrew the renderer's pair workspace (see
// ViewRenderer::reserve_workspaces) and were rendered in bands of tiles.
struct BandedRendering {
  std::size_t views = 0;       // views binned in more than one band
  std::size_t bands = 0;       // the bands of those views, together
  std::size_t pair_limit = 0;  // pairs binned at once (0: no limit)
  std::size_t most_pairs = 0;  // the most pairs one of those views had
};

// Views of the parameter arrays (the GaussianModel layout) or of gradients shaped like them.
struct GaussianArrays {
  float* means;
  float* log_scales;
  float* rotations;
  float* opacity_logits;
  float* sh;
  std::size_t count;
  int sh_degree;  // of the storage layout: (sh_degree + 1)^2 coefficients per Gaussian
};

struct ImageQuality {
  double psnr;
  double ssim;
};

// The loss of one view and the mean squared error of its render (for the training PSNR).
struct LossValue {
  float loss;
  float mse;
};

// Renders one view at a time into a buffer the backend owns (device memory for CUDA), so the
// training loop never moves images it does not need on the host.
class ViewRenderer {
 public:
  virtual ~ViewRenderer() = default;
  // Renders `camera` with the active SH degree and keeps what backward needs. order_keys
  // (params.count, in backend memory, read during this call only) is each row's global id when
  // the rows are a subset of a model in another order: Gaussians of equal depth then blend in
  // key order rather than row order, as they would in the whole model. nullptr: row order.
  // The CPU renderer honours it; the CUDA renderer always breaks ties by row order (its
  // backward sums with float atomics, so its runs are not bit-reproducible anyway).
  virtual void forward(const GaussianArrays& params, const PinholeCamera& camera,
                       int active_sh_degree, const float background[3],
                       const std::uint32_t* order_keys = nullptr) = 0;
  // (1 - w) L1 + w (1 - SSIM) of the last render against `truth` (a host image, uploaded by
  // backends that need it); keeps dLoss/dimage.
  virtual LossValue loss(const ViewImage& truth, float ssim_weight) = 0;
  // Adds the gradients of the last loss to `grads`; overwrites, for every Gaussian, the
  // screen-space mean gradient (2 floats, the densification units) and the screen radius in
  // pixels (0: not seen in this view), in backend memory.
  virtual void backward(const GaussianArrays& grads, float* screen_grad, float* radii) = 0;
  // The last render, copied to the host.
  virtual void read_image(ViewImage& out) = 0;
  // PSNR and SSIM of the last render (clamped to [0, 1]) against `truth`.
  virtual ImageQuality quality(const ViewImage& truth) = 0;
  // Gives workspaces that live in a device arena back to it (they regrow with the next view;
  // the last render is gone). The offload engine calls it before laying the arena out anew.
  virtual void release_workspaces() {}
  // Takes now what a view of `rows` Gaussians, `pairs` Gaussian-tile pairs and width x height
  // pixels needs, so an arena the offload engine has just laid out holds each workspace in one
  // piece (growing later, view by view, leaves holes between the engine's blocks), and never
  // holds more pairs than that: a view with more is binned and rasterized in bands of tiles,
  // each within `pairs` (the same image and gradients, at the cost of a sort per band). `pairs`
  // of at least `rows` is enough for any view of `rows` Gaussians. Arena workspaces only; a
  // renderer without them does nothing.
  virtual void reserve_workspaces(std::size_t rows, int width, int height, std::size_t pairs) {}
  // How many views so far needed more pairs than the reserved workspace held, and the bands they
  // were rendered in (all zero for renderers without a pair workspace).
  virtual BandedRendering banded_rendering() const { return {}; }
};

}  // namespace splat
