// The CUDA fused loss (L1 + D-SSIM, value and dL/dimage) and the PSNR / SSIM metrics against
// the CPU reference, on random image pairs of several sizes, outputs poisoned first.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

#include "core/cuda_backend.hpp"
#include "core/device_arena.hpp"
#include "gpu/gpu_compare.hpp"
#include "math/camera.hpp"
#include "render/image_loss.hpp"
#include "train/cuda_view_renderer.hpp"

using namespace splat;
using test::from_device;
using test::require_close;
using test::to_device;

TEST_CASE("cuda loss and metrics equal the cpu reference", "[gpu]") {
  CudaBackend backend(0);
  DeviceArena arena(backend, std::size_t(256) << 20);
  auto stream = backend.create_stream();
  CudaViewRenderer renderer(backend, arena, *stream);
  for (const auto& size : {std::pair{1, 1}, std::pair{7, 5}, std::pair{23, 19}, std::pair{64, 48},
                           std::pair{301, 173}}) {
    const int w = size.first, h = size.second;
    INFO(w << "x" << h);
    const std::size_t values = std::size_t(w) * h * 3;
    std::mt19937 rng(static_cast<unsigned>(w * 31 + h));
    std::uniform_real_distribution<float> uniform(0, 1);
    std::vector<float> image(values), target(values);
    for (std::size_t i = 0; i < values; ++i) {
      target[i] = uniform(rng);
      // Partly outside [0, 1], as renders are, so the metrics' clamp matters.
      image[i] = target[i] + 0.4f * (uniform(rng) - 0.5f);
    }
    ImageLoss<float> cpu_loss;
    std::vector<float> want_dimage(values);
    const float want =
        cpu_loss.evaluate(image.data(), target.data(), w, h, 0.2f, want_dimage.data());

    // The loss works on the last forward's image: render nothing over a background equal to
    // pixel 0, then overwrite the image buffer with the test image.
    Buffer image_device = to_device(arena, *stream, image);
    Buffer target_device = to_device(arena, *stream, target);
    PinholeCamera camera{};
    camera.fx = camera.fy = 10;
    camera.width = w, camera.height = h;
    camera.R[0] = camera.R[4] = camera.R[8] = 1;
    const GaussianArrays none{nullptr, nullptr, nullptr, nullptr, nullptr, 0, 0};
    const float background[3] = {0, 0, 0};
    renderer.set_poison_outputs(true);
    renderer.render_to(none, camera, 0, background, image_device.as<float>());
    stream->copy_async(image_device.data(), image.data(), values * sizeof(float));
    const float got = renderer.loss_against(target_device.as<float>(), 0.2f).loss;
    CHECK(got == Approx(want).epsilon(1e-5));
    require_close("dL/dimage", from_device<float>(*stream, renderer.image_gradient(), values),
                  want_dimage, 1e-4);

    const ImageQuality q =
        renderer.quality_of(image_device.as<float>(), target_device.as<float>(), w, h);
    CHECK(q.psnr == Approx(psnr(image.data(), target.data(), values)).epsilon(1e-6));
    CHECK(q.ssim == Approx(ssim_index(image.data(), target.data(), w, h))
                        .margin(5e-5));  // float moments here, double on the CPU
  }
}
