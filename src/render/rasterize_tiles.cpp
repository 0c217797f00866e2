#include "render/rasterize_tiles.hpp"

#include <omp.h>

#include <algorithm>

#include "core/error.hpp"
#include "math/alpha_blending.hpp"
#include "math/render_constants.hpp"
#include "render/tile_blend_kernels.hpp"

namespace splat {

namespace {

// One Gaussian as a tile needs it, gathered contiguously.
constexpr int kBatchStride = 10;  // mean2d (2), conic (3), opacity, colour (3), power floor
constexpr int kPairGradients = kPairGradientFloats;  // mean2d (2), conic (3), opacity, colour (3)

template <class S>
void gather_tile(const ProjectedGaussians<S>& p, const TileBins& bins, std::size_t tile,
                 std::vector<S>& batch) {
  const std::size_t begin = bins.tile_begin[tile], end = bins.tile_begin[tile + 1];
  batch.resize(std::max<std::size_t>(batch.size(), (end - begin) * kBatchStride));
  S* out = batch.data();
  for (std::size_t e = begin; e < end; ++e, out += kBatchStride) {
    const std::uint32_t g = bins.entry_gaussian[e];
    out[0] = p.mean2d[g * 2];
    out[1] = p.mean2d[g * 2 + 1];
    out[2] = p.conic[g * 3];
    out[3] = p.conic[g * 3 + 1];
    out[4] = p.conic[g * 3 + 2];
    out[5] = p.opacity[g];
    out[6] = p.color[g * 3];
    out[7] = p.color[g * 3 + 1];
    out[8] = p.color[g * 3 + 2];
    out[9] = blending_power_floor(out[5]);
  }
}

// The pixels [x0, x1) x [y0, y1) of a tile, clipped to the image.
struct TilePixels {
  int x0, y0, x1, y1;
};

TilePixels tile_pixels(const TileBins& bins, std::size_t tile, int width, int height) {
  const int x0 = static_cast<int>(tile % bins.tiles_x) * render::kTileSize;
  const int y0 = static_cast<int>(tile / bins.tiles_x) * render::kTileSize;
  return {x0, y0, std::min(x0 + render::kTileSize, width),
          std::min(y0 + render::kTileSize, height)};
}

template <class S>
std::vector<S>& thread_batch(RasterState<S>& state) {
  return state.thread_batches[static_cast<std::size_t>(omp_get_thread_num())];
}

// The scalar passes: the double-precision reference the float kernels are checked against.
template <class S>
void forward_scalar(const ProjectedGaussians<S>& p, const TileBins& bins, int width, int height,
                    const S background[3], S* image, RasterState<S>& state) {
  const std::size_t pixels = static_cast<std::size_t>(width) * height;
  state.final_transmittance.resize(pixels);
  state.contributors.resize(pixels);
  state.thread_batches.resize(static_cast<std::size_t>(omp_get_max_threads()));
  const S alpha_floor_T = S(render::kTransmittanceMin);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::ptrdiff_t st = 0; st < static_cast<std::ptrdiff_t>(bins.tile_count()); ++st) {
    const std::size_t tile = static_cast<std::size_t>(st);
    std::vector<S>& batch = thread_batch(state);
    gather_tile(p, bins, tile, batch);
    const std::size_t count = bins.tile_begin[tile + 1] - bins.tile_begin[tile];
    const TilePixels px_range = tile_pixels(bins, tile, width, height);
    const int x0 = px_range.x0, y0 = px_range.y0, x1 = px_range.x1, y1 = px_range.y1;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) {
        const S px = S(x) + S(0.5), py = S(y) + S(0.5);
        S T = 1, rgb[3] = {0, 0, 0};
        std::uint32_t last = 0;
        for (std::size_t j = 0; j < count; ++j) {
          const S* g = &batch[j * kBatchStride];
          PixelFootprint<S> f;
          if (!pixel_footprint(g, g + 2, g[5], g[9], px, py, f)) continue;
          const S next_T = T * (S(1) - f.alpha);
          if (next_T < alpha_floor_T) break;
          const S weight = f.alpha * T;
          rgb[0] += g[6] * weight;
          rgb[1] += g[7] * weight;
          rgb[2] += g[8] * weight;
          T = next_T;
          last = static_cast<std::uint32_t>(j + 1);
        }
        const std::size_t pixel = static_cast<std::size_t>(y) * width + x;
        for (int c = 0; c < 3; ++c) image[pixel * 3 + c] = rgb[c] + T * background[c];
        state.final_transmittance[pixel] = T;
        state.contributors[pixel] = last;
      }
  }
}

template <class S>
void backward_scalar(const ProjectedGaussians<S>& p, const TileBins& bins, int width, int height,
                     const S background[3], const S* dimage, RasterState<S>& state,
                     std::vector<S>& pair_gradients) {
  pair_gradients.assign(bins.pair_count() * kPairGradients, S(0));
  state.thread_batches.resize(static_cast<std::size_t>(omp_get_max_threads()));
#pragma omp parallel for schedule(dynamic, 1)
  for (std::ptrdiff_t st = 0; st < static_cast<std::ptrdiff_t>(bins.tile_count()); ++st) {
    const std::size_t tile = static_cast<std::size_t>(st);
    std::vector<S>& batch = thread_batch(state);
    gather_tile(p, bins, tile, batch);
    const std::size_t begin = bins.tile_begin[tile];
    const TilePixels px_range = tile_pixels(bins, tile, width, height);
    const int x0 = px_range.x0, y0 = px_range.y0, x1 = px_range.x1, y1 = px_range.y1;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) {
        const std::size_t pixel = static_cast<std::size_t>(y) * width + x;
        const S px = S(x) + S(0.5), py = S(y) + S(0.5);
        const S* dC = &dimage[pixel * 3];
        const S final_T = state.final_transmittance[pixel];
        const S background_term =
            final_T * (background[0] * dC[0] + background[1] * dC[1] + background[2] * dC[2]);
        S T = final_T;
        S behind[3] = {0, 0, 0};  // colour of everything behind, as seen through it
        S next_alpha = 0, next_color[3] = {0, 0, 0};
        for (std::size_t j = state.contributors[pixel]; j-- > 0;) {
          const S* g = &batch[j * kBatchStride];
          PixelFootprint<S> f;
          if (!pixel_footprint(g, g + 2, g[5], g[9], px, py, f)) continue;
          const S one_minus = S(1) - f.alpha;
          T /= one_minus;  // transmittance in front of this Gaussian
          S* grad = &pair_gradients[std::size_t(bins.entry_pair[begin + j]) * kPairGradients];
          const S weight = f.alpha * T;
          S dalpha = 0;
          for (int c = 0; c < 3; ++c) {
            behind[c] = next_alpha * next_color[c] + (S(1) - next_alpha) * behind[c];
            grad[6 + c] += weight * dC[c];
            dalpha += (g[6 + c] - behind[c]) * T * dC[c];
          }
          dalpha -= background_term / one_minus;
          next_alpha = f.alpha;
          for (int c = 0; c < 3; ++c) next_color[c] = g[6 + c];
          pixel_footprint_backward(f, g + 2, dalpha, grad, grad + 2, grad[5]);
        }
      }
  }
}

// Sums each Gaussian's pairs (its tiles) in pair order.
template <class S>
void sum_pair_gradients(const TileBins& bins, std::size_t n, const std::vector<S>& pair_gradients,
                        ProjectedGradients<S>& out) {
  out.mean2d.assign(n * 2, S(0));
  out.conic.assign(n * 3, S(0));
  out.opacity.assign(n, S(0));
  out.color.assign(n * 3, S(0));
#pragma omp parallel for schedule(static)
  for (std::ptrdiff_t sg = 0; sg < static_cast<std::ptrdiff_t>(n); ++sg) {
    const std::size_t g = static_cast<std::size_t>(sg);
    S sum[kPairGradients] = {};
    for (std::size_t k = bins.pair_begin[g]; k < bins.pair_begin[g + 1]; ++k)
      for (int v = 0; v < kPairGradients; ++v) sum[v] += pair_gradients[k * kPairGradients + v];
    out.mean2d[g * 2] = sum[0];
    out.mean2d[g * 2 + 1] = sum[1];
    for (int v = 0; v < 3; ++v) out.conic[g * 3 + v] = sum[2 + v];
    out.opacity[g] = sum[5];
    for (int v = 0; v < 3; ++v) out.color[g * 3 + v] = sum[6 + v];
  }
}

TileBlendView blend_view(const ProjectedGaussians<float>& p, const TileBins& bins, int width,
                         int height, const float background[3], const RasterState<float>& state) {
  return {state.packed.data(),
          bins.tile_begin.data(),
          bins.entry_gaussian.data(),
          bins.entry_pair.data(),
          bins.tiles_x,
          width,
          height,
          {background[0], background[1], background[2]}};
}

// This thread's scratch, at least `floats` long.
float* thread_scratch(RasterState<float>& state, std::size_t floats) {
  std::vector<float>& scratch = thread_batch(state);
  if (scratch.size() < floats) scratch.resize(floats);
  return scratch.data();
}

// Runs `work(tile, scratch)` for every tile, one tile per OpenMP iteration, with this thread's
// scratch sized for the fullest tile.
template <class TileWork>
void for_each_tile(const TileBlendKernels& kernels, const TileBins& bins, RasterState<float>& state,
                   TileWork work) {
  state.thread_batches.resize(static_cast<std::size_t>(omp_get_max_threads()));
  const std::size_t scratch = kernels.scratch_floats(bins.max_entries_per_tile());
#pragma omp parallel for schedule(dynamic, 1)
  for (std::ptrdiff_t tile = 0; tile < static_cast<std::ptrdiff_t>(bins.tile_count()); ++tile)
    work(static_cast<std::size_t>(tile), thread_scratch(state, scratch));
}

}  // namespace

// The float passes: the vectorised kernels, one tile per OpenMP iteration.
void rasterize_forward(const TileBlendKernels& kernels, const ProjectedGaussians<float>& p,
                       const TileBins& bins, int width, int height, const float background[3],
                       float* image, RasterState<float>& state) {
  const std::size_t pixels = static_cast<std::size_t>(width) * height;
  state.final_transmittance.resize(pixels);
  state.contributors.resize(pixels);
  state.packed.resize(p.count() * kBlendFloats);
  pack_blend_gaussians(p.mean2d.data(), p.conic.data(), p.opacity.data(), p.color.data(), p.count(),
                       state.packed.data());
  const TileBlendView view = blend_view(p, bins, width, height, background, state);
  const TileBlendPixels state_pixels{state.final_transmittance.data(), state.contributors.data()};
  for_each_tile(kernels, bins, state, [&](std::size_t tile, float* scratch) {
    kernels.forward_tile(view, tile, scratch, image, state_pixels);
  });
}

void rasterize_backward(const TileBlendKernels& kernels, const ProjectedGaussians<float>& p,
                        const TileBins& bins, int width, int height, const float background[3],
                        const float* dimage, RasterState<float>& state,
                        std::vector<float>& pair_gradients, ProjectedGradients<float>& out) {
  // Every pair is written by its tile's kernel: no clearing pass.
  pair_gradients.resize(bins.pair_count() * kPairGradients);
  SPLAT_REQUIRE(state.packed.size() == p.count() * kBlendFloats,
                "rasterize_backward: the forward pass of these Gaussians did not run");
  const TileBlendView view = blend_view(p, bins, width, height, background, state);
  const TileBlendPixels state_pixels{state.final_transmittance.data(), state.contributors.data()};
  for_each_tile(kernels, bins, state, [&](std::size_t tile, float* scratch) {
    kernels.backward_tile(view, tile, scratch, dimage, state_pixels, pair_gradients.data());
  });
  sum_pair_gradients(bins, p.count(), pair_gradients, out);
}

template <>
void rasterize_forward<double>(const ProjectedGaussians<double>& p, const TileBins& bins, int width,
                               int height, const double background[3], double* image,
                               RasterState<double>& state) {
  forward_scalar(p, bins, width, height, background, image, state);
}

template <>
void rasterize_forward<float>(const ProjectedGaussians<float>& p, const TileBins& bins, int width,
                              int height, const float background[3], float* image,
                              RasterState<float>& state) {
  rasterize_forward(tile_blend_kernels(), p, bins, width, height, background, image, state);
}

template <>
void rasterize_backward<double>(const ProjectedGaussians<double>& p, const TileBins& bins,
                                int width, int height, const double background[3],
                                const double* dimage, RasterState<double>& state,
                                std::vector<double>& pair_gradients,
                                ProjectedGradients<double>& out) {
  backward_scalar(p, bins, width, height, background, dimage, state, pair_gradients);
  sum_pair_gradients(bins, p.count(), pair_gradients, out);
}

template <>
void rasterize_backward<float>(const ProjectedGaussians<float>& p, const TileBins& bins, int width,
                               int height, const float background[3], const float* dimage,
                               RasterState<float>& state, std::vector<float>& pair_gradients,
                               ProjectedGradients<float>& out) {
  rasterize_backward(tile_blend_kernels(), p, bins, width, height, background, dimage, state,
                     pair_gradients, out);
}

}  // namespace splat
