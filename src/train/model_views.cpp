#include "train/model_views.hpp"

#include "core/config_schema.hpp"
#include "core/error.hpp"
#include "core/log.hpp"
#include "io/dataset_defaults.hpp"
#include "io/gaussian_ply.hpp"
#include "io/image_cache.hpp"
#include "io/scene.hpp"
#include "train/render_backend.hpp"

namespace splat {

Evaluation render_model_views(const ModelViewsOptions& options, const NamedRenderSink& sink) {
  SPLAT_REQUIRE(options.split == "test" || options.split == "train" || options.split == "all",
                "--split must be test, train or all, not '", options.split, "'");
  TrainConfig config;
  ConfigSchema schema;
  bind_train_config(schema, config);
  const std::string dataset_line = apply_dataset_defaults(schema, options.data_dir);
  if (!dataset_line.empty()) log_info("dataset settings: ", dataset_line);
  for (const std::string& o : options.overrides) schema.apply_override(o);

  TrainableGaussians model;
  model.params = read_gaussian_ply(options.model_path);
  model.reset_optimizer_state();
  const Scene scene = load_scene(options.data_dir, config.data);
  std::vector<SceneView> views;
  if (options.split != "train") views = scene.test;
  if (options.split != "test") views.insert(views.end(), scene.train.begin(), scene.train.end());
  SPLAT_REQUIRE(!views.empty(), options.data_dir, ": the dataset has no ", options.split, " views");

  auto backend = make_render_backend(config);
  log_info("rendering ", model.size(), " Gaussians at ", views.size(), " ", options.split,
           " views on ", backend->description());
  auto store = backend->make_store(model);
  ImageCache images(views, image_cache_options(config.data));
  const float level = config.data.background == "white" ? 1.0f : 0.0f;
  const float background[3] = {level, level, level};

  Evaluation evaluation;
  ViewImage render;
  for (std::size_t v = 0; v < images.count(); ++v) {
    if (v + 1 < images.count()) images.prefetch({static_cast<int>(v + 1)});
    const auto truth = images.image(v);
    backend->renderer().forward(store->params(), images.camera(v), model.params.sh_degree,
                                background);
    const ImageQuality q = backend->renderer().quality(*truth);
    evaluation.views.push_back({images.name(v), q.psnr, q.ssim});
    evaluation.mean_psnr += q.psnr / static_cast<double>(images.count());
    evaluation.mean_ssim += q.ssim / static_cast<double>(images.count());
    if (sink) {
      backend->renderer().read_image(render);
      sink(images.name(v), render, *truth);
    }
  }
  return evaluation;
}

}  // namespace splat
