#include "train/run_setup.hpp"

#include <filesystem>

#include "core/config_schema.hpp"
#include "core/error.hpp"
#include "io/dataset_defaults.hpp"
#include "io/gaussian_ply.hpp"
#include "io/scene_initialization.hpp"
#include "model/spatial_order.hpp"
#include "model/trainable_gaussians.hpp"
#include "train/step_schedules.hpp"
#include "train/train_config.hpp"

namespace splat {

ResolvedConfig resolve_run_config(const std::string& data_dir, const std::string& config_file,
                                  const std::vector<std::string>& overrides,
                                  const std::string& checkpoint_path) {
  ResolvedConfig r;
  ConfigSchema schema;
  bind_train_config(schema, r.config);
  r.dataset_line = apply_dataset_defaults(schema, data_dir);
  if (!checkpoint_path.empty()) {
    SPLAT_REQUIRE(std::filesystem::exists(checkpoint_path), checkpoint_path,
                  ": no checkpoint to resume from");
    r.checkpoint = std::make_unique<CheckpointFile>(checkpoint_path);
    schema.load_yaml_text(r.checkpoint->config_yaml(), checkpoint_path);
  }
  if (!config_file.empty()) schema.load_yaml_file(config_file);
  const ScheduleRecipe recipe = schedule_recipe_of(schema, r.config, config_file);
  for (const std::string& o : overrides) schema.apply_override(o);
  r.schedule_line = finish_train_config(r.config, schema, recipe);
  r.yaml = schema.to_yaml();
  return r;
}

namespace {
GaussianModel unordered_initial_model(const TrainConfig& config, const Scene& scene) {
  if (!config.init_ply.empty()) {
    GaussianModel model = read_gaussian_ply(config.init_ply);
    SPLAT_REQUIRE(model.sh_degree == config.sh_degree, config.init_ply, ": stores SH degree ",
                  model.sh_degree, " but model.sh_degree is ", config.sh_degree);
    return model;
  }
  return initial_gaussians(scene, config.random_init_count, config.sh_degree, config.seed,
                           config.random_init_region == "cameras");
}
}  // namespace

GaussianModel initial_model(const TrainConfig& config, const Scene& scene) {
  GaussianModel model = unordered_initial_model(config, scene);
  // The order is part of the training state: every mode starts from the same rows.
  if (parse_spatial_order(config.spatial_order) == SpatialOrder::Morton)
    permute_rows(model, morton_order(model.means.data(), model.size()));
  return model;
}

std::string initial_model_source(const TrainConfig& config, const Scene& scene) {
  if (!config.init_ply.empty()) return " (from " + config.init_ply + ")";
  return scene.points.empty() ? " (random)" : " (from the sparse points)";
}

}  // namespace splat
