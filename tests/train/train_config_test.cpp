#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

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
  schema.apply_override("offload.resident=geometry");
  CHECK(config.offload.resident == "geometry");
  CHECK_THROWS_WITH(schema.apply_override("offload.resident=all"), Contains("offload.resident"));
  schema.apply_override("train.eval_at=9000");
  CHECK_THROWS_WITH(validate_train_config(config), Contains("train.eval_at: step 9000"));
}

namespace {
TrainConfig load_preset(const std::filesystem::path& file) {
  TrainConfig config;
  ConfigSchema schema;
  bind_train_config(schema, config);
  schema.load_yaml_file(file.string());
  validate_train_config(config);
  return config;
}
}  // namespace

// A preset that stops loading (a renamed key, a value out of range) fails here, not in a
// user's run.
TEST_CASE("train config: every file in configs/ loads through the schema", "[config]") {
  std::vector<std::filesystem::path> files;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(SPLAT_SOURCE_DIR) + "/configs"))
    files.push_back(entry.path());
  REQUIRE(files.size() >= 6);
  for (const auto& file : files) {
    INFO(file);
    CHECK(file.extension() == ".yaml");
    CHECK_NOTHROW(load_preset(file));
  }
}

// The presets the docs promise say what they are for.
TEST_CASE("train config: the memory presets set what their names say", "[config]") {
  const std::string dir = std::string(SPLAT_SOURCE_DIR) + "/configs/";
  CHECK(load_preset(dir + "resident.yaml").mode == "resident");
  const TrainConfig offload = load_preset(dir + "offload.yaml");
  CHECK(offload.mode == "offload");
  CHECK(offload.offload.gpu_budget == std::size_t{8} << 30);
  const TrainConfig small = load_preset(dir + "offload-4gb.yaml");
  CHECK(small.mode == "offload");
  CHECK(small.offload.gpu_budget == std::size_t{4} << 30);
  const TrainConfig geometry = load_preset(dir + "offload-geometry.yaml");
  CHECK(geometry.mode == "offload");
  CHECK(geometry.offload.resident == "geometry");
  const TrainConfig city = load_preset(dir + "city-100m.yaml");
  CHECK(city.mode == "offload");
  CHECK(city.offload.gpu_budget <= std::size_t{16} << 30);
  CHECK(city.densify.max_gaussians == 100'000'000);
}
