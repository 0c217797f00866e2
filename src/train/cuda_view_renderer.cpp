#include "train/cuda_view_renderer.hpp"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <vector>

#include "core/buffer.hpp"
#include "core/cuda_check.hpp"
#include "core/error.hpp"
#include "cuda/image_loss.cuh"
#include "cuda/image_quality.cuh"
#include "cuda/projection.cuh"
#include "cuda/rasterize.cuh"
#include "cuda/render_arrays.cuh"
#include "cuda/tile_binning.cuh"
#include "math/tile_rect.hpp"
#include "train/growing_device_buffer.hpp"

namespace splat {

namespace {

// The arrays of each workspace block, shared by the renderer's allocations and by
// cuda_render_workspace_bytes() so the planner's estimate follows the layouts.
struct ProjectionLayout {  // per Gaussian
  explicit ProjectionLayout(std::size_t n) {
    const std::size_t f = sizeof(float);
    mean2d = layout.add(n * 2 * f);
    conic = layout.add(n * 3 * f);
    depth = layout.add(n * f);
    radius = layout.add(n * f);
    color = layout.add(n * 3 * f);
    opacity = layout.add(n * f);
    rect = layout.add(n * 4 * sizeof(std::int32_t));
    count = layout.add(n * sizeof(std::uint32_t));
    pair_end = layout.add(n * sizeof(std::uint64_t));
  }
  BlockLayout layout;
  std::size_t mean2d, conic, depth, radius, color, opacity, rect, count, pair_end;
};

struct PairLayout {  // per Gaussian-tile pair: the sort's input and output
  explicit PairLayout(std::size_t p) {
    keys = layout.add(p * sizeof(std::uint64_t));
    sorted_keys = layout.add(p * sizeof(std::uint64_t));
    ids = layout.add(p * sizeof(std::uint32_t));
    sorted_ids = layout.add(p * sizeof(std::uint32_t));
  }
  BlockLayout layout;
  std::size_t keys, sorted_keys, ids, sorted_ids;
};

struct Gradients2dLayout {  // per Gaussian, backward only
  explicit Gradients2dLayout(std::size_t n) {
    const std::size_t f = sizeof(float);
    mean2d = layout.add(n * 2 * f);
    conic = layout.add(n * 3 * f);
    opacity = layout.add(n * f);
    color = layout.add(n * 3 * f);
  }
  BlockLayout layout;
  std::size_t mean2d, conic, opacity, color;
};

struct PixelLayout {  // per pixel: final transmittance, contributor count, dL/dimage
  explicit PixelLayout(std::size_t pixels) {
    transmittance = layout.add(pixels * sizeof(float));
    contributors = layout.add(pixels * sizeof(std::uint32_t));
    dimage = layout.add(pixels * 3 * sizeof(float));
  }
  BlockLayout layout;
  std::size_t transmittance, contributors, dimage;
};

struct SumsLayout {  // per-block partial sums of a loss or a metric, then their totals
  SumsLayout(std::size_t partial_doubles, std::size_t sums_count) {
    partials = layout.add(partial_doubles * sizeof(double));
    sums = layout.add(sums_count * sizeof(double));
  }
  BlockLayout layout;
  std::size_t partials, sums;
};

std::size_t image_scratch_bytes(int width, int height) {
  return std::max(cuda::image_loss_scratch_floats(width, height),
                  cuda::image_quality_scratch_floats(width, height)) *
         sizeof(float);
}

// What each workspace of the renderer needs for a view of `rows` Gaussians, `pairs` pairs and
// width x height pixels, in the order of State::workspaces() (CUB scratch is never empty).
std::array<std::size_t, 11> workspace_needs(std::size_t rows, int width, int height,
                                            std::size_t pairs) {
  SPLAT_REQUIRE(rows < std::numeric_limits<std::uint32_t>::max() &&
                    pairs < std::numeric_limits<std::uint32_t>::max(),
                "renderer workspaces for ", rows, " Gaussians and ", pairs,
                " pairs exceed the 32-bit index range");
  const std::size_t pixels = static_cast<std::size_t>(width) * height;
  const int tiles = tiles_across(width) * tiles_across(height);
  const auto n = static_cast<std::uint32_t>(rows);
  const auto p = static_cast<std::uint32_t>(pairs);
  return {
      ProjectionLayout(rows).layout.total(),
      Gradients2dLayout(rows).layout.total(),
      std::max<std::size_t>(cuda::scan_tile_counts_scratch_bytes(n), 1),
      PairLayout(pairs).layout.total(),
      std::max<std::size_t>(cuda::sort_tile_keys_scratch_bytes(p, tiles), 1),
      static_cast<std::size_t>(tiles) * 2 * sizeof(std::uint32_t),
      PixelLayout(pixels).layout.total(),
      image_scratch_bytes(width, height),
      std::max(SumsLayout(cuda::image_loss_partial_doubles(), 3).layout.total(),
               SumsLayout(cuda::image_quality_partial_doubles(), 2).layout.total()),
      pixels * 3 * sizeof(float),  // the image
      pixels * 3 * sizeof(float),  // the target
  };
}

}  // namespace

struct CudaViewRenderer::State {
  State(Backend& backend, DeviceArena& arena, Stream& stream)
      : stream(stream),
        native(static_cast<cudaStream_t>(stream.native_handle())),
        per_gaussian(arena, stream, "renderer: projected Gaussians"),
        gradients_2d(arena, stream, "renderer: screen-space gradients"),
        scan_scratch(arena, stream, "renderer: scan scratch"),
        pairs(arena, stream, "renderer: tile pairs"),
        sort_scratch(arena, stream, "renderer: sort scratch"),
        tiles(arena, stream, "renderer: tile ranges"),
        per_pixel(arena, stream, "renderer: per-pixel state"),
        image_scratch(arena, stream, "renderer: loss and metric planes"),
        sums(arena, stream, "renderer: loss sums"),
        owned_image(arena, stream, "renderer: image"),
        owned_target(arena, stream, "renderer: target image"),
        readback(Buffer::allocate(backend, MemorySpace::PinnedHost, 64)),
        backend(backend),
        target_uploaded(backend.create_event()) {
    SPLAT_REQUIRE(native != nullptr, "the CUDA view renderer needs a CUDA stream");
  }

  Stream& stream;
  cudaStream_t native;
  GrowingDeviceBuffer per_gaussian, gradients_2d, scan_scratch, pairs, sort_scratch, tiles,
      per_pixel, image_scratch, sums, owned_image, owned_target;
  // Every workspace, in the order of workspace_needs().
  std::array<GrowingDeviceBuffer*, 11> workspaces() {
    return {&per_gaussian, &gradients_2d,  &scan_scratch, &pairs,       &sort_scratch, &tiles,
            &per_pixel,    &image_scratch, &sums,         &owned_image, &owned_target};
  }
  Buffer readback;  // pinned: the pair count and the loss / metric sums come back through it
  Backend& backend;
  // Ground truth crosses from pinned memory: from a pageable vector the copy would block the
  // host until the stream reached it. The event marks the last upload from it, so it is not
  // overwritten while the copy engine still reads it.
  Buffer target_staging;
  std::unique_ptr<Event> target_uploaded;
  bool target_staging_used = false;
  bool poison = false;

  // The last forward.
  cuda::DeviceGaussians gaussians{};
  PinholeCamera camera{};
  int active_sh_degree = 0;
  float background[3] = {0, 0, 0};
  const float* image = nullptr;
  int tiles_x = 0, tiles_y = 0;
  std::uint32_t pair_count = 0;  // of the whole view
  cuda::DeviceProjection projected{};
  std::uint64_t* pair_end = nullptr;  // the scan of the binned counts (projection block)
  cuda::DeviceTileBins bins{};
  // The bands of the last forward (one: the whole image) with their pair counts, and the one
  // whose pairs the pair arrays hold.
  std::vector<cuda::TileBand> bands;
  std::vector<std::uint32_t> band_pairs;
  std::size_t binned_band = 0;

  // The most pairs binned at once (reserve_workspaces sets it; unlimited otherwise), and the
  // views that needed more.
  std::size_t pair_limit = std::numeric_limits<std::size_t>::max();
  std::size_t views_in_bands = 0, band_passes = 0, most_banded_pairs = 0;
  Buffer histogram_readback;  // pinned: the per-tile pair counts of a view binned in bands
  float* final_transmittance = nullptr;
  std::uint32_t* contributors = nullptr;
  float* dimage = nullptr;
  bool have_image_gradient = false;

  void poison_block(void* data, std::size_t bytes) {
    if (poison && bytes > 0) SPLAT_CUDA_CHECK(cudaMemsetAsync(data, 0xFF, bytes, native));
  }

  // Copies `bytes` of device memory into the pinned readback block and waits for it.
  const void* read_back(const void* device, std::size_t bytes) {
    SPLAT_CUDA_CHECK(
        cudaMemcpyAsync(readback.data(), device, bytes, cudaMemcpyDeviceToHost, native));
    SPLAT_CUDA_CHECK(cudaStreamSynchronize(native));
    return readback.data();
  }

  // CUB reads a null scratch pointer as a size query, so scratch is never empty.
  void* cub_scratch(GrowingDeviceBuffer& buffer, std::size_t bytes) {
    return buffer.reserve(bytes > 0 ? bytes : 1);
  }

  void project(std::uint32_t count) {
    const std::size_t n = count;  // sizes in size_t: n * 4 must not wrap in 32 bits
    const ProjectionLayout l(n);
    void* block = per_gaussian.reserve(l.layout.total());
    poison_block(block, l.layout.total());
    projected = {at_offset<float>(block, l.mean2d),      at_offset<float>(block, l.conic),
                 at_offset<float>(block, l.depth),       at_offset<float>(block, l.radius),
                 at_offset<float>(block, l.color),       at_offset<float>(block, l.opacity),
                 at_offset<std::int32_t>(block, l.rect), at_offset<std::uint32_t>(block, l.count)};
    cuda::launch_project_gaussians(gaussians, camera, active_sh_degree, projected, native);

    pair_count = 0;
    if (n == 0) return;
    auto* pair_end = at_offset<std::uint64_t>(block, l.pair_end);
    const std::size_t scan_bytes = cuda::scan_tile_counts_scratch_bytes(count);
    cuda::launch_scan_tile_counts(projected.tile_count, pair_end, count,
                                  cub_scratch(scan_scratch, scan_bytes), scan_bytes, native);
    // The pair arrays are sized by the total, so it has to come to the host (one small copy).
    std::uint64_t total = 0;
    std::memcpy(&total, read_back(pair_end + (n - 1), sizeof(total)), sizeof(total));
    SPLAT_REQUIRE(total < std::numeric_limits<std::uint32_t>::max(), "tile binning: ", total,
                  " Gaussian-tile pairs exceed the 32-bit index range");
    pair_count = static_cast<std::uint32_t>(total);
    this->pair_end = pair_end;
    const auto tile_count = static_cast<std::uint32_t>(tiles_x * tiles_y);
    if (total <= pair_limit) {
      bands = {{0, tile_count}};
      band_pairs = {pair_count};
    } else {
      split_into_bands(total);
    }
    bin_band(0);
  }

  // Bands of consecutive tiles, each with at most pair_limit pairs, from the per-tile counts.
  void split_into_bands(std::uint64_t total) {
    const std::size_t stride = static_cast<std::size_t>(tiles_x) + 1;
    const std::size_t counters = stride * tiles_y;  // within the tile-range block (2 per tile)
    auto* row_diff = static_cast<std::uint32_t*>(reserve_tile_ranges());
    cuda::launch_tile_pair_histogram(projected.tile_rect, gaussians.count, tiles_x, tiles_y,
                                     row_diff, native);
    if (histogram_readback.bytes() < counters * sizeof(std::uint32_t)) {
      histogram_readback = Buffer();
      histogram_readback =
          Buffer::allocate(backend, MemorySpace::PinnedHost, counters * sizeof(std::uint32_t));
    }
    SPLAT_CUDA_CHECK(cudaMemcpyAsync(histogram_readback.data(), row_diff,
                                     counters * sizeof(std::uint32_t), cudaMemcpyDeviceToHost,
                                     native));
    SPLAT_CUDA_CHECK(cudaStreamSynchronize(native));
    const auto* diff = static_cast<const std::uint32_t*>(histogram_readback.data());
    bands.clear();
    band_pairs.clear();
    std::uint64_t in_band = 0, seen = 0;
    std::uint32_t band_begin = 0;
    for (int ty = 0; ty < tiles_y; ++ty) {
      std::uint32_t tile_pairs = 0;  // row prefix of the differences, wrapping like the GPU's
      for (int tx = 0; tx < tiles_x; ++tx) {
        tile_pairs += diff[ty * stride + tx];
        const auto tile = static_cast<std::uint32_t>(ty * tiles_x + tx);
        // A tile holds at most one pair per Gaussian, so a limit of at least the view's
        // Gaussians always finds bands (the offload engine's limit covers its working set).
        SPLAT_REQUIRE(tile_pairs <= pair_limit, "tile binning: tile ", tile, " of a view of ",
                      gaussians.count, " Gaussians holds ", tile_pairs,
                      " Gaussian-tile pairs, more than the renderer's ", pair_limit,
                      " at once (it needs at least one per Gaussian of the view)");
        if (in_band + tile_pairs > pair_limit) {
          bands.push_back({band_begin, tile});
          band_pairs.push_back(static_cast<std::uint32_t>(in_band));
          band_begin = tile;
          in_band = 0;
        }
        in_band += tile_pairs;
        seen += tile_pairs;
      }
    }
    bands.push_back({band_begin, static_cast<std::uint32_t>(tiles_x * tiles_y)});
    band_pairs.push_back(static_cast<std::uint32_t>(in_band));
    SPLAT_REQUIRE(seen == total, "tile binning: the per-tile counts sum to ", seen,
                  " pairs, the per-Gaussian counts to ", total);
    ++views_in_bands;
    band_passes += bands.size();
    most_banded_pairs = std::max<std::size_t>(most_banded_pairs, total);
  }

  void* reserve_tile_ranges() {
    return tiles.reserve(static_cast<std::size_t>(tiles_x) * tiles_y * 2 * sizeof(std::uint32_t));
  }

  // Emits, sorts and delimits the pairs of band `b` into the pair arrays.
  void bin_band(std::size_t b) {
    const cuda::TileBand band = bands[b];
    const std::uint32_t band_pair_count = band_pairs[b];
    const std::uint32_t count = gaussians.count;
    if (bands.size() > 1) {
      // The band's share of each Gaussian's pairs, scanned in place of the whole view's.
      cuda::launch_count_band_pairs(projected.tile_rect, count, tiles_x, band, projected.tile_count,
                                    native);
      const std::size_t scan_bytes = cuda::scan_tile_counts_scratch_bytes(count);
      cuda::launch_scan_tile_counts(projected.tile_count, pair_end, count,
                                    cub_scratch(scan_scratch, scan_bytes), scan_bytes, native);
    }
    const PairLayout l(band_pair_count);
    void* block = pairs.reserve(l.layout.total());
    poison_block(block, l.layout.total());
    auto* keys = at_offset<std::uint64_t>(block, l.keys);
    auto* sorted = at_offset<std::uint64_t>(block, l.sorted_keys);
    auto* ids = at_offset<std::uint32_t>(block, l.ids);
    auto* sorted_ids = at_offset<std::uint32_t>(block, l.sorted_ids);
    const int tile_count = tiles_x * tiles_y;
    cuda::launch_emit_tile_keys(projected.tile_rect, projected.depth, pair_end, count, tiles_x,
                                band, keys, ids, native);
    const std::size_t sort_bytes = cuda::sort_tile_keys_scratch_bytes(band_pair_count, tile_count);
    cuda::launch_sort_tile_keys(keys, sorted, ids, sorted_ids, band_pair_count, tile_count,
                                cub_scratch(sort_scratch, sort_bytes), sort_bytes, native);
    auto* ranges = static_cast<std::uint32_t*>(reserve_tile_ranges());
    cuda::launch_tile_ranges(band_pair_count > 0 ? sorted : nullptr, band_pair_count, tile_count,
                             ranges, native);
    bins = {ranges, sorted_ids, tiles_x, tiles_y, band};
    binned_band = b;
  }
};

CudaViewRenderer::CudaViewRenderer(Backend& backend, DeviceArena& arena, Stream& stream)
    : state_(std::make_unique<State>(backend, arena, stream)) {}

CudaViewRenderer::~CudaViewRenderer() {
  // Queued kernels may still use the workspaces this destructor gives back.
  try {
    state_->stream.synchronize();
  } catch (...) {
  }
}

void CudaViewRenderer::forward(const GaussianArrays& params, const PinholeCamera& camera,
                               int active_sh_degree, const float background[3],
                               const std::uint32_t* /*order_keys: row order on CUDA*/) {
  const std::size_t bytes = static_cast<std::size_t>(camera.width) * camera.height * 3 * 4;
  render_to(params, camera, active_sh_degree, background,
            static_cast<float*>(state_->owned_image.reserve(bytes)));
}

LossValue CudaViewRenderer::loss(const ViewImage& truth, float ssim_weight) {
  return loss_against(upload_target(truth), ssim_weight);
}

void CudaViewRenderer::read_image(ViewImage& out) {
  State& s = *state_;
  SPLAT_REQUIRE(s.image != nullptr, "read_image() needs a forward() first");
  out.width = s.camera.width;
  out.height = s.camera.height;
  out.rgb.resize(static_cast<std::size_t>(out.width) * out.height * 3);
  SPLAT_CUDA_CHECK(cudaMemcpyAsync(out.rgb.data(), s.image, out.rgb.size() * sizeof(float),
                                   cudaMemcpyDeviceToHost, s.native));
  SPLAT_CUDA_CHECK(cudaStreamSynchronize(s.native));
}

ImageQuality CudaViewRenderer::quality(const ViewImage& truth) {
  const float* target = upload_target(truth);
  return quality_of(state_->image, target, truth.width, truth.height);
}

const float* CudaViewRenderer::upload_target(const ViewImage& truth) {
  State& s = *state_;
  SPLAT_REQUIRE(s.image != nullptr, "a loss or quality needs a forward() first");
  SPLAT_REQUIRE(truth.width == s.camera.width && truth.height == s.camera.height, "the image is ",
                truth.width, "x", truth.height, " but the rendered view is ", s.camera.width, "x",
                s.camera.height);
  const std::size_t bytes = truth.rgb.size() * sizeof(float);
  auto* target = static_cast<float*>(s.owned_target.reserve(bytes));
  if (s.target_staging_used) s.target_uploaded->synchronize();
  if (s.target_staging.bytes() < bytes) {
    s.target_staging = Buffer();
    s.target_staging = Buffer::allocate(s.backend, MemorySpace::PinnedHost, bytes);
  }
  std::memcpy(s.target_staging.data(), truth.rgb.data(), bytes);
  SPLAT_CUDA_CHECK(
      cudaMemcpyAsync(target, s.target_staging.data(), bytes, cudaMemcpyHostToDevice, s.native));
  s.target_uploaded->record(s.stream);
  s.target_staging_used = true;
  return target;
}

void CudaViewRenderer::render_to(const GaussianArrays& p, const PinholeCamera& camera,
                                 int active_sh_degree, const float background[3], float* image) {
  State& s = *state_;
  SPLAT_REQUIRE(camera.width > 0 && camera.height > 0, "cannot render a ", camera.width, "x",
                camera.height, " image");
  SPLAT_REQUIRE(active_sh_degree >= 0 && active_sh_degree <= p.sh_degree, "active SH degree ",
                active_sh_degree, " is outside 0..", p.sh_degree);
  SPLAT_REQUIRE(p.count < std::numeric_limits<std::uint32_t>::max(), "cannot render ", p.count,
                " Gaussians in one view (the CUDA renderer indexes them in 32 bits)");
  const auto n = static_cast<std::uint32_t>(p.count);
  s.gaussians = {p.means, p.log_scales, p.rotations, p.opacity_logits, p.sh, n, p.sh_degree};
  s.camera = camera;
  s.active_sh_degree = active_sh_degree;
  for (int c = 0; c < 3; ++c) s.background[c] = background[c];
  s.image = image;
  s.have_image_gradient = false;
  s.tiles_x = tiles_across(camera.width);
  s.tiles_y = tiles_across(camera.height);

  const auto tile_count = static_cast<std::uint32_t>(s.tiles_x * s.tiles_y);
  s.bins = {nullptr, nullptr, s.tiles_x, s.tiles_y, {0, tile_count}};
  s.bands = {{0, tile_count}};
  s.band_pairs = {0};
  s.binned_band = 0;
  s.project(n);
  if (n == 0) {  // no pairs: every tile's range is empty
    auto* ranges = static_cast<std::uint32_t*>(s.reserve_tile_ranges());
    cuda::launch_tile_ranges(nullptr, 0, static_cast<int>(tile_count), ranges, s.native);
    s.bins.tile_ranges = ranges;
  }

  const PixelLayout l(static_cast<std::size_t>(camera.width) * camera.height);
  void* block = s.per_pixel.reserve(l.layout.total());
  s.poison_block(block, l.layout.total());
  s.final_transmittance = at_offset<float>(block, l.transmittance);
  s.contributors = at_offset<std::uint32_t>(block, l.contributors);
  s.dimage = at_offset<float>(block, l.dimage);
  for (std::size_t b = 0; b < s.bands.size(); ++b) {
    if (b != s.binned_band) s.bin_band(b);
    cuda::launch_rasterize_forward(s.projected, s.bins, camera.width, camera.height, s.background,
                                   image, s.final_transmittance, s.contributors, s.native);
  }
}

LossValue CudaViewRenderer::loss_against(const float* target, float ssim_weight) {
  State& s = *state_;
  SPLAT_REQUIRE(s.image != nullptr, "loss() needs a forward() first");
  const int w = s.camera.width, h = s.camera.height;
  auto* planes =
      static_cast<float*>(s.image_scratch.reserve(cuda::image_loss_scratch_floats(w, h) * 4));
  const SumsLayout l(cuda::image_loss_partial_doubles(), 3);
  void* block = s.sums.reserve(l.layout.total());
  auto* sums = at_offset<double>(block, l.sums);
  cuda::launch_image_loss(s.image, target, w, h, ssim_weight, s.dimage, planes,
                          at_offset<double>(block, l.partials), sums, s.native);
  double host_sums[3];
  std::memcpy(host_sums, s.read_back(sums, sizeof(host_sums)), sizeof(host_sums));
  s.have_image_gradient = true;
  const double values = 3.0 * static_cast<double>(w) * h;
  return {static_cast<float>(cuda::image_loss_value(host_sums, w, h, ssim_weight)),
          static_cast<float>(host_sums[2] / values)};
}

void CudaViewRenderer::backward(const GaussianArrays& grads, float* screen_grad, float* radii) {
  SPLAT_REQUIRE(state_->have_image_gradient, "backward() needs a loss() after the forward()");
  backward_from(state_->dimage, grads, screen_grad, radii);
}

void CudaViewRenderer::backward_from(const float* dimage, const GaussianArrays& g,
                                     float* screen_grad, float* radii) {
  State& s = *state_;
  SPLAT_REQUIRE(s.image != nullptr, "backward() needs a forward() first");
  SPLAT_REQUIRE(g.count == s.gaussians.count, "backward() got gradients for ", g.count,
                " Gaussians, forward() rendered ", s.gaussians.count);
  const std::size_t n = s.gaussians.count;
  if (n == 0) return;
  const Gradients2dLayout l(n);
  void* block = s.gradients_2d.reserve(l.layout.total());
  const cuda::DeviceProjectionGrads d2d{
      at_offset<float>(block, l.mean2d), at_offset<float>(block, l.conic),
      at_offset<float>(block, l.opacity), at_offset<float>(block, l.color)};
  cuda::launch_clear_projection_grads(d2d, s.gaussians.count, s.native);
  // The band still binned first, then the others binned again (last to first).
  const std::size_t still_binned = s.binned_band;
  for (std::size_t k = 0; k < s.bands.size(); ++k) {
    const std::size_t b = (still_binned + s.bands.size() - k) % s.bands.size();
    if (b != s.binned_band) s.bin_band(b);
    cuda::launch_rasterize_backward(s.projected, s.bins, s.camera.width, s.camera.height,
                                    s.background, dimage, s.final_transmittance, s.contributors,
                                    s.gaussians.count, d2d, s.native);
  }
  const cuda::DeviceGaussianGrads grads{g.means, g.log_scales, g.rotations, g.opacity_logits, g.sh};
  cuda::launch_project_gaussians_backward(s.gaussians, s.camera, s.active_sh_degree, s.projected,
                                          d2d, grads, screen_grad, radii, s.native);
}

ImageQuality CudaViewRenderer::quality_of(const float* image, const float* target, int width,
                                          int height) {
  State& s = *state_;
  SPLAT_REQUIRE(width > 0 && height > 0, "quality of an empty image");
  auto* planes = static_cast<float*>(
      s.image_scratch.reserve(cuda::image_quality_scratch_floats(width, height) * 4));
  const SumsLayout l(cuda::image_quality_partial_doubles(), 2);
  void* block = s.sums.reserve(l.layout.total());
  auto* sums = at_offset<double>(block, l.sums);
  cuda::launch_image_quality(image, target, width, height, planes,
                             at_offset<double>(block, l.partials), sums, s.native);
  double host_sums[2];
  std::memcpy(host_sums, s.read_back(sums, sizeof(host_sums)), sizeof(host_sums));
  return {cuda::psnr_from_sums(host_sums, width, height),
          cuda::ssim_from_sums(host_sums, width, height)};
}

const float* CudaViewRenderer::final_transmittance() const {
  return state_->final_transmittance;
}
const std::uint32_t* CudaViewRenderer::contributors() const {
  return state_->contributors;
}
const float* CudaViewRenderer::image_gradient() const {
  return state_->dimage;
}
std::size_t CudaViewRenderer::pair_count() const {
  return state_->pair_count;
}
std::size_t CudaViewRenderer::band_count() const {
  return state_->bands.size();
}
void CudaViewRenderer::set_pair_limit(std::size_t pairs) {
  SPLAT_REQUIRE(pairs > 0, "the renderer needs room for at least one Gaussian-tile pair");
  state_->pair_limit = pairs;
}
BandedRendering CudaViewRenderer::banded_rendering() const {
  const State& s = *state_;
  return {s.views_in_bands, s.band_passes,
          s.pair_limit == std::numeric_limits<std::size_t>::max() ? 0 : s.pair_limit,
          s.most_banded_pairs};
}
void CudaViewRenderer::set_poison_outputs(bool poison) {
  state_->poison = poison;
}

void CudaViewRenderer::release_workspaces() {
  State& s = *state_;
  for (GrowingDeviceBuffer* b : s.workspaces()) b->release();
  s.image = nullptr;  // the last render went with its buffer
  s.have_image_gradient = false;
  s.pair_limit = std::numeric_limits<std::size_t>::max();
}

void CudaViewRenderer::reserve_workspaces(std::size_t rows, int width, int height,
                                          std::size_t pairs) {
  State& s = *state_;
  const auto needs = workspace_needs(rows, width, height, pairs);
  const auto buffers = s.workspaces();
  for (std::size_t i = 0; i < buffers.size(); ++i) buffers[i]->reserve(needs[i]);
  s.pair_limit = std::max<std::size_t>(pairs, 1);
}

std::size_t cuda_render_workspace_bytes(std::size_t rows, int width, int height,
                                        std::size_t pairs) {
  std::size_t total = 0;
  for (std::size_t need : workspace_needs(rows, width, height, pairs)) {
    const std::size_t block = GrowingDeviceBuffer::grown_bytes(need);
    total +=
        (block + DeviceArena::kAlignment - 1) / DeviceArena::kAlignment * DeviceArena::kAlignment;
  }
  return total;
}

std::unique_ptr<ViewRenderer> make_cuda_view_renderer(Backend& backend, DeviceArena& arena,
                                                      Stream& stream) {
  return std::make_unique<CudaViewRenderer>(backend, arena, stream);
}

}  // namespace splat
