// `splatstream render` and `splatstream eval`: a trained model (PLY) at a dataset's views.
// render writes the images beside their ground truth; eval prints PSNR and SSIM.
#include <nlohmann/json.hpp>

#include <cstdio>
#include <memory>

#include "app/commands.hpp"
#include "train/model_views.hpp"
#include "train/run_outputs.hpp"

namespace splat::app {

namespace {

void add_model_options(CLI::App& sub, ModelViewsOptions& o) {
  sub.add_option("--model", o.model_path, "trained model, a 3DGS PLY file")->required();
  sub.add_option("--data", o.data_dir, "dataset folder")->required();
  sub.add_option("--split", o.split, "test, train or all")->capture_default_str();
  sub.add_option("--set", o.overrides, "override a config key, e.g. data.resolution=4");
}

void print_summary(const Evaluation& e) {
  std::printf("%zu views: PSNR %.2f dB, SSIM %.4f\n", e.views.size(), e.mean_psnr, e.mean_ssim);
}

}  // namespace

void register_render_command(CLI::App& app) {
  add_command(app, "render", "render a trained model at a dataset's views", [](CLI::App& sub) {
    auto o = std::make_shared<ModelViewsOptions>();
    auto out = std::make_shared<std::string>();
    add_model_options(sub, *o);
    sub.add_option("--out", *out, "folder for renders/ and gt/")->required();
    return [o, out] {
      const Evaluation e = render_model_views(
          *o, [&](const std::string& name, const ViewImage& render, const ViewImage& truth) {
            write_render_pair(*out, name, render, truth);
          });
      print_summary(e);
      std::printf("renders in %s/renders, ground truth in %s/gt\n", out->c_str(), out->c_str());
      return 0;
    };
  });
}

void register_eval_command(CLI::App& app) {
  add_command(app, "eval", "score a trained model on a dataset's views", [](CLI::App& sub) {
    auto o = std::make_shared<ModelViewsOptions>();
    auto json = std::make_shared<bool>(false);
    add_model_options(sub, *o);
    sub.add_flag("--json", *json, "print one JSON object");
    return [o, json] {
      const Evaluation e = render_model_views(*o, {});
      if (*json) {
        nlohmann::json views = nlohmann::json::array();
        for (const ViewScore& v : e.views)
          views.push_back({{"name", v.name}, {"psnr", v.psnr}, {"ssim", v.ssim}});
        const nlohmann::json out = {{"split", o->split},
                                    {"views", e.views.size()},
                                    {"psnr", e.mean_psnr},
                                    {"ssim", e.mean_ssim},
                                    {"per_view", views}};
        std::printf("%s\n", out.dump(2).c_str());
      } else {
        for (const ViewScore& v : e.views)
          std::printf("%-40s PSNR %6.2f  SSIM %.4f\n", v.name.c_str(), v.psnr, v.ssim);
        print_summary(e);
      }
      return 0;
    };
  });
}

}  // namespace splat::app
