// The CUDA renderer (projection, binning, rasterizer, their backward passes) against the CPU
// reference on fresh random scenes and on edge cases. Every output the GPU writes is poisoned
// with NaN bytes first, so an element a kernel leaves unwritten fails the comparison.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/cuda_backend.hpp"
#include "core/device_arena.hpp"
#include "gpu/gpu_compare.hpp"
#include "math/tile_rect.hpp"
#include "render/cpu_renderer.hpp"
#include "render/image_loss.hpp"
#include "render/random_scene.hpp"
#include "train/cuda_view_renderer.hpp"

using namespace splat;
using Catch::Matchers::Contains;
using test::from_device;
using test::poisoned;
using test::random_scene;
using test::RandomScene;
using test::require_close;
using test::to_device;

namespace {

constexpr float kSsimWeight = 0.2f;
// Images: float blending in a different summation order (and FMA contraction on the GPU).
constexpr double kImageTolerance = 1e-4;
// Gradients summed with float atomics in a different order than the CPU's.
constexpr double kGradientTolerance = 1e-3;

// What the CPU reference gives for a scene, a target and a background.
struct Reference {
  std::vector<float> image, final_T, dimage, screen_grad, radii;
  std::vector<std::uint32_t> contributors;
  std::array<std::vector<float>, 5> grads;  // means, log_scales, rotations, opacities, sh
  float loss = 0;
  std::size_t pairs = 0;
};

Reference cpu_reference(const RandomScene<float>& scene, int active, const float background[3],
                        const std::vector<float>& target) {
  const int w = scene.camera.width, h = scene.camera.height;
  Reference r;
  r.image.resize(std::size_t(w) * h * 3);
  CpuRenderer<float> renderer;
  renderer.forward(scene.params(), scene.camera, active, background, r.image.data());
  r.final_T = renderer.raster_state().final_transmittance;
  r.contributors = renderer.raster_state().contributors;
  r.pairs = renderer.bins().pair_count();
  ImageLoss<float> loss;
  r.dimage.resize(r.image.size());
  r.loss = loss.evaluate(r.image.data(), target.data(), w, h, kSsimWeight, r.dimage.data());
  const std::size_t n = scene.count;
  r.grads = {std::vector<float>(n * 3, 0.0f), std::vector<float>(n * 3, 0.0f),
             std::vector<float>(n * 4, 0.0f), std::vector<float>(n, 0.0f),
             std::vector<float>(scene.sh.size(), 0.0f)};
  GaussianGrads<float> grads{r.grads[0].data(), r.grads[1].data(), r.grads[2].data(),
                             r.grads[3].data(), r.grads[4].data()};
  r.screen_grad.resize(n * 2);
  r.radii.resize(n);
  renderer.backward(r.dimage.data(), grads, r.screen_grad.data(), r.radii.data());
  return r;
}

std::vector<float> random_target(std::size_t values, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> uniform(0, 1);
  std::vector<float> target(values);
  for (float& v : target) v = uniform(rng);
  return target;
}

// The parameter (or gradient) arrays of a scene on the device.
struct DeviceArrays {
  std::array<Buffer, 5> arrays;
  GaussianArrays view(std::size_t count, int sh_degree) {
    return {arrays[0].as<float>(),
            arrays[1].as<float>(),
            arrays[2].as<float>(),
            arrays[3].as<float>(),
            arrays[4].as<float>(),
            count,
            sh_degree};
  }
};

DeviceArrays upload_params(DeviceArena& arena, Stream& stream, const RandomScene<float>& s) {
  return {{to_device(arena, stream, s.means), to_device(arena, stream, s.log_scales),
           to_device(arena, stream, s.rotations), to_device(arena, stream, s.opacity_logits),
           to_device(arena, stream, s.sh)}};
}

DeviceArrays zero_grads(DeviceArena& arena, Stream& stream, const RandomScene<float>& s) {
  DeviceArrays g{{arena.allocate(s.means.size() * 4, "grad"),
                  arena.allocate(s.log_scales.size() * 4, "grad"),
                  arena.allocate(s.rotations.size() * 4, "grad"),
                  arena.allocate(s.opacity_logits.size() * 4, "grad"),
                  arena.allocate(s.sh.size() * 4, "grad")}};
  for (Buffer& b : g.arrays)
    if (b.bytes() > 0) stream.fill_async(b.data(), 0, b.bytes());
  return g;
}

const char* const kGradNames[5] = {"dL/dmeans", "dL/dlog_scales", "dL/drotations",
                                   "dL/dopacity_logits", "dL/dsh"};

// Renders, takes the loss and the gradients on both backends and compares every output.
// `backward_from_reference_dimage` isolates the renderer's backward from the loss's.
// `pair_limit` > 0 caps the pairs binned at once, so the view renders in bands of tiles.
void compare_with_cpu(const RandomScene<float>& scene, int active, const float background[3],
                      unsigned target_seed, bool backward_from_reference_dimage = true,
                      std::size_t pair_limit = 0) {
  const int w = scene.camera.width, h = scene.camera.height;
  const std::size_t pixels = std::size_t(w) * h, n = scene.count;
  const auto target = random_target(pixels * 3, target_seed);
  const Reference want = cpu_reference(scene, active, background, target);

  CudaBackend backend(0);
  DeviceArena arena(backend, std::size_t(512) << 20);
  auto stream = backend.create_stream();
  CudaViewRenderer renderer(backend, arena, *stream);
  renderer.set_poison_outputs(true);
  if (pair_limit > 0) renderer.set_pair_limit(pair_limit);
  DeviceArrays params = upload_params(arena, *stream, scene);
  DeviceArrays grads = zero_grads(arena, *stream, scene);
  Buffer target_device = to_device(arena, *stream, target);
  Buffer dimage_reference = to_device(arena, *stream, want.dimage);
  Buffer image = poisoned(arena, *stream, pixels * 3 * sizeof(float));
  Buffer screen_grad = poisoned(arena, *stream, n * 2 * sizeof(float));
  Buffer radii = poisoned(arena, *stream, n * sizeof(float));

  renderer.render_to(params.view(n, scene.sh_degree), scene.camera, active, background,
                     image.as<float>());
  // Rounding may move a radius across an integer (radius = ceil(3 sigma)) or a disc edge across
  // a tile border for a rare Gaussian; anything systematic moves many.
  const std::size_t gaussian_outliers = 1 + n / 2000;
  const std::size_t pixel_outliers = std::max<std::size_t>(2, pixels / 5000);
  CHECK(std::abs(double(renderer.pair_count()) - double(want.pairs)) <=
        double(4 * gaussian_outliers));
  if (pair_limit > 0) {
    INFO(renderer.pair_count() << " pairs, at most " << pair_limit << " at once");
    CHECK(renderer.pair_count() > pair_limit);  // the case is meant to need bands
    CHECK(renderer.band_count() >= (renderer.pair_count() + pair_limit - 1) / pair_limit);
    CHECK(renderer.banded_rendering().views == (renderer.band_count() > 1 ? 1u : 0u));
  }
  require_close("image", from_device<float>(*stream, image.data(), pixels * 3), want.image,
                kImageTolerance, pixel_outliers);
  require_close("final transmittance",
                from_device<float>(*stream, renderer.final_transmittance(), pixels), want.final_T,
                kImageTolerance, pixel_outliers);
  // Counts agree exactly except where float rounding moves a cut-off (alpha 1/255, T 1e-4).
  require_close("contributors",
                from_device<std::uint32_t>(*stream, renderer.contributors(), pixels),
                want.contributors, 0.0, pixel_outliers);

  const float loss = renderer.loss_against(target_device.as<float>(), kSsimWeight).loss;
  CHECK(loss == Approx(want.loss).epsilon(1e-5));
  require_close("dL/dimage", from_device<float>(*stream, renderer.image_gradient(), pixels * 3),
                want.dimage, kImageTolerance, pixel_outliers);

  if (backward_from_reference_dimage)
    renderer.backward_from(dimage_reference.as<float>(), grads.view(n, scene.sh_degree),
                           screen_grad.as<float>(), radii.as<float>());
  else
    renderer.backward(grads.view(n, scene.sh_degree), screen_grad.as<float>(), radii.as<float>());
  require_close("radii", from_device<float>(*stream, radii.data(), n), want.radii, 0.0,
                gaussian_outliers);
  require_close("screen-space gradient", from_device<float>(*stream, screen_grad.data(), n * 2),
                want.screen_grad, kGradientTolerance);
  for (int a = 0; a < 5; ++a)
    require_close(kGradNames[a],
                  from_device<float>(*stream, grads.arrays[a].data(), want.grads[a].size()),
                  want.grads[a], kGradientTolerance);
  CHECK(arena.peak() <= arena.budget());
}

// Puts Gaussian i at camera-space position p: x_w = R^T (p - t).
void place_in_camera(RandomScene<float>& s, std::size_t i, const double p[3]) {
  for (int a = 0; a < 3; ++a) {
    double w = 0;
    for (int b = 0; b < 3; ++b) w += s.camera.R[b * 3 + a] * (p[b] - s.camera.t[b]);
    s.means[i * 3 + a] = static_cast<float>(w);
  }
}

// Camera-space point that projects to pixel (u, v) at depth z.
void at_pixel(const PinholeCamera& c, double u, double v, double z, double p[3]) {
  p[0] = (u - c.cx) / c.fx * z;
  p[1] = (v - c.cy) / c.fy * z;
  p[2] = z;
}

const float kBlack[3] = {0, 0, 0};
const float kGrey[3] = {0.3f, 0.5f, 0.2f};

}  // namespace

TEST_CASE("cuda renderer equals the cpu reference on random scenes", "[gpu]") {
  for (unsigned seed = 1; seed <= 4; ++seed) {
    INFO("seed " << seed);
    const int w = 64 + 7 * static_cast<int>(seed), h = 48 + 5 * static_cast<int>(seed);
    const auto scene = random_scene<float>(seed, 400 * seed, w, h, 3);
    compare_with_cpu(scene, 3, seed % 2 ? kBlack : kGrey, 100 + seed);
  }
}

TEST_CASE("cuda renderer: lower active SH degrees than stored", "[gpu]") {
  for (int active = 0; active <= 2; ++active) {
    INFO("active degree " << active);
    const auto scene = random_scene<float>(20 + active, 300, 70, 50, 3);
    compare_with_cpu(scene, active, kGrey, 30 + active);
  }
  const auto degree0 = random_scene<float>(25, 300, 70, 50, 0);
  compare_with_cpu(degree0, 0, kGrey, 35);
}

TEST_CASE("cuda renderer: the loss's own image gradient through backward()", "[gpu]") {
  const auto scene = random_scene<float>(40, 800, 96, 80, 3);
  compare_with_cpu(scene, 3, kGrey, 41, false);
}

TEST_CASE("cuda renderer: many batches per tile and saturated pixels", "[gpu]") {
  // Large, opaque, overlapping Gaussians: tiles hold more than one 256-Gaussian batch, and most
  // pixels stop early at T < 1e-4 (early exit in the forward pass, skipped entries backward).
  auto scene = random_scene<float>(50, 5000, 48, 40, 1, 0.8f);
  for (float& s : scene.log_scales) s += 1.2f;
  for (float& o : scene.opacity_logits) o += 2.0f;
  compare_with_cpu(scene, 1, kGrey, 51);
}

TEST_CASE("cuda renderer: 1x1 and odd-sized images", "[gpu]") {
  for (const auto& size : {std::pair{1, 1}, std::pair{17, 1}, std::pair{1, 23}, std::pair{33, 17},
                           std::pair{37, 29}, std::pair{129, 31}}) {
    INFO(size.first << "x" << size.second);
    const auto scene = random_scene<float>(60, 120, size.first, size.second, 2, 1.3f);
    compare_with_cpu(scene, 2, kGrey, 61);
  }
}

TEST_CASE("cuda renderer: behind the camera, near plane, borders, degenerate shapes", "[gpu]") {
  auto scene = random_scene<float>(70, 200, 80, 60, 3);
  const PinholeCamera& c = scene.camera;
  double p[3];
  std::size_t i = 0;
  // Behind the camera and just behind / just beyond the near plane.
  for (double z : {-2.0, -0.05, 0.0, double(c.near_plane) - 1e-3, double(c.near_plane) + 2e-3,
                   double(c.near_plane) + 0.05}) {
    at_pixel(c, 40, 30, z, p);
    place_in_camera(scene, i++, p);
  }
  // Centres on and beyond the image borders and corners, large enough to reach inside.
  for (const auto& uv : {std::pair{0.0, 30.0}, std::pair{80.0, 30.0}, std::pair{40.0, 0.0},
                         std::pair{40.0, 60.0}, std::pair{-6.0, -6.0}, std::pair{86.0, 66.0},
                         std::pair{-40.0, 30.0}, std::pair{16.0, 16.0}, std::pair{32.0, 47.5}}) {
    at_pixel(c, uv.first, uv.second, 4.0, p);
    place_in_camera(scene, i, p);
    for (int a = 0; a < 3; ++a) scene.log_scales[i * 3 + a] = -1.6f;
    ++i;
  }
  // Degenerate shapes: a point, a needle, a flat disc, a huge blob, a zero quaternion.
  const float shapes[5][3] = {
      {-30, -30, -30}, {-30, -30, -1}, {-1, -1, -30}, {1, 1, 1}, {-2, -2, -2}};
  for (const auto& shape : shapes) {
    at_pixel(c, 20 + 8.0 * double(i % 5), 25, 4.0, p);
    place_in_camera(scene, i, p);
    for (int a = 0; a < 3; ++a) scene.log_scales[i * 3 + a] = shape[a];
    ++i;
  }
  for (int a = 0; a < 4; ++a) scene.rotations[(i - 1) * 4 + a] = 0;
  compare_with_cpu(scene, 3, kGrey, 71);
}

TEST_CASE("cuda renderer: nothing in view, and no Gaussians at all", "[gpu]") {
  auto scene = random_scene<float>(80, 150, 40, 30, 1);
  double p[3];
  for (std::size_t i = 0; i < scene.count; ++i) {
    at_pixel(scene.camera, 20, 15, -1.0 - 0.01 * double(i), p);
    place_in_camera(scene, i, p);
  }
  compare_with_cpu(scene, 1, kGrey, 81);
  auto empty = random_scene<float>(82, 0, 40, 30, 1);
  compare_with_cpu(empty, 1, kGrey, 83);
}

TEST_CASE("cuda renderer: backward adds to the gradients, and forward is deterministic", "[gpu]") {
  const auto scene = random_scene<float>(90, 600, 64, 64, 3);
  const std::size_t n = scene.count, pixels = 64 * 64;
  CudaBackend backend(0);
  DeviceArena arena(backend, std::size_t(256) << 20);
  auto stream = backend.create_stream();
  CudaViewRenderer renderer(backend, arena, *stream);
  DeviceArrays params = upload_params(arena, *stream, scene);
  DeviceArrays grads = zero_grads(arena, *stream, scene);
  Buffer target = to_device(arena, *stream, random_target(pixels * 3, 91));
  Buffer image = poisoned(arena, *stream, pixels * 3 * 4);
  Buffer screen_grad = poisoned(arena, *stream, n * 2 * 4);
  Buffer radii = poisoned(arena, *stream, n * 4);
  renderer.render_to(params.view(n, 3), scene.camera, 3, kGrey, image.as<float>());
  const auto first_image = from_device<float>(*stream, image.data(), pixels * 3);
  renderer.loss_against(target.as<float>(), kSsimWeight).loss;
  renderer.backward(grads.view(n, 3), screen_grad.as<float>(), radii.as<float>());
  std::array<std::vector<float>, 5> once;
  for (int a = 0; a < 5; ++a)
    once[a] = from_device<float>(*stream, grads.arrays[a].data(), grads.arrays[a].count<float>());
  renderer.render_to(params.view(n, 3), scene.camera, 3, kGrey, image.as<float>());
  // The sort is stable and the blend order fixed: the image is bit-identical.
  CHECK(from_device<float>(*stream, image.data(), pixels * 3) == first_image);
  renderer.loss_against(target.as<float>(), kSsimWeight).loss;
  renderer.backward(grads.view(n, 3), screen_grad.as<float>(), radii.as<float>());
  for (int a = 0; a < 5; ++a) {
    std::vector<float> twice(once[a].size());
    for (std::size_t k = 0; k < twice.size(); ++k) twice[k] = 2 * once[a][k];
    require_close(std::string(kGradNames[a]) + " after two backward passes",
                  from_device<float>(*stream, grads.arrays[a].data(), once[a].size()), twice,
                  kGradientTolerance);
  }
}

TEST_CASE("cuda renderer: workspaces grow and are reused across view sizes", "[gpu]") {
  CudaBackend backend(0);
  DeviceArena arena(backend, std::size_t(512) << 20);
  auto stream = backend.create_stream();
  CudaViewRenderer renderer(backend, arena, *stream);
  for (const auto& size : {std::pair{160, 120}, std::pair{20, 10}, std::pair{160, 120}}) {
    const auto scene = random_scene<float>(100 + size.first, 2000, size.first, size.second, 1);
    const std::size_t pixels = std::size_t(size.first) * size.second;
    const Reference want = cpu_reference(scene, 1, kGrey, random_target(pixels * 3, 7));
    DeviceArrays params = upload_params(arena, *stream, scene);
    Buffer image = poisoned(arena, *stream, pixels * 3 * 4);
    renderer.set_poison_outputs(true);
    renderer.render_to(params.view(scene.count, 1), scene.camera, 1, kGrey, image.as<float>());
    require_close("image", from_device<float>(*stream, image.data(), pixels * 3), want.image,
                  kImageTolerance, std::max<std::size_t>(2, pixels / 5000));
  }
  CHECK(arena.peak() <= arena.budget());
}

// What the offload engine does after laying out its arena: the workspaces of the largest view
// taken at once, as cuda_render_workspace_bytes counts them; a view within that size then
// renders, takes its loss and differentiates without one more allocation.
TEST_CASE("cuda renderer: reserved workspaces cover a view within their size", "[gpu]") {
  const auto scene = random_scene<float>(92, 3000, 128, 96, 3);
  const std::size_t n = scene.count, pixels = 128 * 96;
  CudaBackend backend(0);
  DeviceArena arena(backend, std::size_t(256) << 20);
  auto stream = backend.create_stream();
  CudaViewRenderer renderer(backend, arena, *stream);
  DeviceArrays params = upload_params(arena, *stream, scene);
  DeviceArrays grads = zero_grads(arena, *stream, scene);
  const ViewImage truth{128, 96, random_target(pixels * 3, 93)};
  Buffer screen_grad = poisoned(arena, *stream, n * 2 * 4);
  Buffer radii = poisoned(arena, *stream, n * 4);
  // Pairs as many as the tiles allow for every Gaussian: an upper bound for this view.
  const std::size_t pairs = n * tiles_across(128) * tiles_across(96);
  const std::size_t before = arena.in_use();
  renderer.reserve_workspaces(n, 128, 96, pairs);
  const std::size_t reserved = arena.in_use() - before;
  CHECK(reserved <= cuda_render_workspace_bytes(n, 128, 96, pairs));
  const std::size_t allocations = arena.live_allocations();
  renderer.forward(params.view(n, 3), scene.camera, 3, kGrey, nullptr);
  renderer.loss(truth, kSsimWeight);
  renderer.backward(grads.view(n, 3), screen_grad.as<float>(), radii.as<float>());
  stream->synchronize();
  CHECK(arena.live_allocations() == allocations);
  CHECK(arena.in_use() - before == reserved);
  renderer.release_workspaces();
  CHECK(arena.in_use() == before);
}

// A view with more Gaussian-tile pairs than the renderer may bin at once (the offload engine
// reserves a pair workspace for its working set and never grows it) renders in bands of tiles:
// the same per-tile lists in the same order, so the same image bit for bit, and the same
// gradients up to the order of float atomics.
TEST_CASE("cuda renderer: views with more pairs than the limit render in bands", "[gpu]") {
  // Large Gaussians on a small image: many pairs per Gaussian, several batches per tile.
  auto scene = random_scene<float>(110, 700, 100, 76, 2, 0.9f);
  for (float& s : scene.log_scales) s += 0.8f;
  const std::size_t n = scene.count;
  // Against the CPU reference, at limits from about half the view's 5665 pairs down to one per
  // Gaussian (the
  // least any view of n Gaussians can need: a tile holds each Gaussian at most once).
  for (std::size_t limit : {std::size_t{3000}, n * 2, n}) {
    INFO("pair limit " << limit);
    compare_with_cpu(scene, 2, kGrey, 111, true, limit);
  }
  compare_with_cpu(scene, 2, kGrey, 112, false, n);  // the loss's own dL/dimage

  // Against the same renderer binning everything at once.
  const int w = scene.camera.width, h = scene.camera.height;
  const std::size_t pixels = std::size_t(w) * h;
  CudaBackend backend(0);
  DeviceArena arena(backend, std::size_t(256) << 20);
  auto stream = backend.create_stream();
  const ViewImage truth{w, h, random_target(pixels * 3, 113)};
  struct Outputs {
    std::vector<float> image, final_T;
    std::vector<std::uint32_t> contributors;
    std::array<std::vector<float>, 5> grads;
    std::vector<float> screen_grad, radii;
    std::size_t bands = 0;
  };
  auto run = [&](std::size_t limit, bool reserve) {
    CudaViewRenderer renderer(backend, arena, *stream);
    renderer.set_poison_outputs(true);
    DeviceArrays params = upload_params(arena, *stream, scene);
    DeviceArrays grads = zero_grads(arena, *stream, scene);
    Buffer screen_grad = poisoned(arena, *stream, n * 2 * 4);
    Buffer radii = poisoned(arena, *stream, n * 4);
    // Reserved as the offload engine does: the pair workspace is never grown past `limit`.
    if (reserve) renderer.reserve_workspaces(n, w, h, limit);
    if (!reserve && limit > 0) renderer.set_pair_limit(limit);
    const std::size_t allocations = arena.live_allocations();
    renderer.forward(params.view(n, 2), scene.camera, 2, kGrey, nullptr);
    renderer.loss(truth, kSsimWeight);
    renderer.backward(grads.view(n, 2), screen_grad.as<float>(), radii.as<float>());
    ViewImage image;
    renderer.read_image(image);
    if (reserve) CHECK(arena.live_allocations() == allocations);
    Outputs o;
    o.image = image.rgb;
    o.final_T = from_device<float>(*stream, renderer.final_transmittance(), pixels);
    o.contributors = from_device<std::uint32_t>(*stream, renderer.contributors(), pixels);
    for (int a = 0; a < 5; ++a)
      o.grads[a] =
          from_device<float>(*stream, grads.arrays[a].data(), grads.arrays[a].count<float>());
    o.screen_grad = from_device<float>(*stream, screen_grad.data(), n * 2);
    o.radii = from_device<float>(*stream, radii.data(), n);
    o.bands = renderer.band_count();
    return o;
  };
  const Outputs whole = run(0, false);
  CHECK(whole.bands == 1);
  for (const bool reserve : {false, true}) {
    INFO((reserve ? "reserved" : "limited") << " to one pair per Gaussian");
    const Outputs banded = run(n, reserve);
    CHECK(banded.bands > 2);
    CHECK(banded.image == whole.image);
    CHECK(banded.final_T == whole.final_T);
    CHECK(banded.contributors == whole.contributors);
    CHECK(banded.radii == whole.radii);
    require_close("screen-space gradient", banded.screen_grad, whole.screen_grad,
                  kGradientTolerance);
    for (int a = 0; a < 5; ++a)
      require_close(kGradNames[a], banded.grads[a], whole.grads[a], kGradientTolerance);
  }
}

TEST_CASE("cuda renderer: a tile with more pairs than the limit is a clear error", "[gpu]") {
  auto scene = random_scene<float>(120, 50, 32, 32, 1);
  for (float& s : scene.log_scales) s = 0.5f;  // every Gaussian covers every tile
  CudaBackend backend(0);
  DeviceArena arena(backend, std::size_t(64) << 20);
  auto stream = backend.create_stream();
  CudaViewRenderer renderer(backend, arena, *stream);
  DeviceArrays params = upload_params(arena, *stream, scene);
  renderer.set_pair_limit(scene.count - 1);
  CHECK_THROWS_WITH(renderer.forward(params.view(scene.count, 1), scene.camera, 1, kGrey, nullptr),
                    Contains("more than the renderer's") && Contains("at least one per Gaussian"));
  CHECK_THROWS_WITH(renderer.set_pair_limit(0), Contains("at least one"));
}
