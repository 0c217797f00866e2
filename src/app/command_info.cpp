// `splatstream info --data DIR`: loads a dataset as training would (with the same data.* keys)
// and describes it; --json prints one object for scripts, --decode also decodes every image
// through the image cache and reports the decode throughput.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "core/config_schema.hpp"
#include "core/log.hpp"
#include "io/dataset_defaults.hpp"
#include "io/image_cache.hpp"
#include "io/scene.hpp"
#include "io/scene_summary.hpp"
#include "train/train_config.hpp"

namespace splat::app {

namespace {

struct InfoOptions {
  std::string data;
  std::string config;
  std::vector<std::string> overrides;
  bool json = false;
  bool decode = false;
};

void decode_all(const Scene& scene, const DataOptions& data) {
  std::vector<SceneView> views = scene.train;
  views.insert(views.end(), scene.test.begin(), scene.test.end());
  ImageCache cache(std::move(views), image_cache_options(data));
  std::vector<int> all(cache.count());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<int>(i);
  const auto start = std::chrono::steady_clock::now();
  cache.prefetch(all);
  double megapixels = 0;
  for (std::size_t i = 0; i < cache.count(); ++i) {
    const auto image = cache.image(i);
    megapixels += image->width * double(image->height) / 1e6;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "decoded %zu images in %.2f s: %.1f images/s, %.1f MP/s (%d threads)\n",
               cache.count(), seconds, cache.count() / seconds, megapixels / seconds,
               cache.threads());
  std::fprintf(stderr, "%s\n", cache.summary().c_str());
}

int run_info(const InfoOptions& options) {
  TrainConfig config;
  ConfigSchema schema;
  bind_train_config(schema, config);
  const std::string dataset_line = apply_dataset_defaults(schema, options.data);
  if (!options.config.empty()) schema.load_yaml_file(options.config);
  for (const std::string& assignment : options.overrides) schema.apply_override(assignment);
  const Scene scene = load_scene(options.data, config.data);
  const SceneSummary summary = summarize_scene(scene);
  if (options.json)
    std::printf("%s\n", summary_json(summary).c_str());
  else
    std::printf("%s", summary_text(summary).c_str());
  if (!options.json && !dataset_line.empty())
    std::printf("settings (%s): %s\n", kDatasetDefaultsFile, dataset_line.c_str());
  if (options.decode) decode_all(scene, config.data);
  return 0;
}

}  // namespace

void register_info_command(CLI::App& app) {
  add_command(app, "info", "describe a dataset (COLMAP, Blender or transforms.json)",
              [](CLI::App& sub) {
                auto options = std::make_shared<InfoOptions>();
                sub.add_option("--data", options->data, "dataset folder")->required();
                sub.add_option("--config", options->config, "YAML config file");
                sub.add_option("--set", options->overrides,
                               "key=value override, e.g. data.images=images_4 (repeatable)");
                sub.add_flag("--json", options->json, "print one JSON object");
                sub.add_flag("--decode", options->decode,
                             "also decode every image and report the throughput");
                return [options] { return run_info(*options); };
              });
}

}  // namespace splat::app
