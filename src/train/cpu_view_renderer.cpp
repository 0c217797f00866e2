#include "train/cpu_view_renderer.hpp"

#include <vector>

#include "core/error.hpp"
#include "render/cpu_renderer.hpp"
#include "render/image_loss.hpp"

namespace splat {

namespace {

class CpuViewRenderer final : public ViewRenderer {
 public:
  void forward(const GaussianArrays& p, const PinholeCamera& camera, int active_sh_degree,
               const float background[3], float* image) override {
    renderer_.forward(
        {p.means, p.log_scales, p.rotations, p.opacity_logits, p.sh, p.count, p.sh_degree}, camera,
        active_sh_degree, background, image);
    image_ = image;
    width_ = camera.width;
    height_ = camera.height;
    count_ = p.count;
  }

  float loss(const float* target, float ssim_weight) override {
    SPLAT_REQUIRE(image_ != nullptr, "loss() needs a forward() first");
    dimage_.resize(static_cast<std::size_t>(width_) * height_ * 3);
    return loss_.evaluate(image_, target, width_, height_, ssim_weight, dimage_.data());
  }

  void backward(const GaussianArrays& g, float* screen_grad, float* radii) override {
    SPLAT_REQUIRE(g.count == count_, "backward() got gradients for ", g.count,
                  " Gaussians, forward() rendered ", count_);
    GaussianGrads<float> grads{g.means, g.log_scales, g.rotations, g.opacity_logits, g.sh};
    renderer_.backward(dimage_.data(), grads, screen_grad, radii);
  }

  ImageQuality quality(const float* image, const float* target, int width, int height) override {
    return {psnr(image, target, static_cast<std::size_t>(width) * height * 3),
            ssim_index(image, target, width, height)};
  }

 private:
  CpuRenderer<float> renderer_;
  ImageLoss<float> loss_;
  std::vector<float> dimage_;
  const float* image_ = nullptr;
  int width_ = 0, height_ = 0;
  std::size_t count_ = 0;
};

}  // namespace

std::unique_ptr<ViewRenderer> make_cpu_view_renderer() {
  return std::make_unique<CpuViewRenderer>();
}

}  // namespace splat
