#include <catch2/catch.hpp>

#include "core/config_schema.hpp"
#include "core/error.hpp"
#include "train/train_config.hpp"

using namespace splat;
using Catch::Contains;

TEST_CASE("train config: the public keys exist with the reference defaults", "[config]") {
  TrainConfig config;
  ConfigSchema schema;
  bind_train_config(schema, config);
  for (const char* key :
       {"backend", "mode", "seed", "data.images", "data.resolution", "train.iterations",
        "train.batch_size", "train.eval_at", "model.sh_degree"})
    CHECK(schema.has_key(key));
  CHECK(config.iterations == 30000);
  CHECK(config.lr.sh_rest == Approx(1.25e-4f));
  CHECK(config.densify.grad_threshold == Approx(2e-4f));
  schema.apply_override("train.iterations=7000");
  schema.apply_override("train.eval_at=[1000,7000]");
  schema.apply_override("densify.max_gaussians=2M");
  CHECK(config.densify.max_gaussians == 2'000'000);
  validate_train_config(config);
  CHECK_THROWS_WITH(schema.apply_override("model.sh_degree=4"), Contains("model.sh_degree"));
  CHECK_THROWS_WITH(schema.apply_override("backend=gpu"), Contains("backend"));
  schema.apply_override("train.eval_at=9000");
  CHECK_THROWS_WITH(validate_train_config(config), Contains("train.eval_at: step 9000"));
}

TEST_CASE("train config: presets in configs/ load", "[config]") {
  for (const char* preset : {"default.yaml"}) {
    TrainConfig config;
    ConfigSchema schema;
    bind_train_config(schema, config);
    schema.load_yaml_file(std::string(SPLAT_SOURCE_DIR) + "/configs/" + preset);
    validate_train_config(config);
  }
}
