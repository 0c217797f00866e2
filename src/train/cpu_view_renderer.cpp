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
               const float background[3], const std::uint32_t* order_keys) override {
    width_ = camera.width;
    height_ = camera.height;
    count_ = p.count;
    image_.resize(static_cast<std::size_t>(width_) * height_ * 3);
    renderer_.forward(
        {p.means, p.log_scales, p.rotations, p.opacity_logits, p.sh, p.count, p.sh_degree}, camera,
        active_sh_degree, background, image_.data(), order_keys);
  }

  LossValue loss(const ViewImage& truth, float ssim_weight) override {
    check_size(truth);
    dimage_.resize(image_.size());
    const float value = loss_.evaluate(image_.data(), truth.rgb.data(), width_, height_,
                                       ssim_weight, dimage_.data());
    double squared = 0;
    for (std::size_t i = 0; i < image_.size(); ++i) {
      const double d = image_[i] - truth.rgb[i];
      squared += d * d;
    }
    return {value, static_cast<float>(squared / static_cast<double>(image_.size()))};
  }

  void backward(const GaussianArrays& g, float* screen_grad, float* radii) override {
    SPLAT_REQUIRE(g.count == count_, "backward() got gradients for ", g.count,
                  " Gaussians, forward() rendered ", count_);
    GaussianGrads<float> grads{g.means, g.log_scales, g.rotations, g.opacity_logits, g.sh};
    renderer_.backward(dimage_.data(), grads, screen_grad, radii);
  }

  void read_image(ViewImage& out) override {
    out.width = width_;
    out.height = height_;
    out.rgb = image_;
  }

  ImageQuality quality(const ViewImage& truth) override {
    check_size(truth);
    return {psnr(image_.data(), truth.rgb.data(), image_.size()),
            ssim_index(image_.data(), truth.rgb.data(), width_, height_)};
  }

 private:
  void check_size(const ViewImage& truth) const {
    SPLAT_REQUIRE(truth.width == width_ && truth.height == height_, "the image is ", truth.width,
                  "x", truth.height, " but the rendered view is ", width_, "x", height_);
  }

  CpuRenderer<float> renderer_;
  ImageLoss<float> loss_;
  std::vector<float> image_, dimage_;
  int width_ = 0, height_ = 0;
  std::size_t count_ = 0;
};

}  // namespace

std::unique_ptr<ViewRenderer> make_cpu_view_renderer() {
  return std::make_unique<CpuViewRenderer>();
}

}  // namespace splat
