// `splatstream config`: the effective configuration (defaults, then a preset, then overrides)
// with every key's meaning, as train would use it.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "core/config_schema.hpp"
#include "train/step_schedules.hpp"
#include "train/train_config.hpp"

namespace splat::app {

void register_config_command(CLI::App& app) {
  add_command(app, "config", "print the effective configuration and what each key means",
              [](CLI::App& sub) {
                auto file = std::make_shared<std::string>();
                auto overrides = std::make_shared<std::vector<std::string>>();
                sub.add_option("--config", *file, "YAML preset (see configs/)");
                sub.add_option("--set", *overrides, "override a key: --set train.iterations=7000");
                return [file, overrides] {
                  TrainConfig config;
                  ConfigSchema schema;
                  bind_train_config(schema, config);
                  if (!file->empty()) schema.load_yaml_file(*file);
                  const ScheduleRecipe recipe = schedule_recipe_of(schema, config, *file);
                  for (const std::string& o : *overrides) schema.apply_override(o);
                  const std::string scaled = finish_train_config(config, schema, recipe);
                  if (!scaled.empty()) std::printf("# %s\n", scaled.c_str());
                  std::printf("%s", schema.to_yaml().c_str());
                  return 0;
                };
              });
}

}  // namespace splat::app
